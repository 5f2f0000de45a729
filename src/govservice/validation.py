"""Validating documents against the schemas: a compiled fast path, and full error lists.

A valid record costs one call into the compiled validator (jsonschema-rs), identifier
check digits included, and a compiled walk over its dates and times, which must lie in the
years of a :class:`~govservice.formats.DateWindow` (1949 to 2100 unless a configuration
widens them). Only an invalid record is examined further: every error is collected,
located by a JSON pointer, and worded so that a clerk can act on it (a control character
in a name is named, with where it is).

The pure-Python ``jsonschema`` engine is available as :func:`reference_problems`, with the
same formats and checks, for integrators who want a second opinion; the test suite holds
both engines to the same verdict on every example file.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs
import jsonschema
import jsonschema_rs

from govservice import checks, schemas
from govservice.formats import (
    ALL_FORMATS,
    CUSTOM_FORMATS,
    DEFAULT_WINDOW,
    DateWindow,
)
from govservice.kinds import RecordKind
from govservice.model._checks import unsafe_character
from govservice.model.identifiers import (
    mask_identity_numbers,
    organisation_code_problem,
    ric_problem,
    uscc_problem,
)

__all__ = ["Problem", "RecordValidator", "reference_problems", "validator_for"]


@attrs.frozen
class Problem:
    """One thing wrong with a record: where (a JSON pointer) and what.

    Anything in the message shaped like a resident identity number is masked.
    """

    pointer: str
    message: str = attrs.field(converter=mask_identity_numbers)


FORMATS = CUSTOM_FORMATS


CheckPlan = tuple[tuple[tuple[str | None, ...], str], ...]
"""Where a kind's schema names cross-field checks: (path of property names, ``None`` for
"each item of an array"; check name)."""


def check_plan(schema: dict) -> CheckPlan:
    """Every ``x-govservice-check`` of a kind's own schema, with where it applies.

    Checks are declared in the kind's schema itself (under ``properties`` and ``items``),
    not behind a ``$ref``, so this walk finds them all.
    """
    plan: list[tuple[tuple[str | None, ...], str]] = []

    def walk(node: Any, path: tuple[str | None, ...]) -> None:
        if not isinstance(node, dict):
            return
        if checks.KEYWORD in node:
            plan.append((path, node[checks.KEYWORD]))
        for name, child in node.get("properties", {}).items():
            walk(child, (*path, name))
        walk(node.get("items"), (*path, None))

    walk(schema, ())
    return tuple(plan)


def _nodes(node: Any, path: tuple[str | None, ...], pointer: str) -> Iterator[tuple[str, Any]]:
    if not path:
        yield pointer, node
        return
    step, rest = path[0], path[1:]
    if step is None:
        if isinstance(node, list):
            for index, child in enumerate(node):
                yield from _nodes(child, rest, f"{pointer}/{index}")
    elif isinstance(node, dict) and step in node:
        yield from _nodes(node[step], rest, pointer + _pointer((step,)))


def check_findings(plan: CheckPlan, document: Any) -> Iterator[tuple[str, str]]:
    """``(pointer, message)`` for every finding of every check of ``plan`` on ``document``."""
    for path, name in plan:
        for pointer, node in _nodes(document, path, ""):
            for relative, message in checks.CHECKS[name](node):
                yield pointer + relative, message


# --- where the identifier formats apply ---------------------------------------------------

Step = tuple[Any, ...]
"""One step from a value to the values a subschema applies to: ``("property", name)``,
``("item",)`` (each item of an array), ``("value",)`` (each value of an object), or
``("when", condition, branch)``: a ``then`` (branch True) or ``else`` (False) whose ``if``
is ``condition`` (see :func:`_condition`)."""

_EACH_ITEM = frozenset({"items", "prefixItems", "additionalItems", "unevaluatedItems", "contains"})
_EACH_VALUE = frozenset({"additionalProperties", "unevaluatedProperties"})
_SAME_VALUE = frozenset({"allOf", "anyOf", "oneOf"})
_NO_SUBSCHEMA = frozenset(
    {
        *("type", "enum", "const", "pattern", "minLength", "maxLength", "format"),
        *("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
        *("required", "dependentRequired", "minProperties", "maxProperties"),
        *("minItems", "maxItems", "uniqueItems", "minContains", "maxContains"),
        *("title", "description", "default", "examples", "deprecated", "readOnly"),
        *("writeOnly", "contentMediaType", "contentEncoding", "$schema", "$comment"),
        *("$id", "$anchor", "$vocabulary", "$defs", "definitions", checks.KEYWORD),
    }
)


class _Unplanned(Exception):
    """The schema has a shape the plan does not follow: the compiled validator decides."""


class FormatPlan:
    """Every place in a document where the schema of a kind may apply a format of
    :data:`FORMATS` (the identifier check digits), found by walking the schema.

    The places are a superset of those the compiled validator checks: every applicator
    (``allOf``, ``anyOf``, ``oneOf``, ``not``, ``if`` ...) is followed as if it applied,
    and a ``then`` or ``else`` is left out only where its ``if`` (a few ``const`` and
    ``required``, as in ``defs.schema.json#/$defs/identifier``) certainly decides
    against it. So when :meth:`passes`, no such format can fail anywhere in the
    document, and the schema without them gives the verdict of the schema with them.
    A schema the walk does not understand gets no plan (``of`` returns None).
    """

    def __init__(
        self,
        sites: list[tuple[tuple[Step, ...], str]],
        functions: dict[str, Callable[[Any], bool]] = FORMATS,
    ) -> None:
        self.sites = tuple(sites)
        self.functions = functions
        trie: dict = {}
        for steps, name in sites:
            node = trie
            for step in steps:
                node = node.setdefault(step, {})
            node.setdefault(None, []).append(name)
        self.passes = _compiled(trie, functions)
        """``passes(document)``: whether every value at every place passes its format."""

    def failures(self, document: Any) -> Iterator[tuple[str, str, Any]]:
        """``(pointer, format, value)`` of every value that fails its format: the slow
        walk behind :attr:`passes`, for an invalid record only."""
        for steps, name in self.sites:
            test = self.functions[name]
            for pointer, value in _values_at(document, steps, ""):
                if not test(value):
                    yield pointer, name, value

    @classmethod
    @functools.cache
    def of(cls, schema_id: str) -> FormatPlan | None:
        """The plan of the schema ``schema_id``; None when it has no such format, or a
        shape the walk does not follow."""
        sites: list[tuple[tuple[Step, ...], str]] = []
        resolved = schemas.registry().resolver().lookup(schema_id)
        try:
            _walk(resolved.contents, resolved.resolver, (), sites, frozenset())
            return cls(sites) if sites else None
        except _Unplanned:
            return None


def _walk(
    node: Any, resolver: Any, steps: tuple, sites: list, refs: frozenset, names: Any = FORMATS
) -> None:
    if not isinstance(node, dict):
        return  # true, false
    if "$id" in node and not any(node is root for root in schemas.documents().values()):
        raise _Unplanned("an embedded resource")
    for key, value in node.items():
        if key == "format":
            if value in names:
                sites.append((steps, value))
        elif key == "$ref":
            target = resolver.lookup(value)
            if id(target.contents) in refs:
                raise _Unplanned("a recursive schema")
            refs = refs | {id(target.contents)}
            _walk(target.contents, target.resolver, steps, sites, refs, names)
        elif key == "properties":
            for name, child in value.items():
                _walk(child, resolver, (*steps, ("property", name)), sites, refs, names)
        elif key == "patternProperties":
            for child in value.values():
                _walk(child, resolver, (*steps, ("value",)), sites, refs, names)
        elif key in _EACH_VALUE:
            _walk(value, resolver, (*steps, ("value",)), sites, refs, names)
        elif key in _EACH_ITEM:
            for child in value if isinstance(value, list) else [value]:
                _walk(child, resolver, (*steps, ("item",)), sites, refs, names)
        elif key in _SAME_VALUE:
            for child in value:
                _walk(child, resolver, steps, sites, refs, names)
        elif key in ("not", "if"):
            _walk(value, resolver, steps, sites, refs, names)
        elif key in ("then", "else"):
            condition = _condition(node.get("if"))
            when = () if condition is None else (("when", condition, key == "then"),)
            _walk(value, resolver, (*steps, *when), sites, refs, names)
        elif key == "dependentSchemas":
            for child in value.values():
                _walk(child, resolver, steps, sites, refs, names)
        elif key == "propertyNames":
            on_names: list = []
            _walk(value, resolver, steps, on_names, refs, names)
            if on_names:
                raise _Unplanned("a format on property names")
        elif key not in _NO_SUBSCHEMA:
            raise _Unplanned(f"keyword {key}")


Condition = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]
"""An ``if`` of ``properties`` that are each a text ``const``, and ``required``."""

_ANNOTATIONS = frozenset({"title", "description", "$comment"})


def _condition(schema: Any) -> Condition | None:
    """``schema`` as a :data:`Condition`, or None if it is not of that simple shape."""
    if not isinstance(schema, dict) or not set(schema) <= {
        "properties",
        "required",
        *_ANNOTATIONS,
    }:
        return None
    consts = []
    for name, child in schema.get("properties", {}).items():
        if not (isinstance(child, dict) and set(child) <= {"const", *_ANNOTATIONS}):
            return None
        if not isinstance(child.get("const"), str):
            return None
        consts.append((name, child["const"]))
    required = schema.get("required", [])
    if not (isinstance(required, list) and all(isinstance(name, str) for name in required)):
        return None
    return tuple(consts), tuple(required)


def _values_at(node: Any, steps: tuple, pointer: str) -> Iterator[tuple[str, Any]]:
    """``(pointer, value)`` of every value that ``steps`` lead to from ``node``."""
    if not steps:
        yield pointer, node
        return
    step, rest = steps[0], steps[1:]
    if step[0] == "property":
        if isinstance(node, dict) and step[1] in node:
            yield from _values_at(node[step[1]], rest, pointer + _pointer((step[1],)))
    elif step[0] == "item":
        if isinstance(node, (list, tuple)):
            for index, child in enumerate(node):
                yield from _values_at(child, rest, f"{pointer}/{index}")
    elif step[0] == "value":
        if isinstance(node, dict):
            for key, child in node.items():
                yield from _values_at(child, rest, pointer + _pointer((str(key),)))
    elif _condition_holds(step[1], node) == step[2]:
        yield from _values_at(node, rest, pointer)


def _condition_holds(condition: Condition, value: Any) -> bool:
    """Whether the ``if`` of ``condition`` holds for ``value`` (as :func:`_holds` says)."""
    if not isinstance(value, dict):
        return True
    consts, required = condition
    return all(name in value for name in required) and all(
        name not in value or (isinstance(value[name], str) and value[name] == const)
        for name, const in consts
    )


@functools.cache
def window_plan(schema_id: str, window: DateWindow) -> FormatPlan | None:
    """Every place a date or a time may be in a document of ``schema_id``, each with
    the test of ``window``; None when there is none (or the schema is not planned)."""
    sites: list[tuple[tuple[Step, ...], str]] = []
    resolved = schemas.registry().resolver().lookup(schema_id)
    names = {"date": window.holds, "date-time": window.holds}
    try:
        _walk(resolved.contents, resolved.resolver, (), sites, frozenset(), names)
    except _Unplanned:
        return None
    return FormatPlan(sites, names) if sites else None


def _compiled(trie: dict, functions: dict[str, Callable[[Any], bool]]) -> Callable[[Any], bool]:
    """A function that checks a document against ``trie``: the formats named under the key
    None apply to the value itself, each other key is a step to a sub-trie.

    It runs once a record, so it is written out as Python source, one statement a step,
    and compiled: what a walk through the trie would do in a call a step is done here in
    a comparison or two. The source holds nothing but the property names and texts of
    the schema, as literals (:func:`repr`), and the format functions, by name."""
    namespace: dict[str, Any] = {}
    lines = ["def passes(node):"]
    numbers = itertools.count()

    def emit(trie: dict, value: str, depth: int) -> None:
        pad = "    " * depth
        for name in trie.get(None, ()):
            test = f"_format{next(numbers)}"
            namespace[test] = function = functions[name]
            if bounds := getattr(function, "year_bounds", None):  # a date window, inline
                low, high = bounds
                lines.append(
                    f"{pad}if type({value}) is str and not ({low!r} <= {value}[:4] <= "
                    f"{high!r}) and not {test}({value}): return False"
                )
            else:
                lines.append(f"{pad}if not {test}({value}): return False")
        for step, child in trie.items():
            if step is None:
                continue
            inner = f"value{next(numbers)}"
            if step[0] == "property":
                lines.append(f"{pad}if isinstance({value}, dict) and {step[1]!r} in {value}:")
                lines.append(f"{pad}    {inner} = {value}[{step[1]!r}]")
                emit(child, inner, depth + 1)
            elif step[0] == "item":
                lines.append(f"{pad}if isinstance({value}, (list, tuple)):")
                lines.append(f"{pad}    for {inner} in {value}:")
                emit(child, inner, depth + 2)
            elif step[0] == "value":
                lines.append(f"{pad}if isinstance({value}, dict):")
                lines.append(f"{pad}    for {inner} in {value}.values():")
                emit(child, inner, depth + 2)
            else:  # ("when", condition, True): then; ("when", condition, False): else
                holds = _holds(step[1], value)
                lines.append(f"{pad}if {holds if step[2] else f'not {holds}'}:")
                emit(child, value, depth + 1)

    emit(trie, "node", 1)
    lines.append("    return True")
    try:
        exec(compile("\n".join(lines), "<format plan>", "exec"), namespace)
    except (SyntaxError, RecursionError, MemoryError):  # nested deeper than Python's parser takes
        raise _Unplanned("a schema nested too deeply") from None
    return namespace["passes"]


def _holds(condition: Condition, value: str) -> str:
    """The Python expression of whether the ``if`` of ``condition`` is valid for ``value``
    (as JSON Schema says: ``properties`` and ``required`` hold for anything that is not an
    object, and a ``const`` of a property that is not there)."""
    consts, required = condition
    tests = [f"{name!r} in {value}" for name in required]
    tests += [
        f"({name!r} not in {value} or (isinstance({value}[{name!r}], str) "
        f"and {value}[{name!r}] == {const!r}))"
        for name, const in consts
    ]
    return f"(not isinstance({value}, dict) or ({' and '.join(tests) or 'True'}))"


@functools.cache
def _registry_without_formats() -> jsonschema_rs.Registry:
    """The bundled schemas without the formats of :data:`FORMATS`."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: strip(value)
                for key, value in node.items()
                if not (key == "format" and isinstance(value, str) and value in FORMATS)
            }
        if isinstance(node, list):
            return [strip(value) for value in node]
        return node

    return jsonschema_rs.Registry([(uri, strip(doc)) for uri, doc in schemas.documents().items()])


class RecordValidator:
    """Validates documents of one record kind.

    The compiled validator (jsonschema-rs, with the identifier check digits as formats)
    checks the schema; the cross-field checks the schema names run in Python on the same
    dictionary (handing the whole document back to Python through a custom keyword would
    cost more than the checks themselves). :meth:`is_valid` is the fast path;
    :meth:`problems` lists every error of an invalid record.

    Every date and time is checked against ``window`` (the years a record may hold) by a
    plan of the same kind: found once in the schema (:func:`window_plan`), compiled to a
    comparison of four characters a value.

    On the fast path the check digits are not called from inside the compiled validator
    (a call back into Python for each identifier costs more than the check itself): a
    :class:`FormatPlan` found in the schema where identifiers may be, and checks them
    first; when every one passes, a validator compiled without those two formats gives
    the same verdict as the full one, and is asked instead.
    """

    def __init__(self, kind: RecordKind, window: DateWindow = DEFAULT_WINDOW) -> None:
        self.kind = kind
        self.window = window
        """The years a date or a time may lie in (:class:`~govservice.formats.DateWindow`)."""
        self._window = window_plan(kind.schema_id, window)
        schema = schemas.schema_for(kind.schema_id)
        self._compiled = jsonschema_rs.validator_for(
            schema,
            registry=schemas.compiled_registry(),
            formats=FORMATS,
            validate_formats=True,
        )
        self._formats = FormatPlan.of(kind.schema_id)
        self._unformatted = self._compiled
        if self._formats is not None:
            self._unformatted = jsonschema_rs.validator_for(
                schema, registry=_registry_without_formats(), validate_formats=True
            )
        self._plan = check_plan(schema)
        self._root_checks = tuple(checks.CHECKS[name] for path, name in self._plan if not path)
        self._nested_plan = tuple((path, name) for path, name in self._plan if path)

    def is_valid(self, document: Any) -> bool:
        """Whether ``document`` is valid: schema, check digits and cross-field checks.

        A lone surrogate in a text that no ``pattern`` or ``format`` looks at is not seen
        here (finding one takes a look at every text; :meth:`problems` takes it). Data
        parsed from JSON or YAML holds one only where its text has an escape of one, so a
        reader holding the text looks only then (:func:`has_surrogate_escape`,
        :func:`lone_surrogate`)."""
        try:
            if self._formats is not None and self._formats.passes(document):
                if not self._unformatted.is_valid(document):
                    return False
            elif not self._compiled.is_valid(document):
                return False
        except (ValueError, TypeError):  # not plain JSON data: problems() says why
            return False
        if self._window is not None and not self._window.passes(document):
            return False
        for check in self._root_checks:
            for _ in check(document):
                return False
        if not self._nested_plan:
            return True
        return next(check_findings(self._nested_plan, document), None) is None

    def problems(self, document: Any) -> list[Problem]:
        """Every problem of ``document``; an empty list when it is valid.

        Unlike :meth:`is_valid`, this also looks through every text for a lone surrogate
        (see :func:`lone_surrogate`)."""
        if self.is_valid(document):
            pointer = lone_surrogate(document)
            return [] if pointer is None else [Problem(pointer, LONE_SURROGATE)]
        found: dict[Problem, None] = {}
        try:
            if not self._compiled.is_valid(document):
                for error in self._compiled.iter_errors(document):
                    found[_explain_compiled(error)] = None
        except UnicodeError:  # a text the schema looks at holds a lone surrogate
            return [Problem(lone_surrogate(document) or "", LONE_SURROGATE)]
        except (ValueError, TypeError) as error:
            return [Problem("", f"not plain JSON data: {_not_plain(error)}")]
        for pointer, message in self._window_findings(document):
            found[Problem(pointer, message)] = None
        for pointer, message in check_findings(self._plan, document):
            found[Problem(pointer, message)] = None
        return list(found)

    def _window_findings(self, document: Any) -> Iterator[tuple[str, str]]:
        if self._window is not None:
            for pointer, _, value in self._window.failures(document):
                yield pointer, self.window.problem(value)


LONE_SURROGATE = "a text holds a character that is not valid Unicode (a lone surrogate)"
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


def has_surrogate_escape(text: str) -> bool:
    """Whether the JSON or YAML ``text`` has an escape of a surrogate (``\\ud800``,
    ``\\U0000DC00``): data read from a text without one holds no lone surrogate."""
    return "\\" in text and _SURROGATE_ESCAPE.search(text) is not None


def lone_surrogate(value: Any) -> str | None:
    """The JSON pointer of the first text in ``value`` (a key or a value) that holds a lone
    surrogate, U+D800 to U+DFFF: half of a UTF-16 pair, which no UTF-8 text, and so no
    store, can hold. JSON writes one as an escape (``"\\ud800"``); a pair of escapes is
    read as the one character it stands for. None when there is none."""
    path = _surrogate_path(value)
    if path is None:
        return None
    parts = (_SURROGATE.sub(lambda found: ascii(found.group())[1:-1], str(p)) for p in path)
    return "".join(f"/{part.replace('~', '~0').replace('/', '~1')}" for part in parts)


def _surrogate_path(value: Any) -> tuple | None:
    if isinstance(value, str):
        return () if not value.isascii() and _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _surrogate_path(key) is not None:
                return (key,)
            if (found := _surrogate_path(item)) is not None:
                return (key, *found)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if (found := _surrogate_path(item)) is not None:
                return (index, *found)
    return None


def _not_plain(error: Exception) -> str:
    if "key must be str" in str(error):
        return "a mapping has a key that is not a text (YAML reads 1: or true: as non-text)"
    return str(error)


@functools.cache
def validator_for(kind: RecordKind, window: DateWindow = DEFAULT_WINDOW) -> RecordValidator:
    """The (cached) validator of ``kind``, with the years of ``window`` (1949 to 2100 unless
    a configuration widens them: :attr:`govservice.config.Config.date_window`)."""
    return RecordValidator(kind, window)


def _pointer(parts: Iterable[str | int]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _explain_compiled(error: jsonschema_rs.ValidationError) -> Problem:
    pointer = _pointer(error.instance_path)
    keyword = str(error.schema_path[-1]) if error.schema_path else ""
    location = error.absolute_keyword_location
    value = _keyword_value(location) if location else None
    instance = error.instance
    if "propertyNames" in error.schema_path[:-1] and (named := _NAMED.match(error.message)):
        # the error is the object's; the name that fails is in the message
        instance, value = named.group("name"), named.group("pattern")
    return Problem(pointer, describe(keyword, value, instance, pointer, error.message))


_NAMED = re.compile(r'^"(?P<name>[^"\\]*)" does not match "(?P<pattern>[^"\\]*)"$')


def _keyword_value(location: str) -> Any:
    """The value in the bundled schemas at ``location`` (``$id#/json/pointer``)."""
    uri, _, pointer = location.partition("#")
    node: Any = schemas.schema_for(uri)
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


_UNEXPECTED = re.compile(r"""["']([^"']+)["'](?=[^()]*was unexpected|[^()]*were unexpected)""")
_REQUIRED = re.compile(r"""^["'](.+)["'] is a required property$""")

_PATTERN_WORDS = {
    "regionCode": "is not a 6-digit GB/T 2260 administrative region code (e.g. 370523)",
    "creditCode": "is not of the form of a unified social credit code (18 characters, GB 32100-2015)",
    "identityNumber": "is not of the form of a resident identity number (17 digits and a digit or X)",
    "organisationCode": "is not of the form of an organisation code (8 digits or capital letters and a check digit or X, GB 11714, written without the hyphen)",
}


_IDENTIFIER = "^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$"
_LITERAL_PATTERN_WORDS = {
    # the patterns written out in the schemas, not named in defs.schema.json
    _IDENTIFIER: "is not an identifier: 1 to 64 letters, digits, '.', '_' or '-', "
    "beginning with a letter or digit",
    "^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}$": "is not a tracking code: 12 capital letters "
    "and digits, without 0, 1, I or O",
    "^[0-9A-Za-z][0-9A-Za-z-]{3,63}$": "is not an item code: 4 to 64 letters, digits or '-', "
    "beginning with a letter or digit",
    "^[a-z][a-z0-9_]{0,63}$": "is not an attribute name: up to 64 lower-case letters, digits "
    "or '_', beginning with a letter",
    "^[A-Za-z_][A-Za-z0-9_]*$": "is not the name of an environment variable",
    "^[a-z0-9][a-z0-9._-]*$": "is not a plugin name: lower-case letters, digits, '.', '_' or '-'",
    "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$": "is not the dotted name of a "
    "Python module",
    "^https?://[^\\s]*\\{code\\}[^\\s]*$": "is not an http(s) link holding {code}",
    # issue 13 (S3): the hours of a training session (training-session.schema.json)
    "^(24|(1[0-9]|2[0-3]|[1-9])(\\.[0-9]{1,2})?|0\\.(0[1-9]|[1-9][0-9]?))$": "is not a "
    "number of hours such as '3.5': more than 0, at most 24, at most 2 decimals",
    # issue 14 (H1): digests on a selection record (selection.schema.json)
    "^[0-9a-f]{64}$": "is not a SHA-256 digest: 64 lower-case hexadecimal digits",
    # issue 15 (B3): the signature of an exchange file (blacklist-exchange.schema.json)
    "^[a-z0-9][a-z0-9-]{0,31}$": "is not the name of a signature scheme: up to 32 lower-case "
    "letters, digits or '-', beginning with a letter or digit",
    "^[A-Za-z0-9+/]+={0,2}$": "is not base64 (RFC 4648: letters, digits, '+', '/', then up "
    "to two '=')",
}
_EMPTY = "must not be empty"


@functools.cache
def _patterns() -> dict[str, str]:
    defs = schemas.schema_for(schemas.SCHEMA_BASE + schemas.DEFS_FILE)["$defs"]
    return (
        {defs[name]["pattern"]: words for name, words in _PATTERN_WORDS.items()}
        | {defs["yuan"]["pattern"]: "yuan", defs["text"]["pattern"]: "text"}
        | {defs["note"]["pattern"]: "text"}
        | {defs["line"]["pattern"]: "line", defs["paragraph"]["pattern"]: "paragraph"}
        | _LITERAL_PATTERN_WORDS
    )


_ORGANISATION = ["uscc", "org_code"]
"""The identifier kinds of an enterprise, as the party schema lists them."""


def describe(keyword: str, value: Any, instance: Any, pointer: str, raw: str) -> str:
    """The message of one error, in words a clerk can act on.

    :param keyword: the schema keyword that failed (``pattern``, ``format``, ``enum`` ...).
    :param value: the keyword's value in the schema.
    :param instance: the value found in the document.
    :param pointer: where, as a JSON pointer.
    :param raw: the validator's own message, used when there is nothing better to say.
    """
    if keyword == "format":
        if value == "cn-uscc":
            return uscc_problem(instance) or raw
        if value == "cn-ric":
            return ric_problem(instance) or raw
        if value == "cn-org-code":
            return organisation_code_problem(instance) or raw
        if value == "date":
            return f"{instance!r} is not a real date written as YYYY-MM-DD"
        if value == "date-time":
            return f"{instance!r} is not a time written in ISO 8601 with its offset (+08:00)"
    if keyword == "pattern" and isinstance(value, str):
        words = _patterns().get(value)
        if words == "yuan":
            if isinstance(instance, str) and instance.lstrip().startswith("-"):
                return (
                    f"amount {instance!r} is negative: a fee or an amount of yuan is never below 0"
                )
            return f"{instance!r} is not an amount of yuan such as '120.00' (at most 2 decimals)"
        if words == _PATTERN_WORDS["identityNumber"] and isinstance(instance, str):
            return f"{_masked(instance)!r} {words}"
        if words in ("line", "paragraph") and isinstance(instance, str):
            return _unsafe_text(instance, multiline=words == "paragraph")
        if words == "text":  # one visible character at least
            return _EMPTY if instance == "" else f"{instance!r} has only white space"
        if words:
            return f"{instance!r} {words}"
    if keyword == "maximum" and _whole(instance) and _whole(value):
        return _too_large(value, instance)
    if keyword == "minLength" and value == 1 and instance == "":
        return _EMPTY  # (the same words as the pattern of a text: one message, not two)
    if keyword == "minItems" and isinstance(instance, list):
        return _EMPTY if value == 1 else f"lists {len(instance)}; at least {value} are needed"
    if keyword == "not" and pointer.endswith("/identifier/kind"):
        return (
            "a person is identified by a personal document, not a unified social credit "
            "code or an organisation code"
        )
    if keyword == "enum" and pointer.endswith("/identifier/kind") and value == _ORGANISATION:
        return (
            "an enterprise is identified by its unified social credit code (kind "
            f"'uscc') or its organisation code (kind 'org_code'), not {instance!r}"
        )
    if keyword == "additionalProperties" and (extra := _UNEXPECTED.findall(raw)):
        return f"unknown field(s): {', '.join(extra)}"
    if keyword == "required" and (missing := _REQUIRED.match(raw)):
        return f"required field {missing.group(1)!r} is missing"
    if keyword == "enum" and isinstance(value, list):
        return f"{instance!r} is not one of: {', '.join(map(str, value))}"
    if keyword == "const" and not isinstance(instance, (dict, list)):
        return f"{instance!r} is not allowed here: expected {value!r}"
    return raw


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _too_large(bound: int, instance: int) -> str:
    """A whole number above the schema's ``maximum``, in words; a huge one by its size,
    not its digits (there may be thousands). (Below the ``minimum``, the validator's own
    words say it: ``0 is less than the minimum of 1``.)"""
    shown = (
        str(instance)
        if instance < 10**30
        else f"a number of about {int(instance.bit_length() * 0.30103) + 1} digits"
    )
    return f"{shown} is too large: at most {bound:,} is allowed here"


def _unsafe_text(text: str, *, multiline: bool) -> str:
    """Why ``text`` fails the ``line`` or ``paragraph`` pattern, in words."""
    found = unsafe_character(text, multiline=multiline)
    shown = repr(text if len(text) <= 60 else text[:57] + "...")
    if found is None:  # (not reached: the pattern and the class are the same)
        return f"{shown} holds a character a text here may not hold"
    position, character = found
    if multiline:
        rule = (
            "free text may hold tabs and line breaks, but no other control character and "
            "no bidirectional control"
        )
    else:
        rule = (
            "a name, an actor or a code is one line with no control character, no "
            "bidirectional control and no invisible character"
        )
    return f"{shown}: character {position + 1} is {character}; {rule} (they can forge or hide what a screen shows)"


def _masked(value: str) -> str:
    """Hide the middle of what may be an identity number, however malformed (even one
    that :func:`mask_identity_numbers` would not recognise)."""
    return value[:10] + "****" + value[14:] if len(value) > 14 else value[:6] + "****"


# --- the reference engine (pure-Python jsonschema) ---------------------------------------


def _check_keyword(validator: Any, name: str, instance: Any, schema: dict) -> Iterable:
    for relative, message in checks.run(name, instance):
        parts = [_unescape(part) for part in relative.split("/")[1:]]
        yield jsonschema.ValidationError(message, path=parts)


def _unescape(part: str) -> str | int:
    part = part.replace("~1", "/").replace("~0", "~")
    return int(part) if part.isdigit() else part


def _pattern_keyword(validator: Any, pattern: str, instance: Any, schema: dict) -> Iterable:
    """``pattern`` as ECMA-262 reads it: ``$`` is the very end, not before a last newline."""
    if isinstance(instance, str) and not _ecma(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _ecma(pattern: str) -> re.Pattern:
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


@functools.cache
def _reference(kind: RecordKind) -> jsonschema.Validator:
    checker = jsonschema.FormatChecker(formats=())
    for name, function in ALL_FORMATS.items():
        checker.checks(name)(function)
    cls = jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        {checks.KEYWORD: _check_keyword, "pattern": _pattern_keyword},
    )
    return cls(
        schemas.schema_for(kind.schema_id),
        registry=schemas.registry(),
        format_checker=checker,
    )


def reference_problems(
    kind: RecordKind, document: Any, window: DateWindow = DEFAULT_WINDOW
) -> list[Problem]:
    """Every problem of ``document`` as the pure-Python ``jsonschema`` engine sees it,
    dates and times outside ``window`` included."""
    found: dict[Problem, None] = {}
    plan = window_plan(kind.schema_id, window)
    for pointer, _, value in plan.failures(document) if plan is not None else ():
        found[Problem(pointer, window.problem(value))] = None
    for error in _reference(kind).iter_errors(document):
        pointer = _pointer(error.absolute_path)
        message = error.message
        if error.validator != checks.KEYWORD:
            message = describe(
                str(error.validator), error.validator_value, error.instance, pointer, message
            )
        found[Problem(pointer, message)] = None
    if not found and (pointer := lone_surrogate(document)) is not None:
        found[Problem(pointer, LONE_SURROGATE)] = None  # as RecordValidator.problems says
    return list(found)
