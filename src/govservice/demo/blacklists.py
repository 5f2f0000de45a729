"""The demo's blacklists (黑名单) of 2015: our own list, the court's list of dishonest
debtors, a national sector list, the three partner cities' signed exchange files and ours,
screening that bars a listed agency from the supermarket's draws and refuses one case,
and the exposure board beside the report.

- :data:`OWN_LIST`: six listings of our own (本级认定, 东营市公共资源交易监督管理办公室),
  each listed on its day: an enterprise by credit code, a person by identity number, one by
  its legacy organisation code only, one revoked by credit repair (信用修复) in September,
  one whose periods end in July (its expiry recorded at the year's end), and one agency of
  the intermediary supermarket (:func:`listed_agency`), listed on 20 October: the
  supermarket's next draw for its service (one, with seed 7) leaves it out, naming the
  entry and its source.
- :data:`COURT_RECORDS`: the city court's list as the court publishes it (the shape of
  ``examples/dongying/court-dishonest-2015.json``), loaded whole twice through the
  ``dongying-court`` source: on 1 July (the listings published by then) and on 1 December
  (all; one debtor who performed is no longer on it, so its entry is revoked).
- :data:`SECTOR_ENTRY`: one listing of the national government-procurement list.
- :data:`PARTNER_LISTS`: Dezhou (371400), Binzhou (371600) and Jinan (370100) each send a
  full file in spring and a delta in autumn (an addition, a revocation or a change), signed
  with the city's Ed25519 key (:func:`partner_key`: made by the demo from the city's code,
  the same every run; their public keys are in the demo's configuration,
  :func:`config_lines`) and loaded through the ``dezhou``/``binzhou``/``jinan`` sources
  (``exchange-<region>.json`` holds the city's latest file). Jinan lists a company the
  court lists too: the subject shows both sources.
- we send our own list on 30 June (full) and 31 December (a delta), signed with the
  centre's key: ``exchange-370500-1.json``, ``exchange-370500-2.json``.
- :data:`SCREENED_ITEM` requires screening (``Item.requires_screening``): on 7 December
  a company on the court's list applies for it; acceptance is refused by the screening
  (GS641, naming the entry and its source) and the clerk records 不予受理 with that reason.

Nothing here is drawn at random: the year is the same whatever the seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
from stdnum.cn import ric, uscc

from govservice.clock import SHANGHAI
from govservice.demo.catalog import organisation_code
from govservice.model import (
    BlacklistEntry,
    Case,
    Identifier,
    ListingSource,
    Party,
    Revocation,
    SectorRecord,
)

YEAR = 2015
REGION = "370500"
AUTHORITY = "东营市公共资源交易监督管理办公室"
COURT_SOURCE = "dongying-court"
COURT_FILE = "court-dishonest-2015.json"
COURT_AUTHORITY = "东营市中级人民法院"
PARTNERS = (
    ("371400", "德州市", "dezhou"),
    ("371600", "滨州市", "binzhou"),
    ("370100", "济南市", "jinan"),
)
"""The partner cities: region, name, the source's name."""
KEY_VALID_FROM = dt.date(2015, 1, 1)
EXPORT_FILES = ("exchange-370500-1.json", "exchange-370500-2.json")
"""Our own list as we sent it: full on 30 June, a delta on 31 December."""
EXCHANGE_KEY = "exchange-key.pem"
"""Our key for the exchange files we send (``blacklists.exchange.signing_key``), derived
like the partners' (:func:`exchange_key`): the files we send, and so the trail's record of
them, are the same every run."""
EXPOSURE_FILES = ("exposure.html", "exposure.json")
"""The exposure board (曝光台) of the year's last day, beside the report."""
SCREENED_ITEM = "建筑工程施工许可证核发"
"""The city item that requires screening (a name of the demo catalog)."""
BLOCKED_ON = dt.date(2015, 12, 7)
BLOCKED_CASE = "DY2015-BL-0001"
LISTED_AGENCY_ON = dt.date(2015, 10, 20)


def exchange_file(region: str) -> str:
    """The file holding the latest exchange file of the partner of ``region``."""
    return f"exchange-{region}.json"


def demo_files() -> frozenset[str]:
    """The files this part of the demo writes in the demo folder."""
    return frozenset(
        {
            COURT_FILE,
            EXCHANGE_KEY,
            *EXPORT_FILES,
            *EXPOSURE_FILES,
            *(exchange_file(region) for region, _, _ in PARTNERS),
        }
    )


# --- identifiers -------------------------------------------------------------------------------


def credit_code(region: str, body: str, category: str = "91") -> str:
    """A valid unified social credit code of ``region`` embedding the organisation code of
    the 8-digit ``body``."""
    head = category + region + organisation_code(body)
    return head + uscc.calc_check_digit(head)


def identity_number(region: str, born: str, serial: str) -> str:
    """A valid 18-digit resident identity number (GB 11643)."""
    head = region + born + serial
    return head + ric.calc_check_digit(head + "0")  # (stdnum reads the first 17)


def partner_key(region: str) -> Any:
    """The demo's Ed25519 key of the partner city of ``region``: derived from its code (the
    same every run), for the demo only."""
    return _derived_key(f"govservice-demo-partner-{region}")


def exchange_key() -> Any:
    """The demo's Ed25519 key for our own exchange files: derived from our region code,
    for the demo only (a centre makes its own with ``govservice audit keygen``)."""
    return _derived_key(f"govservice-demo-exchange-{REGION}")


def _derived_key(label: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


def write_exchange_key(folder: Path) -> None:
    """Write :func:`exchange_key` to ``folder`` / :data:`EXCHANGE_KEY` (PEM, mode 0600)."""
    from govservice.trail.keys import write_key

    write_key(folder / EXCHANGE_KEY, exchange_key())


def config_lines() -> list[str]:
    """The ``blacklists:`` section of the demo's configuration: the court's list and the
    partners' files as sources, the partners with their public keys, the exposure board."""
    from govservice.blacklists.signing import Ed25519Scheme

    scheme = Ed25519Scheme()
    lines = [
        "blacklists:              # 黑名单 (issue 15)",
        "  sources:",
        f'    - {{name: {COURT_SOURCE}, kind: court, region: "{REGION}", file: {COURT_FILE}, '
        f"authority: {COURT_AUTHORITY}}}",
    ]
    lines += [
        f'    - {{name: {name}, kind: partner, region: "{region}", file: {exchange_file(region)}}}'
        for region, _, name in PARTNERS
    ]
    lines.append("  partners:               # their public keys (the demo made the keys)")
    for region, city, _ in PARTNERS:
        key = partner_key(region)
        lines += [
            f'    - region: "{region}"',
            f"      name: {city}",
            "      keys:",
            f"        - id: {scheme.key_id(key)}",
            f'          public_key: "{scheme.public_text(key)}"',
            f"          valid_from: {KEY_VALID_FROM.isoformat()}",
        ]
    lines += [
        "  exchange:               # our own files for the partners",
        f"    signing_key: {EXCHANGE_KEY}   # made by the demo",
        "  exposure:               # 曝光台",
        "    person_names: masked  # 张*",
    ]
    return lines


# --- our own list ------------------------------------------------------------------------------


def _enterprise(name: str, code: str, kind: str = "uscc") -> Party:
    return Party(kind="enterprise", name=name, identifier=Identifier(kind=kind, number=code))


def _person(name: str, number: str) -> Party:
    return Party(kind="person", name=name, identifier=Identifier(kind="ric", number=number))


def _own(
    number: int,
    subject: Party,
    reason: str,
    listed_on: dt.date,
    until: dt.date | None,
    *,
    publish_until: dt.date | None = None,
    basis: str = "《东营市公共资源交易黑名单管理办法》第六条",
    fine: str | None = None,
) -> BlacklistEntry:
    from decimal import Decimal

    return BlacklistEntry(
        id=f"BL-{YEAR}-{number:04d}",
        subject=subject,
        reason=reason,
        authority=AUTHORITY,
        legal_basis=basis,
        source=ListingSource(kind="own", region=REGION, name=AUTHORITY),
        fine=None if fine is None else Decimal(fine),
        listed_on=listed_on,
        penalty_from=listed_on,
        penalty_until=until,
        publish_until=publish_until,
    )


def _d(month: int, day: int, year: int = YEAR) -> dt.date:
    return dt.date(year, month, day)


OWN_LIST: tuple[BlacklistEntry, ...] = (
    _own(
        1,
        _enterprise("东营市顺达劳务有限公司", credit_code("370502", "16831204")),
        "拖欠农民工工资，经责令限期改正逾期未改正",
        _d(1, 12),
        _d(7, 11),
        publish_until=_d(7, 11),
    ),
    _own(
        2,
        _enterprise("东营市广利建材有限公司", credit_code("370503", "16977420")),
        "中标后无正当理由放弃中标",
        _d(2, 2),
        _d(2, 1, 2016),
    ),
    _own(
        3,
        _enterprise("东营市金桥建设工程有限公司", credit_code("370500", "26731108")),
        "在东营市中心医院门诊楼施工招标中与其他投标人相互串通投标",
        _d(3, 10),
        _d(3, 9, 2017),
        publish_until=_d(3, 9, 2016),
        basis="《中华人民共和国招标投标法》第五十三条",
        fine="50000",
    ),
    _own(
        4,
        _person("赵志刚", identity_number("370502", "19760305", "123")),
        "作为投标代理人员提供虚假业绩材料",
        _d(5, 18),
        _d(5, 17, 2016),
    ),
    _own(
        5,
        _enterprise("东营市黄河口机械厂", organisation_code("16520931"), kind="org_code"),
        "出借资质供他人投标",
        _d(6, 15),
        _d(6, 14, 2016),
    ),
)
"""Our own listings other than the supermarket's agency (:func:`agency_entry`)."""
REVOKED_OWN = ("BL-2015-0002", _d(9, 30), "已履行整改义务并公开作出信用承诺，经申请予以信用修复")
"""Our listing revoked in the year: (id, on, reason)."""


def listed_agency(dataset: Any) -> Any:
    """The agency of the supermarket our own list bars from 20 October: the first agency
    online (虚拟进驻) of the surveying trade (测绘)."""
    from govservice.demo import supermarket
    from govservice.model import Presence

    plans = supermarket.agencies(supermarket.intermediary_services(dataset.items))
    return next(
        plan.agency
        for plan in plans
        if plan.category == "测绘" and plan.agency.presence is Presence.VIRTUAL
    )


def agency_entry(agency: Any) -> BlacklistEntry:
    return _own(
        6,
        _enterprise(agency.name, agency.credit_code),
        "在中介服务中出具虚假测绘成果",
        LISTED_AGENCY_ON,
        _d(10, 19, 2016),
        basis="《东营市网上中介超市管理办法》第二十八条",
    )


SECTOR_ENTRY = BlacklistEntry(
    id="national-sector-100000-gp2015041",
    subject=_enterprise("东营市华通电子科技有限公司", credit_code("370500", "31028846")),
    reason="在政府采购活动中提供虚假材料谋取中标",
    authority="山东省财政厅",
    legal_basis="《中华人民共和国政府采购法》第七十七条",
    source=ListingSource(
        kind="national_sector",
        region="100000",
        record_id="GP2015-041",
        name="中国政府采购网",
    ),
    listed_on=_d(4, 8),
    penalty_from=_d(4, 8),
    penalty_until=_d(4, 7, 2016),
    sector=SectorRecord(
        list="government_procurement",
        penalty_result="处以采购金额千分之五的罚款，列入不良行为记录名单，一年内禁止参加政府采购活动",
        ban_period="一年",
        penalty_on=_d(4, 8),
    ),
)
SECTOR_RECEIVED_ON = _d(4, 20)


# --- the court's list ---------------------------------------------------------------------------


def _court(**record: Any) -> dict[str, Any]:
    base = {
        "age": 0,
        "sexy": "",
        "businessEntity": "",
        "areaName": "山东",
        "partyTypeName": "",
        "performedPart": "",
        "unperformPart": "",
        "qysler": [],
    }
    return {**base, **record}


COURT_RECORDS: tuple[dict[str, Any], ...] = (
    _court(
        id=60318742,
        iname="东营市河口区鸿运物流有限公司",
        caseCode="(2014)河执字第00391号",
        cardNum="16541727-7",
        businessEntity="王建国",
        courtName="东营市河口区人民法院",
        gistId="(2014)河商初字第00127号",
        regDate="2014年09月15日",
        gistUnit="东营市河口区人民法院",
        duty="被告东营市河口区鸿运物流有限公司于判决生效后十日内支付原告运输费用86400元。",
        performance="全部未履行",
        disreputTypeName="其他有履行能力而拒不履行生效法律文书确定义务",
        publishDate="2015年04月20日",
        qysler=[
            {
                "cardNum": "3705031968****1815",
                "corporationtypename": "法定代表人",
                "iname": "王建国",
            }
        ],
    ),
    _court(
        id=62104455,
        iname="孙立强",
        caseCode="(2015)东中执字第00087号",
        age=27,
        sexy="男",
        cardNum="3705231988****3572",
        courtName="东营市中级人民法院",
        gistId="(2014)东民初字第00316号",
        regDate="2015年02月09日",
        gistUnit="东营市中级人民法院",
        duty="被告孙立强于本判决生效之日起十日内偿还原告借款本金300000元及利息。",
        performance="全部未履行",
        disreputTypeName="有履行能力而拒不履行生效法律文书确定义务",
        publishDate="2015年06月12日",
    ),
    _court(
        id=63377810,
        iname="济南泉城园林绿化工程有限公司",
        caseCode="(2015)历执字第00562号",
        cardNum="91370100MA3U2Q8K5J",
        businessEntity="周宏伟",
        courtName="济南市历下区人民法院",
        gistId="(2015)历商初字第00233号",
        regDate="2015年03月18日",
        gistUnit="济南市历下区人民法院",
        duty="被告于判决生效后十五日内支付原告苗木款412600元。",
        performance="部分未履行",
        performedPart="已支付100000元",
        unperformPart="尚欠312600元",
        disreputTypeName="违反财产报告制度,有履行能力而拒不履行生效法律文书确定义务",
        publishDate="2015年08月05日",
    ),
    _court(
        id=64012236,
        iname="刘红梅",
        caseCode="(2015)东区执字第00218号",
        age=36,
        sexy="女",
        cardNum="3705021979****202X",
        courtName="东营市东营区人民法院",
        gistId="(2015)东民初字第00409号",
        regDate="2015年05月06日",
        gistUnit="东营市东营区人民法院",
        duty="被告刘红梅偿还原告借款85000元。",
        performance="全部未履行",
        disreputTypeName="违反限制消费令",
        publishDate="2015年09月28日",
    ),
    _court(
        id=64589013,
        iname="东营鑫盛化工有限公司",
        caseCode="(2015)东中执字第00154号",
        cardNum="913705007058851952",
        businessEntity="李国栋",
        courtName=COURT_AUTHORITY,
        gistId="(2015)东商初字第00078号",
        regDate="2015年07月20日",
        gistUnit=COURT_AUTHORITY,
        duty="被告东营鑫盛化工有限公司支付原告货款1260000元及逾期付款利息。",
        performance="全部未履行",
        disreputTypeName="以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
        publishDate="2015年11月16日",
    ),
)
COURT_LOADS = (
    (_d(7, 1), ("(2014)河执字第00391号", "(2015)东中执字第00087号")),
    (_d(12, 1), ("(2014)河执字第00391号", "(2015)历执字第00562号", "(2015)东区执字第00218号",
                 "(2015)东中执字第00154号")),
)  # fmt: skip
"""The court's list as loaded: (day, the case numbers on it). 孙立强 performed by December:
he is no longer on the list, and his entry is revoked."""
BLOCKED_APPLICANT = "(2015)东中执字第00154号"
"""The court's listing whose company applies for :data:`SCREENED_ITEM`."""


# --- the partner cities ------------------------------------------------------------------------


def _theirs(
    region: str,
    number: int,
    subject: Party,
    reason: str,
    listed_on: dt.date,
    until: dt.date | None,
    authority: str,
) -> BlacklistEntry:
    short = {"371400": "DZ", "371600": "BZ", "370100": "JN"}[region]
    return BlacklistEntry(
        id=f"{short}-{YEAR}-{number:03d}",
        subject=subject,
        reason=reason,
        authority=authority,
        source=ListingSource(kind="own", region=region),
        listed_on=listed_on,
        penalty_from=listed_on,
        penalty_until=until,
    )


_DZ = "德州市公共资源交易中心"
_BZ = "滨州市公共资源交易中心"
_JN = "济南市公共资源交易中心"
PARTNER_LISTS: dict[str, tuple[tuple[dt.date, str, tuple[tuple[str, BlacklistEntry], ...]], ...]] = {
    "371400": (
        (_d(3, 16), "full", (
            ("add", _theirs("371400", 1, _enterprise("德州市天衢建筑安装有限公司", credit_code("371400", "26810357")),
                            "以他人名义投标", _d(1, 20), _d(1, 19, 2017), _DZ)),
            ("add", _theirs("371400", 2, _person("马俊峰", identity_number("371402", "19800712", "031")),
                            "评标专家收受投标人财物", _d(2, 27), None, _DZ)),
        )),
        (_d(9, 14), "delta", (
            ("add", _theirs("371400", 3, _enterprise("德州市宏远工程监理有限公司", credit_code("371400", "30556192")),
                            "监理人员与施工单位串通弄虚作假", _d(8, 24), _d(8, 23, 2016), _DZ)),
        )),
    ),
    "371600": (
        (_d(4, 13), "full", (
            ("add", _theirs("371600", 1, _enterprise("滨州市渤海路桥工程有限公司", credit_code("371600", "16930427")),
                            "转包、违法分包中标项目", _d(3, 2), _d(3, 1, 2017), _BZ)),
            ("add", _theirs("371600", 2, _enterprise("惠民县鑫源建材有限公司", credit_code("371621", "26944103")),
                            "提供虚假资质证明文件投标", _d(3, 30), _d(3, 29, 2016), _BZ)),
        )),
        (_d(10, 12), "delta", (
            ("revoke", attrs.evolve(
                _theirs("371600", 2, _enterprise("惠民县鑫源建材有限公司", credit_code("371621", "26944103")),
                        "提供虚假资质证明文件投标", _d(3, 30), _d(3, 29, 2016), _BZ),
                revocation=Revocation(on=_d(9, 28), reason="已完成整改，经申请予以信用修复"))),
        )),
    ),
    "370100": (
        (_d(5, 11), "full", (
            ("add", _theirs("370100", 1, _enterprise("济南泉城园林绿化工程有限公司", "91370100MA3U2Q8K5J"),
                            "中标后拒不签订合同", _d(4, 22), _d(4, 21, 2016), _JN)),
        )),
        (_d(11, 9), "delta", (
            ("add", _theirs("370100", 2, _enterprise("山东齐鲁建工集团有限公司济南分公司",
                                                   credit_code("370100", "31190575")),
                            "围标串标", _d(10, 26), _d(10, 25, 2017), _JN)),
        )),
    ),
}  # fmt: skip
"""Each partner's files: (exported on, full or delta, (op, entry) …); its first a full file,
then a delta since it."""
OUR_EXPORTS = (_d(6, 30), _d(12, 31))


# --- the year ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BlacklistSummary:
    """What the demo's blacklists year did."""

    own: int
    court_loads: tuple[tuple[str, int, int, int], ...]
    """(day, added, changed, revoked) of each load of the court's list."""
    imports: tuple[tuple[str, str, int, str, int], ...]
    """(day, partner region, sequence, kind, entries) of each partner file imported."""
    exports: tuple[tuple[str, int, str, int], ...]
    """(day, sequence, kind, entries) of each file we sent."""
    listed_agency: str
    """The credit code of the agency our own list bars from the supermarket's draws."""
    blocked_case: str | None
    """The case refused by the screening (None: the item was not there)."""
    expired: tuple[str, ...]


def screened_dataset(dataset: Any) -> Any:
    """``dataset`` with :data:`SCREENED_ITEM` of the city requiring screening."""
    items = tuple(
        attrs.evolve(item, requires_screening=True)
        if item.name == SCREENED_ITEM and item.region == REGION
        else item
        for item in dataset.items
    )
    return attrs.evolve(dataset, items=items, items_by_code={item.code: item for item in items})


class _Year:
    def __init__(self, service: Any, folder: Path) -> None:
        self.service = service
        self.folder = folder
        self.clock = service.clock
        self.blacklists = service.blacklists

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)
        self.clock.moment = moment
        return moment

    def write(self, name: str, data: bytes) -> Path:
        path = self.folder / name
        partial = self.folder / f".{name}.{os.getpid()}.partial"
        try:
            partial.write_bytes(data)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return path

    def source(self, name: str, kind: str, region: str, file: str) -> Any:
        """The configured source ``name``, else (a configuration without it: ``--config``)
        the same built-in source on the demo folder's file."""
        from govservice.builtin.blacklist_sources import CourtList, PartnerFiles

        if name in self.blacklists.sources.registered():
            return self.blacklists.sources.get(name)
        path = self.folder / file
        if kind == "court":  # named as the demo's configuration would name it
            return CourtList(name, region, path, COURT_AUTHORITY, named=file)
        return PartnerFiles(name, region, path, named=file)


def load_blacklists(service: Any, dataset: Any, folder: Path) -> BlacklistSummary:
    """Play the blacklists' year on ``service`` (see the module), writing the court's list
    and the exchange files in ``folder``."""
    year = _Year(service, Path(folder))
    entries = service.blacklists.entries
    agency = listed_agency(dataset)
    own = sorted((*OWN_LIST, agency_entry(agency)), key=lambda e: e.listed_on)
    events: list[tuple[dt.date, int, str, Any]] = []
    events += [(entry.listed_on, 0, "own", entry) for entry in own]
    events.append((REVOKED_OWN[1], 1, "revoke", REVOKED_OWN))
    events.append((SECTOR_RECEIVED_ON, 2, "sector", SECTOR_ENTRY))
    events += [(day, 3, "court", numbers) for day, numbers in COURT_LOADS]
    partners = service.blacklists.exchange.partners()
    for region, files in PARTNER_LISTS.items():
        if region not in partners:  # (--config without the demo's partners)
            continue
        events += [(f[0], 4, "partner", (region, n, f)) for n, f in enumerate(files, 1)]
    events += [(day, 5, "export", n) for n, day in enumerate(OUR_EXPORTS, 1)]
    events.append((BLOCKED_ON, 6, "case", dataset))
    court_loads, imports, exports = [], [], []
    blocked = None
    previous: dict[str, str] = {}
    for day, _, what, detail in sorted(events, key=lambda e: (e[0], e[1])):
        year.at(day)
        if what == "own":
            entries.add(detail)
        elif what == "revoke":
            entries.revoke(detail[0], detail[2], on=detail[1])
        elif what == "sector":
            entries.receive(detail)
        elif what == "court":
            records = [r for r in COURT_RECORDS if r["caseCode"] in detail]
            text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
            year.write(COURT_FILE, text.encode("utf-8"))
            done = year.source(COURT_SOURCE, "court", REGION, COURT_FILE).load(service)
            court_loads.append((day.isoformat(), done.added, done.changed, done.revoked))
        elif what == "partner":
            region, sequence, (exported_on, kind, ops) = detail
            data = _partner_file(region, sequence, exported_on, kind, ops, previous.get(region))
            previous[region] = hashlib.sha256(data).hexdigest()
            name = next(n for r, _, n in PARTNERS if r == region)
            year.write(exchange_file(region), data)
            year.source(name, "partner", region, exchange_file(region)).load(service)
            imports.append((day.isoformat(), region, sequence, kind, len(ops)))
        elif what == "export":
            sent = _export(year, detail)
            if sent is not None:
                exports.append((day.isoformat(), sent.sequence, sent.kind, sent.count))
        elif what == "case":
            blocked = _blocked_case(service, detail, year)
    year.at(_d(12, 31), 18)
    expired = tuple(entry.id for entry in entries.expire(_d(12, 31)))
    return BlacklistSummary(
        own=len(own),
        court_loads=tuple(court_loads),
        imports=tuple(imports),
        exports=tuple(exports),
        listed_agency=agency.credit_code,
        blocked_case=blocked,
        expired=expired,
    )


def _partner_file(
    region: str,
    sequence: int,
    exported_on: dt.date,
    kind: str,
    ops: Sequence[tuple[str, BlacklistEntry]],
    previous: str | None,
) -> bytes:
    from govservice.blacklists.exchange import make_file
    from govservice.blacklists.signing import Ed25519Scheme
    from govservice.codec import to_document
    from govservice.model.identifiers import mask_document

    scheme = Ed25519Scheme()
    key = partner_key(region)
    city = next(c for r, c, _ in PARTNERS if r == region)
    return make_file(
        region=region,
        sequence=sequence,
        entries=[(op, mask_document(to_document(entry))) for op, entry in ops],
        exported_at=dt.datetime(
            exported_on.year, exported_on.month, exported_on.day, 9, 0, tzinfo=SHANGHAI
        ),
        key_id=scheme.key_id(key),
        scheme=scheme,
        private_key=key,
        previous_sha256=previous,
        since=None if kind == "full" else sequence - 1,
        issuer=f"{city}公共资源交易中心",
    )


def _export(year: _Year, number: int) -> Any:
    from govservice.errors import ExchangeConfigError

    exchange = year.service.blacklists.exchange
    since = exchange.sent()[-1].sequence if exchange.sent() else None
    try:
        made = exchange.export(
            since=since, write=lambda data: year.write(EXPORT_FILES[number - 1], data)
        )
    except ExchangeConfigError:  # (--config naming no signing key: nothing is sent)
        return None
    return made.sent


def _blocked_case(service: Any, dataset: Any, year: _Year) -> str | None:
    """A company on the court's list applies for :data:`SCREENED_ITEM`: the screening
    refuses its acceptance, and the clerk records 不予受理 with the reason."""
    from govservice.demo.cast import applicant_actor
    from govservice.demo.dataset import actor
    from govservice.errors import ScreeningBlockedError
    from govservice.workflow import Workflow

    item = next((i for i in dataset.items if i.name == SCREENED_ITEM and i.region == REGION), None)
    if item is None or not item.requires_screening:
        return None
    record = next(r for r in COURT_RECORDS if r["caseCode"] == BLOCKED_APPLICANT)
    applicant = _enterprise(record["iname"], record["cardNum"])
    head = service.store.item_status(item.code)
    at = year.at(BLOCKED_ON, 9, 20)
    draft = Case(
        id=BLOCKED_CASE,
        item_code=item.code,
        item_version=head.version if head is not None else item.version,
        region=REGION,
        department=item.department,
        applicant=applicant,
        received_at=at,
    )
    workflow = Workflow(service, service.store)
    workflow.apply(draft, applicant_actor(applicant), at=at)
    clerk = actor(dataset.desk(item).clerks[0])
    try:
        workflow.accept(BLOCKED_CASE, clerk, at=year.at(BLOCKED_ON, 9, 35))
    except ScreeningBlockedError as blocked:
        reason = (blocked.notice or blocked.message)[:400]
        workflow.refuse(
            BLOCKED_CASE,
            clerk,
            reason,
            legal_basis="《东营市公共资源交易黑名单管理办法》第十二条",
            at=year.at(BLOCKED_ON, 9, 40),
        )
        return BLOCKED_CASE
    raise RuntimeError(f"case {BLOCKED_CASE} of a listed company was accepted")  # pragma: no cover


# --- beside the report -------------------------------------------------------------------------


def write_exposure(service: Any, folder: Path, on: dt.date) -> None:
    """The exposure board of ``on`` beside the report: ``exposure.html`` and
    ``exposure.json``."""
    board = service.blacklists.board
    board.write(Path(folder) / EXPOSURE_FILES[0], on)
    board.write(Path(folder) / EXPOSURE_FILES[1], on, as_json=True)
