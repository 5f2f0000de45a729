"""PostgreSQL storage for govservice: the ``postgresql`` store backend.

Installed as the distribution ``govservice-postgres``, it registers itself (entry point
``postgresql`` in the ``govservice`` group) and is chosen in the configuration::

    storage:
      backend: postgresql
      settings:
        host: db.dongying.example
        port: 5432
        dbname: govservice
        user: govservice
        password: {$env: GOVSERVICE_DB_PASSWORD}
        schema: dongying

Settings (``storage.settings``):

- ``conninfo``: a libpq connection string, ``"host=... dbname=..."`` or
  ``postgresql://user@host:port/dbname``; or the parts ``host``, ``port``, ``dbname``,
  ``user``, ``password`` (and the TLS settings below), which override the same parts of
  ``conninfo``. Whatever is left out comes from libpq's defaults and environment
  (``PGHOST``, ``PGPASSWORD``, ..., ``~/.pgpass``). Write the password as
  ``{$env: VARIABLE}``, never in the file; it is never printed, not in messages nor in
  errors.
- TLS: ``sslmode`` (``disable``, ``allow``, ``prefer``, ``require``, ``verify-ca`` or
  ``verify-full``; across a network, ``verify-full``: the server's certificate is checked
  against ``sslrootcert`` and its name against ``host``), ``sslrootcert`` (the CA
  certificate, or ``system`` for the system's CAs), and ``sslcert`` / ``sslkey`` when the
  server asks for a client certificate. Files are named by absolute paths, or paths
  relative to the configuration file. Without ``sslmode`` (here or in ``conninfo``),
  libpq's default ``prefer`` goes on without TLS when the server has none; when a
  certificate file is named, the default is ``verify-full`` instead. A server
  that does not speak TLS when ``sslmode`` requires it, or whose certificate does not
  verify, is a :class:`~govservice.errors.DatabaseUnavailableError` saying so.
- ``schema`` (default ``public``): the schema holding govservice's tables; several centres
  may share a database, one schema each. It is created when missing.
- ``create`` (default true): false refuses to create a new database (an empty or missing
  schema is then an error: run ``govservice db init``). ``migrate`` (default true): false
  leaves the schema as it is. The host passes both when it opens the store.

Behaviour, the same as the SQLite store's (the reference) unless said here:

- Migrations are numbered SQL files in ``govservice_postgres/migrations/postgresql/``,
  recorded in ``govservice_migrations`` and applied on open, each in its own transaction,
  under an advisory lock so that processes opening the database at once apply each once.
- Before anything is written, a schema whose ``govservice_migrations`` names a newer
  migration than this plugin knows raises :class:`~govservice.errors.DatabaseVersionError`,
  and a schema holding tables but no ``govservice_migrations`` raises
  :class:`~govservice.errors.ForeignDatabaseError`.
- A server that cannot be reached (refused, unknown host, timeout after 10 seconds unless
  ``connect_timeout`` is given), a wrong user or password, or an unknown database raise
  :class:`~govservice.errors.DatabaseUnavailableError` saying ``host:port/dbname`` and what
  went wrong; so does a connection lost later.
- The connection speaks UTF-8 (``client_encoding``), whatever the connection string,
  ``PGCLIENTENCODING`` or the database's own encoding (the server converts to it; text it
  cannot hold is refused with a :class:`~govservice.errors.StoreError`).
- Documents are stored as ``text``, the exact JSON written; the columns beside them are
  those of :mod:`govservice.store.columns`, dates as ``date``, text in the ``"C"``
  collation so that orders and pages follow code points whatever the database's locale.
- Transactions are READ COMMITTED; :meth:`~PostgresStore.update` locks the row it checks,
  so of two updates naming the same version one wins and the other gets a
  :class:`~govservice.errors.ConflictError`. An inner transaction joins the outer one.
  An expected refusal (a duplicate, a conflict) is not an SQL error, so the transaction
  around it stays usable, as in SQLite.
- Bulk import writes each batch with one ``COPY``, whose text the import's worker
  processes make (:mod:`govservice_postgres.copytext`): straight into the table when
  every record is new, else into a temporary table, then ``INSERT ... SELECT ... ON
  CONFLICT DO NOTHING``, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govservice.errors import ConfigError
from govservice.hookspecs import StoreFactory, hookimpl

if TYPE_CHECKING:
    from govservice_postgres.store import PostgresStore

__all__ = ["PostgresStore", "govservice_register_stores", "store_from_settings"]

_TLS_FILES = ("sslrootcert", "sslcert", "sslkey")
_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_PARTS = ("host", "port", "dbname", "user", "password", "sslmode", *_TLS_FILES)
_TEXTS = ("conninfo", "host", "dbname", "user", "password", "schema", "sslmode", *_TLS_FILES)
_FLAGS = ("create", "migrate")


@hookimpl
def govservice_register_stores(register: Callable[[str, StoreFactory], None]) -> None:
    register("postgresql", store_from_settings)


def store_from_settings(settings: Mapping[str, Any]) -> PostgresStore:
    """The store described by ``storage.settings`` (see the module's documentation)."""
    unknown = sorted(set(settings) - {*_TEXTS, "port", *_FLAGS})
    if unknown:
        raise ConfigError(
            f"storage.settings: the postgresql store does not take {', '.join(unknown)}; it "
            "takes conninfo or host, port, dbname, user and password, and optionally schema, "
            "sslmode, sslrootcert, sslcert and sslkey"
        )
    for key in _TEXTS:
        if key in settings and not isinstance(settings[key], str):
            raise ConfigError(f"storage.settings.{key}: must be text")
    if settings.get("sslmode", "disable") not in _SSLMODES:
        raise ConfigError(f"storage.settings.sslmode: one of {', '.join(_SSLMODES)}")
    for key, message in check_settings(settings):
        raise ConfigError(f"storage.settings.{key}: {message}")
    port = settings.get("port")
    if port is not None and not (
        (isinstance(port, int) and not isinstance(port, bool))
        or (isinstance(port, str) and port.isdigit())
    ):
        raise ConfigError("storage.settings.port: must be a port number")
    if port is not None and not 1 <= int(port) <= 65535:
        raise ConfigError(f"storage.settings.port: {port} is not a port number (1 to 65535)")
    for key in _FLAGS:
        if not isinstance(settings.get(key, True), bool):
            raise ConfigError(f"storage.settings.{key}: must be true or false")
    import psycopg  # here, not above: loading the plugin does not load the driver
    from psycopg.conninfo import make_conninfo

    from govservice_postgres.store import PostgresStore

    parts = {key: str(settings[key]) for key in _PARTS if settings.get(key) is not None}
    if set(_TLS_FILES) & set(parts) and "sslmode" not in parts:
        # certificates are given for TLS that is checked, not for libpq's "prefer" (which
        # goes on without TLS when the server has none)
        parts.setdefault("sslmode", _sslmode_of(settings.get("conninfo", "")) or "verify-full")
    try:
        conninfo = make_conninfo(settings.get("conninfo", ""), **parts)
    except psycopg.Error:
        conninfo = None  # libpq's message may quote the password: say nothing of it
    if conninfo is None:
        raise ConfigError("storage.settings.conninfo: not a connection string libpq can read")
    return PostgresStore(
        conninfo,
        schema=settings.get("schema", "public"),
        create=settings.get("create", True),
        migrate=settings.get("migrate", True),
    )


def check_settings(settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the settings schema cannot see: certificate files that are not there."""
    return [
        (key, f"no such file {value!r}")
        for key in _TLS_FILES
        if isinstance(value := settings.get(key), str)
        and value != "system"
        and not Path(value).is_file()
    ]


def _sslmode_of(conninfo: str) -> str | None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(conninfo).get("sslmode")
    except psycopg.Error:  # a malformed conninfo: make_conninfo says so
        return None


store_from_settings.SETTINGS_SCHEMA = {  # type: ignore[attr-defined]
    "type": "object",
    "properties": {
        **{key: {"type": "string"} for key in _TEXTS},
        "sslmode": {"enum": list(_SSLMODES)},
        "port": {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 65535},
                {"type": "string", "pattern": "^[0-9]{1,5}$"},
            ]
        },
    },
    "additionalProperties": False,
}
"""Checked by ``govservice config check`` with the file, line and key of each problem."""
store_from_settings.check_settings = check_settings  # type: ignore[attr-defined]


def __getattr__(name: str) -> Any:
    # ``govservice_postgres.PostgresStore`` imports the driver on first use only, so that
    # loading the plugin (done for every GovService) costs nothing when it is not used.
    if name == "PostgresStore":
        from govservice_postgres.store import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
