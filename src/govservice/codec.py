"""Model <-> JSON document, through one private cattrs converter.

Documents are what the JSON Schemas in ``schemas/`` describe: money is a string of yuan
("120.00"), dates and times are ISO 8601 strings with their offset, enums are their English
values, lists are lists, and fields left at their default are omitted.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import enum
import json
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs

from govservice.errors import InvalidRecordError
from govservice.formats import DATE, DATE_TIME, YUAN, parse_date_time
from govservice.store.ledger import canonical

_ENCODE_TEXT = json.encoder.encode_basestring
"""How the canonical encoder writes a text (``ensure_ascii=False``)."""

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


def _unstructure_attrs(cls: type) -> Callable[[Any], dict[str, Any]]:
    """The unstructure hook of the attrs class ``cls``, generated as Python source.

    It gives what cattrs' own hook gives (the same keys in the same order, fields left at
    their default omitted, the same values), with the conversion of the usual values
    (texts, numbers, enums, times, dates, amounts, tuples of them, nested records) written
    in line instead of through a hook each: a case and its events are unstructured at every
    write. Any other type goes through the converter's hook for it.
    """
    return _unstructure_fields(cls)


def _unstructure_fields(cls: type, marked: str | None = None) -> Callable[[Any], dict[str, Any]]:
    """The hook of :func:`_unstructure_attrs`; the value of the field ``marked`` (when not at
    its default) is :data:`_EVENTS_MARK` instead of its document."""
    attrs.resolve_types(cls)
    scope: dict[str, Any] = {
        "_datetime_text": _datetime_text,
        "_times_get": _TIMES.get,
        "_date_text": dt.date.isoformat,
        "_events_mark": _EVENTS_MARK,
    }
    required: list[str] = []
    optional: list[str] = []
    for field in attrs.fields(cls):
        value = f"instance.{field.name}"
        key = repr(field.name)
        if field.name == marked and field.default is not attrs.NOTHING:
            optional.append(f"    if {value}:")
            optional.append(f"        res[{key}] = _events_mark")
            continue
        if field.default is attrs.NOTHING:
            required.append(f"        {key}: {_expression(field.type, value, scope)},")
            continue
        default = field.default
        if isinstance(default, attrs.Factory):
            if default.takes_self or default.factory not in _EMPTY:
                return _converter.gen_unstructure_attrs_fromdict(cls)
            default = default.factory()
        if default is None:
            test = f"{value} is not None"
            inner = _strip_none(field.type)
        else:
            name = f"_default_{field.name}"
            scope[name] = default
            test = f"{value} != {name}"
            inner = field.type
        optional.append(f"    if {test}:")
        optional.append(f"        res[{key}] = {_expression(inner, value, scope)}")
    source = "\n".join(
        [
            "def unstructure(instance):",
            "    res = {",
            *required,
            "    }",
            *optional,
            "    return res",
        ]
    )
    exec(compile(source, f"<govservice unstructure {cls.__qualname__}>", "exec"), scope)
    return scope["unstructure"]


_TIMES: dict[int, tuple[dt.datetime, str]] = {}
"""Texts of times written: ``id(time) -> (time, text)``."""


def _datetime_text(value: dt.datetime) -> str:
    """``value.isoformat()``, remembered for the object: one time is written many times (an
    event's, and the case's ``accepted_at`` it set, at every write of the case), and
    :meth:`~datetime.datetime.isoformat` of an aware time is slower than looking it up."""
    known = _TIMES.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    text = dt.datetime.isoformat(value)
    if len(_TIMES) >= 8192:
        _TIMES.clear()
    _TIMES[id(value)] = (value, text)
    return text


_EMPTY = (dict, list, tuple, frozenset, set)
"""Factories of an empty value: a default compared with one made once."""


def _strip_none(type_: Any) -> Any:
    """``X`` of ``X | None`` (``type_`` itself otherwise)."""
    arguments = typing.get_args(type_)
    if _is_union(type_) and type(None) in arguments:
        rest = [argument for argument in arguments if argument is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return type_


def _is_union(type_: Any) -> bool:
    return isinstance(type_, types.UnionType) or typing.get_origin(type_) is typing.Union


def _expression(type_: Any, value: str, scope: dict[str, Any], depth: int = 0) -> str:
    """Python source unstructuring ``value`` (an expression) of the declared ``type_``."""
    if type_ in (str, int, bool, float):
        return value
    if _is_union(type_):
        inner = _strip_none(type_)
        if inner is not type_:
            return f"(None if {value} is None else {_expression(inner, value, scope, depth)})"
    elif isinstance(type_, type):
        if issubclass(type_, enum.StrEnum):
            return f"{value}._value_"  # what .value gives, without the property's call
        if type_ is dt.datetime:  # _datetime_text(), its lookup in line
            return (
                f"(_t[1] if (_t := _times_get(id({value}))) is not None and _t[0] is {value} "
                f"else _datetime_text({value}))"
            )
        if type_ is dt.date:
            return f"_date_text({value})"
        if type_ is Decimal:
            return f"format({value}, 'f')"
    arguments = typing.get_args(type_)
    if typing.get_origin(type_) is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        each = f"e{depth}"
        inner = _expression(arguments[0], each, scope, depth + 1)
        return f"[{inner} for {each} in {value}]"
    name = f"_hook_{len(scope)}"
    scope[name] = _converter.get_unstructure_hook(type_)
    return f"{name}({value})"


_converter.register_unstructure_hook_factory(attrs.has, _unstructure_attrs)


def _text_function(
    cls: type, made: dict[type, Any] | None = None, given: str | None = None
) -> Callable[..., str] | None:
    """A function writing the canonical JSON text of an instance of the attrs class ``cls``
    (:func:`govservice.store.ledger.canonical` of its document) directly, generated as
    Python source: the keys in sorted order, fields left at their default omitted, each
    value written as the encoder writes its document's (texts through the encoder's own
    function). None when a field is of a type it does not write (the caller encodes the
    document instead). With ``given`` (a field's name), the function takes a second
    argument, the text of that field's value (written when it is not at its default).

    A value not of its field's declared type raises (TypeError, AttributeError) or is
    written by the encoder itself: the text is never another than the encoder's."""
    made = {} if made is None else made
    if given is None:
        if cls in made:
            return made[cls]
        made[cls] = None  # a class nesting itself is not written so
    attrs.resolve_types(cls)
    scope: dict[str, Any] = {
        "_enc": _ENCODE_TEXT,
        "_canonical": canonical,
        "_datetime_text": _datetime_text,
        "_times_get": _TIMES.get,
        "_date_text": dt.date.isoformat,
    }
    head = "def text(instance):" if given is None else "def text(instance, _given):"
    lines = [head, "    _p = []", "    _a = _p.append"]
    for field in sorted(attrs.fields(cls), key=lambda field: field.name):
        value = f"instance.{field.name}"
        key = repr(canonical(field.name) + ":")
        if field.name == given:
            if field.default is attrs.NOTHING or isinstance(field.default, attrs.Factory):
                return None
            scope["_default_given"] = field.default
            lines += [f"    if {value} != _default_given:", f"        _a({key} + _given)"]
            continue
        if field.default is attrs.NOTHING:
            expression = _text_expression(field.type, value, scope, made)
            if expression is None:
                return None
            lines.append(f"    _a({key} + {expression})")
            continue
        default = field.default
        if isinstance(default, attrs.Factory):
            if default.takes_self or default.factory not in _EMPTY:
                return None
            default = default.factory()
        if default is None:
            test = f"{value} is not None"
            expression = _text_expression(_strip_none(field.type), value, scope, made)
        else:
            scope[f"_default_{field.name}"] = default
            test = f"{value} != _default_{field.name}"
            expression = _text_expression(field.type, value, scope, made)
        if expression is None:
            return None
        lines += [f"    if {test}:", f"        _a({key} + {expression})"]
    lines.append("    return '{' + ','.join(_p) + '}'")
    source = "\n".join(lines)
    exec(compile(source, f"<govservice text {cls.__qualname__}>", "exec"), scope)
    if given is None:
        made[cls] = scope["text"]
    return scope["text"]


def _text_expression(
    type_: Any, value: str, scope: dict[str, Any], made: dict[type, Any], depth: int = 0
) -> str | None:
    """Python source writing ``value`` (an expression) of the declared ``type_`` as the
    canonical encoder writes its unstructured value; None for a type not written so."""
    if type_ is str:
        return f"_enc({value})"
    if type_ is bool:
        return f"('true' if {value} is True else 'false' if {value} is False else _canonical({value}))"
    if type_ is int:
        return f"(int.__repr__({value}) if {value}.__class__ is int else _canonical({value}))"
    if _is_union(type_):
        inner = _strip_none(type_)
        if inner is type_:
            return None
        expression = _text_expression(inner, value, scope, made, depth)
        return None if expression is None else f"('null' if {value} is None else {expression})"
    if isinstance(type_, type):
        if issubclass(type_, enum.StrEnum):
            return f"_enc({value}._value_)"
        # The texts of times, dates and amounts hold nothing the encoder escapes.
        if type_ is dt.datetime:
            return (
                f"('\"' + (_t[1] if (_t := _times_get(id({value}))) is not None "
                f"and _t[0] is {value} else _datetime_text({value})) + '\"')"
            )
        if type_ is dt.date:
            return f"('\"' + _date_text({value}) + '\"')"
        if type_ is Decimal:
            return f"('\"' + format({value}, 'f') + '\"')"
        if attrs.has(type_):
            function = _text_function(type_, made)
            if function is None:
                return None
            name = f"_text_{len(scope)}"
            scope[name] = function
            return f"{name}({value})"
        return None
    arguments = typing.get_args(type_)
    if typing.get_origin(type_) is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        each = f"e{depth}"
        inner = _text_expression(arguments[0], each, scope, made, depth + 1)
        if inner is None:
            return None
        return f"('[' + ','.join([{inner} for {each} in {value}]) + ']')"
    if typing.get_origin(type_) is collections.abc.Mapping and arguments == (str, str):
        key, each = f"k{depth}", f"v{depth}"  # sorted by key, as the encoder sorts them
        pairs = f"_enc({key}) + ':' + _enc({each}) for {key}, {each} in sorted({value}.items())"
        return f"('{{' + ','.join([{pairs}]) + '}}')"
    return None


def _memoized_events() -> None:
    """A case is written again at each step of its workflow with every earlier event in
    it; an event never changes, so its canonical text is made once (per event object)."""
    from govservice.model import Case, CaseEvent  # the model imports nothing of this module

    plain = _unstructure_attrs(CaseEvent)
    direct = _text_function(CaseEvent)  # canonical(plain(event)), written at once

    def text(event: CaseEvent) -> str:
        known = _EVENT_TEXTS.get(id(event))
        if known is not None and known[0] is event:
            return known[1]
        try:
            made = canonical(plain(event)) if direct is None else direct(event)
        except (TypeError, AttributeError):  # a value not of its declared type
            made = canonical(plain(event))
        if len(_EVENT_TEXTS) >= _EVENT_TEXTS_SIZE:
            _EVENT_TEXTS.clear()
        _EVENT_TEXTS[id(event)] = (event, made)
        return made

    global _event_text, _event_document, _case_head, _case_text, _Case
    _event_text, _event_document, _Case = text, plain, Case
    _case_head = _unstructure_fields(Case, marked="events")
    _case_text = _text_function(Case, given="events")


_EVENT_TEXTS: dict[int, tuple[Any, str]] = {}
"""Texts of events made: ``id(event) -> (event, canonical text)``."""

_EVENT_TEXTS_SIZE = 2048
"""Texts kept (those of the last few batches' events; a text is made again in a
microsecond): every event kept alive is one more object for each garbage collection to
look through."""

_EVENTS_MARK = "\x00govservice events\x00"
_EVENTS_MARK_TEXT = canonical(_EVENTS_MARK)
"""What :func:`document_and_texts` puts in place of a document's events, and its text."""

_event_text: Callable[[Any], str]
_event_document: Callable[[Any], dict[str, Any]]
_case_head: Callable[[Any], dict[str, Any]]
"""A case's document with :data:`_EVENTS_MARK` as its events (when it has any)."""
_case_text: Callable[[Any, str], str] | None
"""A case's canonical text, given the text of its events (:func:`_text_function`)."""
_Case: type
_memoized_events()


def case_texts(case: Any) -> tuple[str, list[str]]:
    """The canonical text of the case ``case`` and those of its events: what
    :func:`document_and_texts` gives besides the document, written without making it (what
    a store needs for a write, with the columns of
    :func:`govservice.store.columns.case_row_of`)."""
    texts = [_event_text(event) for event in case.events]
    events_text = "[" + ",".join(texts) + "]"
    if _case_text is not None:
        try:
            return _case_text(case, events_text), texts
        except (TypeError, AttributeError):  # a value not of its declared type
            pass
    return _case_text_of(case, _case_head(case), events_text), texts


def document_and_texts(
    record: Any, *, events: bool = True
) -> tuple[dict[str, Any], str, list[str]]:
    """The document of ``record`` (:func:`to_document`), its canonical JSON text
    (:func:`govservice.store.ledger.canonical`, the text a SQL store writes and the trail
    hashes), and the canonical texts of the events it holds (a case's, in order; none for
    other records), which the trail's links are made of.

    An event never changes: its text is made once, and a case's text is put together from
    the texts of its events instead of encoding them again at every write. With
    ``events=False`` the document returned leaves out a case's events (their texts are
    the third value): what a store needs for its columns, without a document for each.
    """
    if type(record) is not _Case:
        document = to_document(record)
        return document, canonical(document), []
    objects = record.events
    document = _case_head(record)
    texts = [_event_text(event) for event in objects]
    text = _case_text_of(record, document, "[" + ",".join(texts) + "]")
    if objects and events:
        document["events"] = [_event_document(event) for event in objects]
    elif objects:
        del document["events"]
    return document, text, texts


def _case_text_of(case: Any, document: dict[str, Any], events_text: str) -> str:
    """The canonical text of ``case``, given its ``document`` as :data:`_case_head` makes
    it and ``events_text``, the text of its events: the document encoded with a mark in
    place of its events, the mark then replaced by their text (when the mark's encoding
    occurs once, it is the one put there)."""
    text = canonical(document)
    if not case.events:
        return text
    if text.count(_EVENTS_MARK_TEXT) == 1:
        return text.replace(_EVENTS_MARK_TEXT, events_text)
    before = {key: value for key, value in document.items() if key < "events"}
    after = {key: value for key, value in document.items() if key > "events"}
    parts = [canonical(before)[1:-1], '"events":' + events_text]
    if after:
        parts.append(canonical(after)[1:-1])
    return "{" + ",".join(part for part in parts if part) + "}"


def to_document(record: Any) -> dict[str, Any]:
    """The JSON document of a model instance (an :class:`~govservice.model.Item`, ...)."""
    return _converter.unstructure(record)


def from_document(
    model: type[T],
    document: Any,
    *,
    where: str | None = None,
    check: bool = True,
    window: Any = None,
) -> T:
    """Build a model instance from a document; every problem is reported with its path.

    A record (an item, a case ...) is first checked against its schema, so that what this
    accepts is exactly what the schema accepts; ``check=False`` skips that for documents
    already checked (a store reading back what it wrote). ``window`` is the
    :class:`~govservice.formats.DateWindow` of the years a date may fall in (the
    configuration's ``validation.years``; 1949 to 2100 when None).

    :raises InvalidRecordError: listing each problem as ``(json_pointer, message)``.
    """
    if check and (kind := _kind_of_model(model)) is not None:
        from govservice.validation import validator_for  # the validators use this module

        validator = validator_for(kind) if window is None else validator_for(kind, window)
        problems = validator.problems(document)
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
