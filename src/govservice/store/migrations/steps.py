"""The data steps of the migrations: what a schema change needs done to the stored
documents that SQL alone cannot do the same way on every backend (a field renamed inside
the JSON text, kept canonical; a column computed by Python).

A backend runs :func:`after_migration` with the number of each migration it applies,
right after the migration's SQL, in the same transaction: a failure leaves the database
at the schema before, nothing half-written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

RENAMED_ENTRY_FIELDS = {
    "valid_from": "penalty_from",
    "valid_until": "penalty_until",
    "penalty": "fine",
}
"""The fields of a blacklist entry renamed by schema 10 (issue 15): the period an entry bars
its subject is its penalty period (惩戒期), kept apart from its publication period; its fine
(罚款) is ``fine``."""


def upgrade_entry_document(document: dict[str, Any]) -> dict[str, Any]:
    """A blacklist entry's document as stored before schema 10, in the fields of schema 10
    (a document in them already is returned as it is)."""
    return {RENAMED_ENTRY_FIELDS.get(key, key): value for key, value in document.items()}


def _blacklist_entries(store: Any) -> None:
    """Schema 10: every stored entry rewritten to the new fields, its new columns filled."""
    from govservice.store.columns import ENTRY_COLUMNS, entry_row
    from govservice.store.ledger import canonical

    names = [name.strip() for name in ENTRY_COLUMNS.split(",")][1:]
    m = store.mark
    assignments = ", ".join(f"{name} = {m}" for name in names)
    statement = f"UPDATE blacklist_entries SET {assignments}, doc = {m} WHERE id = {m}"
    for key, text in store._rows("SELECT id, doc FROM blacklist_entries ORDER BY id"):
        document = upgrade_entry_document(json.loads(store._text(text)))
        row = entry_row(document)
        store._execute(statement, (*row[1:], canonical(document), store._text(key)))


def _chain_states(store: Any) -> None:
    """Schema 11: every setting the trail now covers, written before, chained once (in the
    order of their names), so that reading it finds its link."""
    from govservice.store.states import STATE, is_chained_setting, state_link, state_subject

    for name, value in store._rows("SELECT name, value FROM govservice_settings ORDER BY name"):
        name, value = store._text(name), store._text(value)
        if is_chained_setting(name):
            store._append_ledger(state_subject(name), [state_link(name, value)], key=STATE)


def _chain_recorded(store: Any) -> None:
    """Schema 12: every station evaluation, training session and staff record written
    before, chained once (evaluations in the order they were added, then sessions and
    staff records by key), so that ``audit verify`` finds each one's link."""
    from govservice.store.recorded import EVALUATION, SESSION, STAFF

    _chain_kinds(store, (EVALUATION, SESSION, STAFF))


def _chain_discipline(store: Any) -> None:
    """Schema 13: every discipline record written before, chained once (in the order of
    their ids)."""
    from govservice.store.recorded import DISCIPLINE

    _chain_kinds(store, (DISCIPLINE,))


def _chain_kinds(store: Any, kinds: tuple[str, ...]) -> None:
    from govservice.store.recorded import append_recorded

    for kind, key, text, _columns in list(store.recorded_rows()):
        if kind not in kinds or not text:  # (rows left of a record gone: the audit says)
            continue
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):  # not a document: left unchained, reported
            continue
        append_recorded(store, kind, [document], [key])


def _chain_item_documents(store: Any) -> None:
    """Schema 14: what the items of every catalog version written before say (their
    fees, time limits, materials), chained once, one link a version, so that ``audit
    verify`` finds an item changed in the table from now on."""
    from govservice.catalog.versions import documents_digest
    from govservice.errors import ForeignDatabaseError, InvalidRecordError

    for region in store.catalog_regions():
        for head in store.catalog_heads(region):
            items = {}
            for code, number in store.catalog_entries(region, head.number).items():
                try:
                    items[code] = store.item(code, number)
                except (ForeignDatabaseError, InvalidRecordError):
                    continue  # no item's document (changed by hand): the audit says so
            link = {"region": region, "number": head.number, "documents": documents_digest(items)}
            store.record_catalog_version(region, link)


DATA_STEPS: dict[int, Callable[[Any], None]] = {
    10: _blacklist_entries,
    11: _chain_states,
    12: _chain_recorded,
    13: _chain_discipline,
    14: _chain_item_documents,
}
"""The data step of each migration that has one, by its number."""


def after_migration(store: Any, number: int) -> None:
    """Run the data step of migration ``number`` on ``store`` (a SQL backend, inside the
    migration's transaction), if it has one."""
    step = DATA_STEPS.get(number)
    if step is not None:
        step(store)
