"""A whole catalog, and an adjustment, as a file: JSON or YAML, checked against
``catalog.schema.json`` / ``adjustment.schema.json`` and the item schema.

The document of a catalog version (:func:`catalog_document`) holds the region, the
version's number and date, who decided it, and every item in the item schema's form;
:func:`read_catalog` reads one back (every problem named with its JSON pointer). Export
then import gives the same items, by code, each at its version; the text is canonical
(keys sorted, items by code), so exporting the same version twice gives the same bytes.
Files are read through :func:`govservice.records.read_records` (the safe YAML loader,
duplicate keys refused).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import yaml

from govservice import schemas
from govservice.codec import from_document, to_document
from govservice.errors import CatalogError, InvalidRecordError
from govservice.kinds import KINDS, SCHEMA_BASE
from govservice.model import Item
from govservice.model.catalog import Adjustment
from govservice.records import read_records
from govservice.validation import validator_for

FORMATS = ("json", "yaml")
"""The formats a catalog is exported in."""


@attrs.frozen
class CatalogFile:
    """A catalog as read from a file: what the file says of itself and its items."""

    region: str
    effective: dt.date
    decided_by: str
    decision_number: str | None
    title: str | None
    items: tuple[Item, ...]
    version: int | None = None


def catalog_document(version: Any) -> dict[str, Any]:
    """The document of a :class:`~govservice.catalog.CatalogVersion` (catalog.schema.json)."""
    adjustment = version.adjustment
    said = dict(version.imported or {})
    if adjustment is not None:
        said = {
            "decided_by": adjustment.decided_by,
            "decision_number": adjustment.decision_number,
            "title": adjustment.title,
        }
    document: dict[str, Any] = {
        "region": version.region,
        "version": version.number,
        "effective": version.effective.isoformat(),
        "decided_by": said.get("decided_by") or "（未载明）",
    }
    for key in ("decision_number", "title"):
        if said.get(key):
            document[key] = said[key]
    document["items"] = [to_document(item) for _, item in sorted(version.items.items())]
    return document


def export_text(version: Any, format: str = "yaml") -> str:
    """A catalog version as the text of a file, ``json`` or ``yaml``."""
    document = catalog_document(version)
    if format == "json":
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if format == "yaml":
        return yaml.safe_dump(document, allow_unicode=True, sort_keys=True, width=100)
    raise CatalogError(f"a catalog is exported as {' or '.join(FORMATS)}, not {format!r}")


def read_catalog(path: str | Path) -> CatalogFile:
    """The catalog in the file at ``path`` (JSON or YAML, one catalog document).

    :raises InputError: the file cannot be read as a document.
    :raises InvalidRecordError: it is not a valid catalog (every problem listed).
    """
    document, where = _one_document(path, "catalog")
    return catalog_from_document(document, where=where)


def catalog_from_document(document: Any, *, where: str | None = None) -> CatalogFile:
    """A catalog document (catalog.schema.json) read into items, every problem listed."""
    problems = _envelope_problems(document, "catalog.schema.json", ignore="items")
    items: list[Item] = []
    raw_items = document.get("items") if isinstance(document, dict) else None
    if isinstance(raw_items, list):
        validator = validator_for(KINDS["item"])
        for index, raw in enumerate(raw_items):
            found = validator.problems(raw)
            if found:
                problems += [(f"/items/{index}{p.pointer}", p.message) for p in found]
                continue
            try:
                items.append(from_document(Item, raw, check=False))
            except InvalidRecordError as error:
                problems += [(f"/items/{index}{pointer}", m) for pointer, m in error.problems]
    if problems:
        raise _invalid("catalog", problems, where)
    return CatalogFile(
        region=document["region"],
        effective=dt.date.fromisoformat(document["effective"]),
        decided_by=document["decided_by"],
        decision_number=document.get("decision_number"),
        title=document.get("title"),
        items=tuple(items),
        version=document.get("version"),
    )


def read_adjustment(path: str | Path) -> Adjustment:
    """The adjustment in the file at ``path`` (JSON or YAML, one adjustment document).

    :raises InputError: the file cannot be read as a document.
    :raises InvalidRecordError: it is not a valid adjustment (every problem listed).
    """
    document, where = _one_document(path, "adjustment")
    return adjustment_from_document(document, where=where)


def adjustment_from_document(document: Any, *, where: str | None = None) -> Adjustment:
    """An adjustment document (adjustment.schema.json) as an :class:`Adjustment`."""
    problems = _envelope_problems(document, "adjustment.schema.json")
    if not problems:
        validator = validator_for(KINDS["item"])
        for index, change in enumerate(document.get("changes", [])):
            if "item" in change:
                problems += [
                    (f"/changes/{index}/item{p.pointer}", p.message)
                    for p in validator.problems(change["item"])
                ]
    if problems:
        raise _invalid("adjustment", problems, where)
    try:
        return from_document(Adjustment, document, where=where)
    except InvalidRecordError as error:
        raise _invalid("adjustment", list(error.problems), where) from None


def adjustment_document(adjustment: Adjustment) -> dict[str, Any]:
    """The document of an adjustment (adjustment.schema.json)."""
    return to_document(adjustment)


def _one_document(path: str | Path, what: str) -> tuple[Any, str]:
    records = list(read_records(path))
    if len(records) != 1 or not isinstance(records[0].document, Mapping):
        raise InvalidRecordError(
            f"a {what} file holds one {what} document (an object), not {len(records)} record(s)",
            where=str(path),
            problems=(("", f"one {what} document expected"),),
        )
    record = records[0]
    return record.document, f"{record.file}:{record.line}"


def _envelope_problems(
    document: Any, schema_file: str, *, ignore: str | None = None
) -> list[tuple[str, str]]:
    """What the schema finds wrong with ``document`` (the list ``ignore`` names is left to
    the item validator: one check an item, the fast one)."""
    if (
        isinstance(document, dict)
        and ignore is not None
        and isinstance(document.get(ignore), list)
    ):
        document = {**document, ignore: []}
    validator = jsonschema.Draft202012Validator(
        schemas.schema_for(SCHEMA_BASE + schema_file),
        registry=schemas.registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    return [
        ("/" + "/".join(str(part) for part in error.absolute_path), error.message)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


def _invalid(what: str, problems: list[tuple[str, str]], where: str | None) -> InvalidRecordError:
    summary = "; ".join(f"{pointer or '(root)'}: {message}" for pointer, message in problems[:10])
    more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
    return InvalidRecordError(
        f"not a valid {what}: {summary}{more}", where=where, problems=tuple(problems)
    )
