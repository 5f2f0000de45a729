"""Blacklist entries and their life (issue 15, B1): the model's periods and provenance, the
court's and national lists' own fields, organisation codes, the store's columns and
migration 0010, and ``service.blacklists.entries`` with its command line — every store
test on every backend (memory, SQLite, PostgreSQL under ``.ci/with-postgres``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govservice import codec
from govservice.audit import attest_legacy_records, verify_store
from govservice.blacklists.subjects import identify, same_subject
from govservice.cli import main
from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.errors import (
    BlacklistEntryError,
    BlacklistEntryNotFoundError,
    InvalidRecordError,
    RevocationError,
)
from govservice.kinds import kind_named
from govservice.model import (
    BlacklistEntry,
    CourtRecord,
    EntryStatus,
    Identifier,
    ListingSource,
    Party,
    RelatedParty,
    Revocation,
    SectorRecord,
    derived_entry_id,
)
from govservice.model.identifiers import (
    format_organisation_code,
    normalise_organisation_code,
    organisation_code_check_character,
    organisation_code_of,
    organisation_code_problem,
)
from govservice.service import GovService
from govservice.store.chained import changes
from govservice.store.columns import ENTRY_COLUMNS, entry_row
from govservice.validation import validator_for
from schema_helpers import reopened as reopen
from schema_helpers import stop_at_schema
from strategies import blacklist_entries, organisation_codes

BACKENDS = ("memory", "sqlite", "postgresql")


def validate_document(kind: str, document: Any) -> list:
    """The problems the record kind's validator (with its checks) finds in ``document``."""
    return validator_for(kind_named(kind)).problems(document)


TODAY = dt.date(2015, 10, 20)
CITY = "370500"

# Real organisation codes, each inside the unified social credit code that replaced it
# (GB 32100-2015: characters 9 to 17), as published by the national enterprise credit
# information system: 阿里巴巴（中国）有限公司, 华为技术有限公司, 中国石油化工股份有限公司,
# 北京百度网讯科技有限公司.
REAL_CREDIT_CODES = {
    "91330100716105852F": "716105852",
    "914403001922038216": "192203821",
    "91110000100006485K": "100006485",
    "91110108551385082Q": "551385082",
}

ENTERPRISE_CODE = "91370502MA3CB7QT5A"  # a credit code whose check characters (its own, its
# organisation code's) are right
PERSON_NUMBER = "370523198803123576"  # a valid identity number (check digit)


def _valid_uscc() -> str:
    return ENTERPRISE_CODE


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def enterprise(
    name: str = "东营区鑫源建筑安装工程有限公司", number: str = ENTERPRISE_CODE
) -> Party:
    kind = "org_code" if len(number) == 9 else "uscc"
    return Party(kind="enterprise", name=name, identifier=Identifier(kind=kind, number=number))


def person(name: str = "孙立强", number: str = PERSON_NUMBER) -> Party:
    return Party(kind="person", name=name, identifier=Identifier(kind="ric", number=number))


def own(entry_id: str = "DY-HMD-2015-007", **changes: Any) -> BlacklistEntry:
    """Our own listing of an enterprise for two years, published for one."""
    fields: dict[str, Any] = {
        "id": entry_id,
        "subject": enterprise(),
        "reason": "在招标投标活动中串通投标",
        "authority": "东营市公共资源交易管理办公室",
        "source": ListingSource(kind="own", region=CITY),
        "listed_on": dt.date(2015, 8, 20),
        "penalty_from": dt.date(2015, 8, 20),
        "penalty_until": dt.date(2017, 8, 19),
        "publish_until": dt.date(2016, 8, 19),
        "fine": Decimal("50000.00"),
    }
    return BlacklistEntry(**(fields | changes))


CASE_NUMBER = "(2015)东中执字第00087号"


def court_record(**changes: Any) -> CourtRecord:
    fields: dict[str, Any] = {
        "case_number": CASE_NUMBER,
        "court": "东营市中级人民法院",
        "province": "山东",
        "legal_representative": "王建国",
        "enforcement_basis_number": "(2014)东民初字第112号",
        "enforcement_basis_unit": "东营市中级人民法院",
        "filed_on": dt.date(2015, 3, 2),
        "obligation": "被告于判决生效后十日内偿还原告借款本金300000元及利息",
        "performance": "部分未履行",
        "performed_part": "100000元",
        "unperformed_part": "200000元及利息",
        "dishonest_conduct": ("有履行能力而拒不履行生效法律文书确定义务", "违反财产报告制度"),
        "published_on": dt.date(2015, 6, 12),
        "published_id": 70551234,
        "party_type": "",
        "related_parties": (
            RelatedParty(name="王建国", card_number="3705021970****1234", role="法定代表人"),
        ),
    }
    return CourtRecord(**(fields | changes))


def court(entry_id: str = "court-370500-0087", **changes: Any) -> BlacklistEntry:
    """The city court's listing of the same enterprise as :func:`own`."""
    fields: dict[str, Any] = {
        "id": entry_id,
        "subject": enterprise(),
        "reason": "有履行能力而拒不履行生效法律文书确定的义务",
        "authority": "东营市中级人民法院",
        "source": ListingSource(
            kind="court", region=CITY, record_id=CASE_NUMBER, name="东营市中级人民法院"
        ),
        "listed_on": dt.date(2015, 6, 12),
        "penalty_from": dt.date(2015, 6, 12),
        "court": court_record(),
    }
    return BlacklistEntry(**(fields | changes))


# --- the model: periods kept apart ------------------------------------------------------------


def test_a_ban_can_outlast_its_publication():
    entry = own()  # penalty to 2017-08-19, published to 2016-08-19
    day = dt.date(2017, 1, 1)
    assert entry.in_force_on(day)
    assert not entry.published_on(day)
    assert entry.status_on(day) is EntryStatus.IN_FORCE
    assert entry.ends_on == dt.date(2017, 8, 19)


def test_a_publication_can_outlast_its_ban():
    entry = own(penalty_until=dt.date(2016, 2, 19), publish_until=dt.date(2016, 8, 19))
    day = dt.date(2016, 5, 1)
    assert not entry.in_force_on(day)
    assert entry.published_on(day)
    assert entry.status_on(day) is EntryStatus.PUBLISHED


def test_publication_defaults_to_the_listing_and_the_penalty_period():
    entry = own(publish_until=None, listed_on=dt.date(2015, 8, 18))
    assert entry.publication_start == dt.date(2015, 8, 18)
    assert entry.publication_end == entry.penalty_until
    assert entry.published_on(dt.date(2015, 8, 18))
    assert not entry.in_force_on(dt.date(2015, 8, 18))
    assert entry.status_on(dt.date(2015, 8, 18)) is EntryStatus.PUBLISHED
    assert entry.status_on(dt.date(2015, 8, 17)) is EntryStatus.PENDING


def test_expiry_and_revocation_are_derived_from_the_dates():
    entry = own()
    assert entry.status_on(dt.date(2017, 8, 19)) is EntryStatus.IN_FORCE
    assert entry.status_on(dt.date(2017, 8, 20)) is EntryStatus.EXPIRED
    assert entry.expired_by(dt.date(2017, 8, 20))
    assert not entry.expired_by(dt.date(2017, 8, 19))
    revoked = attrs.evolve(entry, revocation=Revocation(on=dt.date(2016, 1, 5), reason="信用修复"))
    assert revoked.in_force_on(dt.date(2016, 1, 4))
    assert not revoked.in_force_on(dt.date(2016, 1, 5))
    assert not revoked.published_on(dt.date(2016, 1, 5))
    assert revoked.status_on(dt.date(2018, 1, 1)) is EntryStatus.REVOKED
    assert not revoked.expired_by(dt.date(2018, 1, 1))
    assert own(penalty_until=None).ends_on is None  # until revoked: never expires


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"penalty_from": dt.date(2015, 9, 1), "penalty_until": dt.date(2015, 8, 31)},
            r"^BlacklistEntry\.penalty_from \(2015-09-01\) is after BlacklistEntry\.penalty_until",
        ),
        (
            {"publish_from": dt.date(2016, 9, 1)},
            r"^BlacklistEntry\.publish_from \(2016-09-01\) is after BlacklistEntry\.publish_until",
        ),
        (
            {"expired_on": dt.date(2017, 8, 19)},
            r"^BlacklistEntry\.expired_on \(2017-08-19\) is not after the end of its periods",
        ),
        (
            {"penalty_until": None, "expired_on": dt.date(2020, 1, 1)},
            r"^BlacklistEntry\.expired_on: an entry whose penalty or publication has no end",
        ),
        ({"court": court_record()}, r"^BlacklistEntry\.court: an entry from a own list"),
        ({"sector": SectorRecord(list="government_procurement")}, r"^BlacklistEntry\.sector"),
    ],
)
def test_the_model_refuses_what_cannot_be(changes, message):
    with pytest.raises(ValueError, match=message):
        own(**changes)


def test_a_court_entry_keeps_its_case_number_as_the_sources_record_id():
    entry = court()
    assert entry.source.record_id == entry.court.case_number == "(2015)东中执字第00087号"
    with pytest.raises(ValueError, match=r"is not the court's case number"):
        court(court=court_record(case_number="(2015)东中执字第00088号"))
    with pytest.raises(ValueError, match=r"^CourtRecord\.age must be a whole number"):
        court_record(age=-1)
    with pytest.raises(ValueError, match=r"^CourtRecord\.filed_on .* is after"):
        court_record(filed_on=dt.date(2015, 7, 1))


def test_a_national_sector_entry_names_its_list_and_keeps_its_fields():
    with pytest.raises(ValueError, match=r"names its list"):
        own(source=ListingSource(kind="national_sector", region="100000"))
    entry = own(
        id="gp-2015-0031",
        source=ListingSource(kind="national_sector", region="110000", name="中国政府采购网"),
        sector=SectorRecord(
            list="government_procurement",
            penalty_result="罚款采购金额千分之五，列入不良行为记录名单，一年内禁止参加政府采购活动",
            ban_period="一年",
            penalty_on=dt.date(2015, 8, 20),
        ),
    )
    document = codec.to_document(entry)
    assert document["sector"]["list"] == "government_procurement"
    assert document["sector"]["ban_period"] == "一年"
    graded = attrs.evolve(entry, sector=SectorRecord(list="construction_market", grade="D级"))
    assert codec.to_document(graded)["sector"] == {"list": "construction_market", "grade": "D级"}


def test_every_published_court_field_has_its_own_field_and_survives_the_schema():
    document = codec.to_document(court())
    assert validate_document("blacklist-entry", document) == []
    assert document["court"] == {
        "case_number": "(2015)东中执字第00087号",
        "court": "东营市中级人民法院",
        "province": "山东",
        "legal_representative": "王建国",
        "enforcement_basis_number": "(2014)东民初字第112号",
        "enforcement_basis_unit": "东营市中级人民法院",
        "filed_on": "2015-03-02",
        "obligation": "被告于判决生效后十日内偿还原告借款本金300000元及利息",
        "performance": "部分未履行",
        "performed_part": "100000元",
        "unperformed_part": "200000元及利息",
        "dishonest_conduct": ["有履行能力而拒不履行生效法律文书确定义务", "违反财产报告制度"],
        "published_on": "2015-06-12",
        "published_id": 70551234,
        "party_type": "",
        "related_parties": [
            {"name": "王建国", "card_number": "3705021970****1234", "role": "法定代表人"}
        ],
    }
    assert codec.from_document(BlacklistEntry, document) == court()


def test_a_person_in_a_court_list_has_sex_and_age():
    entry = court(
        subject=person(number="3705231988****3576"),
        court=court_record(sex="male", age=27, legal_representative=None),
    )
    document = codec.to_document(entry)
    assert document["court"]["sex"] == "male"
    assert document["court"]["age"] == 27
    assert document["subject"]["identifier"]["number"] == "3705231988****3576"
    assert validate_document("blacklist-entry", document) == []


def test_an_entry_id_is_derived_from_the_sources_record_id():
    source = court().source
    derived = derived_entry_id(source)
    assert derived.startswith("court-370500-")
    assert len(derived) == len("court-370500-") + 16
    assert derived == derived_entry_id(source)  # stable
    assert derived_entry_id(source, "91370502MA3CB7QT8K") != derived  # parts tell apart
    own(id=derived)  # fits our id pattern
    with pytest.raises(ValueError, match="no record id"):
        derived_entry_id(ListingSource(kind="own", region=CITY))


@given(blacklist_entries())
def test_any_entry_survives_the_round_trip_through_a_valid_document(entry):
    document = codec.to_document(entry)
    assert validate_document("blacklist-entry", document) == []
    assert codec.from_document(BlacklistEntry, json.loads(json.dumps(document))) == entry


# --- organisation codes (GB 11714) --------------------------------------------------------------


@pytest.mark.parametrize(("credit_code", "organisation_code"), REAL_CREDIT_CODES.items())
def test_real_credit_codes_embed_a_valid_organisation_code(credit_code, organisation_code):
    assert organisation_code_of(credit_code) == organisation_code
    assert organisation_code_problem(organisation_code) is None
    assert format_organisation_code(organisation_code) == (
        f"{organisation_code[:8]}-{organisation_code[8]}"
    )
    assert identify(format_organisation_code(organisation_code)) == ("org_code", organisation_code)
    assert identify(credit_code) == ("uscc", credit_code)


def test_a_wrong_check_character_is_refused_with_the_one_expected():
    assert organisation_code_problem("716105853") == (
        "organisation code 716105853: check character is '3', expected '2' (GB 11714-1997)"
    )
    assert "not 9" in organisation_code_problem("71610585")
    assert "not of the form" in organisation_code_problem("7161058a2")
    with pytest.raises(ValueError, match=r"^Identifier\.number: organisation code 716105853"):
        Identifier(kind="org_code", number="716105853")


@given(organisation_codes())
def test_the_check_character_follows_the_weights(code):
    assert organisation_code_problem(code) is None
    assert normalise_organisation_code(format_organisation_code(code).lower()) == code
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c, 36) for c in code[:8]]
    check = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    assert code[8] == {10: "X", 11: "0"}.get(check, str(check))
    assert organisation_code_check_character(code[:8]) == code[8]


def test_an_organisation_known_only_by_its_organisation_code_is_a_subject():
    entry = court(subject=enterprise(number="716105852"))
    document = codec.to_document(entry)
    assert validate_document("blacklist-entry", document) == []
    wrong = json.loads(json.dumps(document))
    wrong["subject"]["identifier"]["number"] = "716105853"
    problems = validate_document("blacklist-entry", wrong)
    assert any("expected '2' (GB 11714-1997)" in p.message for p in problems)
    person_with_code = json.loads(json.dumps(document))
    person_with_code["subject"]["kind"] = "person"
    problems = validate_document("blacklist-entry", person_with_code)
    assert any("a person is identified by a personal document" in p.message for p in problems)
    with pytest.raises(ValueError, match="a person is identified by a personal document"):
        Party(
            kind="person", name="某某", identifier=Identifier(kind="org_code", number="716105852")
        )


def test_identify_reads_every_published_form():
    assert identify(" 3705231988****357x ") == ("ric", "3705231988****357X")
    assert identify(PERSON_NUMBER.lower()) == ("ric", PERSON_NUMBER)
    with pytest.raises(ValueError, match="check digit"):
        identify("370523198803123571")
    with pytest.raises(ValueError, match="is not a unified social credit code"):
        identify("12345")


def test_the_same_subject_across_sources():
    ours = own()
    by_code = court(subject=enterprise(name="鑫源建筑", number=ENTERPRISE_CODE[8:17]))
    assert same_subject(ours, by_code)  # the credit code embeds the organisation code
    other = court(subject=enterprise(number="91330100716105852F"))
    assert not same_subject(ours, other)
    masked = court(subject=person(number="3705231988****3576"))
    full = own(subject=person())
    assert same_subject(masked, full)
    assert not same_subject(masked, own(subject=person(name="孙立刚")))
    by_name = own(
        subject=Party(
            kind="person", name="孙 立强", identifier=Identifier(kind="passport", number="E1")
        ),
        subject_region=CITY,
    )
    named = own(
        subject=Party(
            kind="person", name="孙立强", identifier=Identifier(kind="other", number="军官证1")
        ),
        subject_region=CITY,
    )
    assert same_subject(by_name, named)
    assert not same_subject(by_name, attrs.evolve(named, subject_region="371400"))


# --- the store: columns, on every backend ------------------------------------------------------


@contextlib.contextmanager
def centre(backend: str, tmp_path: Path, today: dt.date = TODAY) -> Iterator[GovService]:
    """The Dongying centre on ``backend``, its clock at 09:00 of ``today``."""
    with contextlib.ExitStack() as stack:
        settings: dict[str, str] = {}
        if backend == "sqlite":
            settings = {"path": str(tmp_path / "centre.db")}
        elif backend == "postgresql":
            import govservice_postgres.testing as testing

            dsn = testing.postgres_dsn_or_skip()
            settings = {"conninfo": dsn, "schema": stack.enter_context(testing.fresh_schema(dsn))}
        config = Config(
            name="东营市政务服务中心",
            region=CITY,
            storage_backend=backend,
            storage_settings=settings,
        )
        allow = "postgresql" if backend == "postgresql" else ""
        service = GovService(
            config,
            clock=FixedClock(at(today)),
            strict=True,
            environ={"GOVSERVICE_PLUGINS": allow},
        )
        try:
            yield service
        finally:
            service.store.close()


@pytest.fixture(params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GovService]:
    with centre(request.param, tmp_path) as opened:
        yield opened


def test_the_columns_are_taken_from_the_document():
    row = dict(
        zip(
            [c.strip() for c in ENTRY_COLUMNS.split(",")],
            entry_row(codec.to_document(court())),
            strict=True,
        )
    )
    assert row == {
        "id": "court-370500-0087",
        "region": CITY,
        "subject_kind": "uscc",
        "subject_number": ENTERPRISE_CODE,
        "organisation_code": ENTERPRISE_CODE[8:17],
        "normalised_name": "东营区鑫源建筑安装工程",
        "subject_region": "370502",
        "source_kind": "court",
        "source_record_id": CASE_NUMBER,
        "penalty_from": "2015-06-12",
        "penalty_until": None,
        "publish_from": None,
        "publish_until": None,
        "revoked_on": None,
    }


def test_entries_are_found_by_their_columns(service):
    entries = service.blacklists.entries
    entries.add(own())
    entries.receive(
        court(subject=enterprise(name="鑫源建筑（东营）", number=ENTERPRISE_CODE[8:17]))
    )
    found = service.store.records_where("blacklist-entry", organisation_code=ENTERPRISE_CODE[8:17])
    assert [s.record.id for s in found] == ["DY-HMD-2015-007", "court-370500-0087"]
    by_record = service.store.records_where(
        "blacklist-entry", source_kind="court", source_record_id=CASE_NUMBER
    )
    assert [s.record.id for s in by_record] == ["court-370500-0087"]
    by_name = service.store.records_where("blacklist-entry", normalised_name="鑫源建筑东营")
    assert [s.record.id for s in by_name] == ["court-370500-0087"]


# --- Entries: listing, receiving, revoking, expiring -------------------------------------------


def _actions(service: GovService, entry_id: str) -> list[dict]:
    return [c.change for c in changes(service.store, "blacklist-entry", entry_id)]


def test_our_own_listing_is_an_event_of_the_trail_with_its_provenance(service):
    service.blacklists.entries.add(own())
    assert service.blacklists.entries.get("DY-HMD-2015-007") == own()
    (link,) = _actions(service, "DY-HMD-2015-007")
    assert link == {
        "action": "listed",
        "source": "own",
        "source_region": CITY,
        "authority": "东营市公共资源交易管理办公室",
    }
    assert verify_store(service.store).ok


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (court(), "source.kind is 'court': our own list lists entries of kind 'own'"),
        (own(source=ListingSource(kind="own", region="371400")), "not our region 370500"),
        (own(listed_on=dt.date(2015, 10, 21)), "listed_on (2015-10-21) is after today"),
    ],
)
def test_our_own_list_refuses_clearly(service, entry, message):
    with pytest.raises(BlacklistEntryError, match=re_escape(message)) as refused:
        service.blacklists.entries.add(entry)
    assert refused.value.code == "GS611"
    assert refused.value.notice
    assert list(service.blacklists.entries.all()) == []


def re_escape(text: str) -> str:
    import re

    return re.escape(text)


def test_an_id_taken_is_refused_and_a_batch_is_all_or_none(service):
    entries = service.blacklists.entries
    entries.add(own())
    with pytest.raises(BlacklistEntryError, match="is stored already"):
        entries.add(own(reason="另一事由"))
    with pytest.raises(BlacklistEntryError, match="is stored already"):
        entries.add_all([own("DY-HMD-2015-008"), own()])
    with pytest.raises(BlacklistEntryError, match="is given twice"):
        entries.add_all([own("DY-HMD-2015-009"), own("DY-HMD-2015-009")])
    assert [e.id for e in entries.all()] == ["DY-HMD-2015-007"]
    assert entries.get("DY-HMD-2015-007").reason == "在招标投标活动中串通投标"
    with pytest.raises(BlacklistEntryNotFoundError):
        entries.get("DY-HMD-2015-008")


def test_a_received_entry_keeps_its_provenance_and_receiving_it_again_changes_nothing(service):
    entries = service.blacklists.entries
    received = entries.receive(court())
    assert received.outcome == "added"
    stored = entries.get("court-370500-0087")
    assert stored.source.received_at == at(TODAY)  # the centre's clock
    assert stored.source.record_id == "(2015)东中执字第00087号"
    assert stored.court == court_record()
    service.clock.advance(days=1)
    again = entries.receive(court())
    assert again.outcome == "unchanged"
    assert again.entry.source.received_at == at(TODAY)
    changed = entries.receive(court(court=court_record(performance="全部未履行")))
    assert changed.outcome == "changed"
    assert [link["action"] for link in _actions(service, "court-370500-0087")] == [
        "received",
        "received",
    ]
    first = _actions(service, "court-370500-0087")[0]
    assert first["source_record_id"] == "(2015)东中执字第00087号"
    assert first["received_at"] == at(TODAY).isoformat()
    assert first["source_name"] == "东营市中级人民法院"
    with pytest.raises(BlacklistEntryError, match="is of our own list"):
        entries.receive(own())
    with pytest.raises(BlacklistEntryError, match="is stored from another source"):
        entries.receive(court(source=attrs.evolve(court().source, region="371400"), court=None))
    assert verify_store(service.store).ok


def test_revoking_ours_leaves_the_courts_entry_of_the_same_subject(service):
    entries = service.blacklists.entries
    entries.add(own())
    entries.receive(court())
    both = entries.of_subject(ENTERPRISE_CODE)
    assert [e.source.kind.value for e in both] == ["own", "court"]
    revoked = entries.revoke("DY-HMD-2015-007", "信用修复：已整改并作出信用承诺")
    assert revoked.revocation == Revocation(on=TODAY, reason="信用修复：已整改并作出信用承诺")
    assert not entries.get("DY-HMD-2015-007").in_force_on(TODAY)
    assert entries.get("court-370500-0087").in_force_on(TODAY)
    assert [e.id for e in entries.in_force(TODAY)] == ["court-370500-0087"]
    link = _actions(service, "DY-HMD-2015-007")[-1]
    assert link["action"] == "revoked"
    assert link["reason"] == "信用修复：已整改并作出信用承诺"
    assert link["on"] == TODAY.isoformat()
    assert link["by_source"] is False
    with pytest.raises(RevocationError, match="only its source revokes it") as refused:
        entries.revoke("court-370500-0087", "信用修复")
    assert refused.value.code == "GS613"
    with pytest.raises(RevocationError, match="revoked on 2015-10-20 already"):
        entries.revoke("DY-HMD-2015-007", "信用修复")
    by_court = entries.revoke("court-370500-0087", "已履行完毕", by_source=True)
    assert by_court.revocation.on == TODAY
    assert verify_store(service.store).ok


def test_a_revocation_is_dated_between_the_listing_and_today(service):
    entries = service.blacklists.entries
    entries.add(own())
    with pytest.raises(RevocationError, match="cannot be revoked on 2015-08-19, before"):
        entries.revoke("DY-HMD-2015-007", "信用修复", on=dt.date(2015, 8, 19))
    with pytest.raises(RevocationError, match="is after today"):
        entries.revoke("DY-HMD-2015-007", "信用修复", on=dt.date(2015, 10, 21))
    with pytest.raises(RevocationError, match=r"Revocation\.reason must be a non-empty text"):
        entries.revoke("DY-HMD-2015-007", " ")
    with pytest.raises(BlacklistEntryNotFoundError):
        entries.revoke("DY-HMD-2015-099", "信用修复")
    assert entries.get("DY-HMD-2015-007").revocation is None
    assert len(_actions(service, "DY-HMD-2015-007")) == 1


def test_expiry_is_recorded_once_as_an_event(service):
    entries = service.blacklists.entries
    entries.add(own(penalty_until=dt.date(2015, 9, 30), publish_until=dt.date(2015, 10, 9)))
    entries.add(own("DY-HMD-2015-008"))
    entries.add(
        own(
            "DY-HMD-2015-009",
            penalty_until=dt.date(2015, 9, 30),
            publish_until=dt.date(2015, 9, 30),
            revocation=Revocation(on=dt.date(2015, 9, 1), reason="信用修复"),
        )
    )
    assert entries.expire(dt.date(2015, 10, 9)) == []  # published to the 9th: not over yet
    (expired,) = entries.expire()
    assert expired.id == "DY-HMD-2015-007"
    assert expired.expired_on == TODAY
    assert entries.get("DY-HMD-2015-007").expired_on == TODAY
    link = _actions(service, "DY-HMD-2015-007")[-1]
    assert link["action"] == "expired"
    assert link["ended"] == "2015-10-09"
    assert entries.expire(dt.date(2015, 10, 21)) == []  # once
    assert verify_store(service.store).ok


def test_a_subject_is_found_by_any_of_its_identifiers(service):
    entries = service.blacklists.entries
    entries.add(own())
    entries.receive(court(subject=enterprise(name="鑫源建筑", number=ENTERPRISE_CODE[8:17])))
    entries.receive(
        court(
            "court-370500-0088",
            subject=person(number="3705231988****3576"),
            source=ListingSource(kind="court", region=CITY, record_id="(2015)东中执字第00088号"),
            court=court_record(case_number="(2015)东中执字第00088号"),
        )
    )
    codes = [e.id for e in entries.of_subject(ENTERPRISE_CODE)]
    assert codes == ["DY-HMD-2015-007", "court-370500-0087"]
    assert [
        e.id for e in entries.of_subject(f"{ENTERPRISE_CODE[8:16]}-{ENTERPRISE_CODE[16]}")
    ] == [
        "DY-HMD-2015-007",
        "court-370500-0087",
    ]
    assert [e.id for e in entries.of_subject(PERSON_NUMBER, name="孙立强")] == [
        "court-370500-0088"
    ]
    assert entries.of_subject(PERSON_NUMBER) == []  # a masked number needs the name
    assert entries.of_subject(PERSON_NUMBER, name="孙立刚") == []
    assert [e.id for e in entries.of_subject(name="东营区鑫源建筑安装工程有限公司")] == [
        "DY-HMD-2015-007"
    ]
    assert [e.id for e in entries.same_subject_as(own())] == [
        "DY-HMD-2015-007",
        "court-370500-0087",
    ]
    with pytest.raises(BlacklistEntryError, match="check digit"):
        entries.of_subject("370523198803123571")


# --- migration 0010: entries stored before it ---------------------------------------------------

OLD_ENTRY = {
    "id": "DY-HMD-2014-003",
    "subject": {
        "kind": "enterprise",
        "name": "东营市某某工程有限公司",
        "identifier": {"kind": "uscc", "number": ENTERPRISE_CODE},
    },
    "reason": "串通投标",
    "authority": "东营市公共资源交易管理办公室",
    "source": {"kind": "own", "region": CITY},
    "penalty": "20000.00",
    "listed_on": "2014-11-03",
    "valid_from": "2014-11-03",
    "valid_until": "2016-11-02",
}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_entries_stored_before_schema_10_are_migrated(backend, tmp_path, monkeypatch):
    from govservice.store.ledger import canonical

    stop_at_schema(monkeypatch, backend, 9)
    with centre(backend, tmp_path) as service:
        store = service.store
        assert store.schema_version() == 9
        with store.transaction():
            store._execute(
                "INSERT INTO blacklist_entries (id, region, subject_number, valid_from, "
                f"valid_until, doc) VALUES ({', '.join([store.mark] * 6)})",
                (
                    "DY-HMD-2014-003",
                    CITY,
                    ENTERPRISE_CODE,
                    "2014-11-03",
                    "2016-11-02",
                    canonical(OLD_ENTRY),
                ),
            )
        reopened = reopen(service, monkeypatch, clock=FixedClock(at(TODAY)))
        try:
            store = reopened.store
            assert store.schema_version() == store.latest_schema_version() >= 10
            entry = reopened.blacklists.entries.get("DY-HMD-2014-003")
            assert (entry.penalty_from, entry.penalty_until) == (
                dt.date(2014, 11, 3),
                dt.date(2016, 11, 2),
            )
            assert entry.fine == Decimal("20000.00")
            (row,) = store.raw_rows("blacklist-entry")
            names = [c.strip() for c in ENTRY_COLUMNS.split(",")]
            columns = dict(zip(names, row, strict=False))
            assert columns["organisation_code"] == ENTERPRISE_CODE[8:17]
            assert columns["normalised_name"] == "东营市某某工程"
            assert columns["source_kind"] == "own"
            assert columns["subject_kind"] == "uscc"
            document = json.loads(row[-1])
            assert "valid_from" not in document
            assert document["penalty_from"] == "2014-11-03"
            assert row[-1] == canonical(document)
            report = verify_store(store)
            assert report.ok, report.first_break
            assert report.unchained_records == 1
            assert attest_legacy_records(store) == 1
            report = verify_store(store)
            assert report.ok
            assert report.unchained_records == 0
            reopened.blacklists.entries.revoke("DY-HMD-2014-003", "信用修复")
            assert [c["action"] for c in _actions(reopened, "DY-HMD-2014-003")] == [
                "attested",
                "revoked",
            ]
            assert verify_store(store).ok
        finally:
            reopened.store.close()


# --- the command line ---------------------------------------------------------------------------


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "centre.yaml"
    config.write_text(
        "name: 东营市政务服务中心\nregion: '370500'\nstorage:\n  backend: sqlite\n"
        f"  settings:\n    path: {json.dumps(str(tmp_path / 'centre.db'))}\n",
        encoding="utf-8",
    )
    return config


def _run(config: Path, *arguments: str, today: dt.date = TODAY) -> int:
    return main(["--config", str(config), "--now", at(today).isoformat(), "blacklist", *arguments])


def test_the_command_line_lists_adds_and_revokes(tmp_path, capsys):
    config = _config(tmp_path)
    listed = own(subject=person())
    entries = tmp_path / "entries.json"
    entries.write_text(
        json.dumps([codec.to_document(listed), codec.to_document(own("DY-HMD-2015-008"))]),
        encoding="utf-8",
    )
    assert _run(config, "add", str(entries)) == 0
    out = capsys.readouterr().out
    assert "已列入本级黑名单：2条" in out
    assert PERSON_NUMBER not in out
    assert "3705231988****3576" in out
    assert _run(config, "list") == 0
    out = capsys.readouterr().out
    assert "黑名单（2015年10月20日，惩戒期内，共2条）" in out
    assert "惩戒期2015年8月20日至2017年8月19日" in out
    assert "公示期2015年8月20日至2016年8月19日" in out
    assert PERSON_NUMBER not in out
    assert _run(config, "list", "--json", "--subject", PERSON_NUMBER, "--name", "孙立强") == 0
    out = capsys.readouterr().out
    (document,) = json.loads(out)
    assert document["subject"]["identifier"]["number"] == "3705231988****3576"
    assert PERSON_NUMBER not in out
    assert _run(config, "revoke", "DY-HMD-2015-007", "--reason", "信用修复") == 0
    assert "已移出：DY-HMD-2015-007 孙立强，自2015年10月20日起，理由：信用修复" in (
        capsys.readouterr().out
    )
    assert _run(config, "list") == 0
    assert "共1条" in capsys.readouterr().out
    assert _run(config, "list", "--all") == 0
    out = capsys.readouterr().out
    assert "已移出（2015年10月20日，信用修复）" in out
    # the day before, it was in force: its later revocation is not shown as one
    assert _run(config, "list", "--all", "--on", "2015-10-19") == 0
    out = capsys.readouterr().out
    assert "DY-HMD-2015-007" in out
    assert "惩戒中" in out
    assert "移出" not in out
    assert _run(config, "expire", "--on", "2017-08-20", today=dt.date(2017, 8, 20)) == 0
    assert "记录期满：1条" in capsys.readouterr().out


def test_the_command_line_refuses_in_one_line_and_stores_nothing(tmp_path, capsys):
    config = _config(tmp_path)
    bad = tmp_path / "bad.json"
    document = codec.to_document(own())
    document["subject"]["identifier"]["number"] = ENTERPRISE_CODE[:-1] + "0"
    bad.write_text(json.dumps([document]), encoding="utf-8")
    assert _run(config, "add", str(bad)) == 1
    captured = capsys.readouterr()
    assert "/subject/identifier/number" in captured.out
    assert "check character" in captured.out
    assert "无效：1处问题，未作改动" in captured.err
    court_file = tmp_path / "court.json"
    court_file.write_text(json.dumps([codec.to_document(court())]), encoding="utf-8")
    assert _run(config, "add", str(court_file)) == 2
    err = capsys.readouterr().err
    assert "GS611" in err
    assert "Traceback" not in err
    assert _run(config, "revoke", "DY-HMD-2015-007", "--reason", "信用修复") == 2
    assert "GS612" in capsys.readouterr().err
    assert _run(config, "list", "--all") == 0
    assert "共0条" in capsys.readouterr().out


def test_invalid_record_error_is_what_the_reader_raises(tmp_path):
    from govservice.cli.blacklist_entries import _read

    path = tmp_path / "one.json"
    path.write_text(json.dumps({"id": "x"}), encoding="utf-8")
    with centre("memory", tmp_path) as service, pytest.raises(InvalidRecordError):
        _read(str(path), service)


@settings(deadline=None)  # the first example opens the first centre of its process (imports)
@given(st.data())
def test_generated_entries_are_stored_and_read_back_in_memory(data):
    entry = data.draw(blacklist_entries())
    with centre("memory", Path(".")) as service:
        service.store.add(entry)
        assert service.blacklists.entries.get(entry.id) == entry
