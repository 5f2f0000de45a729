"""Opening the connection: where it goes, and what to tell the clerk when it cannot be made.

Every failure becomes one :class:`~govservice.errors.DatabaseUnavailableError` naming
``host:port/dbname`` and what went wrong. The password never appears: not in the message,
not in an exception chain (the driver's exception is dropped before ours is raised).
"""

from __future__ import annotations

import os
import re

import psycopg
from psycopg.conninfo import conninfo_to_dict

from govservice.errors import DatabaseUnavailableError, StoreError

CONNECT_TIMEOUT = 10
"""Seconds to wait for the server, unless the connection string sets ``connect_timeout``."""

# (pattern in libpq's message, what to say); the first match wins.
_REASONS: tuple[tuple[str, str], ...] = (
    (
        r'password authentication failed for user "(?P<user>[^"]*)"',
        'the server refused the password of user "{user}": check storage.settings '
        "user and password",
    ),
    (
        r"no password supplied",
        "the server asks for a password and none was given: set storage.settings.password "
        "(e.g. password: {{$env: GOVSERVICE_DB_PASSWORD}})",
    ),
    (
        r'database "(?P<dbname>[^"]*)" does not exist',
        'the server has no database "{dbname}": create it, or correct storage.settings.dbname',
    ),
    (
        r'role "(?P<user>[^"]*)" does not exist',
        'the server has no user (role) "{user}": correct storage.settings.user',
    ),
    (
        r"connection refused",
        "connection refused: is the server running there and accepting TCP/IP connections?",
    ),
    (
        r"no such file or directory",
        "no server socket there: is the server running, and is host the socket folder?",
    ),
    (
        r"could not translate host name|failed to resolve host|name or service not known",
        "the host name cannot be resolved: check storage.settings.host",
    ),
    (r"timeout expired|timed out", "no answer from the server within {timeout} seconds"),
    (
        r"no pg_hba\.conf entry",
        "the server does not accept this user, database or client address (pg_hba.conf)",
    ),
    (
        r"server does not support SSL",
        "the server does not speak TLS, and storage.settings.sslmode requires it",
    ),
    (
        r'server certificate for "(?P<name>[^"]*)".* does not match host name',
        'the server\'s certificate is for "{name}", not for storage.settings.host',
    ),
    (
        r"certificate verify failed|self[- ]signed certificate",
        "the server's certificate does not verify against storage.settings.sslrootcert",
    ),
    (
        r"root certificate file .* does not exist",
        "sslmode verify-ca and verify-full need the CA certificate: set "
        "storage.settings.sslrootcert",
    ),
    (r"too many (clients|connections)", "the server has too many connections; try again later"),
    (
        r"the database system is (starting up|shutting down|in recovery mode)",
        "the server is starting up or shutting down; try again shortly",
    ),
)


def parse(conninfo: str) -> dict[str, str]:
    """The parameters of a connection string (``key=value ...`` or a ``postgresql://`` URI)."""
    try:
        return {key: str(value) for key, value in conninfo_to_dict(conninfo).items()}
    except psycopg.Error:
        pass
    # libpq's message quotes the part it could not read, which may be the password.
    raise StoreError(
        "the PostgreSQL connection string is malformed (libpq cannot read it); check "
        "storage.settings.conninfo"
    )


def describe(parameters: dict[str, str]) -> str:
    """``host:port/dbname`` of a connection, with libpq's defaults filled in."""
    host = parameters.get("host") or os.environ.get("PGHOST") or "localhost"
    port = parameters.get("port") or os.environ.get("PGPORT") or "5432"
    dbname = (
        parameters.get("dbname")
        or os.environ.get("PGDATABASE")
        or parameters.get("user")
        or os.environ.get("PGUSER")
        or "?"
    )
    return f"{host}:{port}/{dbname}"


def connect(conninfo: str, parameters: dict[str, str], where: str) -> psycopg.Connection:
    """An autocommit connection, or :class:`DatabaseUnavailableError` saying why not."""
    options: dict[str, object] = {"autocommit": True}
    if "connect_timeout" not in parameters:
        options["connect_timeout"] = CONNECT_TIMEOUT
    if "application_name" not in parameters:
        options["application_name"] = "govservice"
    # UTF-8 whatever the connection string, PGCLIENTENCODING or the database's encoding
    # say: bulk import sends the import file's UTF-8 bytes as they are.
    options["client_encoding"] = "UTF8"
    try:
        return psycopg.connect(conninfo, **options)
    except psycopg.Error as error:
        reason = explain(str(error), parameters)
    raise DatabaseUnavailableError(f"cannot connect to PostgreSQL: {reason}", where=where)


def explain(message: str, parameters: dict[str, str]) -> str:
    """What libpq's ``message`` means, in one line, without the password."""
    password = parameters.get("password") or os.environ.get("PGPASSWORD")
    timeout = parameters.get("connect_timeout", CONNECT_TIMEOUT)
    # libpq tries each address of a host in turn and says why each failed: the last one
    # tried is the one to explain (an address refused before a certificate refused).
    last = message.rfind("connection to server")
    for text in (message[last:], message) if last > 0 else (message,):
        for pattern, reason in _REASONS:
            found = re.search(pattern, text, re.IGNORECASE)
            if found:
                return _scrub(reason.format(timeout=timeout, **found.groupdict()), password)
    # Unknown: libpq's own words, without its "connection to server at ... failed:" frame.
    lines = [line.strip() for line in message.splitlines() if line.strip()] or ["?"]
    last = re.sub(r"^(connection failed: )?(connection to server .*? failed: )?", "", lines[-1])
    last = re.sub(r"^(FATAL|ERROR):\s+", "", last) or "unknown error"
    return _scrub(last, password)


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "****") if password else text
