"""What only the PostgreSQL store has: a server to reach, credentials, schemas shared with
other applications, concurrent sessions, COPY. What every store promises is tested once for
all backends by the core's contract suite (``tests/test_store_contract.py``).

Tests needing a server use ``GOVSERVICE_TEST_POSTGRES_DSN`` and are skipped without it,
except under ``CI=true`` where they fail (see :mod:`govservice_postgres.testing`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import traceback
import uuid
from pathlib import Path

import attrs
import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

import govservice_postgres
from govservice.codec import to_document
from govservice.errors import (
    ConfigError,
    ConflictError,
    DatabaseUnavailableError,
    DatabaseVersionError,
    DuplicateRecordError,
    ForeignDatabaseError,
    StoreError,
)
from govservice.importing import import_file
from govservice.samples import make_case, make_station
from govservice.service import GovService
from govservice.store.base import CaseQuery
from govservice.store.migrations import migrations as _migrations
from govservice_postgres import PostgresStore, store_from_settings
from govservice_postgres.store import MIGRATIONS_PACKAGE
from govservice_postgres.testing import DSN_VARIABLE, fresh_schema, postgres_dsn_or_skip

MIGRATIONS = [(m.number, m.name) for m in _migrations("postgresql", package=MIGRATIONS_PACKAGE)]
"""Every migration of the plugin, as ``govservice_migrations`` records them."""


@pytest.fixture
def dsn() -> str:
    return postgres_dsn_or_skip()


@pytest.fixture
def schema(dsn):
    with fresh_schema(dsn) as name:
        yield name


@pytest.fixture
def store(dsn, schema):
    opened = PostgresStore(dsn, schema=schema)
    yield opened
    opened.close()


@pytest.fixture
def admin(dsn):
    with psycopg.connect(dsn, autocommit=True) as connection:
        yield connection


def opened(dsn: str, schema: str, **options) -> contextlib.closing[PostgresStore]:
    return contextlib.closing(PostgresStore(dsn, schema=schema, **options))


def with_password(dsn: str) -> dict[str, str]:
    """The parts of the DSN, which must name a password (not ``.pgpass`` or trust)."""
    parts = {key: str(value) for key, value in conninfo_to_dict(dsn).items()}
    if not parts.get("password"):
        pytest.skip("the test server's DSN gives no password, so none can be wrong")
    return parts


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def snapshot(admin: psycopg.Connection, schema: str) -> dict:
    """Everything in ``schema`` that opening a store could change."""
    relations = admin.execute(
        "SELECT c.relname, c.relkind FROM pg_class AS c JOIN pg_namespace AS n "
        "ON n.oid = c.relnamespace WHERE n.nspname = %s ORDER BY 1",
        (schema,),
    ).fetchall()
    state = {"relations": relations}
    if ("govservice_migrations", "r") in relations:
        state["migrations"] = admin.execute(
            sql.SQL("SELECT * FROM {} ORDER BY number").format(
                sql.Identifier(schema, "govservice_migrations")
            )
        ).fetchall()
        state["cases"] = admin.execute(
            sql.SQL("SELECT id, version, doc FROM {} ORDER BY id").format(
                sql.Identifier(schema, "cases")
            )
        ).fetchall()
    return state


def assert_no_secret(error: BaseException, *secrets: str) -> None:
    """Not in the message, nor anywhere a traceback would show: no exception is chained."""
    shown = "".join(traceback.format_exception_only(error)) + repr(error) + str(error.args)
    for secret in secrets:
        assert secret not in shown
    assert (error.__cause__, error.__context__) == (None, None)


# --- finding the test server ------------------------------------------------------------------


def test_no_dsn_skips_with_one_line_reason(monkeypatch):
    monkeypatch.delenv(DSN_VARIABLE, raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        postgres_dsn_or_skip()
    assert DSN_VARIABLE in str(skipped.value)
    assert "\n" not in str(skipped.value)


def test_no_dsn_fails_under_ci(monkeypatch):
    monkeypatch.delenv(DSN_VARIABLE, raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=DSN_VARIABLE):
        postgres_dsn_or_skip()


def test_a_dsn_is_returned(monkeypatch):
    monkeypatch.setenv(DSN_VARIABLE, "host=db.example dbname=govservice_test")
    assert postgres_dsn_or_skip() == "host=db.example dbname=govservice_test"


def test_fresh_schema_is_unique_and_dropped_afterwards(dsn, admin):
    with fresh_schema(dsn) as one, fresh_schema(dsn) as two:
        assert one != two
        PostgresStore(dsn, schema=one).close()
        assert admin.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (one,)).fetchone()
    present = admin.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", ([one, two],)
    ).fetchall()
    assert present == []


# --- connecting -----------------------------------------------------------------------------------


def test_a_closed_port_is_database_unavailable():
    port = closed_port()
    with pytest.raises(DatabaseUnavailableError) as raised:
        PostgresStore(
            f"host=127.0.0.1 port={port} dbname=govservice_test user=govservice "
            "password=Not-Shown-7 connect_timeout=5"
        )
    error = raised.value
    assert error.code == "GS706"
    assert error.where == f"127.0.0.1:{port}/govservice_test"
    assert str(error).startswith(f"127.0.0.1:{port}/govservice_test: cannot connect to PostgreSQL")
    assert "connection refused" in str(error)
    assert "\n" not in str(error)
    assert_no_secret(error, "Not-Shown-7")


def test_a_wrong_password_is_database_unavailable_and_never_shown(dsn):
    parameters = with_password(dsn)
    wrong = f"Wrong-{uuid.uuid4().hex}"
    with pytest.raises(DatabaseUnavailableError) as raised:
        PostgresStore(make_conninfo(dsn, password=wrong))
    error = raised.value
    where = f"{parameters['host']}:{parameters['port']}/{parameters['dbname']}"
    assert error.where == where
    assert f'refused the password of user "{parameters["user"]}"' in str(error)
    assert "\n" not in str(error)
    assert_no_secret(error, wrong, parameters["password"])


def test_an_unknown_database_is_database_unavailable(dsn):
    missing = f"govservice_missing_{uuid.uuid4().hex[:8]}"
    with pytest.raises(DatabaseUnavailableError) as raised:
        PostgresStore(make_conninfo(dsn, dbname=missing))
    assert raised.value.where.endswith(f"/{missing}")
    assert f'no database "{missing}"' in str(raised.value)
    assert_no_secret(raised.value, *filter(None, [conninfo_to_dict(dsn).get("password")]))


def test_a_lost_connection_is_database_unavailable(store, admin):
    admin.execute("SELECT pg_terminate_backend(%s)", (store._conn.info.backend_pid,))
    with pytest.raises(DatabaseUnavailableError, match="lost the connection to PostgreSQL"):
        store.get("case", "DY2015-00000001")


def test_a_malformed_connection_string_is_not_echoed():
    with pytest.raises(StoreError) as raised:
        PostgresStore("host=db.example password = Not Shown")
    assert "malformed" in str(raised.value)
    assert_no_secret(raised.value, "Not", "Shown")


# --- the factory and the configuration --------------------------------------------------------


def write_config(tmp_path, settings: str) -> str:
    path = tmp_path / "centre.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            name: 东营市政务服务中心
            region: "370500"
            storage:
              backend: postgresql
              settings:
            """
        )
        + textwrap.indent(textwrap.dedent(settings), "    "),
        encoding="utf-8",
    )
    return str(path)


def server_settings(parts: dict[str, str], schema: str) -> str:
    """``storage.settings`` for the test server, the password from the environment."""
    return textwrap.dedent(
        f"""\
        host: "{parts["host"]}"
        port: {parts["port"]}
        dbname: {parts["dbname"]}
        user: {parts["user"]}
        password: {{$env: GOVSERVICE_TEST_DB_PASSWORD}}
        schema: {schema}
        """
    )


def test_the_configured_backend_takes_its_password_from_the_environment(dsn, schema, tmp_path):
    parts = with_password(dsn)
    path = write_config(tmp_path, server_settings(parts, schema))
    environ = {"GOVSERVICE_PLUGINS": "postgresql"}
    service = GovService(
        path, environ={**environ, "GOVSERVICE_TEST_DB_PASSWORD": parts["password"]}
    )
    assert service.plugins.loaded["postgresql"].source == "entry point"
    store = service.store
    try:
        assert isinstance(store, PostgresStore)
        assert (store.schema, store.schema_version()) == (schema, store.latest_schema_version())
        station = make_station()
        store.add(station)
        assert store.get("station", station.code).record == station
    finally:
        store.close()

    wrong = f"Wrong-{uuid.uuid4().hex}"
    refused = GovService(path, environ={**environ, "GOVSERVICE_TEST_DB_PASSWORD": wrong})
    with pytest.raises(DatabaseUnavailableError) as raised:
        refused.open_store()
    assert_no_secret(raised.value, wrong)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"path": "govservice.db"}, "does not take path"),
        ({"host": "db.example", "password": 1234}, "storage.settings.password: must be text"),
        ({"host": "db.example", "port": "fifty"}, "storage.settings.port: must be a port"),
        ({"host": "db.example", "port": True}, "storage.settings.port: must be a port"),
        ({"host": "db.example", "port": 0}, "storage.settings.port: 0 is not a port number"),
        ({"host": "db.example", "port": "65536"}, "port: 65536 is not a port number"),
        ({"host": "db.example", "create": "yes"}, "storage.settings.create: must be true"),
        ({"conninfo": "host=db.example password = Not Shown"}, "not a connection string"),
        ({"host": "db.example", "sslmode": "on"}, "storage.settings.sslmode: one of disable"),
        ({"host": "db.example", "sslrootcert": "/no/such/ca.crt"}, "sslrootcert: no such file"),
    ],
)
def test_the_factory_refuses_wrong_settings_without_showing_values(settings, message):
    with pytest.raises(ConfigError, match=message) as raised:
        store_from_settings(settings)
    assert "1234" not in str(raised.value)
    assert "Shown" not in str(raised.value)


def test_loading_the_plugin_does_not_load_the_driver():
    code = (
        "import sys; from govservice.service import GovService; "
        "from govservice.testing import config_with; "
        "service = GovService(config_with(), environ={'GOVSERVICE_PLUGINS': 'postgresql'}); "
        "assert 'postgresql' in service.plugins.loaded; print('psycopg' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
    assert govservice_postgres.PostgresStore is PostgresStore


# --- schemas: ours, other applications', newer ones ------------------------------------------------


def test_migrations_are_recorded_in_the_schema(store, admin, schema):
    rows = admin.execute(
        sql.SQL("SELECT number, name FROM {}").format(
            sql.Identifier(schema, "govservice_migrations")
        )
    ).fetchall()
    assert rows == MIGRATIONS
    assert rows[:4] == [
        (1, "0001_initial.sql"),
        (2, "0002_workflow.sql"),
        (3, "0003_trust.sql"),
        (4, "0004_catalog.sql"),
    ]
    assert store.migrate() == []
    assert store.schema_version() == store.latest_schema_version() == len(MIGRATIONS)


def test_sessions_opening_a_new_schema_at_once_apply_each_migration_once(dsn, schema, admin):
    barrier = threading.Barrier(4)
    stores, failed = [], []

    def open_store():
        barrier.wait()
        try:
            stores.append(PostgresStore(dsn, schema=schema))
        except Exception as error:
            failed.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for each in stores:
        each.close()
    assert failed == []
    assert len(stores) == 4
    migrations = snapshot(admin, schema)["migrations"]
    assert [row[:2] for row in migrations] == MIGRATIONS


def test_a_newer_schema_is_refused_and_nothing_is_written(dsn, schema, admin):
    with opened(dsn, schema) as store:
        store.add(make_case())
        newer = store.latest_schema_version() + 1
    admin.execute(
        sql.SQL("INSERT INTO {} (number, name) VALUES (%s, %s)").format(
            sql.Identifier(schema, "govservice_migrations")
        ),
        (newer, f"{newer:04d}_from_the_future.sql"),
    )
    before = snapshot(admin, schema)
    for create in (True, False):
        for migrate in (True, False):
            with pytest.raises(DatabaseVersionError) as raised:
                PostgresStore(dsn, schema=schema, create=create, migrate=migrate)
            assert f"schema {schema} is at govservice schema {newer}" in str(raised.value)
            assert "upgrade" in str(raised.value)
    assert snapshot(admin, schema) == before


def test_a_schema_of_another_application_is_refused_and_nothing_is_written(dsn, schema, admin):
    admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    admin.execute(
        sql.SQL("CREATE TABLE {} (id integer PRIMARY KEY)").format(
            sql.Identifier(schema, "customers")
        )
    )
    before = snapshot(admin, schema)
    with pytest.raises(ForeignDatabaseError, match="another application \\(customers\\)"):
        PostgresStore(dsn, schema=schema)
    assert snapshot(admin, schema) == before


def test_create_false_refuses_a_missing_schema_and_does_not_create_it(dsn, schema, admin):
    with pytest.raises(StoreError, match="govservice db init") as raised:
        PostgresStore(dsn, schema=schema, create=False)
    assert type(raised.value) is StoreError
    assert (
        admin.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        is None
    )


def test_migrate_false_leaves_a_new_schema_unmigrated(dsn, schema):
    with opened(dsn, schema, migrate=False) as store:
        assert store.schema_version() == 0
        assert store.migrate() == [number for number, _ in MIGRATIONS]
        assert store.schema_version() == len(MIGRATIONS)


def test_schemas_of_one_database_are_separate(dsn):
    with (
        fresh_schema(dsn) as one,
        fresh_schema(dsn) as two,
        opened(dsn, one) as first,
        opened(dsn, two) as second,
    ):
        case = make_case()
        first.add(case)
        assert second.get("case", case.id) is None
        second.add(case)  # the same identity, in the other centre's schema
        assert first.count("case") == second.count("case") == 1


def test_text_columns_use_code_point_order_whatever_the_locale(store, admin, schema):
    collations = admin.execute(
        "SELECT table_name, column_name, collation_name FROM information_schema.columns "
        "WHERE table_schema = %s AND data_type = 'text' AND column_name <> 'doc' "
        "AND table_name <> 'govservice_migrations'",
        (schema,),
    ).fetchall()
    assert collations
    assert {collation for _, _, collation in collations} == {"C"}
    keys = ["b", "B", "a-1", "A1", "a.1", "A_1", "0-9", "Z9"]
    for key in keys:
        store.add(make_station(code=key))
    assert [s.record.code for s in store.list("station").records] == sorted(keys)


def test_a_user_without_create_rights_gets_a_store_error_saying_so(dsn, schema, admin):
    if not admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[
        0
    ]:
        pytest.skip("the test server's user cannot create roles")
    role, password = f"govservice_clerk_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin.execute(
        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(password)
        )
    )
    try:
        with pytest.raises(StoreError) as raised:
            PostgresStore(make_conninfo(dsn, user=role, password=password), schema=schema)
        assert type(raised.value) is StoreError
        assert "the database refused: permission denied for database" in str(raised.value)
        assert_no_secret(raised.value, password)
    finally:
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def test_text_with_nul_is_encoded_keeping_equality_and_order():
    from govservice_postgres.text import decode, encode

    texts = [
        "",
        "a",
        "a\x00",
        "a\x00\x00",
        "a\x01",
        "a\x01\x00",
        "a\x00\x01",
        "a\x02",
        "ab",
        "\x01\x01",
    ]
    assert [decode(encode(text)) for text in texts] == texts
    assert all("\x00" not in encode(text) for text in texts)
    assert sorted(texts, key=encode) == sorted(texts)
    assert encode(("王芳", ["a\x00"], 3, None)) == ("王芳", ["a\x01\x01"], 3, None)


# --- sessions and transactions ---------------------------------------------------------------------


def test_of_two_sessions_updating_the_same_version_one_wins(dsn, schema):
    with opened(dsn, schema) as first, opened(dsn, schema) as second:
        case = make_case()
        first.add(case)
        outcome = []

        def update_in_second_session():
            try:
                second.update(attrs.evolve(case, handler="李四"), 1)
                outcome.append("updated")
            except ConflictError as error:
                outcome.append(str(error))

        with first.transaction():
            first.update(attrs.evolve(case, handler="张三"), 1)
            racer = threading.Thread(target=update_in_second_session)
            racer.start()
            time.sleep(0.5)
            assert racer.is_alive()  # waits for the row the first session holds
        racer.join(30)
        assert outcome == [
            f"case {case.id} changed since it was read (version 1, now 2); read it again "
            "and redo the change"
        ]
        assert first.get("case", case.id).record.handler == "张三"


def test_a_refused_duplicate_leaves_the_transaction_usable(store):
    case, other = make_case(), make_case()
    with store.transaction():
        store.add(case)
        with pytest.raises(DuplicateRecordError):
            store.add(case)
        store.add(other)
    assert store.count("case") == 2


def test_the_overdue_query_reads_the_partial_covering_indexes(store, admin, monkeypatch):
    definitions = dict(
        admin.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s",
            (store.schema,),
        ).fetchall()
    )
    for group in ("region", "department"):
        assert definitions[f"cases_open_due_{group}"].endswith(
            f"USING btree (promised_due) INCLUDE ({group}) WHERE open"
        )
    seen = []
    run = store._run
    monkeypatch.setattr(store, "_run", lambda q, p=None: seen.append((q, p)) or run(q, p))
    for by in ("region", "department"):
        store.due_counts(dt.date(2015, 3, 10), dt.date(2015, 3, 17), by)
    monkeypatch.undo()
    store._run("SET enable_seqscan = off")
    for query, parameters in seen:
        plan = "\n".join(row[0] for row in store._run("EXPLAIN " + query, parameters))
        assert " on cases_open_due_" in plan or " using cases_open_due_" in plan, plan


# --- bulk import with COPY -------------------------------------------------------------------------


def pairs(cases, **dumps_options) -> list[tuple[dict, str]]:
    documents = [to_document(case) for case in cases]
    return [(d, json.dumps(d, **dumps_options)) for d in documents]


def test_copy_import_is_idempotent(store):
    first = [make_case(id=f"IMPORT-{n:04d}") for n in range(50)]
    more = [make_case(id=f"IMPORT-{n:04d}") for n in range(50, 60)]
    assert store.import_batch("case", pairs(first)) == 50
    assert store.import_batch("case", pairs(first)) == 0
    assert store.import_batch("case", pairs(first + more)) == 10
    assert store.import_batch("case", pairs(first + more)) == 0
    assert store.count("case") == 60
    assert store.count_cases(CaseQuery()) == 60


def test_copy_import_keeps_the_first_of_equal_identities_and_the_exact_json_text(store, admin):
    case = make_case(id="IMPORT-TWICE")
    texts = ['{"id": "IMPORT-TWICE",  "spaced": true}', '{"id":"IMPORT-TWICE"}']
    documents = [to_document(case), to_document(attrs.evolve(case, handler="王五"))]
    assert store.import_batch("case", list(zip(documents, texts, strict=True))) == 1
    stored = admin.execute(
        sql.SQL("SELECT doc FROM {} WHERE id = %s").format(sql.Identifier(store.schema, "cases")),
        (case.id,),
    ).fetchone()[0]
    assert stored == texts[0]


def test_a_failed_import_inserts_nothing_and_the_store_goes_on(store):
    def documents():
        yield from pairs([make_case(id=f"PARTIAL-{n}") for n in range(5)])
        raise RuntimeError("the file broke off")

    with pytest.raises(RuntimeError, match="broke off"):
        store.import_batch("case", documents())
    assert store.count("case") == 0
    assert store.import_batch("case", pairs([make_case(id="AFTER-1")])) == 1


def test_a_row_the_server_refuses_fails_the_whole_batch_with_a_store_error(store):
    good, bad = pairs([make_case(id="GOOD-1"), make_case(id="BAD-1")])
    bad[0]["promised_due"] = "2015-02-30"  # not a day; validation would have refused it
    with pytest.raises(StoreError, match="the database refused: date/time field value") as raised:
        store.import_batch("case", [good, bad])
    assert (raised.value.__cause__, raised.value.__context__) == (None, None)
    assert store.count("case") == 0


def test_imports_inside_one_transaction_commit_or_roll_back_together(store):
    def import_two_then_fail():
        with store.transaction():
            store.import_batch("case", pairs([make_case(id="TX-1")]))
            store.import_batch("case", pairs([make_case(id="TX-2")]))
            raise RuntimeError("undo")

    with pytest.raises(RuntimeError, match="undo"):
        import_two_then_fail()
    assert store.count("case") == 0
    with store.transaction():
        assert store.import_batch("case", pairs([make_case(id="TX-1")])) == 1
        assert store.import_batch("case", pairs([make_case(id="TX-2")])) == 1
    assert store.count("case") == 2


def test_a_transaction_whose_statement_failed_is_not_reported_committed(store):
    def failing_then_go_on() -> None:
        with store.transaction():
            store.add(make_case(id="ABORT-1"))
            with contextlib.suppress(StoreError):
                store._run("SELECT 1 / 0")  # the caller catches it and goes on

    with pytest.raises(StoreError, match="failed earlier; nothing of it was stored"):
        failing_then_go_on()
    assert store.get("case", "ABORT-1") is None
    store.add(make_case(id="ABORT-1"))  # the connection is usable again
    assert store.get("case", "ABORT-1").version == 1


def test_batches_joining_projects_in_opposite_orders_take_turns(dsn, schema):
    """Every transaction that writes a case locks the trail's head before a project: two
    batches joining two projects in opposite orders wait for each other, never deadlock."""
    from govservice.clock import FixedClock
    from govservice.config import Config
    from govservice.samples import START, enterprise, make_item, make_project
    from govservice.workflow import Actor, Workflow

    item = make_item()
    first, second = PostgresStore(dsn, schema=schema), PostgresStore(dsn, schema=schema)
    first.add_item(item)
    owner = enterprise(900001)  # whose projects they are: its cases join them
    for project_id in ("XM2015-001", "XM2015-002"):
        first.add(make_project(id=project_id, owner=owner))
    service = GovService(
        Config(name="东营市政务服务中心", region="370500"), clock=FixedClock(START)
    )
    applicant = Actor("张伟", "applicant", id=owner.identifier.number)
    results: dict[str, str] = {}
    started = threading.Barrier(2)

    def run(store: PostgresStore, name: str, order: tuple[str, str]) -> None:
        workflow = Workflow(service, store)
        try:
            with workflow.batch():
                case = make_case(item, id=f"{name}-1", project_id=order[0], applicant=owner)
                workflow.apply(case, applicant)
                with contextlib.suppress(threading.BrokenBarrierError):
                    started.wait(timeout=1)  # the other one is now blocked, or about to be
                time.sleep(0.2)
                case = make_case(item, id=f"{name}-2", project_id=order[1], applicant=owner)
                workflow.apply(case, applicant)
            results[name] = "committed"
        except Exception as error:
            results[name] = f"{type(error).__name__}: {error}"

    threads = [
        threading.Thread(target=run, args=(first, "A", ("XM2015-001", "XM2015-002"))),
        threading.Thread(target=run, args=(second, "B", ("XM2015-002", "XM2015-001"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert results == {"A": "committed", "B": "committed"}
        assert first.count("case") == 4
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("how", ["conninfo", "environment"])
def test_the_connection_speaks_utf8_whatever_the_client_encoding_asked(
    dsn, schema, tmp_path, monkeypatch, how
):
    # Bulk import sends the file's UTF-8 bytes as they are: a connection left in GBK (a
    # setting found in Chinese offices) would make the server misread them.
    if how == "conninfo":
        dsn = make_conninfo(dsn, client_encoding="GBK")
    else:
        monkeypatch.setenv("PGCLIENTENCODING", "GBK")
    case = make_case(id="GBK-1", handler="王芳", department="东营市行政审批服务局")
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(to_document(case), ensure_ascii=False) + "\n", encoding="utf-8")
    with opened(dsn, schema) as store:
        assert store._conn.execute("SHOW client_encoding").fetchone() == ("UTF8",)
        assert import_file(store, "case", path, workers=1).inserted == 1
        assert store.get("case", "GBK-1").record == case
        assert [s.record.id for s in store.find_cases(CaseQuery(handler="王芳")).records] == [
            "GBK-1"
        ]


# --- TLS ---------------------------------------------------------------------------------------


def _without_tls_or_skip(admin) -> bool:
    """Whether ``ssl`` was set off by ALTER SYSTEM (else by default or a file): what to put
    back. A server that speaks TLS already (with certificates of its own) cannot serve
    these tests: skipped, or under ``CI=true`` (our throwaway server) failed."""
    setting, sourcefile = admin.execute(
        "SELECT setting, coalesce(sourcefile, '') FROM pg_settings WHERE name = 'ssl'"
    ).fetchone()
    if setting == "on":
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the test server speaks TLS already; it is started without")
        pytest.skip("the test server speaks TLS already, with certificates of its own")
    return sourcefile.endswith("postgresql.auto.conf")


def test_a_server_without_tls_is_refused_when_sslmode_requires_it(admin, dsn, schema):
    _without_tls_or_skip(admin)
    for mode in ("require", "verify-full"):
        with pytest.raises(DatabaseUnavailableError, match="does not speak TLS, and storage"):
            PostgresStore(make_conninfo(dsn, sslmode=mode), schema=schema)
    with opened(make_conninfo(dsn, sslmode="disable"), schema) as store:
        assert store.count("case") == 0


@pytest.fixture
def tls_server(admin):
    """The test server speaking TLS, with the certificate for 127.0.0.1 that
    ``.ci/with-postgres`` made (``GOVSERVICE_TEST_POSTGRES_TLS`` names the folder holding
    the CA's certificate and another CA's); ``ssl`` is put back as it was afterwards."""
    folder = os.environ.get("GOVSERVICE_TEST_POSTGRES_TLS", "").strip()
    if not folder:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("GOVSERVICE_TEST_POSTGRES_TLS is not set, and CI=true requires TLS tests")
        pytest.skip("no test certificates: run the tests under .ci/with-postgres")
    set_off = _without_tls_or_skip(admin)
    try:
        admin.execute("ALTER SYSTEM SET ssl = on")
        admin.execute("SELECT pg_reload_conf()")
        _wait_for_setting(admin, "ssl", "on")
        yield Path(folder) / "ca.crt", Path(folder) / "other-ca.crt"
    finally:
        admin.execute("ALTER SYSTEM SET ssl = off" if set_off else "ALTER SYSTEM RESET ssl")
        admin.execute("SELECT pg_reload_conf()")
        _wait_for_setting(admin, "ssl", "off")


def _wait_for_setting(admin, name: str, value: str) -> None:
    for _ in range(100):
        if admin.execute("SELECT current_setting(%s)", (name,)).fetchone()[0] == value:
            return
        time.sleep(0.05)
    raise AssertionError(f"the server did not take {name} = {value}")


def test_verify_full_connects_to_the_right_server_only(dsn, schema, tmp_path, tls_server):
    ca, other = tls_server
    shutil.copy(ca, tmp_path / "ca.crt")
    parts = with_password(dsn)
    # the CA's certificate beside the configuration file: a relative path
    settings = f"{server_settings(parts, schema)}sslmode: verify-full\nsslrootcert: {ca.name}\n"
    path = write_config(tmp_path, settings)
    environ = {
        "GOVSERVICE_PLUGINS": "postgresql",
        "GOVSERVICE_TEST_DB_PASSWORD": parts["password"],
    }
    store = GovService(path, environ=environ).open_store()
    try:
        assert store._conn.execute(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        ).fetchone() == (True,)
        store.add(make_station())
        assert store.count("station") == 1
    finally:
        store.close()

    with pytest.raises(DatabaseUnavailableError, match="does not verify against storage"):
        PostgresStore(make_conninfo(dsn, sslmode="verify-full", sslrootcert=str(other)))
    # the same, where a first address refused the connection (libpq tries each in turn)
    two = {"host": "127.0.0.1,127.0.0.1", "port": f"{closed_port()},{parts['port']}"}
    with pytest.raises(DatabaseUnavailableError, match="does not verify against storage"):
        PostgresStore(make_conninfo(dsn, **two, sslmode="verify-full", sslrootcert=str(other)))
    # the right server and CA, reached by a name its certificate does not hold
    named = {"host": "db.example", "hostaddr": "127.0.0.1"}
    with pytest.raises(DatabaseUnavailableError, match=r"certificate is for .*, not for storage"):
        PostgresStore(make_conninfo(dsn, **named, sslmode="verify-full", sslrootcert=str(ca)))


def test_naming_a_ca_certificate_means_verify_full_unless_sslmode_says(dsn, schema, tls_server):
    # libpq's default ("prefer") would go on without TLS where a server has none: naming a
    # CA certificate asks for TLS that is checked, the server's name too.
    ca, other = tls_server
    parts = with_password(dsn)
    reached_by_another_name = {
        **parts,
        "conninfo": "hostaddr=127.0.0.1",
        "host": "db.example",
        "schema": schema,
        "sslrootcert": str(ca),
    }
    with pytest.raises(DatabaseUnavailableError, match="does not verify against storage"):
        store_from_settings({**reached_by_another_name, "sslrootcert": str(other)})
    with pytest.raises(DatabaseUnavailableError, match=r"certificate is for .*, not for"):
        store_from_settings(reached_by_another_name)
    for asked in (
        {"sslmode": "verify-ca"},  # the name is not checked, as asked
        {"conninfo": "hostaddr=127.0.0.1 sslmode=verify-ca"},
    ):
        store = store_from_settings({**reached_by_another_name, **asked})
        try:
            assert store._conn.info.get_parameters()["sslmode"] == "verify-ca"
        finally:
            store.close()


def test_certificate_files_are_found_beside_the_configuration(tmp_path):
    path = write_config(tmp_path, "host: db.example\nsslrootcert: certs/ca.crt\nsslkey: /k.key\n")
    settings = GovService(path, environ={}).config.storage_settings
    assert settings["sslrootcert"] == str(tmp_path / "certs" / "ca.crt")
    assert settings["sslkey"] == "/k.key"
    path = write_config(tmp_path, "host: db.example\nsslrootcert: system\n")  # libpq's CAs
    assert GovService(path, environ={}).config.storage_settings["sslrootcert"] == "system"


def test_config_check_names_a_missing_certificate_file_with_its_line(
    tmp_path, capsys, monkeypatch
):
    from govservice.cli import main

    monkeypatch.setenv("GOVSERVICE_PLUGINS", "postgresql")
    path = write_config(tmp_path, "host: db.example\nsslmode: verify-full\nsslrootcert: ca.crt\n")
    assert main(["config", "check", path]) == 2
    assert f"{path}:8: storage.settings.sslrootcert: no such file" in capsys.readouterr().err
    (tmp_path / "ca.crt").write_text("(a certificate)\n", encoding="utf-8")
    assert main(["config", "check", path]) == 0


def test_a_check_settings_that_raises_is_reported_by_config_check(tmp_path, capsys, monkeypatch):
    from govservice.cli import main

    def broken(settings):
        raise KeyError("sslrootcert")

    monkeypatch.setattr(store_from_settings, "check_settings", broken)
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "postgresql")
    path = write_config(tmp_path, "host: db.example\n")
    assert main(["config", "check", path]) == 2
    err = capsys.readouterr().err
    assert "storage backend 'postgresql': its check_settings failed: KeyError" in err
    assert "Traceback" not in err
