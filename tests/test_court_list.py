"""The court's list of dishonest debtors (失信被执行人名单) in the court's published shape:
every published field in its own field, stored with its provenance, exported unchanged
but for masking (issue 15, B2)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from govservice.blacklists import court
from govservice.blacklists.sources import subject_key
from govservice.clock import SHANGHAI, FixedClock
from govservice.errors import CourtListError, SourceFileError
from govservice.model import IdentifierKind, PartyKind, Sex, SourceKind
from govservice.samples import config_with
from govservice.service import GovService

EXAMPLE = Path(__file__).parents[1] / "examples" / "dongying" / "court-dishonest-2015.json"
NOW = dt.datetime(2015, 12, 1, 9, 30, tzinfo=SHANGHAI)

# A listing as the court publishes it, but with the full identity number a court's own
# file may carry (a lowercase x at its end, as some lists write it).
FULL_NUMBER = "37050219790101203x"
LISTING = {
    "id": 65009381,
    "iname": "刘红梅",
    "caseCode": "(2019)皖1122执1194号",
    "age": 36,
    "sexy": "女",
    "cardNum": FULL_NUMBER,
    "businessEntity": "",
    "courtName": "来安县人民法院",
    "areaName": "安徽",
    "partyTypeName": "580",
    "gistId": "(2018)皖1122民初2231号",
    "regDate": "2019年03月26日",
    "gistUnit": "来安县人民法院",
    "duty": "被告刘红梅于本判决生效之日起十五日内返还原告货款42000元。",
    "performance": "部分未履行",
    "performedPart": "已履行10000元",
    "unperformPart": "未履行32000元",
    "disreputTypeName": "以伪造证据、暴力、威胁等方法妨碍、抗拒执行,违反财产报告制度",
    "publishDate": "2019年07月02日",
    "qysler": [],
}


def _service(tmp_path: Path, backend: str, records: list | None = None) -> GovService:
    path = tmp_path / "court.json"
    path.write_text(json.dumps(records or [LISTING], ensure_ascii=False), encoding="utf-8")
    storage = {}
    if backend == "sqlite":
        storage = {
            "storage_backend": "sqlite",
            "storage_settings": {"path": str(tmp_path / "s.db")},
        }
    config = config_with(
        blacklists={
            "sources": [
                {"name": "anhui-court", "kind": "court", "region": "341122", "file": str(path)}
            ]
        },
        **storage,
    )
    return GovService(config, clock=FixedClock(NOW), strict=True)


def test_the_example_reads_and_writes_back_unchanged() -> None:
    published = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    entries = court.read_entries(EXAMPLE, region="370500", received_at=NOW)
    assert len(entries) == len(published) == 6
    assert [court.published_record(entry) for entry in entries] == published
    assert list(published[0]) == list(court.PUBLISHED_KEYS)
    assert json.loads(court.write_records(entries)) == published


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_listing_is_stored_with_every_published_field_in_its_own_field(
    tmp_path: Path, backend: str
) -> None:
    service = _service(tmp_path, backend)
    (result,) = service.blacklists.sources.load("anhui-court")
    assert (result.added, result.count) == (1, 1)
    (entry_id,) = service.blacklists.sources.state("anhui-court").ids
    entry = service.store.get("blacklist-entry", entry_id).record

    assert entry.subject.kind is PartyKind.PERSON
    assert entry.subject.name == "刘红梅"
    assert entry.subject.identifier.kind is IdentifierKind.RIC
    assert entry.subject.identifier.number == "37050219790101203X"  # x normalised
    record = entry.court
    assert record.published_id == 65009381
    assert record.case_number == "(2019)皖1122执1194号"
    assert record.age == 36
    assert record.sex is Sex.FEMALE
    assert record.legal_representative is None
    assert record.court == "来安县人民法院"
    assert record.province == "安徽"
    assert record.party_type == "580"
    assert record.enforcement_basis_number == "(2018)皖1122民初2231号"
    assert record.filed_on == dt.date(2019, 3, 26)
    assert record.enforcement_basis_unit == "来安县人民法院"
    assert record.obligation == LISTING["duty"]
    assert record.performance == "部分未履行"
    assert record.performed_part == "已履行10000元"
    assert record.unperformed_part == "未履行32000元"
    assert record.dishonest_conduct == (
        "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
        "违反财产报告制度",
    )
    assert record.published_on == dt.date(2019, 7, 2)
    # provenance: the court's case number kept as is (it does not fit our id pattern)
    assert entry.source.kind is SourceKind.COURT
    assert entry.source.region == "341122"
    assert entry.source.record_id == "(2019)皖1122执1194号"
    assert entry.source.received_at == NOW
    assert entry.listed_on == entry.penalty_from == dt.date(2019, 7, 2)
    assert entry.in_force_on(dt.date(2019, 7, 2))
    assert not entry.in_force_on(dt.date(2019, 7, 1))

    exported = court.published_record(entry)
    expected = dict(LISTING, cardNum="3705021979****203X")  # masked, and nothing else
    assert exported == expected
    assert list(exported) == list(LISTING)


def test_an_organisation_is_read_by_its_organisation_code_or_its_credit_code() -> None:
    published = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    by_code, *_ = court.read_entries(EXAMPLE, region="370500")
    assert by_code.subject.kind is PartyKind.ENTERPRISE
    assert by_code.subject.identifier.kind is IdentifierKind.ORGANISATION_CODE
    assert by_code.subject.identifier.number == "165417277"  # stored without its hyphen
    assert court.published_record(by_code)["cardNum"] == "16541727-7"  # as published
    assert by_code.court.legal_representative == "王建国"
    (related,) = by_code.court.related_parties
    assert (related.name, related.card_number, related.role) == (
        "王建国",
        "3705031968****1815",
        "法定代表人",
    )
    # a credit code embeds the organisation code: the same subject when merged
    with_credit_code = dict(published[5], cardNum="913705007058851952")
    by_credit = court.entry_of(with_credit_code, region="370500")
    with_code = court.entry_of(dict(published[5], cardNum="70588519-5"), region="370500")
    assert by_credit.subject.identifier.kind is IdentifierKind.USCC
    assert subject_key(by_credit) == subject_key(with_code) == "org:705885195"


def test_other_spellings_and_date_forms_are_read() -> None:
    listing = dict(LISTING, regDate="20190326", publishDate="2019-07-02")
    listing["disruptTypeName"] = listing.pop("disreputTypeName")
    entry = court.entry_of(listing, region="341122")
    assert entry.court.filed_on == dt.date(2019, 3, 26)
    assert entry.court.published_on == dt.date(2019, 7, 2)
    assert len(entry.court.dishonest_conduct) == 2
    assert court.published_record(entry)["regDate"] == "2019年03月26日"


def test_the_same_listing_always_gets_the_same_id_and_two_debtors_of_a_case_two() -> None:
    one = court.entry_of(LISTING, region="341122")
    again = court.entry_of(copy.deepcopy(LISTING), region="341122", received_at=NOW)
    guarantor = court.entry_of(
        dict(LISTING, iname="王强", cardNum="3705021980****1234", sexy="男"), region="341122"
    )
    assert one.id == again.id
    assert one.id.startswith("court-341122-")
    assert guarantor.id != one.id


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"caseCode": ""}, "caseCode: missing"),
        ({"publishDate": "2019年13月02日"}, "publishDate: '2019年13月02日' is not a date"),
        ({"sexy": "未知"}, "sexy: '未知' is not 男 or 女"),
        ({"age": -1}, "age: -1 is not an age"),
        ({"caseNo": "x"}, "caseNo: not a key of the court's list"),
        ({"cardNum": "91370100MA3U2Q8K5X", "sexy": "", "age": 0}, "check character"),
        ({"id": "65009381"}, "id: '65009381' is not the court's number"),
    ],
)
def test_a_wrong_listing_is_refused_naming_the_key(change: dict, says: str) -> None:
    with pytest.raises(CourtListError) as raised:
        court.entry_of(dict(LISTING, **change), region="341122", where="court.json: record 1")
    assert says in str(raised.value)
    assert str(raised.value).startswith("court.json: record 1: ")
    assert FULL_NUMBER not in str(raised.value)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_list_with_a_wrong_listing_stores_nothing(tmp_path: Path, backend: str) -> None:
    good = dict(LISTING, caseCode="(2019)皖1122执1195号")
    service = _service(
        tmp_path, backend, [good, dict(LISTING, regDate="二〇一九年"), dict(LISTING, age="x")]
    )
    with pytest.raises(CourtListError) as raised:
        service.blacklists.sources.load("anhui-court")
    assert len(raised.value.problems) == 2
    assert "record 2: regDate" in raised.value.problems[0]
    assert "record 3: age" in raised.value.problems[1]
    assert service.store.count("blacklist-entry") == 0
    assert service.blacklists.sources.state("anhui-court") is None


def test_a_file_that_is_not_the_courts_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="not there"):
        court.read_file(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(SourceFileError, match="not JSON"):
        court.read_file(tmp_path / "bad.json")
    (tmp_path / "object.json").write_text('{"total": 1}', encoding="utf-8")
    with pytest.raises(SourceFileError, match="array of listings"):
        court.read_file(tmp_path / "object.json")
    (tmp_path / "wrapped.json").write_text(
        json.dumps({"records": [LISTING]}, ensure_ascii=False), encoding="utf-8"
    )
    assert len(court.read_file(tmp_path / "wrapped.json")) == 1
