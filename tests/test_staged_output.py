"""govservice.cli.output.staged_output: a file telling of what a transaction stores is
written in the transaction and put in place only once it is committed — a transaction
that fails leaves no file, a file that cannot be written stores nothing."""

from __future__ import annotations

import json
import sqlite3

import pytest

from govservice.cli import main
from govservice.cli.output import staged_output
from govservice.errors import FileAccessError, OutputRefusedError, StoreError
from govservice.store.sqlite import SqliteStore
from test_blacklist_exchange import exporting_centre, person_entry


class Store:
    """What staged_output asks of a store: how many transactions rolled back."""

    rollbacks = 0


STORE = Store()


def partials(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".partial"))


def test_the_file_is_put_in_place_when_the_block_ends(tmp_path):
    out = tmp_path / "record.json"
    with staged_output(out, force=False, store=STORE) as stage:
        stage(b'{"n": 1}')
        assert not out.exists()  # not before the transaction is committed
    assert out.read_bytes() == b'{"n": 1}'
    assert partials(tmp_path) == []


def test_a_block_that_raises_leaves_no_file(tmp_path):
    out = tmp_path / "record.json"

    store = Store()

    def stored_then_failed(stage) -> None:
        stage(b"{}")
        assert partials(tmp_path) != []  # staged beside, not yet in place
        store.rollbacks += 1  # the transaction rolled back
        raise RuntimeError("the commit failed")

    with pytest.raises(RuntimeError), staged_output(out, force=False, store=store) as stage:
        stored_then_failed(stage)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupt_after_the_commit_still_puts_the_file_in_place(tmp_path):
    out = tmp_path / "record.json"

    def committed_then_interrupted(stage) -> None:
        stage(b"stored")  # (the transaction commits: no rollback counted)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), staged_output(out, force=False, store=Store()) as stage:
        committed_then_interrupted(stage)
    assert out.read_bytes() == b"stored"
    assert partials(tmp_path) == []


def test_a_name_as_long_as_the_file_system_allows_is_written(tmp_path):
    out = tmp_path / ("x" * 250 + ".json")
    with staged_output(out, force=False, store=STORE) as stage:
        stage(b"{}")
    assert out.read_bytes() == b"{}"
    assert partials(tmp_path) == []


def test_nothing_staged_nothing_written_and_no_path_no_stage(tmp_path):
    out = tmp_path / "record.json"
    with staged_output(out, force=False, store=STORE):
        pass
    assert not out.exists()
    with staged_output(None, force=False, store=STORE) as stage:
        assert stage is None


def test_a_file_that_cannot_be_written_fails_in_the_block(tmp_path):
    out = tmp_path / "no-such-folder" / "record.json"
    with (
        staged_output(out, force=False, store=STORE) as stage,
        pytest.raises(FileAccessError, match="cannot write the file"),
    ):
        stage(b"{}")
    assert not out.parent.exists()


def test_a_file_that_appeared_meanwhile_is_kept_and_so_is_what_was_stored(tmp_path):
    out = tmp_path / "record.json"
    placed = staged_output(out, force=False, store=STORE)
    stage = placed.__enter__()
    stage(b"ours")
    out.write_bytes(b"theirs")
    with pytest.raises(OutputRefusedError, match="appeared meanwhile") as refused:
        placed.__exit__(None, None, None)
    assert out.read_bytes() == b"theirs"
    (kept,) = partials(tmp_path)
    assert kept in str(refused.value)
    assert (tmp_path / kept).read_bytes() == b"ours"
    with staged_output(out, force=True, store=STORE) as stage:  # --force replaces it
        stage(b"ours")
    assert out.read_bytes() == b"ours"


def test_an_export_whose_commit_fails_leaves_no_file_and_takes_no_number(
    tmp_path, capsys, monkeypatch
):
    config = exporting_centre(tmp_path)
    out = tmp_path / "dongying-1.json"
    commit = SqliteStore._commit

    def failing(self, token):  # what SqliteStore._commit raises for a full disk
        self._db.execute("ROLLBACK")
        raise StoreError("the database refused: database or disk is full", where=str(self.path))

    monkeypatch.setattr(SqliteStore, "_commit", failing)
    assert main(["--config", str(config), "blacklist", "export", "--out", str(out)]) == 2
    printed = capsys.readouterr()
    assert "disk is full" in printed.err
    assert "Traceback" not in printed.err
    assert not out.exists()
    assert partials(tmp_path) == []
    monkeypatch.setattr(SqliteStore, "_commit", commit)
    assert main(["--config", str(config), "blacklist", "export", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sequence"] == 1  # the failed one took none
    assert out.exists()
    assert partials(tmp_path) == []


def test_a_commit_the_database_refuses_is_a_store_error_and_stores_nothing(tmp_path):
    store = SqliteStore(tmp_path / "centre.db")
    real = store._db

    class FailingCommit:  # the connection, but for COMMIT: a full disk
        def __getattr__(self, name):
            return getattr(real, name)

        def execute(self, sql, *args):
            if sql == "COMMIT":
                raise sqlite3.OperationalError("database or disk is full")
            return real.execute(sql, *args)

    store._db = FailingCommit()
    with pytest.raises(StoreError, match="disk is full"), store.transaction():
        store.add(person_entry(1), change={"action": "listed"})
    store._db = real
    assert not real.in_transaction
    assert store.get("blacklist-entry", person_entry(1).id) is None
    with store.transaction():  # the connection is usable again
        store.add(person_entry(1), change={"action": "listed"})
    assert store.get("blacklist-entry", person_entry(1).id) is not None
    store.close()


def test_what_a_killed_run_left_staged_is_cleared_and_a_live_ones_is_not(tmp_path):
    import hashlib
    import subprocess
    import sys

    out = tmp_path / "record.json"
    digest = hashlib.sha256(out.name.encode()).hexdigest()[:16]
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = tmp_path / f".govservice-{digest}-{int(gone.stdout)}.partial"  # a process that ended
    dead.write_bytes(b"a hidden copy")
    live = tmp_path / f".govservice-{digest}-1.partial"  # pid 1 is there while this runs
    live.write_bytes(b"another run's, still at work")
    other = tmp_path / ".govservice-0000000000000000-2.partial"  # another file's
    other.write_bytes(b"not ours")
    with staged_output(out, force=False, store=STORE) as stage:
        stage(b"{}")
    assert out.read_bytes() == b"{}"
    assert not dead.exists()
    assert live.exists()
    assert other.exists()
