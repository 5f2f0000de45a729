"""The kinds of record govservice exchanges: each names its model class and its schema."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import attrs

from govservice.errors import UsageError
from govservice.model import BlacklistEntry, Case, Intermediary, Item, Project, Station

SCHEMA_BASE = "https://govservice.org/schemas/v1/"


@attrs.frozen
class RecordKind:
    """A kind of record: its CLI name, its model class and the ``$id`` of its schema."""

    name: str
    model: type
    schema_file: str
    key: Callable[[Any], Hashable]
    """The identity of a record of this kind (an item's is its code and version)."""

    @property
    def schema_id(self) -> str:
        return SCHEMA_BASE + self.schema_file


KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind("item", Item, "item.schema.json", lambda r: (r.code, r.version)),
        RecordKind("case", Case, "case.schema.json", lambda r: r.id),
        RecordKind("station", Station, "station.schema.json", lambda r: r.code),
        RecordKind(
            "intermediary", Intermediary, "intermediary.schema.json", lambda r: r.credit_code
        ),
        RecordKind(
            "blacklist-entry", BlacklistEntry, "blacklist-entry.schema.json", lambda r: r.id
        ),
        RecordKind("project", Project, "project.schema.json", lambda r: r.id),
    )
}


def kind_named(name: str) -> RecordKind:
    """The record kind called ``name``; a clear error lists the known kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(KINDS)
        raise UsageError(f"unknown record kind {name!r}; known kinds: {known}") from None


def kind_of(record: object) -> RecordKind:
    """The record kind of a model instance."""
    for kind in KINDS.values():
        if isinstance(record, kind.model):
            return kind
    raise TypeError(f"{type(record).__name__} is not a govservice record")
