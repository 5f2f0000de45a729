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


def _memory(settings: Mapping[str, Any]) -> MemoryStore:
    if settings:
        raise ConfigError(f"storage.settings: the memory store takes none, got {sorted(settings)}")
    return MemoryStore()


def _sqlite(settings: Mapping[str, Any]) -> SqliteStore:
    """``storage.settings``: ``path`` (relative paths are taken from the configuration
    file's folder) and ``create`` (default true: a missing file is created)."""
    unknown = set(settings) - {"path", "create"}
    if unknown or not isinstance(settings.get("path"), str):
        raise ConfigError(
            "storage.settings: the sqlite store takes a 'path' (text) and optionally 'create'"
        )
    return SqliteStore(settings["path"], create=settings.get("create", True))
