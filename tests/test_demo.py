"""``govservice demo``: the simulated Dongying year, through the workflow, on SQLite.

Small runs (scale 0.005: 875 applications) check that the trail verifies, that the same
seed gives the same figures and trail head and another seed others, and that every path
of the year actually happened, counted from what the store holds. The command line
refuses a bad folder, scale or seed in one line with exit status 2, touching nothing.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import random
from collections import Counter
from pathlib import Path

import pytest

from govservice import GovService
from govservice.audit import verify_store
from govservice.cli import main
from govservice.clock import SHANGHAI
from govservice.demo import seasons
from govservice.demo.run import MARKER, installed_county_plugins, run_demo
from govservice.model import CaseState
from govservice.store.base import CaseQuery

SCALE = 0.005


@pytest.fixture(autouse=True)
def county_plugins(monkeypatch):
    """The demo as a newcomer runs it: the county plugins installed are loaded (the
    suite's conftest loads none by default)."""
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "guangrao,lijin,postgresql")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    """Two runs with seed 7 and one with seed 8, each in its own folder."""
    base = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOVSERVICE_PLUGINS", "guangrao,lijin")
        return {
            "first": run_demo(base / "first", scale=SCALE, seed=7),
            "again": run_demo(base / "again", scale=SCALE, seed=7),
            "other": run_demo(base / "other", scale=SCALE, seed=8),
        }


def _cases(result) -> tuple[list, list]:
    service = GovService(result.config, environ={"GOVSERVICE_PLUGINS": "guangrao,lijin"})
    store = service.store
    found, after = [], None
    try:
        while True:
            page = store.find_cases(CaseQuery(), after=after)
            found.extend(stored.record for stored in page.records)
            if page.next_after is None:
                break
            after = page.next_after
        projects = [store.get("project", f"XM2015-{n:03d}") for n in range(1, 25)]
    finally:
        store.close()
    return found, projects


@pytest.fixture(scope="module")
def stored(runs):
    return _cases(runs["first"])


def test_the_folder_holds_the_centre_its_database_and_the_report(runs) -> None:
    folder = runs["first"].folder
    names = {path.name for path in folder.iterdir()}
    assert {MARKER, "govservice.yaml", "dongying.db", "report.html", "report.json"} <= names
    config = (folder / "govservice.yaml").read_text(encoding="utf-8")
    assert 'region: "370500"' in config
    assert "backend: sqlite" in config
    for plugin in installed_county_plugins():
        assert f"- name: {plugin}" in config
    assert runs["first"].summary.applications == round(175_000 * SCALE)


def test_the_year_runs_the_city_catalog_through_its_three_adjustments(runs) -> None:
    import json

    from govservice.store.base import catalog_subject

    result = runs["first"]
    service = GovService(result.config, environ={"GOVSERVICE_PLUGINS": ""})
    try:
        versions = service.catalog.versions("370500")
        found = service.catalog.diff(versions[0], versions[-1]).summary()
        # an applicant applies for a cancelled item the day after each adjustment
        refused = [
            json.loads(link.text)["refused"]["refusal"]
            for adjustment in ("dy-2015-01", "dy-2015-02", "dy-2015-03")
            for link in service.store.case_ledger(f"DY2015-{adjustment}")
        ]
        catalog_links = service.store.case_ledger(catalog_subject("370500"))
    finally:
        service.store.close()
    assert [str(v.effective) for v in versions] == [
        "2015-01-01",
        "2015-03-01",
        "2015-05-15",
        "2015-09-01",
    ]
    assert (found["retained"], found["taken_over"], found["cancelled"]) == (355, 21, 18)
    assert len(catalog_links) == 4
    assert len(refused) == 3
    assert all(r.startswith("GS803: item ") and "is cancelled" in r for r in refused)
    assert "since 2015-05-15" in refused[1]
    assert result.audit.refusals == 3
    report = json.loads((result.folder / "report.json").read_text(encoding="utf-8"))
    assert report["catalog"]["retained"] == 355
    assert [a["effective"] for a in report["catalog"]["adjustments"]] == [
        "2015-03-01",
        "2015-05-15",
        "2015-09-01",
    ]


def test_the_trail_verifies_after_the_year(runs) -> None:
    result = runs["first"]
    assert result.audit.ok
    service = GovService(result.config)
    try:
        audit = verify_store(service.store)
        stored = service.store.count("case")
    finally:
        service.store.close()
    assert audit.ok
    assert (audit.head_seq, audit.head_hash) == (result.audit.head_seq, result.audit.head_hash)
    # every case stored is checked: the year's applications and the one the blacklists'
    # screening refused at acceptance (demo/blacklists.py)
    assert audit.cases_checked == stored == result.summary.applications + 1
    assert main(["--config", str(result.config), "audit", "verify"]) == 0


def test_the_same_seed_gives_the_same_figures_and_trail_head(runs) -> None:
    first, again = runs["first"], runs["again"]
    assert first.trail_head == again.trail_head
    assert first.figures.as_dict() == again.figures.as_dict()
    assert (first.folder / "report.json").read_bytes() == (
        again.folder / "report.json"
    ).read_bytes()


def test_another_seed_gives_another_year(runs) -> None:
    first, other = runs["first"], runs["other"]
    assert first.trail_head != other.trail_head
    assert first.figures.as_dict() != other.figures.as_dict()


def test_every_path_of_the_year_happened(stored) -> None:
    cases, projects = stored
    actions = Counter(event.action for case in cases for event in case.events)
    for action in (
        "apply",
        "accept",
        "review",
        "decide",
        "complete",
        "refuse",
        "request_supplement",
        "supplement",
        "withdraw",
        "suspend",
        "resume",
        "extend",
        "evaluate",
        "follow_up",
        "consult",
        "assign",
    ):
        assert actions[action] > 0, action
    states = Counter(case.state for case in cases)
    assert states[CaseState.NOT_ACCEPTED] > 0
    assert states[CaseState.WITHDRAWN] > 0
    assert states[CaseState.COMPLETED] > 0.8 * len(cases)
    # supplements answered in part first (the notice stays open), before acceptance and in review
    partial = [
        e
        for case in cases
        for e in case.events
        if e.action == "supplement" and e.to_state is CaseState.AWAITING_SUPPLEMENT
    ]
    assert partial
    origins = {s.from_state for case in cases for s in case.supplements}
    assert origins == {CaseState.SUBMITTED, CaseState.IN_REVIEW}
    # immediate items decided at the window; denials state their legal basis
    assert any(
        e.action == "decide" and e.role.value == "window_clerk" for c in cases for e in c.events
    )
    denied = [c for c in cases if c.decision is not None and c.decision.outcome.value == "deny"]
    assert denied
    assert all(c.decision.legal_basis for c in denied)
    # 好差评: bad grades, their rectification followed up and closed, some late
    bad = [c for c in cases if c.evaluation is not None and c.evaluation.grade.is_bad]
    assert bad
    assert all(c.rectification is not None for c in bad)
    closed = [c for c in bad if c.rectification.closed_at is not None]
    assert closed
    assert any(c.rectification.closed_at.date() > c.rectification.due for c in closed)
    # late cases: completed after the promise, and open past it at year end
    year_end = dt.date(2015, 12, 31)
    late = [
        c
        for c in cases
        if c.completed_at is not None
        and c.promised_due is not None
        and c.completed_at.astimezone(SHANGHAI).date() > c.promised_due
    ]
    assert len(late) > 0.02 * len(cases)
    overdue_open = [
        c
        for c in cases
        if not c.state.is_closed and c.promised_due is not None and c.promised_due < year_end
    ]
    assert overdue_open
    # the 24 key projects: green channel, dedicated handler, full agency, joint review
    assert all(p is not None and p.record.state.value == "completed" for p in projects)
    assert all(p.record.consultations for p in projects)
    of_projects = [c for c in cases if c.project_id is not None]
    assert len({c.project_id for c in of_projects}) == 24
    assert all(c.green_channel and c.full_agency and c.handler for c in of_projects)
    for project in projects:
        departments = {c.department for c in of_projects if c.project_id == project.record.id}
        assert len(departments) >= 3
        assert set(project.record.consultations[0].departments) == departments
    assert any(e.role.value == "agent" for c in of_projects for e in c.events)


def test_the_county_plugins_are_at_work(runs, stored) -> None:
    cases, _ = stored
    installed = installed_county_plugins()
    assert set(runs["first"].plugins) == set(installed)
    if "lijin" in installed:  # river works carry their permit number, asked at acceptance
        river = [c for c in cases if c.region == "370522" and "水务" in c.department]
        assert river
        assert all("river_permit_number" in c.attributes for c in river if c.accepted_at)
    if "guangrao" in installed:  # construction cases hand in the county's extra material
        from govservice_guangrao import DEFAULTS

        extra = DEFAULTS["construction_material"]["name"]
        assert any(extra in {m.name for m in c.materials} for c in cases if c.region == "370523")


def test_the_year_is_on_the_simulated_clock(stored) -> None:
    cases, _ = stored
    events = [event for case in cases for event in case.events]
    assert all(event.at.year == 2015 for event in events)
    assert all(event.recorded_at == event.at for event in events)
    assert all(
        seasons.HALL_HOURS[0][0] <= case.received_at.astimezone(SHANGHAI).time() for case in cases
    )


def test_the_spring_festival_is_quiet_and_year_end_busy() -> None:
    calendar = GovService().calendar("370500")
    days = seasons.arrivals(calendar, 2015, 17_500, random.Random(7))
    assert sum(day.count for day in days) == 17_500
    assert all(calendar.is_working_day(day.day) for day in days)
    assert seasons.spring_festival(calendar, 2015) == (dt.date(2015, 2, 18), dt.date(2015, 2, 24))
    by_day = {day.day: day.count for day in days}
    mean = 17_500 / len(days)
    festival_weeks = [
        n for d, n in by_day.items() if dt.date(2015, 2, 11) <= d <= dt.date(2015, 2, 28)
    ]
    assert max(festival_weeks) < 0.7 * mean
    december = [n for d, n in by_day.items() if d.month == 12]
    assert sum(december) / len(december) > 1.2 * mean
    # the working days around the short holidays are lighter than the weeks around them
    assert by_day[dt.date(2015, 9, 30)] < by_day[dt.date(2015, 9, 23)]
    assert dt.date(2015, 10, 5) not in by_day


# --- the command line ------------------------------------------------------------------------


def _one_line(capsys: pytest.CaptureFixture[str], code: str) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"error[{code}]" in err[0]
    return err[0]


def test_a_folder_that_is_not_a_demo_folder_is_refused_untouched(tmp_path, capsys) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("keep me", encoding="utf-8")
    assert main(["demo", "--out", str(mine), "--scale", "0.001"]) == 2
    _one_line(capsys, "GS112")
    assert [p.name for p in mine.iterdir()] == ["thesis.txt"]
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "keep me"
    a_file = tmp_path / "a-file"
    a_file.write_text("data", encoding="utf-8")
    assert main(["demo", "--out", str(a_file), "--scale", "0.001"]) == 2
    _one_line(capsys, "GS112")
    assert a_file.read_text(encoding="utf-8") == "data"


def test_a_demo_folder_is_replaced(tmp_path, capsys) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--scale", "0.001", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert "东营市政务服务中心" in printed
    assert "\x1b" not in printed
    (out / "stray.txt").write_text("not the demo's", encoding="utf-8")
    assert main(["demo", "--out", str(out), "--scale", "0.001", "--seed", "3"]) == 2
    assert "stray.txt" in _one_line(capsys, "GS112")  # a file the demo did not write: kept
    assert (out / "stray.txt").read_text(encoding="utf-8") == "not the demo's"
    (out / "stray.txt").unlink()
    assert main(["demo", "--out", str(out), "--scale", "0.001", "--seed", "3"]) == 0
    assert capsys.readouterr().out == printed  # the same year, printed the same
    assert (out / MARKER).is_file()


@pytest.mark.parametrize("scale", ["0", "-0.5", "abc", "2", "nan", "inf", ""])
def test_a_bad_scale_is_refused(tmp_path, capsys, scale) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--scale", scale]) == 2
    _one_line(capsys, "GS113")
    assert not out.exists()


def test_a_bad_seed_is_refused(tmp_path, capsys) -> None:
    assert main(["demo", "--out", str(tmp_path / "demo"), "--seed", "seven"]) == 2
    _one_line(capsys, "GS113")


def test_a_folder_that_cannot_be_made_is_one_line(tmp_path, capsys) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("", encoding="utf-8")
    assert main(["demo", "--out", str(blocker / "demo"), "--scale", "0.001"]) == 2
    line = _one_line(capsys, "GS106")
    assert str(blocker) in line


def test_an_unwritable_folder_is_one_line(tmp_path, capsys) -> None:
    if os.geteuid() == 0:  # root writes anywhere but where the kernel says no
        assert Path("/sys").is_dir(), "a Linux machine has /sys"
        locked = Path("/sys")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
    try:
        assert main(["demo", "--out", str(locked / "dongying-demo"), "--scale", "0.001"]) == 2
        assert str(locked / "dongying-demo") in _one_line(capsys, "GS106")
        assert not (locked / "dongying-demo").exists()
    finally:
        if locked != Path("/sys"):
            locked.chmod(0o700)


def test_a_full_disk_is_one_line(tmp_path, capsys, monkeypatch) -> None:
    from govservice.demo.dataset import Dataset

    def full(self, service):
        raise OSError(
            errno.ENOSPC, "No space left on device", str(tmp_path / "demo" / "dongying.db")
        )

    monkeypatch.setattr(Dataset, "load_into", full)
    assert main(["demo", "--out", str(tmp_path / "demo"), "--scale", "0.001"]) == 2
    line = _one_line(capsys, "GS106")
    assert "No space left on device" in line


def test_the_demo_runs_on_the_store_a_configuration_names(tmp_path, capsys) -> None:
    config = tmp_path / "training.yaml"
    config.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        "  settings:\n    path: training.db\n",
        encoding="utf-8",
    )
    out = tmp_path / "report"
    assert main(["demo", "--out", str(out), "--scale", "0.001", "--config", str(config)]) == 0
    assert (tmp_path / "training.db").is_file()
    assert not (out / "dongying.db").exists()
    assert (out / "report.json").is_file()
    capsys.readouterr()
    # a store with a history already is not made a simulation: refused in one line
    assert main(["demo", "--out", str(out), "--scale", "0.001", "--config", str(config)]) == 2
    _one_line(capsys, "GS700")


def test_the_demo_runs_on_postgresql_as_on_sqlite(tmp_path) -> None:
    testing = pytest.importorskip("govservice_postgres.testing")
    testing.postgres_dsn_or_skip()  # fails instead under CI=true
    import json
    import secrets

    schema = f"demo_{secrets.token_hex(4)}"
    config = tmp_path / "postgres.yaml"
    config.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: postgresql\n'
        f"  settings:\n    conninfo: {json.dumps(os.environ['GOVSERVICE_TEST_POSTGRES_DSN'])}\n"
        f"    schema: {schema}\n",
        encoding="utf-8",
    )
    on_postgres = run_demo(tmp_path / "pg", scale=0.001, seed=5, config=config)
    on_sqlite_config = tmp_path / "sqlite.yaml"
    on_sqlite_config.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        "  settings:\n    path: same.db\n",
        encoding="utf-8",
    )
    on_sqlite = run_demo(tmp_path / "lite", scale=0.001, seed=5, config=on_sqlite_config)
    assert on_postgres.audit.ok
    assert on_postgres.figures.as_dict() == on_sqlite.figures.as_dict()
    assert on_postgres.trail_head == on_sqlite.trail_head


def test_the_trail_is_witnessed_by_checkpoints_the_demo_signed(runs, capsys) -> None:
    folder = runs["first"].folder
    lines = (folder / "trail-checkpoints.jsonl").read_text(encoding="utf-8").splitlines()
    first, last = json.loads(lines[0]), json.loads(lines[-1])
    assert first["seq"] == 0
    assert last["seq"] == runs["first"].audit.head_seq  # the year's last head, signed
    assert len(lines) > 2  # and those written after commits on the way
    assert main(["--config", str(runs["first"].config), "audit", "verify"]) == 0
    assert "the chain holds every signed checkpoint" in capsys.readouterr().out
    # another centre's key does not sign for this one: the demo's keys are its own
    other = runs["other"].folder / "centre-key.pem"
    assert (folder / "centre-key.pem").read_bytes() != other.read_bytes()


def test_the_report_lists_the_city_departments_and_each_county_centre_apart(runs) -> None:
    import io

    from rich.console import Console

    from govservice.report import print_report

    figures = runs["first"].figures
    assert {group.region for group in figures.own_departments} == {"370500"}
    others = dict(figures.other_centres)
    assert set(others) == {
        "东营区政务服务中心",
        "河口区政务服务中心",
        "垦利区政务服务中心",
        "利津县政务服务中心",
        "广饶县政务服务中心",
    }
    assert all(group.name.startswith("利津") for group in others["利津县政务服务中心"])
    assert len(figures.own_departments) + sum(map(len, others.values())) == len(
        figures.by_department
    )
    page = (runs["first"].folder / "report.html").read_text(encoding="utf-8")
    assert "<summary>广饶县政务服务中心：" in page
    shown = io.StringIO()
    print_report(figures, Console(file=shown, width=100, color_system=None))
    text = shown.getvalue()
    assert "东营市公安局" in text.split("【县区分中心】")[0]
    assert "利津县水务局" not in text  # the county's departments are on the page, not here
    assert "利津县政务服务中心" in text.split("【县区分中心】")[1]


def test_a_forged_marker_does_not_make_a_folder_a_demo_folder(tmp_path, capsys) -> None:
    from govservice.demo.run import MARKER_TEXT

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / MARKER).symlink_to(victim)  # a marker written through would overwrite it
    (linked / "report.json").write_text("{}", encoding="utf-8")
    empty = tmp_path / "empty-marker"
    empty.mkdir()
    (empty / MARKER).write_text("", encoding="utf-8")
    (empty / "govservice.yaml").write_text("name: 真的中心\n", encoding="utf-8")
    other = tmp_path / "other-file"
    other.mkdir()
    (other / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    (other / "thesis.txt").write_text("keep me", encoding="utf-8")
    for folder in (linked, empty, other):
        before = sorted(path.name for path in folder.iterdir())
        assert main(["demo", "--out", str(folder), "--scale", "0.001"]) == 2
        _one_line(capsys, "GS112")
        assert sorted(path.name for path in folder.iterdir()) == before
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert (empty / "govservice.yaml").read_text(encoding="utf-8") == "name: 真的中心\n"


def test_a_store_with_any_record_is_refused_before_anything_is_touched(tmp_path, capsys) -> None:
    config = tmp_path / "real.yaml"
    config.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        "  settings:\n    path: real.db\n",
        encoding="utf-8",
    )
    from govservice.samples import make_item
    from govservice.store.simulation import is_simulation

    service = GovService(config)

    service.store.add_item(make_item())  # a centre's catalog, no case yet
    service.store.close()
    earlier = tmp_path / "earlier-demo"
    assert main(["demo", "--out", str(earlier), "--scale", "0.001"]) == 0
    capsys.readouterr()
    kept = sorted(path.name for path in earlier.iterdir())
    assert main(["demo", "--out", str(earlier), "--scale", "0.001", "--config", str(config)]) == 2
    assert "item 1" in _one_line(capsys, "GS700")
    assert sorted(path.name for path in earlier.iterdir()) == kept  # not emptied
    service = GovService(config)
    try:
        assert not is_simulation(service.store)  # not made a simulation store
        assert service.store.count("item") == 1
        assert service.store.count("station") == 0
    finally:
        service.store.close()
    # a configuration inside the folder the demo would replace is refused too
    inside = earlier / "govservice.yaml"
    assert main(["demo", "--out", str(earlier), "--scale", "0.001", "--config", str(inside)]) == 2
    _one_line(capsys, "GS112")
    assert inside.is_file()
