"""No personal identity number leaves unmasked (issue 15, "Masking"): the exposure board
(JSON and HTML, from the library and from `blacklist expose`), the CLI's output (`blacklist
list`, `screen`, `sources`, `expose`) and the exchange file meant for partners (`blacklist
export`) are scanned together for 18-character identity numbers, with entries that hold
full numbers (as subjects, in free text, a court's related person), on a SQLite store.

And the board itself: one line an entry published on the day with its source and dates,
persons' names as the policy says (张*), enterprises' names and credit codes as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from govservice.blacklists.board import mask_name
from govservice.cli import main
from govservice.errors import ExposureConfigError
from govservice.model import (
    BlacklistEntry,
    CourtRecord,
    Identifier,
    ListingSource,
    Party,
    RelatedParty,
)
from govservice.model.identifiers import (
    is_public_credit_code,
    mask_identity_numbers,
    mask_ric,
    uscc_problem,
)
from govservice.samples import credit_code, identity_number
from govservice.service import GovService

DAY = dt.date(2015, 9, 1)
IDENTITY = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
"""Anything shaped like a full resident identity number."""
PERSONS = {
    "张伟": identity_number(1),
    "李秀英": identity_number(2, region="370503"),
    "欧阳明月": identity_number(3, region="371402"),
    "王芳": identity_number(8, region="370522"),  # (its check digit is X)
}
FULL = sorted(PERSONS.values())
LOWER_X = next(number for number in FULL if number.endswith("X"))
COMPANY_CODE = credit_code(41)
COURT = ListingSource(
    kind="court", region="370500", record_id="(2015)东中执字第00087号", name="东营市中级人民法院"
)


def _person(name: str) -> Party:
    return Party(kind="person", name=name, identifier=Identifier(kind="ric", number=PERSONS[name]))


def _entry(number: int, subject: Party, **more) -> BlacklistEntry:
    fields = {
        "id": f"BL-2015-{number:04d}",
        "subject": subject,
        "reason": "提供虚假材料投标",
        "authority": "东营市公共资源交易监督管理办公室",
        "source": ListingSource(kind="own", region="370500"),
        "listed_on": dt.date(2015, 3, 1),
        "penalty_from": dt.date(2015, 3, 1),
        "penalty_until": dt.date(2016, 2, 28),
    }
    fields.update(more)
    return BlacklistEntry(**fields)


def entries() -> list[BlacklistEntry]:
    zhang, li, ouyang, wang = (_person(name) for name in PERSONS)
    company = Party(
        kind="enterprise",
        name="东营市黄河建设有限公司",
        identifier=Identifier(kind="uscc", number=COMPANY_CODE),
    )
    return [
        _entry(1, zhang),
        # a full number in a free text, lowercase x too
        _entry(2, li, reason=f"冒用{PERSONS['欧阳明月']}及{LOWER_X.lower()}的身份投标"),
        _entry(3, ouyang, publish_until=dt.date(2015, 12, 31)),
        _entry(4, company, legal_basis="《招标投标法》第五十四条"),
        _entry(
            5,
            wang,
            id="court-370500-0000000000000001",
            authority="东营市中级人民法院",
            source=COURT,
            listed_on=dt.date(2015, 6, 12),
            penalty_from=dt.date(2015, 6, 12),
            penalty_until=None,
            court=CourtRecord(
                case_number=COURT.record_id,
                court="东营市中级人民法院",
                obligation=f"被告王芳（{PERSONS['王芳']}）偿还借款300000元",
                related_parties=(
                    RelatedParty(name="张伟", card_number=mask_ric(PERSONS["张伟"])),
                ),
            ),
        ),
    ]


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    key = tmp_path / "centre-key.pem"
    from govservice.trail.keys import generate_key

    generate_key(key)
    config = tmp_path / "govservice.yaml"
    config.write_text(
        "name: 东营市政务服务中心\nregion: '370500'\n"
        "storage:\n  backend: sqlite\n  settings:\n    path: centre.db\n"
        "trail:\n  signing_key: centre-key.pem\n"
        "blacklists:\n  exposure:\n    person_names: published\n",
        encoding="utf-8",
    )
    service = GovService(config)
    for entry in entries():
        if entry.source.kind.value == "own":
            service.blacklists.entries.add(entry)
        else:
            service.blacklists.entries.receive(entry)
    service.store.close()
    return config


def _unmasked(text: str) -> list[str]:
    """The full identity numbers in ``text`` (any of the generated ones, and anything
    shaped like one but a credit code)."""
    found = [m.upper() for m in IDENTITY.findall(text) if m.upper() != COMPANY_CODE]
    found += [number for number in FULL if number in text or number.lower() in text]
    return found


def test_no_identity_number_leaves_unmasked_board_cli_or_export(centre, tmp_path, capsys):
    service = GovService(centre)
    try:
        board = service.blacklists.board
        outputs = {
            "board json": board.as_json(DAY),
            "board html": board.html(DAY),
        }
    finally:
        service.store.close()
    base = ["--config", str(centre), "blacklist"]
    runs = {
        "list": ["list", "--on", "2015-09-01", "--all"],
        "list json": ["list", "--on", "2015-09-01", "--all", "--json"],
        "screen": ["screen", PERSONS["张伟"], PERSONS["王芳"], "--on", "2015-09-01"],
        "screen json": ["screen", "--name", "李秀英", "--id-number", PERSONS["李秀英"], "--json"],
        "sources": ["sources"],
        "expose": ["expose", "--on", "2015-09-01"],
        "expose json": ["expose", "--on", "2015-09-01", "--json"],
    }
    for name, arguments in runs.items():
        code = main([*base, *arguments])
        captured = capsys.readouterr()
        assert code == 0, (name, captured.err)
        outputs[f"cli {name}"] = captured.out + captured.err
    exported = tmp_path / "for-partners.json"
    assert main([*base, "export", "--out", str(exported)]) == 0
    outputs["cli export"] = capsys.readouterr().out
    outputs["exported file"] = exported.read_text(encoding="utf-8")
    page = tmp_path / "exposure.html"
    assert main([*base, "expose", "--on", "2015-09-01", "--out", str(page)]) == 0
    outputs["exposure file"] = page.read_text(encoding="utf-8")
    capsys.readouterr()

    leaks = {name: _unmasked(text) for name, text in outputs.items()}
    assert all(not found for found in leaks.values()), leaks
    # the scan would see one: the numbers are there, masked
    assert mask_ric(PERSONS["张伟"]) in outputs["board html"]
    assert mask_ric(PERSONS["张伟"]) in outputs["cli list"]
    assert mask_ric(PERSONS["欧阳明月"]) in outputs["exported file"]
    assert mask_ric(LOWER_X) in outputs["board json"]  # the lowercase x in the reason
    assert _unmasked(PERSONS["张伟"])
    assert _unmasked(f"号{LOWER_X.lower()}。")
    # what is public stays as it is
    for name in ("board json", "board html", "cli expose", "exposure file"):
        assert COMPANY_CODE in outputs[name]
        assert "东营市黄河建设有限公司" in outputs[name]
    document = json.loads(outputs["exported file"])
    assert {item["entry"]["id"] for item in document["entries"]} == {
        "BL-2015-0001",
        "BL-2015-0002",
        "BL-2015-0003",
        "BL-2015-0004",
    }


def test_the_board_names_each_source_and_its_dates_and_masks_names_by_policy(centre):
    service = GovService(centre)
    try:
        board = service.blacklists.board
        shown = board.board(DAY)
        masked = board.board(DAY, person_names="masked")
        later = board.board(dt.date(2016, 1, 4))
        with pytest.raises(ExposureConfigError) as raised:
            board.board(DAY, person_names="initials")
    finally:
        service.store.close()
    assert raised.value.code == "GS650"
    assert [line.entry_id for line in shown.lines][:4] == [
        "BL-2015-0001",
        "BL-2015-0002",
        "BL-2015-0003",
        "BL-2015-0004",
    ]  # ours first, then the court's
    assert shown.counts() == {"own": 4, "court": 1}
    by_id = {line.entry_id: line for line in shown.lines}
    zhang = by_id["BL-2015-0001"]
    assert (zhang.name, zhang.identifier) == ("张伟", mask_ric(PERSONS["张伟"]))
    assert (zhang.source, zhang.source_region, zhang.status) == ("本级认定", "370500", "惩戒中")
    assert zhang.source_region_name == "东营市"
    assert (zhang.listed_on, zhang.penalty_until) == (dt.date(2015, 3, 1), dt.date(2016, 2, 28))
    court = by_id["court-370500-0000000000000001"]
    assert (court.source, court.supplier) == ("法院失信被执行人名单", "东营市中级人民法院")
    assert court.source_record_id == "(2015)东中执字第00087号"
    assert court.penalty_until is None
    assert ("案号", "(2015)东中执字第00087号") in court.details
    company = by_id["BL-2015-0004"]
    assert (company.name, company.identifier) == ("东营市黄河建设有限公司", COMPANY_CODE)
    names = {line.entry_id: line.name for line in masked.lines}
    assert names["BL-2015-0001"] == "张*"
    assert names["BL-2015-0003"] == "欧***"
    assert names["BL-2015-0004"] == "东营市黄河建设有限公司"  # an enterprise's name is public
    # published until 31 December: off the board in January; the others stay
    assert "BL-2015-0003" not in {line.entry_id for line in later.lines}
    assert "BL-2015-0001" in {line.entry_id for line in later.lines}


def test_the_configured_policy_masks_names_on_the_page_and_the_cli_refuses_a_bad_one(
    centre, capsys
):
    text = centre.read_text(encoding="utf-8").replace("published", "masked")
    centre.write_text(text, encoding="utf-8")
    assert main(["--config", str(centre), "blacklist", "expose", "--on", "2015-09-01"]) == 0
    page = capsys.readouterr().out
    assert "张*" in page
    assert "张伟" not in page
    assert "欧***" in page
    assert "<html" in page
    assert "曝光台" in page
    with pytest.raises(SystemExit) as refused:
        main(["--config", str(centre), "blacklist", "expose", "--person-names", "initials"])
    captured = capsys.readouterr()
    assert refused.value.code == 2
    assert "initials" in captured.err
    assert "Traceback" not in captured.err


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["370502", "110105", "440305"]))
def test_public_text_masks_every_identity_number_but_the_public_codes(seed, region):
    number = identity_number(seed, region=region)
    code = credit_code(seed)
    text = f"当事人{number}，单位{code}；{number.lower()}"
    masked = mask_identity_numbers(text)
    assert number not in masked
    assert number.lower() not in masked
    assert mask_ric(number) in masked
    assert code in masked


def test_mask_name():
    assert [mask_name(n) for n in ("张三", "欧阳明月", "李", " 王芳 ")] == [
        "张*",
        "欧***",
        "*",
        "王*",
    ]


# --- credit codes made only of digits (issue: `blacklist list` masked them) ---------------------


def _digit_credit_code(region: str = "370500") -> str:
    """A valid unified social credit code of 18 digits (its check character a digit)."""
    for serial in range(1000):
        body = f"91{region}{serial:09d}"
        check = uscc.calc_check_digit(body)
        if check.isdigit():
            return body + check
    raise AssertionError("no credit code of digits only")  # pragma: no cover


def _valid_as_both() -> str:
    """18 digits that are a valid identity number and a valid credit code at once."""
    for serial in range(1000):
        body = f"370502{19850101}{serial:03d}"
        if ric.calc_check_digit(body + "0") == uscc.calc_check_digit(body):
            return body + uscc.calc_check_digit(body)
    raise AssertionError("no number valid as both")  # pragma: no cover


DIGIT_CODE = _digit_credit_code()
BOTH = _valid_as_both()


def test_the_numbers_the_tests_use_are_what_they_say():
    assert DIGIT_CODE.isdigit()
    assert uscc.is_valid(DIGIT_CODE)
    assert not ric.is_valid(DIGIT_CODE)
    assert uscc.is_valid(BOTH)
    assert ric.is_valid(BOTH)
    assert ric.is_valid(PERSONS["张伟"])
    assert not uscc.is_valid(PERSONS["张伟"])


def test_mask_identity_numbers_leaves_a_credit_code_of_digits_and_masks_every_identity_number():
    wrong_check = DIGIT_CODE[:-1] + str((int(DIGIT_CODE[-1]) + 1) % 10)
    text = f"单位{DIGIT_CODE}，当事人{PERSONS['张伟']}，{LOWER_X.lower()}；{BOTH}；{wrong_check}"
    assert mask_identity_numbers(text) == (
        f"单位{DIGIT_CODE}，当事人{mask_ric(PERSONS['张伟'])}，{mask_ric(LOWER_X).lower()}；"
        f"{mask_ric(BOTH)}；{mask_ric(wrong_check)}"
    )
    assert is_public_credit_code(DIGIT_CODE)
    assert not is_public_credit_code(BOTH)  # valid as both: it may be someone's
    assert not is_public_credit_code(wrong_check)  # not a credit code: it may be a number
    assert not is_public_credit_code(PERSONS["张伟"])
    # a valid credit code that is an identity number with a mistyped check digit (its
    # region and birth date are someone's): masked all the same
    mistyped = "370502198501010030"
    assert uscc_problem(mistyped) is None
    assert not ric.is_valid(mistyped)
    assert not is_public_credit_code(mistyped)
    assert mask_identity_numbers(f"号码{mistyped}") == "号码3705021985****0030"


def _sqlite_centre(tmp_path: Path) -> Path:
    """The configuration of a centre on SQLite in ``tmp_path``."""
    config = tmp_path / "govservice.yaml"
    config.write_text(
        "name: 东营市政务服务中心\nregion: '370500'\n"
        "storage:\n  backend: sqlite\n  settings:\n    path: centre.db\n",
        encoding="utf-8",
    )
    return config


def test_blacklist_list_shows_a_credit_code_of_digits_and_masks_identity_numbers(tmp_path, capsys):
    config = _sqlite_centre(tmp_path)
    service = GovService(config)
    try:
        for number, subject in enumerate(
            (
                Party(
                    kind="enterprise",
                    name="东营鑫盛化工有限公司",
                    identifier=Identifier(kind="uscc", number=DIGIT_CODE),
                ),
                Party(
                    kind="enterprise",
                    name="东营市某某贸易有限公司",
                    identifier=Identifier(kind="uscc", number=BOTH),
                ),
                _person("张伟"),
            ),
            1,
        ):
            reason = f"与{DIGIT_CODE}串通投标" if number == 3 else "提供虚假材料投标"
            service.blacklists.entries.add(_entry(number, subject, reason=reason))
    finally:
        service.store.close()

    outputs = {}
    for extra in ([], ["--json"]):
        code = main(["--config", str(config), "blacklist", "list", "--on", "2015-09-01", *extra])
        outputs[bool(extra)] = capsys.readouterr().out
        assert code == 0
    for out in outputs.values():
        assert DIGIT_CODE in out
        assert PERSONS["张伟"] not in out
        assert mask_ric(PERSONS["张伟"]) in out
        assert BOTH not in out  # valid as both: masked, safety first
        assert mask_ric(BOTH) in out
    lines = outputs[False].splitlines()
    assert f"东营鑫盛化工有限公司（统一社会信用代码 {DIGIT_CODE}）" in lines[1]
    assert f"张伟（居民身份证号码 {mask_ric(PERSONS['张伟'])}）" in lines[3]
    listed = {entry["id"]: entry for entry in json.loads(outputs[True])}
    assert listed["BL-2015-0001"]["subject"]["identifier"]["number"] == DIGIT_CODE
    assert listed["BL-2015-0003"]["reason"] == f"与{DIGIT_CODE}串通投标"  # free text too
    assert listed["BL-2015-0003"]["subject"]["identifier"]["number"] == mask_ric(PERSONS["张伟"])


def test_an_organisation_code_is_shown_as_certificates_write_it(tmp_path, capsys):
    """Stored without its hyphen (9 characters), shown with it: ``12345678-9``."""
    from govservice.model.identifiers import organisation_code_check_character

    body = "71610585"
    code = body + organisation_code_check_character(body)
    config = _sqlite_centre(tmp_path)
    service = GovService(config)
    try:
        subject = Party(
            kind="enterprise",
            name="东营市老字号劳务服务站",
            identifier=Identifier(kind="org_code", number=code),
        )
        service.blacklists.entries.add(_entry(1, subject))
        (line,) = service.blacklists.board.board(DAY).lines
    finally:
        service.store.close()
    shown = f"{body}-{code[-1]}"
    assert line.identifier == shown
    assert main(["--config", str(config), "blacklist", "list", "--on", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert f"组织机构代码 {shown}）" in out


def test_the_page_names_each_source_by_its_supplier_and_region_not_a_code(centre, capsys):
    assert main(["--config", str(centre), "blacklist", "expose", "--on", "2015-09-01"]) == 0
    page = capsys.readouterr().out
    sources = re.findall(r'<td class="source">(.*?)</td>', page, re.DOTALL)
    assert sources
    for cell in sources:
        assert not re.search(r"(?<![0-9A-Z])[0-9]{6}(?![0-9])", cell.split("原编号")[0]), cell
    assert any("东营市" in cell for cell in sources)
