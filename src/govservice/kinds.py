"""The kinds of record govservice exchanges: each names its model class and its schema."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import attrs

from govservice.errors import UsageError
from govservice.model import (
    AgencyQuarter,
    BlacklistEntry,
    Case,
    Engagement,
    Intermediary,
    IntermediaryService,
    Item,
    Need,
    Project,
    Selection,
    Station,
)

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


def agency_quarter_key(record: Any) -> str:
    """The key of an agency's quarter: ``f"{credit_code}-{year}-Q{quarter}"``."""
    return f"{record.credit_code}-{record.year}-Q{record.quarter}"


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
        # the intermediary supermarket (issue 14)
        RecordKind(
            "intermediary-service",
            IntermediaryService,
            "intermediary-service.schema.json",
            lambda r: r.code,
        ),
        RecordKind("need", Need, "need.schema.json", lambda r: r.id),
        RecordKind("selection", Selection, "selection.schema.json", lambda r: r.id),
        RecordKind("engagement", Engagement, "engagement.schema.json", lambda r: r.id),
        RecordKind(
            "agency-quarter", AgencyQuarter, "agency-quarter.schema.json", agency_quarter_key
        ),
    )
}

CHAINED_KINDS = frozenset(
    (
        *("intermediary", "intermediary-service", "need", "selection", "engagement"),
        "agency-quarter",
        "blacklist-entry",  # issue 15: every listing, revocation and expiry with its provenance
    )
)
"""The kinds whose every write is a link of the hash-chained trail (subject
``f"{kind}/{key}"``), holding what changed and the SHA-256 of the stored document."""


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
