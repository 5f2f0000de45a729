"""The command line against hostile input and a hostile environment: folders without
permission, numbers and dates out of range, output files over existing files and over the
database, broken plugins, texts that would forge a line on the terminal, and an import
whose parent is killed. Every answer is one line and an exit status; never a traceback,
never a silent yes."""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice.cli import main
from govservice.cli.case import describe
from govservice.cli.output import check_output, protected_paths, write_output
from govservice.cli.terminal import printable, printable_json, unprintable
from govservice.clock import FixedClock
from govservice.codec import to_document
from govservice.config import load_config
from govservice.errors import OutputRefusedError, WorkflowError
from govservice.model import CaseEvent
from govservice.samples import START, make_case, make_item
from govservice.store.sqlite import SqliteStore
from workflow_helpers import CLERK, make_service

CODE = "K7QF3M9TXW2P"
FORGED = "\n2015-03-01 10:00 李娜（窗口受理人员） decide 审查中 → 准予许可"
"""A history line, as ``case show`` prints one, behind a line break."""
ITEM = make_item()


def write_config(folder: Path, database: str = "centre.db", **more) -> Path:
    config = folder / "govservice.yaml"
    document = {
        "name": "东营市政务服务中心",
        "region": "370500",
        "storage": {"backend": "sqlite", "settings": {"path": database}},
        "public": {"progress_url": "https://zwfw.dongying.gov.cn/progress/{code}"},
        **more,
    }
    config.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return config


def a_case(**changes):
    """A case as an import brings it: a tracking code, a history with free text."""
    events = (
        CaseEvent(
            at=START,
            actor="王小明",
            role="applicant",
            action="apply",
            to_state="submitted",
            note="材料一份" + FORGED,
        ),
    )
    fields = {"id": "DY-0001", "tracking_code": CODE, "events": events}
    return make_case(ITEM, **(fields | changes))


@pytest.fixture
def centre(tmp_path: Path) -> Path:
    """A centre's configuration and its SQLite database, holding one case."""
    config = write_config(tmp_path)
    store = SqliteStore(tmp_path / "centre.db")
    store.add_item(ITEM)
    store.add(a_case())
    store.close()
    return config


def cli(centre: Path, *arguments: str) -> int:
    return main(["--config", str(centre), *arguments])


def one_error_line(err: str, code: str | None = None) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in err
    if code is not None:
        assert lines[0].startswith(f"govservice: error[{code}] "), lines[0]
    return lines[0]


def refused_by_argparse(capsys, arguments: list[str], words: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(arguments)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert words in one_error_line(err, "GS110"), err  # one line, as every other error


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (
            ["blacklist", "screen", "--bogus"],
            "unrecognized arguments: --bogus; see `govservice blacklist screen --help`",
        ),
        (["nosuch"], "invalid choice: 'nosuch'"),
        ([], "the following arguments are required: COMMAND; see `govservice --help`"),
        (["blacklist"], "required: ACTION; see `govservice blacklist --help`"),
        (["blacklist", "screen", "--on", "1.5"], "argument --on: '1.5' is not a date"),
    ],
)
def test_a_command_line_argparse_refuses_is_one_error_line(capsys, arguments, said):
    refused_by_argparse(capsys, arguments, said)


# --- folders without permission ----------------------------------------------------------------


CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PR_CAPBSET_DROP = 24


def _obey_permissions() -> None:  # pragma: no cover - runs in the child, before exec
    """In a child run as root: give up the capabilities that let root ignore file
    permissions (for the program it executes too), so that chmod 000 means what it says."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) refused")


def restricted(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``govservice ARGUMENTS`` in a process that obeys file permissions (root too)."""
    env = {**os.environ, "GOVSERVICE_PLUGINS": "", "PYTHONIOENCODING": "utf-8"}
    env.pop("GOVSERVICE_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "govservice", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        preexec_fn=_obey_permissions,
        timeout=120,
    )


@pytest.fixture
def locked(tmp_path: Path, centre: Path):
    """A folder without any permission, holding the files the commands are given, and a
    configuration whose database lies in it. The fixture first proves that a restricted
    process cannot look into it (so the tests below cannot pass by accident)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "cases.jsonl").write_text(json.dumps(to_document(a_case())) + "\n", "utf-8")
    (folder / "application.yaml").write_text("id: DY-0002\n", encoding="utf-8")
    write_config(folder, database=str(tmp_path / "centre.db"))
    SqliteStore(folder / "centre.db").close()
    (tmp_path / "inside.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "测试",
                "region": "370500",
                "storage": {"backend": "sqlite", "settings": {"path": "locked/centre.db"}},
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "ok.jsonl").write_text(json.dumps(to_document(a_case())) + "\n", "utf-8")
    folder.chmod(0)
    probe = subprocess.run(
        [sys.executable, "-c", f"import os; os.listdir({str(folder)!r})"],
        preexec_fn=_obey_permissions,
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0, probe
    assert "PermissionError" in probe.stderr, probe
    yield folder
    folder.chmod(0o755)


@pytest.mark.parametrize(
    ("arguments", "path"),
    [
        (["validate", "--kind", "case", "locked/cases.jsonl"], "locked/cases.jsonl"),
        (["--config", "govservice.yaml", "import", "case", "locked/cases.jsonl"], "locked/cases"),
        (
            [
                "--config",
                "govservice.yaml",
                "case",
                "apply",
                "locked/application.yaml",
                "--actor",
                "王小明",
                "--role",
                "applicant",
            ],
            "locked/application.yaml",
        ),
        (["config", "check", "locked/govservice.yaml"], "locked/govservice.yaml"),
        (["--config", "locked/govservice.yaml", "db", "status"], "locked/govservice.yaml"),
        (["--config", "locked/govservice.yaml", "plugins"], "locked/govservice.yaml"),
        (["--config", "inside.yaml", "db", "status"], "locked/centre.db"),
        (["--config", "inside.yaml", "db", "init"], "locked/centre.db"),
        (["--config", "inside.yaml", "db", "migrate"], "locked/centre.db"),
        (["--config", "inside.yaml", "case", "show", "DY-0001"], "locked/centre.db"),
        (["--config", "inside.yaml", "supervise", "--date", "2015-03-02"], "locked/centre.db"),
        (["--config", "inside.yaml", "audit", "verify"], "locked/centre.db"),
        (["--config", "inside.yaml", "audit", "attest"], "locked/centre.db"),
        (
            [
                "--config",
                "inside.yaml",
                "case",
                "issue-codes",
                "--actor",
                "李娜",
                "--role",
                "window_clerk",
            ],
            "locked/centre.db",
        ),
        (["--config", "inside.yaml", "import", "case", "ok.jsonl"], "locked/centre.db"),
        (
            ["--config", "govservice.yaml", "audit", "keygen", "--out", "locked/key.pem"],
            "locked/key.pem",
        ),
        (["--config", "inside.yaml", "progress", CODE], "locked/centre.db"),
        (
            ["--config", "govservice.yaml", "progress", CODE, "--qr-svg", "locked/qr.svg"],
            "locked/qr.svg",
        ),
        (
            [
                "--config",
                "govservice.yaml",
                "progress",
                CODE,
                "--qr-png",
                "locked/qr.png",
                "--force",
            ],
            "locked/qr.png",
        ),
    ],
)
def test_a_folder_without_permission_is_one_line_naming_the_path(locked, arguments, path):
    done = restricted(arguments, locked.parent)
    assert done.returncode == 2, (done.stdout, done.stderr)
    line = one_error_line(done.stderr)
    assert path in line
    assert "ermission denied" in line


def test_validate_goes_on_with_the_files_it_can_read(locked, case_doc):
    readable = locked.parent / "ok.jsonl"
    readable.write_text(json.dumps(case_doc) + "\n", encoding="utf-8")
    done = restricted(
        ["validate", "--kind", "case", "locked/cases.jsonl", "ok.jsonl"], locked.parent
    )
    assert done.returncode == 2
    line = one_error_line(done.stderr, "GS106")
    assert line.startswith("govservice: error[GS106] locked/cases.jsonl: Permission denied")
    assert "1 records in 2 file(s): 1 valid, 0 invalid; 1 file(s) could not be read" in done.stdout


# --- numbers and dates out of range -------------------------------------------------------------


@pytest.mark.parametrize("limit", ["-1", "0", "10001", "99999999999999999999", "1e3", "ten"])
def test_supervise_limit_is_range_checked(centre, capsys, limit):
    refused_by_argparse(
        capsys, ["--config", str(centre), "supervise", "--limit", limit], "--limit"
    )


@pytest.mark.parametrize("limit", ["1", "10000"])
def test_supervise_limit_at_its_bounds(centre, capsys, limit):
    assert cli(centre, "supervise", "--date", "2015-03-02", "--limit", limit) == 0


@pytest.mark.parametrize(
    "arguments",
    [
        ["--now", "0001-01-01T00:00", "supervise"],
        ["--now", "0001-01-01T00:00+01:00", "supervise"],  # before the year 1 in Shanghai
        ["--now", "9999-12-31T23:59", "supervise"],
        ["--now", "9999-12-31T23:59-12:00", "supervise"],  # after the year 9999 in Shanghai
        ["supervise", "--date", "0001-01-01"],
        ["supervise", "--date", "9999-12-31"],
        ["supervise", "--since", "0001-01-01"],
        ["supervise", "--until", "9999-12-31"],
    ],
)
def test_dates_near_year_1_or_9999_are_refused(centre, capsys, arguments):
    refused_by_argparse(capsys, ["--config", str(centre), *arguments], "is outside")


def test_a_time_from_the_environment_is_range_checked(centre, capsys, monkeypatch):
    monkeypatch.setenv("GOVSERVICE_NOW", "9999-12-31T23:59")
    refused_by_argparse(capsys, ["--config", str(centre), "supervise"], "is outside")


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        (["--now", "1900-03-02T09:00", "supervise"], "--now"),
        (["--now", "2101-01-01T09:00", "case", "show", "DY-0001"], "--now"),
        (["supervise", "--date", "1948-12-31"], "--date"),
        (["supervise", "--date", "2015-03-02", "--since", "1900-01-01"], "--since"),
        (["supervise", "--date", "2101-01-01"], "--date"),
    ],
)
def test_dates_outside_the_centres_window_are_one_line(centre, capsys, arguments, option):
    assert cli(centre, *arguments) == 2
    line = one_error_line(capsys.readouterr().err, "GS110")
    assert f"] {option}: " in line
    assert "outside the years 1949 to 2100" in line


def test_the_configuration_widens_the_window(tmp_path, capsys):
    config = write_config(tmp_path, validation={"years": {"earliest": 1900}})
    SqliteStore(tmp_path / "centre.db").close()
    assert cli(config, "supervise", "--date", "1900-03-02") == 0
    assert "电子监察报告 1900-03-02" in capsys.readouterr().out


@pytest.mark.parametrize("day", ["1949-01-01", "2100-12-31"])
def test_the_first_and_last_days_of_the_window(tmp_path, capsys, day):
    config = write_config(tmp_path, supervision={"yellow_days": 60})
    SqliteStore(tmp_path / "centre.db").close()
    assert cli(config, "supervise", "--date", day) == 0
    assert cli(config, "--now", f"{day}T12:00", "supervise", "--json") == 0


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (
            ["--since", "2015-03-01", "--until", "2015-02-01"],
            "--since (2015-03-01) is after --until",
        ),
        (["--until", "2015-02-27"], "the first day of the report's month (2015-03-01)"),
        (["--since", "2015-03-03"], "is after the day of the report (2015-03-02)"),
    ],
)
def test_an_inverted_period_is_refused(centre, capsys, arguments, words):
    assert cli(centre, "supervise", "--date", "2015-03-02", *arguments) == 2
    assert words in one_error_line(capsys.readouterr().err, "GS110")


def test_a_period_of_one_day(centre, capsys):
    assert cli(centre, "supervise", "--since", "2015-03-02", "--until", "2015-03-02") == 0
    assert "按时办结率（2015-03-02 至 2015-03-02）" in capsys.readouterr().out


@pytest.mark.parametrize("days", [61, 100_000_000, 10**30])
def test_a_huge_yellow_days_is_not_ok(tmp_path, capsys, days):
    config = write_config(tmp_path, supervision={"yellow_days": days})
    assert main(["config", "check", str(config)]) == 2
    line = one_error_line(capsys.readouterr().err, "GS400")
    assert "supervision.yellow_days" in line
    assert "is too large: at most 60 is allowed here" in line
    assert cli(config, "supervise") == 2  # every command refuses it, not only the check
    one_error_line(capsys.readouterr().err, "GS400")


def test_yellow_days_at_its_bounds_are_ok(tmp_path, capsys):
    for days in (0, 60):
        config = write_config(tmp_path, supervision={"yellow_days": days})
        assert main(["config", "check", str(config)]) == 0
        assert load_config(config).yellow_days == days


@pytest.mark.parametrize("day", ["0001-01-01", "1948-12-31", "2101-01-01", "9999-12-31"])
def test_closure_days_outside_the_window_are_not_ok(tmp_path, capsys, day):
    config = write_config(tmp_path, calendar={"closures": ["2015-12-31", day]})
    assert main(["config", "check", str(config)]) == 2
    line = one_error_line(capsys.readouterr().err, "GS400")
    assert f"calendar.closures.1: {day} is outside the years 1949 to 2100" in line


def test_closure_days_at_the_edges_of_the_window_are_ok(tmp_path, capsys):
    config = write_config(tmp_path, calendar={"closures": ["1949-01-01", "2100-12-31"]})
    assert main(["config", "check", str(config)]) == 0


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--workers", "0"),
        ("--workers", "65"),
        ("--workers", "99999999999999999999"),
        ("--batch-size", "0"),
        ("--batch-size", "100001"),
        ("--batch-size", "-1"),
    ],
)
def test_import_numbers_are_range_checked(centre, tmp_path, capsys, option, value):
    data = tmp_path / "cases.jsonl"
    data.write_text(json.dumps(to_document(make_case(ITEM))) + "\n", encoding="utf-8")
    refused_by_argparse(
        capsys, ["--config", str(centre), "import", "case", str(data), option, value], option
    )


@pytest.mark.parametrize("days", ["-1", "3651", "99999999999999999999"])
def test_expected_days_of_a_suspension_are_range_checked(centre, capsys, days):
    refused_by_argparse(
        capsys,
        ["--config", str(centre), "case", "suspend", "DY-0001", "--actor", "马晓燕",
         "--role", "reviewer", "--procedure", "expert_review", "--reason", "专家评审",
         "--expected-days", days],
        "--expected-days",
    )  # fmt: skip


@pytest.mark.parametrize(
    "amount",
    ["NaN", "nan", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e3", "-1", "-0", "1.005",
     "12,5", "", "0x10", "9" * 40],
)  # fmt: skip
def test_an_exempt_fee_amount_is_finite_yuan(centre, capsys, amount):
    refused_by_argparse(
        capsys,
        ["--config", str(centre), "case", "exempt-fee", "DY-0001", "--actor", "李娜",
         "--role", "window_clerk", "--fee", "工本费", "--reason", "困难群众",
         f"--amount={amount}"],
        "is not an amount of yuan such as 120 or 35.50",
    )  # fmt: skip


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity", "-1", "1.005"])
def test_the_python_api_refuses_an_amount_that_is_not_finite_yuan(tmp_path, amount):
    service = make_service("memory", tmp_path, FixedClock(START))
    for value in (amount, Decimal(amount)):
        with pytest.raises(WorkflowError, match="finite, non-negative amount of yuan"):
            service.workflow.exempt_fee("DY-0001", CLERK, "工本费", "困难群众", amount=value)


@pytest.mark.parametrize("seq", ["9" * 19, "9" * 40])
def test_a_huge_expected_head_is_refused(centre, capsys, seq):
    refused_by_argparse(
        capsys,
        ["--config", str(centre), "audit", "verify", "--expect-head", f"{seq}:{'a' * 64}"],
        "--expect-head",
    )


@pytest.fixture(scope="module")
def quiet_centre(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("centre")
    config = write_config(folder)
    store = SqliteStore(folder / "centre.db")
    store.add_item(ITEM)
    store.add(a_case())
    store.close()
    return config


NUMBERS = st.integers().map(str) | st.sampled_from(["-0", "+5", "1_000", " 7", "٣", "1e9"])
DATES = (
    st.dates().map(dt.date.isoformat)
    | st.datetimes().map(dt.datetime.isoformat)
    | st.text(max_size=30)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    option=st.sampled_from(["--date", "--since", "--until", "--limit", "--now"]),
    value=NUMBERS | DATES,
)
def test_supervise_takes_any_value_without_a_traceback(quiet_centre, capsys, option, value):
    arguments = ["--config", str(quiet_centre)]
    if option == "--now":
        arguments += ["--now", value, "supervise"]
    else:
        arguments += ["supervise", "--date", "2015-03-02", option, value]
    try:
        status = main(arguments)
    except SystemExit as exited:  # argparse: the usage and one line
        status = exited.code
    assert status in (0, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if status == 2:
        assert err.strip()


HUGE_NUMBERS = [
    ("case", "item_version", 2**63, "at most 2,147,483,647"),
    ("case", "item_version", 10**30, "at most 2,147,483,647"),
    ("case", "materials/0/copies", 2**63, "at most 100,000"),
    ("case", "materials/0/originals", 10**4000, "a number of about 4001 digits"),
    ("item", "version", 2**63, "at most 2,147,483,647"),
    ("item", "version", 2**31, "at most 2,147,483,647"),
    ("item", "legal_limit/amount", 2**64, "at most 100,000"),
    ("item", "materials/0/copies", 10**30, "at most 100,000"),
]


EXAMPLES = Path(__file__).parent / "examples"
EXAMPLE = {
    "case": "completed-with-evaluation-and-events.json",
    "item": "house-registration-with-fees.json",
}


def _with(document: dict, path: str, value: int) -> dict:
    node = document
    *steps, last = path.split("/")
    for step in steps:
        node = node[int(step)] if isinstance(node, list) else node[step]
    node[last] = value
    return document


@pytest.mark.parametrize(("kind", "path", "value", "words"), HUGE_NUMBERS)
def test_a_huge_number_is_refused_alike_by_validate_and_import(
    centre, tmp_path, capsys, kind, path, value, words
):
    record = json.loads((EXAMPLES / kind / "valid" / EXAMPLE[kind]).read_text("utf-8"))
    data = tmp_path / f"{kind}.json"
    data.write_text(json.dumps(_with(record, path, value)), encoding="utf-8")
    for command in (["validate", "--kind", kind], ["import", kind]):
        assert cli(centre, *command, str(data)) == 1, command
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        problems = [line for line in captured.out.splitlines() if "(record 1)" in line]
        assert len(problems) == 1, captured.out
        assert f"/{path}: " in problems[0]
        assert words in problems[0]
        assert "is too large" in problems[0]
    assert cli(centre, "import", kind, str(data)) == 1  # nothing was stored
    capsys.readouterr()
    store = SqliteStore(tmp_path / "centre.db")
    try:
        if kind == "case":
            assert store.get("case", record["id"]) is None
        else:
            assert store.item_versions(record["code"]) == []
    finally:
        store.close()


# --- output files: never over an existing file without --force, never over the database ------


def qr_options(path: Path, *more: str) -> list[list[str]]:
    return [["--qr-svg", str(path), *more], ["--qr-png", str(path), *more]]


def assert_refused(centre: Path, capsys, options: list[str], path: Path, words: str) -> None:
    before = path.read_bytes() if path.exists() else None
    assert cli(centre, "progress", CODE, *options) == 2
    captured = capsys.readouterr()
    line = one_error_line(captured.err, "GS111")
    assert words in line
    assert captured.out == ""  # refused before anything is done
    assert (path.read_bytes() if path.exists() else None) == before


@pytest.mark.parametrize("option", ["--qr-svg", "--qr-png"])
def test_an_existing_file_is_not_replaced_without_force(centre, tmp_path, capsys, option):
    existing = tmp_path / "notice.txt"
    existing.write_bytes(b"the acceptance notice, kept\n")
    assert_refused(centre, capsys, [option, str(existing)], existing, "give --force")


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("option", ["--qr-svg", "--qr-png"])
@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("centre.db", "names the database"),
        ("centre.db-wal", "names the database's wal file"),
        ("centre.db-shm", "names the database's shm file"),
        ("centre.db-journal", "names the database's journal file"),
        ("govservice.yaml", "names the configuration"),
    ],
)
def test_the_database_is_never_replaced(centre, tmp_path, capsys, option, force, name, what):
    store = SqliteStore(tmp_path / "centre.db")  # open: its -wal and -shm files exist
    try:
        target = tmp_path / name
        assert_refused(centre, capsys, [option, str(target), *force], target, what)
        assert store.get("case", "DY-0001") is not None
    finally:
        store.close()
    assert cli(centre, "progress", CODE) == 0  # the lookup still works


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_link_to_the_database_is_the_database(centre, tmp_path, capsys, link):
    database = tmp_path / "centre.db"
    other = tmp_path / "elsewhere" / "qr.svg"
    other.parent.mkdir()
    if link == "symbolic":
        other.symlink_to(database)
    else:
        os.link(database, other)
    before = database.read_bytes()
    assert_refused(centre, capsys, ["--qr-svg", str(other), "--force"], other, "the database")
    assert database.read_bytes() == before


def test_a_path_through_another_folder_is_the_database(centre, tmp_path, capsys):
    roundabout = tmp_path / "sub" / ".." / "centre.db"
    (tmp_path / "sub").mkdir()
    for options in qr_options(roundabout, "--force"):
        assert_refused(centre, capsys, options, tmp_path / "centre.db", "the database")


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_dangling_symbolic_link_is_never_replaced(centre, tmp_path, capsys, force):
    link = tmp_path / "qr.svg"
    link.symlink_to(tmp_path / "somewhere.svg")
    for options in qr_options(link, *force):
        assert_refused(centre, capsys, options, link, "a symbolic link whose target is missing")
        assert link.is_symlink()
        assert os.readlink(link) == str(tmp_path / "somewhere.svg")
    assert not (tmp_path / "somewhere.svg").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("through_link", [False, True])
def test_a_fifo_is_never_replaced(centre, tmp_path, capsys, force, through_link):
    """A FIFO stands for every special file (a device such as /dev/full, a socket): the
    test makes its own rather than risk a real device."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if through_link:
        target = tmp_path / "qr.svg"
        target.symlink_to(fifo)
    for options in qr_options(target, *force):
        assert cli(centre, "progress", CODE, *options) == 2
        captured = capsys.readouterr()
        line = one_error_line(captured.err, "GS111")
        assert "a FIFO (named pipe), not a regular file" in line
        assert str(target) in line
        assert captured.out == ""
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    if through_link:
        assert target.is_symlink()
        assert os.readlink(target) == str(fifo)
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


def test_check_output_names_what_is_there(centre, tmp_path):
    config = load_config(centre)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputRefusedError, match="a FIFO"):
        check_output(fifo, config, force=True, option="--qr-svg")
    with pytest.raises(OutputRefusedError, match="a folder"):
        check_output(tmp_path, config, force=True, option="--qr-svg")
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(OutputRefusedError, match="a symbolic link that loops"):
        check_output(loop, config, force=True, option="--qr-svg")
    regular = tmp_path / "old.svg"
    regular.write_text("old")
    assert check_output(regular, config, force=True, option="--qr-svg") == regular
    assert check_output(tmp_path / "new.svg", config, force=False, option="--qr-svg")


def test_write_output_refuses_a_fifo_that_appeared_since_the_check(tmp_path):
    fifo = tmp_path / "qr.svg"
    os.mkfifo(fifo)
    with pytest.raises(OutputRefusedError, match="a FIFO"):
        write_output(fifo, "<svg/>", force=True)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["qr.svg"]


def test_a_folder_is_never_an_output(centre, tmp_path, capsys):
    for options in qr_options(tmp_path, "--force"):
        assert cli(centre, "progress", CODE, *options) == 2
        assert "names a folder" in one_error_line(capsys.readouterr().err, "GS111")


def test_nothing_is_written_when_one_output_is_refused(centre, tmp_path, capsys):
    svg, existing = tmp_path / "new.svg", tmp_path / "old.png"
    existing.write_bytes(b"old")
    assert cli(centre, "progress", CODE, "--qr-svg", str(svg), "--qr-png", str(existing)) == 2
    one_error_line(capsys.readouterr().err, "GS111")
    assert not svg.exists()
    assert existing.read_bytes() == b"old"


def test_two_options_naming_one_file_are_refused(centre, tmp_path, capsys):
    path = tmp_path / "qr"
    assert cli(centre, "progress", CODE, "--qr-svg", str(path), "--qr-png", str(path)) == 2
    assert "another option writes too" in one_error_line(capsys.readouterr().err, "GS111")
    assert not path.exists()


def test_new_files_are_written_and_force_replaces_an_ordinary_file(centre, tmp_path, capsys):
    svg, png = tmp_path / "qr.svg", tmp_path / "qr.png"
    assert cli(centre, "progress", CODE, "--qr-svg", str(svg), "--qr-png", str(png)) == 0
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    svg.write_text("old", encoding="utf-8")
    png.write_bytes(b"old")
    assert cli(centre, "progress", CODE, "--qr-svg", str(svg), "--force") == 0
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert png.read_bytes() == b"old"  # only what was asked for
    assert cli(centre, "progress", CODE, "--qr-png", str(png), "--force") == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


def test_a_file_that_appears_after_the_check_is_not_replaced(tmp_path):
    from govservice.cli.output import write_output

    config = load_config(write_config(tmp_path))
    path = check_output(tmp_path / "qr.svg", config, force=False, option="--qr-svg")
    path.write_bytes(b"someone else's")
    with pytest.raises(OutputRefusedError):
        write_output(path, "<svg/>", force=False)
    assert path.read_bytes() == b"someone else's"


def test_every_file_the_configuration_names_is_protected(tmp_path):
    schedule = tmp_path / "calendars" / "2027.yaml"
    config = load_config(
        write_config(
            tmp_path,
            calendar={"schedules": ["calendars/2027.yaml"]},
            trail={"signing_key": "keys/centre.pem", "checkpoints": "checkpoints.jsonl"},
        )
    )
    protected = {path for path, _ in protected_paths(config)}
    assert tmp_path / "govservice.yaml" in protected
    assert {tmp_path / f"centre.db{end}" for end in ("", "-wal", "-shm", "-journal")} <= protected
    assert schedule in protected
    assert {tmp_path / "keys" / "centre.pem", tmp_path / "checkpoints.jsonl"} <= protected
    for path in protected:
        with pytest.raises(OutputRefusedError):
            check_output(path, config, force=True, option="--qr-svg")


@pytest.mark.parametrize("name", ["centre.db", "centre.db-wal", "centre.db-journal", "old.pem"])
def test_a_signing_key_is_never_written_over_a_file_or_the_database(
    centre, tmp_path, capsys, name
):
    (tmp_path / "old.pem").write_bytes(b"an old key")
    target = tmp_path / name
    before = target.read_bytes() if target.exists() else None
    assert cli(centre, "audit", "keygen", "--out", str(target)) == 2
    one_error_line(capsys.readouterr().err, "GS111")
    assert (target.read_bytes() if target.exists() else None) == before
    assert cli(centre, "audit", "keygen", "--out", str(tmp_path / "new.pem")) == 0
    assert (tmp_path / "new.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


# --- plugins that fail outside strict mode: a warning on every command --------------------------


BROKEN = {
    "county_missing_dependency": "import govservice_no_such_dependency  # noqa\n",
    "county_closures_fail": textwrap.dedent(
        """
        from govservice.hookspecs import hookimpl

        @hookimpl
        def govservice_closure_days(region):
            raise RuntimeError("county calendar unreachable")
        """
    ),
    "county_stores_fail": textwrap.dedent(
        """
        from govservice.hookspecs import hookimpl

        @hookimpl
        def govservice_register_stores(register):
            raise RuntimeError("no store for you")
        """
    ),
}


@pytest.fixture
def broken(tmp_path, monkeypatch):
    folder = tmp_path / "county"
    folder.mkdir()
    for name, source in BROKEN.items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))

    def config(*names: str) -> Path:
        path = write_config(tmp_path, plugins=[{"module": name} for name in names])
        return path

    return config


@pytest.mark.parametrize(
    "arguments",
    [
        ["db", "status"],
        ["case", "show", "DY-0001"],
        ["progress", CODE],
        ["supervise", "--date", "2015-03-02"],
        ["audit", "verify"],
        ["validate", "--kind", "item", "ITEMS"],
    ],
)
def test_a_plugin_that_fails_to_import_is_a_warning_on_every_command(
    centre, broken, tmp_path, capsys, arguments
):
    config = broken("county_missing_dependency")
    items = tmp_path / "items.json"
    items.write_text(json.dumps([to_document(ITEM)]), encoding="utf-8")
    arguments = [str(items) if a == "ITEMS" else a for a in arguments]
    status = cli(config, *arguments)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("govservice: warning[GS501] ")
    assert "county_missing_dependency" in lines[0]


def test_a_plugin_that_raises_in_a_hook_is_a_warning(centre, broken, capsys):
    config = broken("county_closures_fail")
    assert cli(config, "supervise", "--date", "2015-03-02") == 0
    captured = capsys.readouterr()
    assert "电子监察报告 2015-03-02" in captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("govservice: warning[GS503] ")
    assert "county_closures_fail" in lines[0]
    assert "govservice_closure_days" in lines[0]
    assert "county calendar unreachable" in lines[0]


def test_warnings_come_before_the_error_of_a_failed_command(centre, broken, capsys):
    config = broken("county_stores_fail")
    assert cli(config, "case", "show", "NO-SUCH-CASE") == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("govservice: warning[GS503] ")
    assert "county_stores_fail" in lines[0]
    assert lines[1].startswith("govservice: error[")


def test_strict_mode_makes_it_an_error(centre, broken, capsys):
    config = broken("county_closures_fail")
    assert cli(config, "--strict", "supervise", "--date", "2015-03-02") == 2
    line = one_error_line(capsys.readouterr().err, "GS503")
    assert "county_closures_fail" in line


@pytest.mark.parametrize("command", [["plugins"], ["config", "check"]])
def test_commands_that_report_plugins_say_it_once(centre, broken, capsys, command):
    config = broken("county_missing_dependency")
    arguments = (
        [*command, str(config)] if command[0] == "config" else ["--config", str(config), *command]
    )
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert err.count("county_missing_dependency") == 1, err
    assert "error[GS501]" in err


# --- text that would forge a line on the terminal -----------------------------------------------


HOSTILE = "王小明" + FORGED + " \x1b[2J\x1b[H\u202e\x9b31m"


def test_printable_escapes_what_does_not_print():
    shown = printable(HOSTILE)
    for char in "\n\x1b\u202e\x9b":
        assert char not in shown
    assert shown == (
        "王小明\\n2015-03-01 10:00 李娜（窗口受理人员） decide 审查中 → 准予许可 "
        "\\x1b[2J\\x1b[H\\u202e\\x9b31m"
    )
    # Chinese, the ideographic space, a character of the private use area (rare characters
    # of names live there) and one newer than Python's tables are shown as they are.
    for text in ("张　伟", "王\ue000", "李\U0003134a", "tab\tin a field"):
        assert printable(text, keep="\t") == text
    assert printable("a\tb") == "a\\tb"
    assert printable("\udcff.jsonl") == "\\udcff.jsonl"  # a file name not in UTF-8


@given(st.text())
def test_printable_leaves_nothing_unprintable(text):
    shown = printable(text)
    assert not any(unprintable(char) for char in shown)
    assert printable(shown) == shown
    if not any(unprintable(char) for char in text):
        assert shown == text


@given(st.recursive(st.text() | st.integers() | st.none(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8))  # fmt: skip
def test_printable_json_is_the_same_json(value):
    text = json.dumps(value, ensure_ascii=False, indent=2)
    shown = printable_json(text)
    assert json.loads(shown) == value
    assert not any(unprintable(char) for char in shown.replace("\n", ""))


def test_case_show_shows_a_line_break_in_a_field_escaped(centre, capsys):
    assert cli(centre, "case", "show", "DY-0001") == 0
    out = capsys.readouterr().out
    assert "\\n2015-03-01 10:00 李娜" in out
    history = out.split("办理过程：\n")[1].splitlines()
    assert len(history) == 1, history  # one event, one line: nothing forged
    assert not any(line.lstrip().startswith("2015-03-01") for line in out.splitlines())


def test_case_show_escapes_what_a_name_may_hold(tmp_path, capsys):
    config = write_config(tmp_path)
    store = SqliteStore(tmp_path / "centre.db")
    store.add_item(ITEM)
    event = CaseEvent(
        at=START, actor="王小明\u200d\u2060", role="applicant", action="apply",
        to_state="submitted", note="说明\t附后",
    )  # fmt: skip
    store.add(a_case(events=(event,), refusal_reason="材料不全\n2015-03-01 伪造的一行"))
    store.close()
    assert cli(config, "case", "show", "DY-0001") == 0
    out = capsys.readouterr().out
    assert "王小明\\u200d\\u2060（" in out
    assert "说明\\t附后" in out
    assert "不予受理理由：材料不全\\n2015-03-01 伪造的一行" in out
    assert "\u200d" not in out
    assert "\u2060" not in out


def test_json_output_keeps_the_value_and_escapes_the_rest(tmp_path, capsys):
    config = write_config(tmp_path)
    store = SqliteStore(tmp_path / "centre.db")
    store.add_item(ITEM)
    # a county's free attributes keep any text (the model refuses it in reasons and names)
    store.add(a_case(attributes={"memo": "见附件\u2028\u202a另页"}))
    store.close()
    assert cli(config, "case", "show", "DY-0001", "--json") == 0
    out = capsys.readouterr().out
    assert "\u2028" not in out
    assert "\u202a" not in out
    assert json.loads(out)["attributes"]["memo"] == "见附件\u2028\u202a另页"


def test_a_doctored_actor_in_the_database_forges_no_line(centre, tmp_path, capsys):
    with sqlite3.connect(tmp_path / "centre.db") as db:
        (doc,) = db.execute("SELECT doc FROM cases WHERE id = 'DY-0001'").fetchone()
        document = json.loads(doc)
        document["events"][0]["actor"] = HOSTILE
        db.execute("UPDATE cases SET doc = ? WHERE id = 'DY-0001'", (json.dumps(document),))
    db.close()
    status = cli(centre, "case", "show", "DY-0001")
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        for char in "\x1b\u202e\x9b":
            assert char not in stream
        assert not any(line.lstrip().startswith("2015-03-01") for line in stream.splitlines())
    if status == 2:  # the model refuses such an actor: one line
        one_error_line(captured.err)
    else:
        assert status == 0
        assert "王小明\\n2015-03-01 10:00 李娜" in captured.out


def test_progress_and_supervise_show_texts_escaped(tmp_path, capsys):
    config = write_config(tmp_path)
    store = SqliteStore(tmp_path / "centre.db")
    store.add_item(ITEM)
    store.add(
        a_case(
            department="住房和城乡建设局\u2060",
            handler="刘洋\u200d",
            state="accepted",
            accepted_at=START,
            promised_due=START.date(),
            legal_due=START.date(),
        )
    )
    store.close()
    assert cli(config, "progress", CODE) == 0
    out = capsys.readouterr().out
    assert "住房和城乡建设局\\u2060" in out
    assert "\u2060" not in out
    assert cli(config, "supervise", "--date", "2015-03-02") == 0
    out = capsys.readouterr().out
    assert "住房和城乡建设局\\u2060" in out
    assert "承办人 刘洋\\u200d" in out
    assert "\u2060" not in out
    assert "\u200d" not in out


def test_printable_fields_keeps_what_is_not_text():
    from govservice.cli.terminal import printable_fields
    from govservice.store.base import DueCount

    counts = {"department": [DueCount("局\n", 1, 2)], "when": (START, CaseEvent)}
    shown = printable_fields(counts)
    assert shown == {"department": [DueCount("局\\n", 1, 2)], "when": (START, CaseEvent)}


def test_describe_escapes_every_field():
    case = a_case(handler="刘洋\u2060", refusal_reason="理由\n第二行")
    text = describe(case)
    assert "专人负责：刘洋\\u2060" in text
    assert "不予受理理由：理由\\n第二行" in text
    assert all(not unprintable(char) for char in text.replace("\n", ""))


def test_an_error_line_escapes_what_it_quotes(tmp_path, capsys):
    name = tmp_path / "cases\x1b[2J\nforged.jsonl"
    assert main(["validate", "--kind", "case", str(name)]) == 2
    err = capsys.readouterr().err
    line = one_error_line(err, "GS101")  # the line break is a space: still one line
    assert "cases\\x1b[2J forged.jsonl" in line
    assert "\x1b" not in err


# --- import workers die with their parent -----------------------------------------------------


def children_of(pid: int) -> list[int]:
    """The live (not zombie) processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            state, parent = _stat(int(entry.name))
            if parent == pid and state not in (None, "Z"):
                found.append(int(entry.name))
    return found


def _stat(pid: int) -> tuple[str | None, int | None]:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None, None
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    return _stat(pid)[0] not in (None, "Z")


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def kill_all(pids) -> None:
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


linux_only = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)"
)


@linux_only
def test_import_workers_die_with_a_killed_parent(centre, tmp_path):
    data = tmp_path / "cases.jsonl"
    document = to_document(make_case(ITEM))
    with data.open("w", encoding="utf-8") as out:
        for number in range(60_000):
            out.write(json.dumps(document | {"id": f"BIG-{number:07d}"}, ensure_ascii=False))
            out.write("\n")
    env = {**os.environ, "GOVSERVICE_PLUGINS": ""}
    parent = subprocess.Popen(
        [sys.executable, "-m", "govservice", "--config", str(centre), "import", "case",
         str(data), "--workers", "3", "--batch-size", "200"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children_of(parent.pid)) == 2, 60), "no workers started"
        workers = children_of(parent.pid)
        assert parent.poll() is None, "the import ended before it could be killed"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), [
            pid for pid in workers if alive(pid)
        ]
    finally:
        kill_all([parent.pid, *workers])
    assert main(["--config", str(centre), "import", "case", str(data)]) == 0  # and resumes


@linux_only
def test_the_watchdog_alone_ends_the_workers(tmp_path):
    """Where the kernel cannot be asked (not Linux), the watchdog thread ends them."""
    script = tmp_path / "pool.py"
    script.write_text(
        textwrap.dedent(
            """
            import functools, os, time
            from concurrent.futures import ProcessPoolExecutor
            from govservice.lifetime import die_with_parent

            def pid(_):
                time.sleep(0.2)
                return os.getpid()

            if __name__ == "__main__":
                start = functools.partial(die_with_parent, death_signal=False)
                pool = ProcessPoolExecutor(2, initializer=start, initargs=(os.getpid(),))
                print(" ".join(map(str, sorted(set(pool.map(pid, range(8)))))), flush=True)
                time.sleep(600)
            """
        ),
        encoding="utf-8",
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2
        assert all(alive(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 5)
    finally:
        kill_all([parent.pid, *workers])


def test_the_kernel_is_asked_on_linux():
    from govservice.lifetime import set_parent_death_signal

    assert set_parent_death_signal(0) is sys.platform.startswith("linux")  # 0: undo it
