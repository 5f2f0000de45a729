"""The settings the trail covers (govservice.store.states): what was last imported of a
partner city, the files we sent and the loads of each blacklist source are chained with
every write, so one changed behind the library's back is refused when read (GS710) and
reported by ``audit verify`` — on memory, SQLite and PostgreSQL (under
``.ci/with-postgres``); stores written before schema 11 have their settings chained by
the migration."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from govservice.audit import verify_store
from govservice.cli import main
from govservice.clock import FixedClock
from govservice.errors import AlteredStateError, ReplayedFileError, StoreError
from govservice.service import GovService
from govservice.store.ledger import record_digest
from govservice.store.states import CHAINED_SETTINGS, is_chained_setting, state_subject
from schema_helpers import reopened as reopen
from schema_helpers import stop_at_schema
from test_blacklist_exchange import BACKENDS, DEZHOU, centre, dezhou_full, own_entry, signed

RECEIVED = "blacklists.exchange.received." + DEZHOU


@pytest.fixture(params=BACKENDS)
def centre_on(request: pytest.FixtureRequest, tmp_path) -> Iterator[GovService]:
    with centre(request.param, tmp_path) as made:
        yield made


def _behind_the_back(service: GovService, name: str, value: str | None) -> None:
    """What one SQL statement (or a debugger on the memory store) does: the setting set or
    deleted, no link."""
    store = service.store
    if store.dialect == "memory":
        settings = dict(store._settings or {})
        if value is None:
            settings.pop(name, None)
        else:
            settings[name] = value
        store._settings = settings
        return
    m = store.mark
    with store.transaction():
        store._execute(f"DELETE FROM govservice_settings WHERE name = {m}", (name,))
        if value is not None:
            store._execute(
                f"INSERT INTO govservice_settings (name, value) VALUES ({m}, {m})", (name, value)
            )


def test_every_write_of_a_chained_setting_is_a_link_holding_its_digest(centre_on) -> None:
    centre_on.blacklists.exchange.import_bytes(dezhou_full())
    (link,) = centre_on.store.case_ledger(state_subject(RECEIVED))
    held = json.loads(link.text)["state"]
    assert held == {"name": RECEIVED, "sha256": record_digest(centre_on.store.setting(RECEIVED))}
    assert verify_store(centre_on.store).ok


def test_a_replay_made_possible_by_one_changed_setting_is_refused(centre_on) -> None:
    """Dezhou's file 1, then file 2: file 1 is a replay. Someone rewrites the record of
    what was imported back to nothing of Dezhou's before file 1 (sequence 0): the old file
    would go in again, undoing file 2. The setting no longer matches its link: refused."""
    first = dezhou_full()
    exchange = centre_on.blacklists.exchange
    exchange.import_bytes(first)
    second = signed(
        DEZHOU,
        2,
        [("change", own_entry(DEZHOU, 1, reason="在政府采购活动中提供虚假材料"))],
        since=1,
        previous=first,
    )
    exchange.import_bytes(second)
    state = json.loads(centre_on.store.setting(RECEIVED))
    _behind_the_back(centre_on, RECEIVED, json.dumps({**state, "sequence": 0}))
    head = centre_on.store.ledger_head()
    with pytest.raises(AlteredStateError) as refused:
        exchange.import_bytes(first)
    assert refused.value.code == "GS710"
    assert RECEIVED in str(refused.value)
    assert "audit verify" in str(refused.value)
    assert centre_on.store.ledger_head() == head  # nothing written
    report = verify_store(centre_on.store)
    assert not report.ok
    assert report.first_break.case_id == state_subject(RECEIVED)
    assert report.first_break.problem == "the setting was changed after it was chained"


def test_a_deleted_setting_is_found(centre_on) -> None:
    centre_on.blacklists.exchange.import_bytes(dezhou_full())
    _behind_the_back(centre_on, RECEIVED, None)
    with pytest.raises(AlteredStateError, match="is gone"):
        centre_on.blacklists.exchange.received(DEZHOU)
    report = verify_store(centre_on.store)
    assert report.first_break.problem == "the setting is gone after it was chained"


def test_a_setting_written_without_a_link_is_found_by_audit_verify(centre_on) -> None:
    """Binzhou never sent a file; a record that its file 5 was imported is forged."""
    forged = "blacklists.exchange.received.371600"
    _behind_the_back(centre_on, forged, json.dumps({"region": "371600", "sequence": 5}))
    report = verify_store(centre_on.store)
    assert not report.ok
    assert report.first_break.case_id == state_subject(forged)
    assert (
        report.first_break.problem == "the setting is not on the trail: written without its link"
    )


def test_a_chained_setting_is_never_written_alone(centre_on) -> None:
    store = centre_on.store
    with pytest.raises(StoreError, match="covered by the trail"):
        store.set_setting(RECEIVED, "{}")
    with pytest.raises(StoreError, match="not one the trail covers"):
        store.set_chained_setting("simulation", "true")
    assert store.setting(RECEIVED) is None
    assert store.ledger_head()[0] == 0


def test_the_files_we_sent_altered_stop_the_next_export(tmp_path) -> None:
    """Our file 2 forgotten (the record of what we sent rewritten to file 1 alone): the
    next export would number a file 2 again. Refused, nothing written."""
    from govservice.trail.keys import generate_key

    generate_key(tmp_path / "centre.pem")
    with centre("sqlite", tmp_path, trail_signing_key=tmp_path / "centre.pem") as service:
        exchange = service.blacklists.exchange
        exchange.export()
        exchange.export(since=1)
        sent = json.loads(service.store.setting("blacklists.exchange.sent"))
        _behind_the_back(service, "blacklists.exchange.sent", json.dumps(sent[:1]))
        head = service.store.ledger_head()
        written = []
        with pytest.raises(AlteredStateError, match=r"blacklists\.exchange\.sent"):
            exchange.export(write=written.append)
        assert written == []
        assert service.store.ledger_head() == head


def test_a_setting_written_without_a_link_is_refused(centre_on) -> None:
    """Nothing of Dezhou's was imported; someone writes a record that file 5 was."""
    forged = {
        "region": DEZHOU,
        "sequence": 5,
        "sha256": "0" * 64,
        "kind": "full",
        "exported_at": "2015-06-01T09:00:00+08:00",
        "imported_at": "2015-06-02T09:00:00+08:00",
        "key_id": "k",
        "entries": 0,
    }
    _behind_the_back(centre_on, RECEIVED, json.dumps(forged))
    with pytest.raises(AlteredStateError, match="not on the trail"):
        centre_on.blacklists.exchange.import_bytes(dezhou_full())
    assert centre_on.store.count("blacklist-entry") == 0


def test_the_loads_of_a_source_are_chained(tmp_path) -> None:
    with centre("sqlite", tmp_path) as service:
        service.blacklists.sources.load("own")
        name = "blacklists.source.own"
        assert service.store.case_ledger(state_subject(name))
        _behind_the_back(
            service, name, service.store.setting(name).replace('"loads":1', '"loads":9')
        )
        with pytest.raises(AlteredStateError):
            service.blacklists.sources.state("own")
        assert not verify_store(service.store).ok


def _loaded_centre(tmp_path: Path) -> Path:
    """A SQLite centre's configuration in ``tmp_path``, its sources loaded once."""
    config = tmp_path / "govservice.yaml"
    config.write_text(
        'name: 东营市政务服务中心\nregion: "370500"\nstorage:\n  backend: sqlite\n'
        "  settings: {path: centre.db}\n",
        encoding="utf-8",
    )
    assert main(["--config", str(config), "blacklist", "load"]) == 0
    return config


def test_the_command_line_names_the_altered_setting_and_exits_2(tmp_path, capsys) -> None:
    config = _loaded_centre(tmp_path)
    with sqlite3.connect(tmp_path / "centre.db") as db:
        db.execute(
            "UPDATE govservice_settings SET value = '{}' WHERE name = 'blacklists.source.own'"
        )
    capsys.readouterr()
    assert main(["--config", str(config), "blacklist", "sources"]) == 2
    err = capsys.readouterr().err
    assert "GS710" in err
    assert "blacklists.source.own" in err
    assert "Traceback" not in err


def test_a_failed_transaction_leaves_no_setting_behind_on_the_memory_store(tmp_path) -> None:
    with centre("memory", tmp_path) as service:
        store = service.store

        def fails() -> None:
            with store.transaction():
                store.set_chained_setting(RECEIVED, "{}")
                raise RuntimeError("the file could not be written")

        with pytest.raises(RuntimeError):
            fails()
        assert store.setting(RECEIVED) is None
        assert store.chained_setting(RECEIVED) is None
        assert store.ledger_head()[0] == 0


def test_the_names_chained() -> None:
    assert is_chained_setting(RECEIVED)
    assert is_chained_setting("blacklists.exchange.sent")
    assert is_chained_setting("blacklists.source.dongying-court")
    assert not is_chained_setting("simulation")
    assert all(name.startswith("blacklists.") for name in CHAINED_SETTINGS)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_settings_written_before_schema_11_are_chained_by_the_migration(
    backend, tmp_path, monkeypatch
) -> None:
    stop_at_schema(monkeypatch, backend, 10)
    with centre(backend, tmp_path) as service:
        store = service.store
        assert store.schema_version() == 10
        # what schema 10 wrote: the settings alone
        state = json.dumps({"region": DEZHOU, "sequence": 3, "sha256": "a" * 64})
        store._put_setting(RECEIVED, state)  # (set_setting now refuses a chained name)
        store.set_setting("simulation-unrelated", "x")
        reopened = reopen(service, monkeypatch)
        try:
            store = reopened.store
            assert store.schema_version() == store.latest_schema_version() >= 11
            assert store.chained_setting(RECEIVED) == state
            (link,) = store.ledger()
            assert link.case_id == state_subject(RECEIVED)
            assert store.case_ledger(state_subject("simulation-unrelated")) == []
            assert verify_store(store).ok
        finally:
            reopened.store.close()


def test_a_store_error_is_what_an_altered_state_is() -> None:
    assert issubclass(AlteredStateError, StoreError)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_file_checked_while_another_process_imports_the_next_one_is_refused(
    backend, tmp_path, monkeypatch
) -> None:
    """Two processes on one database: one checks Dezhou's file 2 while the other imports
    files 2 and 3. What was imported last is read again under the trail's lock before
    anything is stored: the first's file 2 is then a replay, refused."""
    import govservice.blacklists.exchange as module

    first = dezhou_full()
    second = signed(
        DEZHOU,
        2,
        [("change", own_entry(DEZHOU, 1, reason="在政府采购活动中提供虚假材料"))],
        since=1,
        previous=first,
    )
    third = signed(
        DEZHOU,
        3,
        [("change", own_entry(DEZHOU, 2, reason="在政府采购活动中提供虚假材料"))],
        since=2,
        previous=second,
    )
    with centre(backend, tmp_path) as one:
        one.blacklists.exchange.import_bytes(first)
        other = GovService(
            one.config,
            clock=FixedClock(one.clock.now()),
            strict=True,
            environ={"GOVSERVICE_PLUGINS": "postgresql" if backend == "postgresql" else ""},
        )
        checks = module._check_entries

        def meanwhile(*args, **kwargs):
            monkeypatch.setattr(module, "_check_entries", checks)
            other.blacklists.exchange.import_bytes(second)
            other.blacklists.exchange.import_bytes(third)
            return checks(*args, **kwargs)

        try:
            monkeypatch.setattr(module, "_check_entries", meanwhile)
            with pytest.raises(ReplayedFileError):
                one.blacklists.exchange.import_bytes(second)
            assert one.blacklists.exchange.received(DEZHOU).sequence == 3
            assert verify_store(one.store).ok
        finally:
            other.store.close()


def test_a_setting_looked_into_is_accepted_again_with_its_reason(centre_on) -> None:
    from govservice.audit import rechain_setting

    exchange = centre_on.blacklists.exchange
    exchange.import_bytes(dezhou_full())
    store = centre_on.store
    (chained,) = store.case_ledger(state_subject(RECEIVED))
    was = json.loads(chained.text)["state"]["sha256"]
    state = json.loads(store.setting(RECEIVED))
    restored = json.dumps({**state, "imported_at": "2015-06-02T09:30:00+08:00"})
    _behind_the_back(centre_on, RECEIVED, restored)
    assert not verify_store(store).ok
    with pytest.raises(StoreError, match="say why"):
        rechain_setting(store, RECEIVED, "  ")
    previous, seq = rechain_setting(store, RECEIVED, "由备份恢复，经核对无误")
    assert previous == was
    assert store.chained_setting(RECEIVED) == restored
    assert exchange.received(DEZHOU).sequence == 1
    report = verify_store(store)
    assert report.ok
    link = store.case_ledger(state_subject(RECEIVED))[-1]
    assert link.seq == seq
    assert json.loads(link.text)["state"] == {
        "name": RECEIVED,
        "sha256": record_digest(restored),
        "rechained": {"reason": "由备份恢复，经核对无误", "was": was},
    }
    # nothing more to accept; a setting not covered, or one gone, is refused
    with pytest.raises(StoreError, match="nothing to accept"):
        rechain_setting(store, RECEIVED, "again")
    with pytest.raises(StoreError, match="not one the trail covers"):
        rechain_setting(store, "simulation", "why not")
    _behind_the_back(centre_on, RECEIVED, None)
    with pytest.raises(StoreError, match="restore it from a backup"):
        rechain_setting(store, RECEIVED, "gone")
    assert store.ledger_head()[0] == seq


def test_audit_rechain_on_the_command_line(tmp_path, capsys) -> None:
    config = _loaded_centre(tmp_path)
    with sqlite3.connect(tmp_path / "centre.db") as db:
        db.execute(
            "UPDATE govservice_settings SET value = replace(value, '\"loads\":1', '\"loads\":2') "
            "WHERE name = 'blacklists.source.own'"
        )
    capsys.readouterr()
    assert main(["--config", str(config), "audit", "verify"]) == 1
    assert "state/blacklists.source.own" in capsys.readouterr().out
    argv = ["--config", str(config), "audit", "rechain", "state/blacklists.source.own"]
    assert main([*argv, "--reason", "核对无误"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("chained setting blacklists.source.own again at event ")
    assert "for: 核对无误" in out
    assert main(["--config", str(config), "audit", "verify"]) == 0
    capsys.readouterr()
    assert main([*argv, "--reason", "again"]) == 2
    err = capsys.readouterr().err
    assert "nothing to accept" in err
    assert "Traceback" not in err
