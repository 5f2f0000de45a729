"""Helpers for tests that need a PostgreSQL server (no fixtures: call them from yours).

The server is named by the environment variable ``GOVSERVICE_TEST_POSTGRES_DSN`` (a libpq
connection string or URI of a database the tests may create schemas in); ``.ci/with-postgres``
starts a throwaway one and sets it. Without it the tests are skipped, except under
``CI=true``, where they fail: CI must not pass by skipping them.

::

    @pytest.fixture
    def store():
        dsn = postgres_dsn_or_skip()
        with fresh_schema(dsn) as schema:
            opened = PostgresStore(dsn, schema=schema)
            yield opened
            opened.close()
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg
from psycopg import sql

DSN_VARIABLE = "GOVSERVICE_TEST_POSTGRES_DSN"


def postgres_dsn_or_skip() -> str:
    """The test server's DSN; skips the calling test when there is none (fails it when
    ``CI=true``). Call it from a test or a fixture."""
    import pytest

    dsn = os.environ.get(DSN_VARIABLE, "").strip()
    if dsn:
        return dsn
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{DSN_VARIABLE} is not set, and CI=true requires the PostgreSQL tests")
    pytest.skip(f"no PostgreSQL server: set {DSN_VARIABLE} to run these tests")


@contextlib.contextmanager
def fresh_schema(dsn: str) -> Iterator[str]:
    """A unique schema name not in use (the schema is not created: a store opened with
    ``create=True`` creates it); the schema and everything in it is dropped afterwards."""
    name = f"govservice_test_{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute("SET lock_timeout = '60s'")
            connection.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name))
            )
