"""The two county plugins, installed as distributions and named in a YAML configuration,
change outcomes in their own counties and leave Dongying District untouched.

The README's test command installs ``plugins/govservice-guangrao`` and
``plugins/govservice-lijin``; these tests need them installed.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from govservice.errors import RulesBlockedError
from govservice.model import CaseEvent
from govservice.service import GovService
from govservice.testing import START, make_case, make_item


@pytest.fixture
def service(tmp_path, monkeypatch) -> GovService:
    monkeypatch.delenv("GOVSERVICE_PLUGINS")  # load what is installed, as a county would
    config = tmp_path / "dongying.yaml"
    config.write_text(
        textwrap.dedent(
            f"""\
            name: 东营市政务服务中心
            region: "370500"
            strict: true
            plugins:
              - name: guangrao
                regions: ["370523"]
              - name: lijin
                regions: ["370522"]
                settings:
                  event_log: {tmp_path / "lijin-events.jsonl"}
            """
        ),
        encoding="utf-8",
    )
    return GovService(config)


def test_both_county_plugins_come_from_their_entry_points(service):
    loaded = service.plugins.loaded
    assert (loaded["guangrao"].source, loaded["guangrao"].regions) == ("entry point", {"370523"})
    assert (loaded["lijin"].source, loaded["lijin"].regions) == ("entry point", {"370522"})


def test_a_guangrao_construction_case_needs_the_extra_material(service):
    item = make_item(department="广饶县住房和城乡建设局", region="370523")
    names = [m.name for m in service.missing_materials(item, make_case(item, region="370523"))]
    assert "建设项目安全生产承诺书" in names


def test_a_lijin_river_case_without_permit_is_blocked_with_the_plugins_message(service):
    item = make_item(department="利津县水务局", region="370522")
    case = make_case(item, region="370522")
    with pytest.raises(RulesBlockedError) as raised:
        service.enforce_rules(case, item, "accept")
    (finding,) = raised.value.findings
    assert (finding.code, finding.plugin) == ("LIJIN-RIVER-PERMIT-MISSING", "lijin")
    assert "河道" in finding.message
    permitted = make_case(
        item, region="370522", attributes={"river_permit_number": "利河许2015第012号"}
    )
    assert service.enforce_rules(permitted, item, "accept").allowed


def test_a_dongying_district_case_is_untouched_by_both(service, tmp_path):
    for department in ("东营区住房和城乡建设局", "东营区水务局"):
        item = make_item(department=department, region="370502")
        case = make_case(item, region="370502")
        assert service.required_materials(item, case) == item.materials
        assert service.check_rules(case, item, "accept") == service.check_rules(
            case, item, "apply"
        )
        assert service.check_rules(case, item, "accept").blocking == ()
        event = CaseEvent(
            at=START, actor="clerk-1", role="window_clerk", action="accept", to_state="accepted"
        )
        service.notify(case, event)
    assert not (tmp_path / "lijin-events.jsonl").exists()


def test_lijin_writes_its_own_events_only(service, tmp_path):
    event = CaseEvent(
        at=START, actor="clerk-1", role="window_clerk", action="accept", to_state="accepted"
    )
    lijin = make_case(region="370522")
    service.notify(lijin, event)
    service.notify(make_case(region="370523"), event)
    lines = (tmp_path / "lijin-events.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["case_id"] for line in lines] == [lijin.id]
