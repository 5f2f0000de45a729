"""The COPY text the import makes (:mod:`govservice_postgres.copytext`) is read back by a
real server as the values it was made of."""

from __future__ import annotations

import json

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govservice_postgres.copytext import copy_lines, with_texts
from govservice_postgres.testing import postgres_dsn_or_skip
from govservice_postgres.text import decode

AWKWARD = ["", "\\", "\\N", "a\tb", "a\nb", "a\rb", "\x00", "\x01", "\x01\x02", "东营\\t", " "]

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    AWKWARD
)
rows = st.lists(
    st.tuples(
        st.one_of(st.none(), texts),
        st.one_of(st.none(), st.booleans()),
        st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1)),
        texts,
    ),
    max_size=6,
)
documents = st.lists(
    st.dictionaries(texts, st.one_of(texts, st.integers(), st.none()), max_size=3), max_size=6
)


@pytest.fixture(scope="module")
def connection():
    dsn = postgres_dsn_or_skip()
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(
            "CREATE TEMPORARY TABLE copied "
            "(ordinal bigint GENERATED ALWAYS AS IDENTITY, t text, b boolean, i bigint, u text)"
        )
        yield connection


def _copied(connection, data: bytes, columns: str = "t, b, i, u") -> list[tuple]:
    connection.execute("TRUNCATE copied RESTART IDENTITY")
    with connection.cursor() as cursor, cursor.copy(f"COPY copied ({columns}) FROM STDIN") as copy:
        copy.write(data)
    return connection.execute(f"SELECT {columns} FROM copied ORDER BY ordinal").fetchall()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows)
def test_rows_come_back_as_they_were(connection, rows):
    copied = _copied(connection, copy_lines(rows))
    assert [tuple(decode(value) for value in row) for row in copied] == rows


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, documents=documents, layout=st.sampled_from(["line", "tabs", "indented"]))
def test_columns_with_json_texts_come_back_as_they_were(connection, rows, documents, layout):
    documents = documents[: len(rows)]
    rows = rows[: len(documents)]
    indent = 2 if layout == "indented" else None
    lines = [json.dumps(document, ensure_ascii=False, indent=indent) for document in documents]
    if layout == "tabs":  # JSON may have tabs and carriage returns between its values
        lines = [line.replace(", ", ",\t").replace(": ", ":\r") for line in lines]
    data = with_texts(copy_lines(row[:3] for row in rows), [line.encode() for line in lines])
    copied = _copied(connection, data)
    assert [(*(decode(v) for v in row[:3]), row[3]) for row in copied] == [
        (*row[:3], line) for row, line in zip(rows, lines, strict=True)
    ]
    assert [json.loads(row[3]) for row in copied] == documents


def test_the_text_format_as_postgresql_documents_it():
    assert copy_lines([("a\\b", None, True, False, 7, "x\ty\nz\rw"), ()]) == (
        b"a\\\\b\t\\N\tt\tf\t7\tx\\ty\\nz\\rw\n\n"
    )
    # PostgreSQL holds no NUL: texts are made storable first (govservice_postgres.text)
    assert copy_lines([("\x00", "\x01", "东营")]) == "\x01\x01\t\x01\x02\t东营\n".encode()
    assert with_texts(copy_lines([("a", None)]), [b'{"k": "\\u0000\tv"}']) == (
        b'a\t\\N\t{"k": "\\\\u0000\\tv"}\n'
    )


def test_columns_and_texts_must_pair_up():
    with pytest.raises(ValueError, match="2 rows of columns for 1 texts"):
        with_texts(copy_lines([("a",), ("b",)]), [b"{}"])
    assert with_texts(b"", []) == b""


def test_a_bad_copy_text_is_refused_whole(connection):
    """The server checks what it is sent: a row of too few values is refused, and nothing of
    the COPY stays."""
    data = copy_lines([("a", True, 1, "u")]) + b"only\tt\t3\n"
    with pytest.raises(psycopg.errors.BadCopyFileFormat):
        _copied(connection, data)
    assert connection.execute("SELECT count(*) FROM copied").fetchone() == (0,)
