"""The built-in storage backends."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from govservice.hookspecs import StoreFactory, hookimpl
from govservice.store.memory import MemoryStore


@hookimpl
def govservice_register_stores(register: Callable[[str, StoreFactory], None]) -> None:
    register("memory", _memory)


def _memory(settings: Mapping[str, Any]) -> MemoryStore:
    return MemoryStore()
