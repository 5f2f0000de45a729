"""Sphinx extension: the references of govservice's docs, rendered from the code itself.

Nothing here is copied into the pages, so nothing can drift from the code:

- ``{case-states}`` and ``{lifecycle-table}``: the states of a case and the state table of
  :mod:`govservice.workflow.transitions` (every row: state, action, next state, roles,
  condition), and ``{other-actions}``, the actions that keep the state;
- ``{schemas}``: every JSON Schema of the repository's ``schemas/`` folder, each as a
  section with its title, description and a table of its properties (type, required,
  description; nested objects and arrays of objects flattened as ``a[].b``), and its
  ``$defs``;
- ``{cli-reference}``: every command of the real argument parser
  (:func:`govservice.cli.build_parser`), with its usage, description, arguments and help;
- for autodoc: a hook of :mod:`govservice.hookspecs` is headed by its kind (firstresult
  or collect-all, region-scoped or not), and an attrs class gets a table of its fields
  (type, default, the field's docstring) in place of one entry per field.
"""

from __future__ import annotations

import argparse
import enum
import functools
import inspect
import json
import os
from pathlib import Path
from typing import Any

import attrs
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"


# --- docutils helpers ----------------------------------------------------------------------


def _cell(content: Any) -> nodes.entry:
    entry = nodes.entry()
    if isinstance(content, nodes.Node):
        entry += (
            content if isinstance(content, nodes.paragraph) else nodes.paragraph("", "", content)
        )
    else:
        entry += nodes.paragraph(text=str(content))
    return entry


def table(
    headers: list[str], rows: list[list[Any]], widths: list[int] | None = None
) -> nodes.table:
    """A docutils table; a cell is text or an inline node (``nodes.literal`` ...)."""
    widths = widths or [1] * len(headers)
    group = nodes.tgroup(cols=len(headers))
    for width in widths:
        group += nodes.colspec(colwidth=width * 10)
    head = nodes.thead()
    row = nodes.row()
    for header in headers:
        row += _cell(header)
    head += row
    group += head
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for content in cells:
            row += _cell(content)
        body += row
    group += body
    result = nodes.table()
    result += group
    return result


def usage(text: str) -> nodes.literal_block:
    """A usage line or an epilog, shown as it is (not highlighted as code)."""
    block = nodes.literal_block(text=text)
    block["language"] = "text"
    return block


def code(text: str) -> nodes.literal:
    return nodes.literal(text=text)


def section(directive: SphinxDirective, title: str, ident: str) -> nodes.section:
    """A section with a title and an id, registered so that a toctree and links see it."""
    result = nodes.section(ids=[nodes.make_id(ident)], names=[nodes.fully_normalize_name(ident)])
    result += nodes.title(text=title)
    directive.state.document.note_implicit_target(result, result)
    return result


# --- the case lifecycle --------------------------------------------------------------------


def _state(state: Any) -> str:
    return f"{state.value} {state.label}" if state is not None else "(new application)"


class CaseStates(SphinxDirective):
    """The states of a case, with their Chinese names and whether they are closed."""

    def run(self) -> list[nodes.Node]:
        from govservice.model import CaseState

        rows = [[code(s.value), s.label, "closed" if s.is_closed else "open"] for s in CaseState]
        return [table(["state", "中文", "open or closed"], rows, [2, 2, 1])]


class LifecycleTable(SphinxDirective):
    """Every row of :data:`govservice.workflow.transitions.TRANSITIONS`."""

    def run(self) -> list[nodes.Node]:
        from govservice.workflow.transitions import TRANSITIONS

        rows = []
        for row in TRANSITIONS:
            targets = row.next if isinstance(row.next, tuple) else (row.next,)
            rows.append(
                [
                    _state(row.state),
                    f"{row.action.value} {row.label}",
                    " / ".join(_state(target) for target in targets),
                    ", ".join(sorted(role.value for role in row.roles)),
                    row.condition or "",
                ]
            )
        headers = ["state", "action", "next state", "who may do it", "condition"]
        return [table(headers, rows, [2, 2, 2, 2, 3])]


class OtherActions(SphinxDirective):
    """The actions of :data:`govservice.workflow.transitions.OTHER_ACTIONS`."""

    def run(self) -> list[nodes.Node]:
        from govservice.workflow.transitions import OTHER_ACTIONS

        rows = [
            [f"{action} {label}", ", ".join(sorted(role.value for role in roles))]
            for action, (roles, label) in OTHER_ACTIONS.items()
        ]
        return [table(["action", "who may do it"], rows, [1, 1])]


# --- the schemas ---------------------------------------------------------------------------


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _resolve(ref: str, current: str) -> tuple[str, str, dict[str, Any]]:
    """``(file, definition, schema)`` of a ``$ref`` within the bundled schemas."""
    file, _, pointer = ref.partition("#")
    file = file or current
    target: Any = _schema(file)
    for part in (p for p in pointer.split("/") if p):
        target = target[part]
    return file, pointer.rsplit("/", 1)[-1], target


def type_of(schema: dict[str, Any], current: str) -> str:
    """A short description of what a schema accepts: ``string``, ``array of text`` ..."""
    if "$ref" in schema:
        file, name, _ = _resolve(schema["$ref"], current)
        where = "" if file == current else f"{file.removesuffix('.schema.json')}:"
        return f"{where}{name}" if name else file.removesuffix(".schema.json")
    if "const" in schema:
        return f"const {json.dumps(schema['const'], ensure_ascii=False)}"
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"])
    if "oneOf" in schema or "anyOf" in schema:
        choices = schema.get("oneOf") or schema.get("anyOf")
        return " or ".join(type_of(choice, current) for choice in choices)
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array" and isinstance(schema.get("items"), dict):
        return f"array of {type_of(schema['items'], current)}"
    if kind == "string" and "format" in schema:
        return f"string ({schema['format']})"
    return kind


def _description(schema: dict[str, Any], current: str) -> str:
    if "description" in schema:
        return schema["description"]
    if "$ref" in schema:
        file, _, target = _resolve(schema["$ref"], current)
        return _description(target, file)
    if isinstance(schema.get("items"), dict):
        return _description(schema["items"], current)
    return ""


def property_rows(schema: dict[str, Any], current: str, prefix: str = "") -> list[list[Any]]:
    """One row per property, nested objects (and arrays of objects) flattened."""
    rows: list[list[Any]] = []
    required = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        if not isinstance(sub, dict):
            continue
        path = f"{prefix}{name}"
        rows.append(
            [
                code(path),
                code(type_of(sub, current)),
                "yes" if name in required else "",
                _description(sub, current),
            ]
        )
        inner = sub.get("items") if sub.get("type") == "array" else sub
        if isinstance(inner, dict) and "properties" in inner:
            marker = "[]." if inner is not sub else "."
            rows.extend(property_rows(inner, current, f"{path}{marker}"))
    return rows


class Schemas(SphinxDirective):
    """Every ``schemas/*.schema.json``: one section each, in the order of their names."""

    def run(self) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for path in sorted(SCHEMAS.glob("*.schema.json")):
            self.env.note_dependency(str(path))
            result.append(self.render(path.name))
        return result

    def render(self, name: str) -> nodes.section:
        schema = _schema(name)
        block = section(self, f"{schema.get('title', name)} ({name})", f"schema-{name}")
        block += nodes.paragraph("", "", nodes.Text("$id: "), code(schema.get("$id", "")))
        if "description" in schema:
            block += nodes.paragraph(text=schema["description"])
        headers = ["property", "type", "required", "description"]
        rows = property_rows(schema, name)
        if rows:
            block += table(headers, rows, [2, 2, 1, 5])
        if schema.get("additionalProperties") is False:
            block += nodes.paragraph(text="No other property is allowed.")
        definitions = schema.get("$defs", {})
        if definitions:
            block += nodes.rubric(text=f"Definitions of {name} ($defs)")
            rows = [
                [code(key), code(type_of(sub, name)), _description(sub, name)]
                for key, sub in definitions.items()
            ]
            block += table(["definition", "type", "description"], rows, [2, 2, 6])
            for key, sub in definitions.items():
                nested = property_rows(sub, name, f"{key}.")
                if nested:
                    block += nodes.rubric(text=f"{key}: properties")
                    block += table(headers, nested, [2, 2, 1, 5])
        return block


# --- the command line ----------------------------------------------------------------------


def _subcommands(
    parser: argparse.ArgumentParser,
) -> list[tuple[str, argparse.ArgumentParser, str]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found.append((name, sub, helps.get(name) or ""))
    return found


def _argument_rows(parser: argparse.ArgumentParser) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            metavar = ""
            if action.nargs != 0:
                metavar = " " + (action.metavar or action.dest.upper())
            shown = ", ".join(f"{option}{metavar}" for option in action.option_strings)
        else:
            shown = action.metavar or action.dest
        help_text = (action.help or "").replace("%(default)s", str(action.default))
        help_text = help_text.replace("%%", "%")
        if action.choices and not isinstance(action.choices, dict):
            help_text += f" (one of: {', '.join(map(str, action.choices))})"
        shows_default = action.default not in (None, False, argparse.SUPPRESS, [])
        if shows_default and action.nargs != 0 and "default" not in help_text:
            help_text += f" (default: {action.default})"
        rows.append([code(shown), help_text])
    return rows


class CliReference(SphinxDirective):
    """Every command of ``govservice``, walked from the parser the program uses."""

    def run(self) -> list[nodes.Node]:
        from govservice.cli import build_parser

        columns = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = "90"  # usage lines wrapped the same on every machine
        try:
            return self.render(build_parser())
        finally:
            if columns is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = columns

    def render(self, parser: argparse.ArgumentParser) -> list[nodes.Node]:
        top = nodes.container()
        top += usage(parser.format_usage().strip())
        if parser.description:
            top += nodes.paragraph(text=parser.description)
        rows = _argument_rows(parser)
        if rows:
            top += nodes.rubric(text="Options of every command (before the command)")
            top += table(["argument", "help"], rows, [3, 7])
        result: list[nodes.Node] = [top]
        for name, sub, help_text in _subcommands(parser):
            result.append(self.command(f"govservice {name}", sub, help_text))
        return result

    def command(
        self, title: str, parser: argparse.ArgumentParser, help_text: str
    ) -> nodes.section:
        block = section(self, title, "cli-" + title.replace(" ", "-"))
        if help_text:
            block += nodes.paragraph(text=help_text[:1].upper() + help_text[1:] + ".")
        block += usage(parser.format_usage().strip().removeprefix("usage: "))
        if parser.description and parser.description != help_text:
            block += nodes.paragraph(text=parser.description)
        rows = _argument_rows(parser)
        if rows:
            block += table(["argument", "help"], rows, [3, 7])
        if parser.epilog:
            block += usage(parser.epilog)
        for name, sub, sub_help in _subcommands(parser):
            block += self.command(f"{title} {name}", sub, sub_help)
        return block


# --- autodoc: hooks and attrs classes ------------------------------------------------------


def hook_kind(function: Any) -> str:
    """``firstresult, region-scoped`` and the like, from the spec and its docstring."""
    spec = getattr(function, "govservice_spec", {}) or {}
    kind = "firstresult" if spec.get("firstresult") else "collect-all"
    scoped = "Region-scoped" in (inspect.getdoc(function) or "")
    return f"{kind}, {'region-scoped' if scoped else 'not region-scoped'}"


def _annotation(cls: type, field: attrs.Attribute) -> str:
    annotation = field.type
    if annotation is None:
        return ""
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _default(field: attrs.Attribute) -> str:
    if field.default is attrs.NOTHING:
        return "(required)"
    if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
        factory = field.default.factory
        return {dict: "{}", list: "[]", tuple: "()"}.get(factory, f"{factory.__name__}()")
    value = field.default
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


def field_lines(cls: type) -> list[str]:
    """An rst list-table of the fields of an attrs class, with each field's docstring."""
    docs: dict[tuple[str, str], list[str]] = {}
    try:
        docs = ModuleAnalyzer.for_module(cls.__module__).find_attr_docs()
    except Exception:  # a class without source: no field docstrings
        docs = {}
    lines = ["", ".. list-table:: Fields", "   :header-rows: 1", "   :widths: 2 3 2 5", ""]
    lines += ["   * - field", "     - type", "     - default", "     - description"]
    for field in attrs.fields(cls):
        text = " ".join(line.strip() for line in docs.get((cls.__qualname__, field.name), []))
        lines += [
            f"   * - ``{field.name}``",
            f"     - ``{_annotation(cls, field)}``",
            f"     - ``{_default(field)}``",
            f"     - {text}" if text else "     -",
        ]
    return [*lines, ""]


def _process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if what == "function" and name.startswith("govservice.hookspecs.govservice_"):
        lines[:0] = [f"*{hook_kind(obj)}*", ""]
    elif what == "class" and attrs.has(obj):
        lines.extend(field_lines(obj))


_documenting: list[type] = []
"""The class autodoc is documenting (kept here, not in the pickled environment)."""


def _note_class(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, signature: Any, annotation: Any
) -> None:
    """Remember the class being documented: its members are asked about next."""
    if what == "class":
        _documenting[:] = [obj]


def _skip_member(
    app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Fields of an attrs class are in its table; not listed again one by one."""
    owner = _documenting[0] if _documenting else None
    if what == "class" and owner is not None and attrs.has(owner):  # noqa: SIM102
        if name in attrs.fields_dict(owner):
            return True
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("case-states", CaseStates)
    app.add_directive("lifecycle-table", LifecycleTable)
    app.add_directive("other-actions", OtherActions)
    app.add_directive("schemas", Schemas)
    app.add_directive("cli-reference", CliReference)
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("autodoc-process-signature", _note_class)
    app.connect("autodoc-skip-member", _skip_member)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
