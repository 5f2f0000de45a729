"""The demo's year includes the blacklists (issue 15, part 8): our own list, the court's
list loaded twice, a national list, the three partner cities' signed files (keys the demo
makes, their public keys in its configuration) exchanged through the year and ours sent,
screening that bars a listed agency from one selection and refuses one case, the exposure
page beside the report and the report's section. From a real demo folder (a small scale:
the blacklists do not depend on it)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from govservice.blacklists.signing import Ed25519Scheme
from govservice.cli import main
from govservice.demo import blacklists as demo
from govservice.demo.run import BLACKLIST_FILES
from govservice.report import print_report
from govservice.service import GovService
from govservice.store.base import every
from govservice.store.chained import changes

IDENTITY = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


@pytest.fixture(scope="module")
def year(small_year):
    service = GovService(small_year.config)
    yield small_year, service
    service.store.close()


def test_the_folder_holds_the_lists_the_exchange_files_and_the_board(year) -> None:
    result, _ = year
    assert demo.demo_files() == BLACKLIST_FILES
    for name in BLACKLIST_FILES:
        assert (result.folder / name).is_file(), name
    config = result.config.read_text(encoding="utf-8")
    scheme = Ed25519Scheme()
    for region, _, _ in demo.PARTNERS:
        key = demo.partner_key(region)
        assert scheme.public_text(key) in config  # the public key, never the private one
        assert scheme.key_id(key) == scheme.key_id(demo.partner_key(region))  # same every run


def test_each_source_is_loaded_with_its_signer(year) -> None:
    _, service = year
    lines = {line.name: line for line in service.blacklists.sources.lines()}
    assert set(lines) == {"own", "dongying-court", "dezhou", "binzhou", "jinan"}
    scheme = Ed25519Scheme()
    for region, _, name in demo.PARTNERS:
        assert lines[name].signer == scheme.key_id(demo.partner_key(region))
        received = service.blacklists.exchange.received(region)
        assert (received.sequence, received.kind) == (2, "delta")
    court = service.blacklists.sources.state("dongying-court")
    assert court.loads == 2


def test_entries_by_source_the_shared_subject_and_the_revocations(year) -> None:
    _, service = year
    entries = list_of(service, "blacklist-entry")
    kinds = {}
    for entry in entries:
        kinds[entry.source.kind.value] = kinds.get(entry.source.kind.value, 0) + 1
    assert kinds == {"own": 6, "court": 5, "other_city": 7, "national_sector": 1}
    # Jinan and the court list the same company: both sources show
    jinan = next(e for e in entries if e.source.record_id == "JN-2015-001")
    merged = service.blacklists.sources.of_subject(jinan)
    assert {kind for kind, _ in merged.sources} == {"other_city", "court"}
    # the debtor who performed is no longer on the court's list in December: revoked
    sun = next(e for e in entries if e.subject.name == "孙立强")
    assert sun.revocation is not None
    assert sun.revocation.on.isoformat() == "2015-12-01"
    ours = service.blacklists.entries.get(demo.REVOKED_OWN[0])
    assert ours.revocation.reason == demo.REVOKED_OWN[2]
    actions = [c.action for c in changes(service.store, "blacklist-entry", ours.id)]
    assert actions == ["listed", "revoked"]
    expired = service.blacklists.entries.get("BL-2015-0001")
    assert expired.expired_on is not None
    binzhou = next(e for e in entries if e.source.record_id == "BZ-2015-002")
    assert binzhou.revocation is not None  # revoked by Binzhou's delta


def test_loading_a_partner_file_again_changes_nothing(year, capsys) -> None:
    result, service = year
    before = service.store.ledger_head()
    assert main(["--config", str(result.config), "blacklist", "load", "dezhou"]) == 0
    capsys.readouterr()
    # the load is recorded (its state, on the trail), nothing else is written
    (link,) = service.store.ledger(before[0])
    assert link.case_id == "state/blacklists.source.dezhou"
    last = service.blacklists.sources.state("dezhou").last
    assert (last.added, last.changed, last.revoked) == (0, 0, 0)
    after_load = service.store.ledger_head()
    imported = service.blacklists.exchange.import_file(
        result.folder / demo.exchange_file("371400"), partner="371400"
    )
    assert imported.already
    assert service.store.ledger_head() == after_load


def test_screening_bars_the_listed_agency_from_one_selection(year) -> None:
    _, service = year
    code = service.blacklists.entries.get("BL-2015-0006").subject.identifier.number
    barred = [s for s in list_of(service, "selection") if code in dict(s.excluded)]
    assert len(barred) == 1
    (selection,) = barred
    assert selection.on >= demo.LISTED_AGENCY_ON
    why = dict(selection.excluded)[code]
    assert why.startswith("列入黑名单（BL-2015-0006")
    assert "本级认定" in why
    assert all(
        s.result != code for s in list_of(service, "selection") if s.on >= demo.LISTED_AGENCY_ON
    )


def test_screening_refuses_the_case_of_a_listed_company(year) -> None:
    _, service = year
    case = service.store.get("case", demo.BLOCKED_CASE).record
    assert case.state.value == "not_accepted"
    assert case.refusal_reason.startswith("申请人被列入黑名单，不予受理")
    assert "法院失信被执行人名单" in case.refusal_reason
    assert "(2015)东中执字第00154号" in case.refusal_reason
    assert [e.action for e in case.events] == ["apply", "refuse"]


def test_the_exposure_page_beside_the_report(year) -> None:
    result, _service = year
    page = (result.folder / "exposure.html").read_text(encoding="utf-8")
    board = json.loads((result.folder / "exposure.json").read_text(encoding="utf-8"))
    assert board["day"] == "2015-12-31"
    assert board["person_names"] == "masked"
    assert board["by_source"] == {"own": 4, "court": 4, "other_city": 6, "national_sector": 1}
    names = {line["name"] for line in board["entries"]}
    assert "赵**" in names
    assert "赵志刚" not in page
    assert "东营鑫盛化工有限公司" in names
    assert "913705007058851952" in page
    for text in (page, json.dumps(board, ensure_ascii=False)):
        full = [
            m
            for m in IDENTITY.findall(text)
            if not any(m == line["identifier"] for line in board["entries"])
        ]
        assert full == []
    assert "【法院失信被执行人名单】" in page
    assert "2个来源" in page  # the company Jinan and the court list


def test_the_report_has_a_blacklists_section(year) -> None:
    result, _ = year
    document = json.loads((result.folder / "report.json").read_text(encoding="utf-8"))
    lists = document["blacklists"]
    assert lists["entries"] == 19
    assert lists["by_source"]["court"]["revoked"] == 1
    assert lists["shared"] == 1
    assert [r["name"] for r in lists["revoked"]] == [
        "惠民县鑫源建材有限公司",
        "东营市广利建材有限公司",
        "孙**",
    ]
    assert lists["expired"] == 1
    assert [r["sequence"] for r in lists["exchange"]["received"]] == [2, 2, 2]
    assert lists["exchange"]["sent"] == 2
    assert lists["screening"] == {"selections_barred": 1, "cases_refused": 1}
    stream = io.StringIO()
    print_report(result.figures, Console(file=stream, width=2000))
    line = next(line for line in stream.getvalue().splitlines() if line.startswith("【黑名单】"))
    assert "其中1个主体被两个以上来源列入" in line
    assert "中介机构选取排除被列入黑名单的机构1次，因申请人被列入黑名单不予受理1件" in line
    page = Path(result.folder / "report.html").read_text(encoding="utf-8")
    assert "【黑名单】" in page
    assert "全年移出3条" in page


def test_our_files_for_partners_are_signed_and_masked(year) -> None:
    result, _ = year
    full = json.loads((result.folder / demo.EXPORT_FILES[0]).read_text(encoding="utf-8"))
    delta = json.loads((result.folder / demo.EXPORT_FILES[1]).read_text(encoding="utf-8"))
    assert (full["header"]["kind"], full["header"]["sequence"]) == ("full", 1)
    assert (delta["header"]["kind"], delta["header"]["since"]) == ("delta", 1)
    assert delta["header"]["previous_sha256"]
    ops = {item["entry"]["id"]: item["op"] for item in delta["entries"]}
    assert ops["BL-2015-0002"] == "revoke"  # revoked in September, after the full file
    assert ops["BL-2015-0006"] == "add"
    text = json.dumps(full, ensure_ascii=False)
    assert "3705021976****1233" in text  # 赵志刚, masked
    assert not [m for m in IDENTITY.findall(text) if not m.startswith("91")]


def list_of(service: GovService, kind: str) -> list:
    return list(every(service.store, kind))
