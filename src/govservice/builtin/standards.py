"""Built-in station standards: the "five ones" (五个一) and ISO 9001 certification."""

from __future__ import annotations

from collections.abc import Callable

from govservice.hookspecs import hookimpl
from govservice.model import StationLevel
from govservice.standards import Criterion, Standard, describe_certificate, holds_certificate

FIVE_ONES = Standard(
    id="five-ones",
    name="村级便民服务站“五个一”建设标准",
    levels={StationLevel.VILLAGE_STATION},
    criteria=(
        Criterion(code="service-room", text="一间整洁的便民服务室"),
        Criterion(code="open-counter", text="一组开放式服务台"),
        Criterion(code="office-equipment", text="一套办公设备"),
        Criterion(code="flow-chart", text="一张办事流程图"),
        Criterion(code="service-register", text="一本便民服务登记台账"),
    ),
)

ISO_9001 = Standard(
    id="iso-9001",
    name="农村社区便民服务中心 ISO 9001 质量管理体系认证",
    levels={StationLevel.COMMUNITY_CENTRE},
    criteria=(
        Criterion(
            code="iso-9001-certificate",
            text="持有有效的 ISO 9001 质量管理体系认证证书",
            check=holds_certificate("ISO 9001"),
            explain=describe_certificate("ISO 9001"),
        ),
    ),
)


@hookimpl
def govservice_register_station_standards(register: Callable[[Standard], None]) -> None:
    register(FIVE_ONES)
    register(ISO_9001)
