"""Screening against the blacklists (黑名单筛查): normalised names, exact matches by
identifier (credit code, organisation code, identity number, a masked number by its
visible parts and the name), fuzzy matches by name, explanations, the threshold,
exclusion, and the places it runs on its own: an intermediary's selection and a case's
acceptance (blocked, and overridden by a supervisor with a reason), on the memory store
and a SQLite file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import strategies
from govservice.blacklists.names import normalise
from govservice.blacklists.screening import Index, Subject, _in_force
from govservice.config import Config
from govservice.errors import (
    RoleError,
    ScreeningBlockedError,
    ScreeningError,
    ScreeningOverrideError,
)
from govservice.model import BlacklistEntry, CaseState, Identifier, ListingSource, Party
from govservice.model.blacklist import Revocation
from govservice.model.identifiers import mask_ric, organisation_code_check_character
from govservice.samples import START, credit_code, identity_number
from govservice.workflow.acceptance import OVERRIDDEN
from selection_helpers import DAY, SERVICE, centre, stock
from workflow_helpers import (
    CLERK,
    SUPERVISOR,
    Desk,
    empty_database,
    make_service,
    ordinary_item,
)

BACKENDS = ["memory", "sqlite"]


def _org(body: str) -> str:
    return body + organisation_code_check_character(body)


def entry(number: int, party: Party, **changes) -> BlacklistEntry:
    fields = {
        "id": f"BL-2015-{number:04d}",
        "subject": party,
        "reason": "在招标投标活动中串通投标",
        "authority": "东营市公共资源交易监督管理办公室",
        "source": ListingSource(kind="own", region="370500"),
        "listed_on": dt.date(2015, 3, 1),
        "penalty_from": dt.date(2015, 3, 1),
        "penalty_until": dt.date(2017, 2, 28),
    }
    return BlacklistEntry(**(fields | changes))


def company(name: str, number: str, kind: str = "uscc") -> Party:
    return Party(kind="enterprise", name=name, identifier=Identifier(kind=kind, number=number))


def person(name: str, number: str) -> Party:
    return Party(kind="person", name=name, identifier=Identifier(kind="ric", number=number))


COURT = ListingSource(
    kind="court", region="370500", record_id="(2015)东执字第00123号", name="东营市中级人民法院"
)


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("东营市黄河建设有限公司", "东营市黄河建设"),
        ("东营市黄河建设有限责任公司", "东营市黄河建设"),
        ("东营市黄河建设股份有限公司", "东营市黄河建设"),
        ("东营市 黄河建设　有限公司", "东营市黄河建设"),  # a space, an ideographic space
        ("ＡＢＣ（东营）科技有限公司", "abc东营科技"),  # full-width letters and brackets
        ("ABC(东营)科技有限公司", "abc东营科技"),
        ("【东营】ABC科技有限公司", "东营abc科技"),
        ("山东黄河（集团）有限公司", "山东黄河集团"),
        ("东营市黄河建设有限公司广饶分公司", "东营市黄河建设"),  # a branch is its parent
        ("东营市黄河建设有限公司广饶营业部", "东营市黄河建设"),
        ("黄河建设广饶分公司", "黄河建设广饶"),  # no company form before the marker
        ("东营正信会计师事务所（特殊普通合伙）", "东营正信会计师事务所"),
        ("阿卜杜·热合曼", "阿卜杜热合曼"),
        ("张伟", "张伟"),
        ("有限公司", "有限公司"),  # nothing but a form: kept
    ],
)
def test_names_are_normalised(written, normalised):
    assert normalise(written) == normalised


def test_the_forms_a_name_is_written_in_normalise_to_one_key():
    forms = {
        "东营市黄河建设有限公司",
        "东营市黄河建设有限责任公司",
        "东营市 黄河建设有限公司",
        "东营市黄河建设有限公司垦利分公司",
        "东营市黄河建设公司",
    }
    assert {normalise(form) for form in forms} == {"东营市黄河建设"}


_NAME_PARTS = list("东营黄河建设有限公司责任股份分营业部集团合伙（）()【】 　ABCabc１２３·")


@given(st.text(alphabet=st.sampled_from(_NAME_PARTS), max_size=24))
def test_a_normalised_name_normalises_to_itself(name):
    assert normalise(normalise(name)) == normalise(name)


@given(st.text(alphabet=st.sampled_from(list("ABCXYZabcxyz0123456789")), min_size=1, max_size=8))
def test_full_width_and_half_width_letters_and_digits_are_one(latin):
    wide = "".join(chr(ord(c) + 0xFEE0) for c in latin)  # ＡＢＣ１２３
    assert normalise(f"东营{wide}科技有限公司") == normalise(f"东营{latin}科技有限公司")


# --- exact and fuzzy matching (on the index) ---------------------------------------------------


USCC = credit_code(41)
ORG_OF_USCC = USCC[8:17]
ORG = _org("74240553")
FULL = identity_number(7, born=dt.date(1978, 5, 6))
OTHER_FULL = identity_number(8, born=dt.date(1978, 5, 6))


@pytest.fixture
def index() -> Index:
    return Index(
        [
            entry(1, company("东营市黄河建设有限公司", USCC)),
            entry(2, company("东营市利源化工有限公司", ORG, kind="org_code"), source=COURT),
            entry(3, person("张伟", FULL)),
            entry(4, person("李娜", mask_ric(OTHER_FULL)), source=COURT),
            entry(5, company("山东广饶正信工程咨询有限公司", credit_code(42))),
        ]
    )


def _ids(result) -> list[str]:
    return [match.entry.id for match in result.matches]


def _screen(index, subject, **options):
    options = {"day": DAY, "threshold": 90.0} | options
    return index.screen([subject], **options)[0]


def test_a_credit_code_matches_its_entry(index):
    result = _screen(index, Subject(credit_code=USCC))
    assert _ids(result) == ["BL-2015-0001"]
    (match,) = result.matches
    assert match.score == 100
    assert [f.name for f in match.features] == ["credit_code"]
    assert match.by_identifier


def test_a_credit_code_matches_an_entry_listed_by_the_organisation_code_it_embeds():
    embedded = _org("59801234")
    uscc = _uscc_with(embedded)
    index = Index(
        [entry(9, company("东营市利源化工有限公司", embedded, kind="org_code"), source=COURT)]
    )
    result = _screen(index, Subject(credit_code=uscc))
    assert _ids(result) == ["BL-2015-0009"]
    assert [f.name for f in result.matches[0].features] == ["organisation_code"]
    # and the reverse: an organisation code finds the entry listed by the credit code
    reverse = Index([entry(10, company("东营市利源化工有限公司", uscc))])
    assert _ids(_screen(reverse, Subject(organisation_code=embedded))) == ["BL-2015-0010"]
    assert _ids(_screen(reverse, Subject(organisation_code=f"{embedded[:8]}-{embedded[8]}"))) == [
        "BL-2015-0010"
    ]


def _uscc_with(organisation_code: str) -> str:
    from stdnum.cn import uscc

    body = "91370500" + organisation_code
    return body + uscc.calc_check_digit(body)


def test_an_identity_number_matches_the_full_number_listed(index):
    result = _screen(index, Subject(identity_number=FULL))
    assert _ids(result) == ["BL-2015-0003"]
    assert [f.name for f in result.matches[0].features] == ["identity_number"]
    assert FULL not in json.dumps(result.to_json(), ensure_ascii=False)  # masked in the detail
    assert mask_ric(FULL) in result.matches[0].explain()


def test_a_full_number_matches_a_masked_one_by_its_visible_parts_and_the_name(index):
    matched = _screen(index, Subject(name="李娜", identity_number=OTHER_FULL))
    assert _ids(matched) == ["BL-2015-0004"]
    assert "masked_identity_number" in [f.name for f in matched.matches[0].features]
    assert matched.matches[0].score == 100
    # the visible parts alone are many people's: no name, no match; another name, none
    assert not _screen(index, Subject(identity_number=OTHER_FULL)).matches
    assert not _screen(index, Subject(name="王芳", identity_number=OTHER_FULL)).matches


def test_a_masked_number_as_published_matches_a_full_one_with_the_name(index):
    masked = mask_ric(FULL).lower().replace("x", "x")
    result = _screen(index, Subject(name="张伟", identity_number=masked))
    assert _ids(result) == ["BL-2015-0003"]
    assert "masked_identity_number" in [f.name for f in result.matches[0].features]


def test_a_name_written_another_way_matches_fuzzily_with_its_score(index):
    result = _screen(index, Subject(name="山东广饶正信工程咨询公司垦利分公司"))
    assert _ids(result) == ["BL-2015-0005"]
    (match,) = result.matches
    assert [f.name for f in match.features] == ["name"]  # the same once normalised
    near = _screen(index, Subject(name="山东广饶正信工程咨讯有限公司"))  # one character off
    (fuzzy,) = near.matches
    assert fuzzy.features[0].name == "name_similar"
    assert 90 <= fuzzy.score < 100
    assert f"{fuzzy.score:g}" in fuzzy.explain()
    assert "名称相似" in fuzzy.explain()


def test_the_threshold_decides_a_fuzzy_match(index):
    name = "山东广饶正信咨询有限公司"  # 山东广饶正信咨询 against 山东广饶正信工程咨询: 88.9
    assert not _screen(index, Subject(name=name)).matches
    loose = _screen(index, Subject(name=name), threshold=85.0)
    assert _ids(loose) == ["BL-2015-0005"]
    assert 85 <= loose.matches[0].score < 90


def test_a_similar_name_with_another_credit_code_is_another_enterprise(index):
    other = credit_code(43)
    result = _screen(index, Subject(name="东营市黄河建设有限公司", credit_code=other))
    assert not result.matches
    same = _screen(index, Subject(name="东营市黄河建设有限公司", credit_code=USCC))
    (match,) = same.matches
    assert [f.name for f in match.features] == ["credit_code", "name"]


def test_an_excluded_entry_is_left_out_and_said(index):
    subject = Subject(name="张伟", identity_number=FULL)
    result = _screen(index, subject, exclude=["BL-2015-0003"])
    assert not result.matches
    assert result.excluded == ("BL-2015-0003",)


def test_only_entries_in_force_on_the_day_match():
    revoked = entry(
        11,
        company("东营市黄河建设有限公司", USCC),
        revocation=Revocation(on=dt.date(2015, 6, 1), reason="信用修复"),
    )
    ended = entry(12, company("东营市黄河建设有限公司", USCC), penalty_until=dt.date(2015, 5, 1))
    index = Index([revoked, ended])
    assert not _screen(index, Subject(credit_code=USCC)).matches
    assert _ids(_screen(index, Subject(credit_code=USCC), day=dt.date(2015, 4, 1))) == [
        "BL-2015-0011",
        "BL-2015-0012",
    ]
    assert len(_screen(index, Subject(credit_code=USCC), day=None).matches) == 2


def test_a_subject_is_read_from_a_party_a_number_or_a_name():
    assert Subject.of(company("甲", USCC)).credit_code == USCC
    assert Subject.of(USCC) == Subject(credit_code=USCC)
    assert Subject.of(ORG) == Subject(organisation_code=ORG)
    assert Subject.of(FULL.lower()) == Subject(identity_number=FULL)
    assert Subject.of(mask_ric(FULL)).identity_number == mask_ric(FULL)
    assert Subject.of("东营市黄河建设有限公司") == Subject(name="东营市黄河建设有限公司")


def test_many_names_at_once_match_as_one_at_a_time(index):
    names = [
        Subject(name=n)
        for n in ("山东广饶正信工程咨讯有限公司", "东营市黄河建设公司", "无关的名称", "李娜")
    ]
    together = index.screen(names, day=DAY, threshold=90.0)
    alone = [index.screen([n], day=DAY, threshold=90.0)[0] for n in names]
    assert [_ids(r) for r in together] == [_ids(r) for r in alone]
    assert [_ids(r) for r in together] == [
        ["BL-2015-0005"],
        ["BL-2015-0001"],
        [],
        ["BL-2015-0004"],  # a person's name alone: no number to contradict it
    ]


# --- the service: the store, the configuration ----------------------------------------------------


@pytest.fixture(params=BACKENDS)
def service(request, tmp_path):
    with centre(tmp_path, backend=request.param) as service:
        yield service


def test_screening_follows_the_store_as_entries_are_listed_and_revoked(service):
    screening = service.blacklists.screening
    assert not screening.screen(Subject(credit_code=USCC)).matches
    listed = entry(1, company("东营市黄河建设有限公司", USCC))
    service.store.add(listed)
    assert [m.entry.id for m in screening.screen(Subject(credit_code=USCC)).matches] == [
        "BL-2015-0001"
    ]
    stored = service.store.get("blacklist-entry", listed.id)
    revoked = attrs.evolve(listed, revocation=Revocation(on=DAY, reason="信用修复"))
    service.store.update(revoked, stored.version, change={"action": "revoked"})
    assert not screening.screen(Subject(credit_code=USCC)).matches
    assert screening.screen(Subject(credit_code=USCC), any_day=True).matches


def test_the_threshold_comes_from_the_configuration(tmp_path):
    from govservice.config import load_config
    from govservice.service import GovService

    name = Subject(name="山东广饶正信咨询有限公司")  # 88.9 against the entry's name
    listed = entry(5, company("山东广饶正信工程咨询有限公司", credit_code(42)))
    path = tmp_path / "govservice.yaml"
    base = "name: 东营市政务服务中心\nregion: '370500'\nstorage:\n  backend: memory\n"
    path.write_text(base, encoding="utf-8")
    default = GovService(load_config(path))
    default.store.add(listed)
    assert default.blacklists.screening.threshold == 90
    assert not default.blacklists.screening.screen(name, day=DAY).matches
    path.write_text(base + "blacklists:\n  screening:\n    threshold: 85\n", encoding="utf-8")
    looser = GovService(load_config(path))
    looser.store.add(listed)
    assert looser.blacklists.screening.threshold == 85
    (match,) = looser.blacklists.screening.screen(name, day=DAY).matches
    assert 85 <= match.score < 90


def test_a_query_that_cannot_be_screened_is_refused(service):
    screening = service.blacklists.screening
    with pytest.raises(ScreeningError, match="threshold"):
        screening.screen(Subject(name="甲"), threshold=120)
    with pytest.raises(ScreeningError, match="none given"):
        screening.screen(Subject())
    with pytest.raises(ScreeningError, match="BL-2015-9999"):
        screening.screen(Subject(name="甲"), exclude=["BL-2015-9999"])
    with pytest.raises(ScreeningError, match="no valid credit code"):
        screening.screen("123456789012345679")  # a check digit wrong for every kind


# --- an intermediary's selection ---------------------------------------------------------------


def test_an_agency_listed_by_the_court_by_its_organisation_code_is_not_selected(service):
    from selection_helpers import agency

    codes = stock(service, [None, None])
    organisation_code = _org("59801234")
    barred = _uscc_with(organisation_code)
    service.store.add(attrs.evolve(agency(2), credit_code=barred))
    listed = company("东营市第2防雷检测有限公司", organisation_code, kind="org_code")
    service.store.add(entry(20, listed, source=COURT))
    eligibility = service.intermediaries.selections.eligible(SERVICE, DAY)
    assert set(eligibility.codes) == set(codes)
    (why,) = [reason for code, reason in eligibility.excluded if code == barred]
    assert why == (
        "列入黑名单（BL-2015-0020，东营市公共资源交易监督管理办公室；来源：法院失信被执行人名单 "
        "370500，东营市中级人民法院，原编号 (2015)东执字第00123号；组织机构代码一致）"
    )


def test_the_supermarket_seam_is_the_blacklists_screen(service):
    service.store.add(entry(1, company("东营市黄河建设有限公司", USCC)))
    assert service.intermediaries.selections.screen([USCC, credit_code(99)], DAY) == {
        USCC: "列入黑名单（BL-2015-0001，东营市公共资源交易监督管理办公室；来源：本级认定 370500；"
        "统一社会信用代码一致）"
    }


# --- a case's acceptance --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return empty_database(tmp_path_factory.mktemp("template") / "govservice.db")


@pytest.fixture(params=BACKENDS)
def desk(request, tmp_path, template):
    from govservice.clock import FixedClock

    clock = FixedClock(START)
    service = make_service(request.param, tmp_path, clock, template=template)
    yield Desk(service, clock)
    service.store.close()


def _listed_applicant(desk) -> BlacklistEntry:
    """The applicant of the desk's cases, on the court's list until revoked."""
    from workflow_helpers import APPLICANT_PARTY

    listed = entry(30, APPLICANT_PARTY, source=COURT, penalty_until=None)
    desk.store.add(listed)
    return listed


def test_a_listed_applicant_is_not_accepted_for_an_item_that_requires_screening(desk):
    _listed_applicant(desk)
    stored = desk.bring_to(ordinary_item(requires_screening=True), CaseState.SUBMITTED)
    with pytest.raises(ScreeningBlockedError) as raised:
        desk.workflow.accept(stored, CLERK)
    error = raised.value
    assert error.code == "GS641"
    assert "BL-2015-0030" in error.message
    assert "BL-2015-0030" in error.notice
    assert "法院失信被执行人名单" in error.notice
    assert "东营市中级人民法院" in error.notice
    assert desk.read(stored.record.id).record.state is CaseState.SUBMITTED  # nothing written
    assert desk.read(stored.record.id).version == stored.version


def test_an_item_that_does_not_require_screening_accepts_a_listed_applicant(desk):
    _listed_applicant(desk)
    stored = desk.bring_to(ordinary_item(), CaseState.SUBMITTED)
    accepted = desk.workflow.accept(stored, CLERK)
    assert accepted.record.state is CaseState.ACCEPTED
    assert not accepted.record.events[-1].warnings


def test_a_supervisor_overrides_the_hit_with_a_reason_then_the_case_is_accepted(desk):
    _listed_applicant(desk)
    stored = desk.bring_to(ordinary_item(requires_screening=True), CaseState.SUBMITTED)
    before = desk.store.ledger_head()[0]
    reason = "经核实，被执行人为同名的另一企业，已结案"
    overridden = desk.workflow.override_screening(stored, SUPERVISOR, reason)
    case = overridden.record
    assert case.state is CaseState.SUBMITTED
    assert case.attributes[OVERRIDDEN] == "BL-2015-0030"
    event = case.events[-1]
    assert (event.action, event.actor, event.note) == ("override_screening", "周明", reason)
    assert any(
        "BL-2015-0030" in w.message and "东营市中级人民法院" in w.message for w in event.warnings
    )
    trail = [json.loads(link.text) for link in desk.store.ledger(before)]
    assert any(reason in json.dumps(link, ensure_ascii=False) for link in trail)

    accepted = desk.workflow.accept(overridden, CLERK)
    assert accepted.record.state is CaseState.ACCEPTED
    (warning,) = [w for w in accepted.record.events[-1].warnings if w.code == "GS641"]
    assert "BL-2015-0030" in warning.message
    assert "周明" in warning.message
    assert reason in warning.message


def test_a_new_listing_after_the_override_blocks_again(desk):
    from workflow_helpers import APPLICANT_PARTY

    _listed_applicant(desk)
    stored = desk.bring_to(ordinary_item(requires_screening=True), CaseState.SUBMITTED)
    overridden = desk.workflow.override_screening(stored, SUPERVISOR, "同名不同主体")
    desk.store.add(entry(31, APPLICANT_PARTY))  # our own list, after the override
    with pytest.raises(ScreeningBlockedError, match="BL-2015-0031") as raised:
        desk.workflow.accept(overridden, CLERK)
    assert "BL-2015-0030" not in raised.value.message


def test_only_a_supervisor_overrides_and_only_a_hit(desk):
    stored = desk.bring_to(ordinary_item(requires_screening=True), CaseState.SUBMITTED)
    with pytest.raises(ScreeningOverrideError, match="nothing to override"):
        desk.workflow.override_screening(stored, SUPERVISOR, "同名不同主体")
    _listed_applicant(desk)
    with pytest.raises(RoleError):
        desk.workflow.override_screening(desk.read(stored.record.id), CLERK, "同名不同主体")
    with pytest.raises(Exception, match="reason"):
        desk.workflow.override_screening(desk.read(stored.record.id), SUPERVISOR, " ")


# --- the command line ------------------------------------------------------------------------------


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "govservice.yaml"
    path.write_text(
        "name: 东营市政务服务中心\nregion: '370500'\n"
        f"storage:\n  backend: sqlite\n  settings:\n    path: {tmp_path / 'centre.db'}\n",
        encoding="utf-8",
    )
    return path


def test_the_cli_screens_and_masks_identity_numbers(tmp_path, capsys):
    from govservice.cli import main

    config = _config(tmp_path)
    service_config = Config(
        name="东营市政务服务中心",
        region="370500",
        storage_backend="sqlite",
        storage_settings={"path": str(tmp_path / "centre.db")},
    )
    from govservice.service import GovService

    service = GovService(service_config)
    service.store.add(entry(3, person("张伟", FULL), source=COURT))
    service.store.close()

    code = main(["--config", str(config), "blacklist", "screen", FULL, "--on", "2015-09-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert "BL-2015-0003" in out
    assert "身份证号码一致" in out
    assert "东营市中级人民法院" in out
    assert FULL not in out
    assert mask_ric(FULL) in out

    code = main(
        [
            "--config",
            str(config),
            "blacklist",
            "screen",
            "--name",
            "张伟",
            "--id-number",
            mask_ric(FULL),
            "--on",
            "2015-09-01",
            "--json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    (result,) = json.loads(out)
    assert result["hit"]
    assert result["matches"][0]["entry"] == "BL-2015-0003"
    assert FULL not in out

    code = main(["--config", str(config), "blacklist", "screen", "某某", "--threshold", "0"])
    captured = capsys.readouterr()
    assert code == 2
    assert "threshold" in captured.err
    assert "Traceback" not in captured.err


def test_the_cli_override_records_the_supervisors_reason(tmp_path, capsys):
    from govservice.cli import main
    from govservice.clock import FixedClock

    clock = FixedClock(START)
    service = make_service("sqlite", tmp_path, clock, database="centre.db")
    desk = Desk(service, clock)
    _listed_applicant(desk)
    stored = desk.bring_to(ordinary_item(requires_screening=True), CaseState.SUBMITTED)
    service.store.close()
    config = _config(tmp_path)
    argv = ["--config", str(config), "blacklist", "override", stored.record.id]
    who = ["--actor", "周明", "--role", "supervisor"]

    assert main([*argv, "--reason", "经核实为同名的另一企业", *who]) == 0
    out = capsys.readouterr().out
    assert "黑名单筛查放行（周明）" in out
    assert "BL-2015-0030" in out
    assert main([*argv, "--reason", "同名", "--actor", "王晓燕", "--role", "window_clerk"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err

    reopened = make_service("sqlite", tmp_path, clock, database="centre.db", staff=False)
    case = reopened.store.get("case", stored.record.id).record
    reopened.store.close()
    assert case.attributes[OVERRIDDEN] == "BL-2015-0030"
    overrides = [e for e in case.events if e.action == "override_screening"]
    assert [(e.actor, e.note, e.refusal is None) for e in overrides] == [
        ("周明", "经核实为同名的另一企业", True),
        ("王晓燕", None, False),  # the clerk's attempt, refused and recorded
    ]


def test_the_garbage_collector_is_left_as_it_was(index):
    import gc

    assert gc.isenabled()
    index.screen([Subject(credit_code=USCC)], day=DAY, threshold=90.0)
    assert gc.isenabled()
    gc.disable()
    try:
        index.screen([Subject(credit_code=USCC)], day=DAY, threshold=90.0)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ScreeningError):
        Subject.of("123456789012345679")
    assert gc.isenabled()


@given(
    blacklist_entry=strategies.blacklist_entries(),
    day=st.dates(dt.date(2010, 1, 1), dt.date(2030, 12, 31)),
)
def test_the_index_judges_an_entry_in_force_as_the_model_does(blacklist_entry, day):
    index = Index([blacklist_entry])
    fresh = Index()  # from the stored text, as the store's index is built
    from govservice.codec import to_document

    document = to_document(blacklist_entry)
    fresh.put_document(document, json.dumps(document, ensure_ascii=False))
    screened = _in_force(index.keys_of(blacklist_entry.id), day)
    assert screened == blacklist_entry.in_force_on(day)
    assert _in_force(fresh.keys_of(blacklist_entry.id), day) == screened
    assert fresh.entry(blacklist_entry.id) == blacklist_entry
