"""The built-in storage backends."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from govservice.errors import ConfigError
from govservice.hookspecs import StoreFactory, hookimpl
from govservice.store.memory import MemoryStore
from govservice.store.sqlite import SqliteStore


@hookimpl
def govservice_register_stores(register: Callable[[str, StoreFactory], None]) -> None:
    register("memory", _memory)
    register("sqlite", _sqlite)


OPEN_FLAGS = {"create", "migrate"}
"""Given to every factory by :meth:`GovService.open_store`, beside ``storage.settings``."""


def _memory(settings: Mapping[str, Any]) -> MemoryStore:
    """No settings: everything is forgotten when the process ends."""
    if set(settings) - OPEN_FLAGS:
        raise ConfigError("storage.settings: the memory store takes no settings")
    return MemoryStore()


def _sqlite(settings: Mapping[str, Any]) -> SqliteStore:
    """``storage.settings``: ``path``, the database file (a relative path is taken from
    the configuration file's folder); ``cache_mib``, the page cache of a connection
    (default :attr:`SqliteStore.CACHE_MIB`)."""
    if set(settings) - OPEN_FLAGS - {"path", "cache_mib"} or not isinstance(
        settings.get("path"), str
    ):
        raise ConfigError(
            "storage.settings: the sqlite store takes a 'path' (text) and a 'cache_mib'"
        )
    cache = settings.get("cache_mib", SqliteStore.CACHE_MIB)
    if type(cache) is not int or not 1 <= cache <= 65536:
        raise ConfigError(
            f"storage.settings.cache_mib: the page cache in MiB, 1 to 65536, not {cache!r}"
        )
    return SqliteStore(
        settings["path"],
        create=settings.get("create", True),
        migrate=settings.get("migrate", True),
        cache_mib=cache,
    )


_memory.SETTINGS_SCHEMA = {  # type: ignore[attr-defined]
    "type": "object",
    "additionalProperties": False,
}
_sqlite.SETTINGS_SCHEMA = {  # type: ignore[attr-defined]
    "type": "object",
    "properties": {
        "path": {"description": "The database file.", "type": "string", "minLength": 1},
        "cache_mib": {
            "description": "The page cache of a connection in MiB (default 64).",
            "type": "integer",
            "minimum": 1,
            "maximum": 65536,
        },
    },
    "required": ["path"],
    "additionalProperties": False,
}
