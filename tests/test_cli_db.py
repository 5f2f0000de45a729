"""``govservice db`` and ``import`` against databases that cannot be used: one clear line,
exit status 2, and nothing written."""

from __future__ import annotations

import json
import socket
import sqlite3
import textwrap
from pathlib import Path

import pytest

from govservice.cli import main
from govservice.store.sqlite import SqliteStore
from govservice.testing import make_case


def sqlite_config(tmp_path: Path, database: Path) -> Path:
    config = tmp_path / "govservice.yaml"
    config.write_text(
        f'name: 测试\nregion: "370500"\nstorage: {{backend: sqlite, settings: {{path: "{database}"}}}}\n',
        encoding="utf-8",
    )
    return config


def a_govservice_database(path: Path) -> Path:
    store = SqliteStore(path)
    store.add(make_case())
    store.close()
    return path


def newer(path: Path) -> Path:
    a_govservice_database(path)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO govservice_migrations VALUES (99, '0099_future.sql', 'later')")
    db.close()
    return path


def foreign(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT)")
    db.commit()
    db.close()
    return path


def corrupted(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)  # a zip archive, say
    return path


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (corrupted, "GS705", "not an SQLite database"),
        (foreign, "GS705", "another application"),
        (newer, "GS704", "newer than this govservice"),
    ],
)
@pytest.mark.parametrize("command", [["db", "status"], ["db", "migrate"], ["db", "init"]])
def test_unusable_sqlite_file_exits_2_untouched(tmp_path, capsys, make, code, words, command):
    database = make(tmp_path / "data.db")
    before = database.read_bytes()
    config = sqlite_config(tmp_path, database)
    assert main(["--config", str(config), *command]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"govservice: error[{code}] {database}: ")
    assert words in err[0]
    assert database.read_bytes() == before


def test_import_into_an_unusable_file_writes_nothing(tmp_path, capsys):
    database = newer(tmp_path / "data.db")
    before = database.read_bytes()
    data = tmp_path / "cases.jsonl"
    data.write_text('{"id": "X"}\n', encoding="utf-8")
    assert (
        main(["--config", str(sqlite_config(tmp_path, database)), "import", "case", str(data)])
        == 2
    )
    assert "error[GS704]" in capsys.readouterr().err
    assert database.read_bytes() == before


def test_status_of_a_missing_database_says_how_to_create_it(tmp_path, capsys):
    database = tmp_path / "data.db"
    assert main(["--config", str(sqlite_config(tmp_path, database)), "db", "status"]) == 2
    assert "govservice db init" in capsys.readouterr().err
    assert not database.exists()


def postgres_config(tmp_path: Path, **settings: str) -> Path:
    lines = "\n".join(f"    {key}: {value}" for key, value in settings.items())
    config = tmp_path / "govservice.yaml"
    config.write_text(
        textwrap.dedent(
            """\
            name: 测试
            region: "370500"
            storage:
              backend: postgresql
              settings:
            """
        )
        + lines
        + "\n    password: {$env: GS_TEST_DB_PASSWORD}\n",
        encoding="utf-8",
    )
    return config


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_postgresql_server_down_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "postgresql")
    monkeypatch.setenv("GS_TEST_DB_PASSWORD", "s3cret-口令")
    port = free_port()  # nothing listens there
    config = postgres_config(
        tmp_path, host="127.0.0.1", port=str(port), dbname="govservice", user="govservice"
    )
    assert main(["--config", str(config), "db", "status"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("govservice: error[GS706]")
    assert f"127.0.0.1:{port}" in err[0]
    assert "s3cret" not in err[0]


def test_postgresql_wrong_password_exits_2_without_showing_it(tmp_path, capsys, monkeypatch):
    from govservice_postgres.testing import postgres_dsn_or_skip
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(postgres_dsn_or_skip())
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "postgresql")
    monkeypatch.setenv("GS_TEST_DB_PASSWORD", "wrong-口令-42")
    config = postgres_config(
        tmp_path,
        host=parts["host"],
        port=parts["port"],
        dbname=parts["dbname"],
        user=parts["user"],
    )
    assert main(["--config", str(config), "db", "init"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("govservice: error[GS706]")
    assert "password" in err[0]
    assert "wrong-口令-42" not in err[0]


def test_what_any_command_prints_reaches_the_terminal_escaped(tmp_path, capsys):
    """``db`` prints the database's path as the configuration names it: a terminal escape
    or a bidi override in it is shown escaped (the net under every command's output)."""
    database = tmp_path / "centre\x1b[2J\u202e.db"
    config = tmp_path / "govservice.yaml"  # (YAML takes ESC only as an escape: \e)
    config.write_text(
        f'name: 测试\nregion: "370500"\nstorage: {{backend: sqlite, settings: '
        f'{{path: "{tmp_path}/centre\\e[2J\\u202e.db"}}}}\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "db", "init"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "centre\\x1b[2J\\u202e.db, schema" in out
    assert database.exists()  # the file has the name it was given


# --- a claimed time (--now) stamps only a simulation store ------------------------------------


@pytest.mark.parametrize("simulation", [False, True])
def test_now_stamps_what_a_command_writes_only_on_a_simulation_store(tmp_path, capsys, simulation):
    database = tmp_path / "centre.db"
    config = sqlite_config(tmp_path, database)
    init = ["--config", str(config), "db", "init", *(["--simulation"] * simulation)]
    assert main(init) == 0
    capsys.readouterr()
    claimed = ["--config", str(config), "--now", "2015-03-02T09:00:00+08:00"]
    code = main([*claimed, "notices", "deliver"])
    err = capsys.readouterr().err
    if simulation:
        assert (code, err) == (0, "")
    else:
        assert code == 2
        assert err.startswith("govservice: error[GS808] --now is taken only on a simulation")
        assert len(err.splitlines()) == 1
    assert main(["--config", str(config), "notices", "deliver"]) == 0  # the server's clock


# --- config check reads the signing key ---------------------------------------------------------


@pytest.mark.parametrize("key", ["folder", "not-a-key.pem", "missing.pem"])
def test_config_check_names_a_signing_key_that_cannot_be_used(tmp_path, capsys, key):
    (tmp_path / "folder").mkdir()
    (tmp_path / "not-a-key.pem").write_text("name: 不是密钥\n", encoding="utf-8")
    config = sqlite_config(tmp_path, tmp_path / "centre.db")
    config.write_text(
        config.read_text(encoding="utf-8") + f"trail: {{signing_key: {key}}}\n", encoding="utf-8"
    )
    assert main(["config", "check", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / key}" in err
    assert err.startswith("govservice: error[GS709]")
    assert len(err.splitlines()) == 1


def test_config_check_takes_a_good_signing_key(tmp_path, capsys):
    config = sqlite_config(tmp_path, tmp_path / "centre.db")
    assert (
        main(["--config", str(config), "audit", "keygen", "--out", str(tmp_path / "k.pem")]) == 0
    )
    config.write_text(
        config.read_text(encoding="utf-8") + "trail: {signing_key: k.pem}\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["config", "check", str(config)]) == 0
    assert ": ok: " in capsys.readouterr().out


def test_db_init_with_a_signing_key_starts_the_checkpoints_of_a_new_trail(tmp_path, capsys):
    config = sqlite_config(tmp_path, tmp_path / "centre.db")
    assert main(["audit", "keygen", "--out", str(tmp_path / "k.pem")]) == 0
    config.write_text(
        config.read_text(encoding="utf-8") + "trail: {signing_key: k.pem, checkpoints: c.jsonl}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["--config", str(config), "db", "init", "--simulation"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # no "no checkpoint of the trail is written" warning
    assert f"the first signed checkpoint starts {tmp_path / 'c.jsonl'}" in captured.out
    (line,) = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["seq"] == 0
    assert main(["--config", str(config), "audit", "verify"]) == 0
    assert "the chain holds every signed checkpoint" in capsys.readouterr().out
    # a second init starts nothing again: the file is the trail's, appended to only
    assert main(["--config", str(config), "db", "init"]) == 0
    assert "first signed checkpoint" not in capsys.readouterr().out
    assert len((tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()) == 1
