"""Model <-> JSON document, through one private cattrs converter.

Documents are what the JSON Schemas in ``schemas/`` describe: money is a string of yuan
("120.00"), dates and times are ISO 8601 strings with their offset, enums are their English
values, lists are lists, and fields left at their default are omitted.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import enum
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from govservice.errors import InvalidRecordError
from govservice.formats import DATE, DATE_TIME, YUAN, parse_date_time

T = TypeVar("T")

_converter = cattrs.Converter(
    forbid_extra_keys=True,
    omit_if_default=True,
    unstruct_collection_overrides={collections.abc.Sequence: list},
)


def _structure_decimal(value: Any, _: type) -> Decimal:
    if not isinstance(value, str) or not YUAN.fullmatch(value):
        raise ValueError(
            f"an amount of yuan is written as a string such as '120.00', not {value!r}"
        )
    return Decimal(value)


def _structure_date(value: Any, _: type) -> dt.date:
    if not isinstance(value, str) or not DATE.fullmatch(value):
        raise ValueError(f"a date is written as YYYY-MM-DD, not {value!r}")
    return dt.date.fromisoformat(value)


def _structure_datetime(value: Any, _: type) -> dt.datetime:
    if not isinstance(value, str) or not DATE_TIME.fullmatch(value):
        raise ValueError(f"a time is written in RFC 3339 with its offset, not {value!r}")
    return parse_date_time(value)


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a text, not {value!r}")
    return value


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, not {value!r}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, not {value!r}")
    return value


_converter.register_unstructure_hook(enum.StrEnum, lambda member: member.value)
_converter.register_structure_hook(
    enum.StrEnum, lambda value, type_: type_(_structure_str(value, str))
)
_converter.register_unstructure_hook(Decimal, lambda value: format(value, "f"))
_converter.register_structure_hook(Decimal, _structure_decimal)
_converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
_converter.register_structure_hook(dt.datetime, _structure_datetime)
_converter.register_unstructure_hook(dt.date, dt.date.isoformat)
_converter.register_structure_hook(dt.date, _structure_date)
_converter.register_structure_hook(str, _structure_str)
_converter.register_structure_hook(int, _structure_int)
_converter.register_structure_hook(bool, _structure_bool)


def _memoized_events() -> None:
    """A case is written again at each step of its workflow with every earlier event in
    it; an event never changes, so its document is made once (per event object) and a
    copy handed out each time."""
    from govservice.model import CaseEvent  # the model imports nothing of this module

    plain = _converter.gen_unstructure_attrs_fromdict(CaseEvent)
    made: dict[int, tuple[CaseEvent, dict[str, Any]]] = {}

    def unstructure(event: CaseEvent) -> dict[str, Any]:
        known = made.get(id(event))
        if known is None or known[0] is not event:
            if len(made) >= 16384:
                made.clear()
            known = made[id(event)] = (event, plain(event))
        document = dict(known[1])
        if "warnings" in document:
            document["warnings"] = [dict(warning) for warning in document["warnings"]]
        return document

    _converter.register_unstructure_hook(CaseEvent, unstructure)


_memoized_events()


def to_document(record: Any) -> dict[str, Any]:
    """The JSON document of a model instance (an :class:`~govservice.model.Item`, ...)."""
    return _converter.unstructure(record)


def from_document(
    model: type[T], document: Any, *, where: str | None = None, check: bool = True
) -> T:
    """Build a model instance from a document; every problem is reported with its path.

    A record (an item, a case ...) is first checked against its schema, so that what this
    accepts is exactly what the schema accepts; ``check=False`` skips that for documents
    already checked (a store reading back what it wrote).

    :raises InvalidRecordError: listing each problem as ``(json_pointer, message)``.
    """
    if check and (kind := _kind_of_model(model)) is not None:
        from govservice.validation import validator_for  # the validators use this module

        problems = validator_for(kind).problems(document)
        if problems:
            summary = "; ".join(f"{p.pointer or '(root)'}: {p.message}" for p in problems)
            raise InvalidRecordError(
                f"not a valid {model.__name__}: {summary}",
                where=where,
                problems=tuple((p.pointer, p.message) for p in problems),
            )
    try:
        return _converter.structure(document, model)
    except Exception as error:  # cattrs groups every failure in one ExceptionGroup
        problems = tuple(_problems(error))
        summary = "; ".join(f"{path}: {message}" for path, message in problems)
        raise InvalidRecordError(
            f"not a valid {model.__name__}: {summary}", where=where, problems=problems
        ) from None


def _kind_of_model(model: type) -> Any:
    from govservice.kinds import KINDS

    return next((kind for kind in KINDS.values() if kind.model is model), None)


def _problems(error: Exception) -> list[tuple[str, str]]:
    found = []
    for line in cattrs.transform_error(error, path="$", format_exception=_describe):
        message, _, path = line.rpartition(" @ ")
        found.append((_pointer(path), message))
    return found


def _describe(exception: BaseException, type_: type | None) -> str:
    if isinstance(exception, KeyError):
        return "required field missing"
    if isinstance(exception, cattrs.ForbiddenExtraKeysError):
        return f"unknown field(s): {', '.join(sorted(exception.extra_fields))}"
    return str(exception) or type(exception).__name__


def _pointer(path: str) -> str:
    """Turn cattrs' ``$.materials[0].name`` into the JSON pointer ``/materials/0/name``."""
    pointer = path.removeprefix("$").replace("[", ".").replace("]", "")
    parts = [part.strip("'\"") for part in pointer.split(".") if part]
    return "/" + "/".join(parts) if parts else ""
