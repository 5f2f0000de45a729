"""The tamper suite: what someone with a database client does to a centre's records, found
by ``audit verify`` (the API and the command line) without ``--expect-head``.

A centre with a signing key (signed checkpoints of the trail, every 4 links and on
demand) takes cases through the workflow: one decided and completed, one accepted and left
open past its promised due date, and one imported from another system and attested. Its
head is witnessed. Then the database is changed behind the library's back: a column, a
decision, an imported record; the ledger emptied, emptied and re-attested, its head
rewound, the whole chain re-hashed. Each is found. So are a checkpoint file edited or
missing, and a missing ``ledger_head`` (one clear refusal, exit 2). Runs on SQLite and on
PostgreSQL (the ``database`` fixture of ``test_audit``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

import test_audit
from govservice import GovService
from govservice.audit import attest_imports, verify_store
from govservice.cli import main
from govservice.clock import FixedClock
from govservice.config import Config
from govservice.errors import CheckpointError, LedgerHeadError, TrailBrokenError
from govservice.model import SubmittedMaterial
from govservice.samples import make_case, make_item, register_staff
from govservice.store.ledger import GENESIS
from govservice.trail.keys import generate_key
from govservice.workflow import Actor, Workflow
from test_audit import APPROVER, CLERK, REVIEWER, START, Database, _import_old_case, rehash_chain
from workflow_helpers import APPLICANT_PARTY

database = test_audit.database
"""The stores of the tamper suite: SQLite and PostgreSQL (as ``test_audit``'s)."""
APPLICANT = Actor("张伟", "applicant", id=APPLICANT_PARTY.identifier.number)


class Centre:
    """A centre on ``database`` with a signing key, its configuration file, its service."""

    def __init__(self, database: Database, folder: Path) -> None:
        self.db = database
        self.key = folder / "trail-key.pem"
        generate_key(self.key)
        self.checkpoints = folder / "checkpoints.jsonl"
        self.config_file = folder / "centre.yaml"
        settings = json.dumps(database.settings, ensure_ascii=False)
        self.config_file.write_text(
            f"name: 测试中心\nregion: '370500'\nstorage:\n  backend: {database.backend}\n"
            f"  settings: {settings}\ntrail:\n  signing_key: trail-key.pem\n"
            "  checkpoints: checkpoints.jsonl\n  every: 4\n",
            encoding="utf-8",
        )
        config = Config(
            name="测试中心",
            region="370500",
            trail_signing_key=self.key,
            trail_checkpoints=self.checkpoints,
            trail_every=4,
        )
        self.service = GovService(config, clock=FixedClock(START))
        self.service.trail.watch(database.store)

    @property
    def store(self) -> Any:
        return self.db.store

    def verify(self) -> Any:
        return self.service.trail.verify(self.store)

    def cli(self, *args: str) -> int:
        return main(["--config", str(self.config_file), "audit", *args])


@pytest.fixture
def centre(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Centre:
    if database.backend == "postgresql":
        monkeypatch.setenv("GOVSERVICE_PLUGINS", "postgresql")  # the CLI's store
    centre = Centre(database, tmp_path)
    store = centre.store
    centre.service.trail.checkpoint(store)  # the file is started on purpose, at head 0
    register_staff(store, ["370500"])
    item = make_item()
    store.add_item(item)
    workflow = Workflow(centre.service, store)
    materials = [SubmittedMaterial(name=m.name, originals=1) for m in item.materials]

    def applied(case_id: str) -> Any:
        case = make_case(item, id=case_id, materials=materials, applicant=APPLICANT_PARTY)
        return workflow.apply(case, APPLICANT)

    decided = workflow.decide(
        workflow.review(workflow.accept(applied("TAMPER-1"), CLERK), REVIEWER), APPROVER, "grant"
    )
    workflow.complete(decided, CLERK)
    workflow.accept(applied("TAMPER-2"), CLERK)  # open: overdue a year later
    _import_old_case(store, "TAMPER-3")
    assert attest_imports(store) == (1, 2)
    assert len(centre.service.trail.read().valid) == 3  # at 0, then every 4 links: 4, 8
    centre.service.trail.checkpoint(store)  # and now: the head is witnessed
    report = centre.verify()
    assert report.ok, report
    assert report.witnessed_seq == store.ledger_head()[0] == 9
    assert (report.cases_checked, report.attested_cases) == (3, 1)
    return centre


def found(centre: Centre, *words: str) -> str:
    """The break (or checkpoint problem) verify reports, through the API and the CLI."""
    report = centre.verify()
    assert not report.ok, "the tampering was not found"
    problem = report.first_break.problem if report.first_break else report.witness_problems[0]
    for word in words:
        assert word in problem
    assert centre.cli("verify") == 1
    return problem


def case_doc(centre: Centre, case_id: str) -> dict:
    return json.loads(centre.db.sql("SELECT doc FROM cases WHERE id = ?", case_id)[0][0])


def set_case_doc(centre: Centre, case_id: str, document: dict) -> None:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    centre.db.sql("UPDATE cases SET doc = ? WHERE id = ?", text, case_id)


def empty_ledger(centre: Centre) -> None:
    centre.db.sql("DELETE FROM case_events")
    centre.db.sql("UPDATE ledger_head SET seq = 0, hash = ? WHERE id = 1", GENESIS)


# --- the tampering ---------------------------------------------------------------------------


def test_an_untouched_centre_verifies_on_the_command_line(centre, capsys):
    assert centre.cli("verify") == 0
    out = capsys.readouterr().out
    assert "trail intact: 9 links" in out
    assert "the chain holds every signed checkpoint (the latest: event 9)" in out


def test_a_changed_state_column_is_found(centre):
    # the overdue open case made to look withdrawn: supervision no longer sees it
    false = 0 if centre.db.backend == "sqlite" else False
    centre.db.sql("UPDATE cases SET state = 'withdrawn', open = ? WHERE id = 'TAMPER-2'", false)
    assert found(centre, "column state") == (
        "the case record's column state says 'withdrawn', its document 'accepted'"
    )


def test_a_changed_due_date_column_is_found(centre):
    centre.db.sql("UPDATE cases SET promised_due = NULL WHERE id = 'TAMPER-2'")
    found(centre, "column promised_due")


def test_a_changed_key_column_is_found(centre):
    centre.db.sql("UPDATE cases SET id = 'TAMPER-9' WHERE id = 'TAMPER-2'")
    found(centre, "column id")


def test_a_changed_decision_is_found(centre):
    document = case_doc(centre, "TAMPER-1")
    assert document["decision"]["outcome"] == "grant"
    document["decision"]["outcome"] = "deny"
    set_case_doc(centre, "TAMPER-1", document)
    found(centre, "not the one its last write chained")


def test_a_changed_tracking_code_is_found(centre):
    document = case_doc(centre, "TAMPER-2")
    document["tracking_code"] = "K7QF3M9TXW2P"
    set_case_doc(centre, "TAMPER-2", document)
    centre.db.sql("UPDATE cases SET tracking_code = 'K7QF3M9TXW2P' WHERE id = 'TAMPER-2'")
    found(centre, "not the one its last write chained")


def test_a_changed_imported_record_is_found(centre):
    document = case_doc(centre, "TAMPER-3")
    document["applicant"]["name"] = "李四"  # not an event: only the record digest sees it
    set_case_doc(centre, "TAMPER-3", document)
    found(centre, "not the one its last write chained")


def test_an_emptied_ledger_is_found(centre):
    empty_ledger(centre)
    assert verify_store(centre.store).first_break is not None  # the versions tell, too
    found(centre, "signed checkpoint witnessed event 9", "emptied")


def test_an_emptied_and_re_attested_ledger_is_found(centre):
    empty_ledger(centre)
    with pytest.raises(TrailBrokenError):  # the cases were written here: not imports
        attest_imports(centre.store)
    # the forger attests every case himself, its versions made those of an import (and
    # drops the simulation setting, which the emptied chain no longer bears out)
    centre.db.sql("UPDATE cases SET version = 1")
    centre.db.sql("DELETE FROM govservice_settings WHERE name = 'simulation'")
    assert attest_imports(centre.store) == (3, 9)
    assert verify_store(centre.store).ok  # consistent in itself ...
    found(centre, "signed checkpoint")  # ... but not what was witnessed


def test_a_rewound_head_is_found(centre):
    centre.db.sql("DELETE FROM case_events WHERE seq > 5")
    centre.db.sql("UPDATE ledger_head SET seq = 5, hash = ? WHERE id = 1", centre.db.row(5)[4])
    found(centre, "signed checkpoint witnessed event 9", "cut back")


def test_a_re_hashed_chain_is_found(centre):
    document = case_doc(centre, "TAMPER-1")
    document["decision"]["outcome"] = "deny"
    set_case_doc(centre, "TAMPER-1", document)
    rehash_chain(centre.db, 1, lambda text: text.replace('"grant"', '"deny"'))
    assert verify_store(centre.store).ok  # consistent in itself ...
    found(centre, "differs from the signed checkpoint")  # ... but not what was witnessed


# --- the checkpoints themselves ----------------------------------------------------------------


def test_an_edited_checkpoint_line_is_reported(centre, capsys):
    lines = centre.checkpoints.read_text(encoding="utf-8").splitlines()
    edited = json.loads(lines[-1])
    edited["seq"] = 3
    centre.checkpoints.write_text("\n".join([*lines, json.dumps(edited)]) + "\n", "utf-8")
    assert "the signature does not match" in found(centre)
    assert "checkpoints NOT as signed" in capsys.readouterr().out


def test_a_line_that_is_no_checkpoint_is_reported(centre):
    with centre.checkpoints.open("a", encoding="utf-8") as stream:
        stream.write("{not json\n")
    assert "not a checkpoint" in found(centre)


def test_a_missing_checkpoint_file_is_reported_and_never_started_again_unnoticed(centre):
    centre.checkpoints.unlink()
    assert "no checkpoint file" in found(centre)
    centre.service.trail._last = None  # as a new process would start
    for day in range(1, 6):  # links enough, and days, for automatic checkpoints
        centre.service.clock.advance(days=1)
        centre.store.record_refusal(f"APPLY-{day}", {"reason": "不予受理"})
    assert not centre.checkpoints.exists()
    assert "no checkpoint file" in found(centre)


@pytest.mark.parametrize("emptied", ["no byte", "blank lines", "a link to /dev/null"])
def test_an_emptied_checkpoint_file_is_a_missing_one(centre, capsys, emptied):
    regular = emptied != "a link to /dev/null"
    if regular:
        centre.checkpoints.write_text("" if emptied == "no byte" else "\n \n\n", encoding="utf-8")
    else:
        centre.checkpoints.unlink()
        centre.checkpoints.symlink_to(os.devnull)
    capsys.readouterr()
    assert str(centre.checkpoints) in found(centre)  # exit 1, naming the file
    out = capsys.readouterr().out
    assert f"checkpoints NOT as signed: {centre.checkpoints}" in out
    assert "no signed checkpoint yet" not in out
    # nothing is appended to it: by this process (which wrote checkpoints before) ...
    for day in range(1, 6):  # links enough, and days, for automatic checkpoints
        centre.service.clock.advance(days=1)
        centre.store.record_refusal(f"APPLY-{day}", {"reason": "不予受理"})
    # ... nor by `audit attest` (a new process), witnessing whatever the chain holds now
    _import_old_case(centre.store, "TAMPER-9")
    assert centre.cli("attest") == 0
    if regular:
        assert not centre.checkpoints.read_text(encoding="utf-8").strip()
    assert not centre.verify().ok
    capsys.readouterr()
    if regular:  # started again on purpose, as a missing file is
        assert centre.cli("checkpoint") == 0
        assert centre.verify().ok
    else:  # never a checkpoint into a device
        assert centre.cli("checkpoint") == 2
        assert "not a regular file" in capsys.readouterr().err


def test_a_checkpoint_path_that_is_a_folder_is_refused(centre, capsys):
    centre.checkpoints.unlink()
    centre.checkpoints.mkdir()
    capsys.readouterr()
    assert "not a regular file" in found(centre)
    assert centre.cli("checkpoint") == 2
    err = capsys.readouterr().err
    assert err.startswith("govservice: error[")
    assert str(centre.checkpoints) in err
    assert err.count("\n") == 1


def test_the_break_message_counts_the_links_before_the_break(centre, capsys):
    false = 0 if centre.db.backend == "sqlite" else False
    centre.db.sql("UPDATE cases SET state = 'withdrawn', open = ? WHERE id = 'TAMPER-2'", false)
    seq = centre.verify().first_break.seq
    assert 1 < seq < centre.store.ledger_head()[0]
    capsys.readouterr()
    assert centre.cli("verify") == 1
    out = capsys.readouterr().out
    assert f"trail BROKEN at event {seq} (case TAMPER-2): " in out
    assert out.rstrip().endswith(f"; {seq - 1} events before it are intact")


def test_checkpoints_are_appended_and_printed(centre, capsys):
    before = centre.checkpoints.read_text(encoding="utf-8")
    assert centre.cli("checkpoint") == 0
    after = centre.checkpoints.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after.count("\n") == before.count("\n") + 1
    capsys.readouterr()
    assert centre.cli("checkpoint", "--print") == 0
    out = capsys.readouterr().out
    assert "测试中心 (370500): the trail ended at event 9" in out
    assert json.loads(out.splitlines()[-1])["seq"] == 9


def test_a_checkpoint_every_n_links_and_daily(centre):
    def count() -> int:
        return len(centre.checkpoints.read_text(encoding="utf-8").splitlines())

    workflow = Workflow(centre.service, centre.store)
    before = count()
    workflow.review(workflow.case("TAMPER-2"), REVIEWER)  # 1 link: not yet
    assert count() == before
    centre.service.clock.advance(days=1)  # a day later: one more link is enough
    workflow.review(workflow.case("TAMPER-3"), REVIEWER)
    assert count() == before + 1
    assert centre.verify().witnessed_seq == 11


# --- the head, the key ---------------------------------------------------------------------------


def test_a_missing_ledger_head_is_one_clear_refusal(centre, capsys):
    centre.db.sql("DELETE FROM ledger_head")
    with pytest.raises(LedgerHeadError, match="missing"):
        verify_store(centre.store)
    workflow = Workflow(centre.service, centre.store)
    with pytest.raises(LedgerHeadError):
        workflow.review(workflow.case("TAMPER-2"), REVIEWER, at=START + dt.timedelta(days=1))
    assert centre.cli("verify") == 2
    assert "error[GS708]" in capsys.readouterr().err


def test_a_damaged_ledger_head_is_one_clear_refusal(centre, capsys):
    centre.db.sql("UPDATE ledger_head SET hash = 'x' WHERE id = 1")
    with pytest.raises(LedgerHeadError, match="damaged"):
        centre.store.record_refusal("APPLY-1", {"reason": "x"})
    assert centre.cli("verify") == 2
    assert "error[GS708]" in capsys.readouterr().err


def test_a_refusal_without_a_case_record_verifies(centre):
    centre.store.record_refusal("APPLY-9", {"reason": "不予受理", "actor": "李娜"})
    with centre.store.transaction():
        centre.store.record_refusal("APPLY-10", {"reason": "不予受理"})
    report = centre.verify()
    assert report.ok
    assert report.checked == 11


def test_keygen_never_overwrites(tmp_path, capsys):
    key = tmp_path / "key.pem"
    assert main(["audit", "keygen", "--out", str(key)]) == 0
    assert "key id " in capsys.readouterr().out
    written = key.read_bytes()
    assert main(["audit", "keygen", "--out", str(key)]) == 2
    assert "never written over a file" in capsys.readouterr().err
    assert key.read_bytes() == written
    with pytest.raises(CheckpointError):
        generate_key(key)


def test_keygen_makes_the_configured_key_once_and_never_replaces_it(tmp_path, capsys):
    config = tmp_path / "govservice.yaml"
    config.write_text(
        "name: 测试中心\nregion: '370500'\n"
        f"storage: {{backend: sqlite, settings: {{path: {tmp_path / 'centre.db'}}}}}\n"
        "trail: {signing_key: centre-key.pem}\n",
        encoding="utf-8",
    )
    key = tmp_path / "centre-key.pem"
    # the first setup step: the key the configuration names, made where it is missing
    assert main(["--config", str(config), "audit", "keygen", "--out", str(key)]) == 0
    assert "key id " in capsys.readouterr().out
    written = key.read_bytes()
    assert main(["--config", str(config), "audit", "keygen", "--out", str(key)]) == 2
    assert "never replaced" in capsys.readouterr().err
    assert key.read_bytes() == written
    # the database and the configuration stay refused, existing or not
    for other in (tmp_path / "centre.db", config):
        assert main(["--config", str(config), "audit", "keygen", "--out", str(other)]) == 2
        assert "never replaced" in capsys.readouterr().err
    assert not (tmp_path / "centre.db").exists()


# --- the configuration ---------------------------------------------------------------------------


def test_the_trail_section_is_read_relative_to_the_file(tmp_path):
    from govservice.config import load_config

    path = tmp_path / "centre.yaml"
    path.write_text(
        "name: 测试中心\nregion: '370500'\ntrail:\n  signing_key: keys/centre.pem\n  every: 50\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.trail_signing_key == tmp_path / "keys" / "centre.pem"
    assert config.trail_checkpoints == tmp_path / "trail-checkpoints.jsonl"
    assert config.trail_every == 50


@pytest.mark.parametrize("every", ["0", "1000001", "'often'"])
def test_checkpoints_every_is_range_checked(tmp_path, every):
    from govservice.config import load_config
    from govservice.errors import ConfigError

    path = tmp_path / "centre.yaml"
    path.write_text(
        f"name: 测试中心\nregion: '370500'\ntrail:\n  signing_key: k.pem\n  every: {every}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"trail\.every"):
        load_config(path)


def test_a_checkpoint_that_cannot_be_written_never_fails_the_commit(centre, caplog):
    centre.checkpoints.unlink()
    centre.checkpoints.mkdir()  # a folder where the file should be: not writable as one
    centre.service.clock.advance(days=2)
    workflow = Workflow(centre.service, centre.store)
    with caplog.at_level("WARNING", logger="govservice"):
        stored = workflow.review(workflow.case("TAMPER-2"), REVIEWER)
    assert centre.store.get("case", "TAMPER-2").version == stored.version  # it stands
    assert "no checkpoint of the trail was written" in caplog.text


def test_verify_without_a_readable_key_is_one_clear_error(centre, capsys):
    centre.key.write_text("not a key", encoding="utf-8")
    assert centre.cli("verify") == 2
    assert "error[GS709]" in capsys.readouterr().err


def test_nothing_is_signed_on_a_broken_trail(centre, capsys):
    centre.db.sql("UPDATE cases SET handler = 'x' WHERE id = 'TAMPER-2'")
    before = centre.checkpoints.read_text(encoding="utf-8")
    assert centre.cli("checkpoint") == 2
    assert "error[GS707]" in capsys.readouterr().err
    assert centre.checkpoints.read_text(encoding="utf-8") == before


def test_a_new_checkpoint_after_a_missing_file_is_allowed(centre):
    centre.checkpoints.unlink()
    assert centre.cli("checkpoint") == 0
    assert centre.verify().ok
