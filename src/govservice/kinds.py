"""The kinds of record govservice exchanges: each names its model class and its schema."""

from __future__ import annotations

import attrs

from govservice.errors import UsageError
from govservice.model import BlacklistEntry, Case, Intermediary, Item, Station

SCHEMA_BASE = "https://govservice.org/schemas/v1/"


@attrs.frozen
class RecordKind:
    """A kind of record: its CLI name, its model class and the ``$id`` of its schema."""

    name: str
    model: type
    schema_file: str

    @property
    def schema_id(self) -> str:
        return SCHEMA_BASE + self.schema_file


KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind("item", Item, "item.schema.json"),
        RecordKind("case", Case, "case.schema.json"),
        RecordKind("station", Station, "station.schema.json"),
        RecordKind("intermediary", Intermediary, "intermediary.schema.json"),
        RecordKind("blacklist-entry", BlacklistEntry, "blacklist-entry.schema.json"),
    )
}


def kind_named(name: str) -> RecordKind:
    """The record kind called ``name``; a clear error lists the known kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(KINDS)
        raise UsageError(f"unknown record kind {name!r}; known kinds: {known}") from None
