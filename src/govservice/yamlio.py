"""YAML through the safe loader only, with dates kept as text and lines remembered."""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_EXPANDED_NODES = 1_000_000
"""How many values a YAML document may hold once its aliases are expanded."""


class SafeTextDatesLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, but dates and times stay text, as they are in JSON."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


Path = tuple[str | int, ...]


class AliasBombError(yaml.YAMLError):
    """A document whose aliases (``*name``) expand to more values than any record has."""

    def __init__(self, node: yaml.Node) -> None:
        self.problem = f"its aliases (*name) expand to more than {MAX_EXPANDED_NODES:,} values"
        self.problem_mark = node.start_mark
        super().__init__(self.problem)


def check_expansion(node: yaml.Node) -> None:
    """Refuse a document that aliases blow up (a few lines can stand for billions of
    values); ordinary anchors and aliases pass.

    :raises AliasBombError: when the expanded document is too large.
    """
    sizes: dict[int, int] = {}

    def size(current: yaml.Node) -> int:
        known = sizes.get(id(current))
        if known is not None:
            return known
        sizes[id(current)] = 1  # a node that refers to itself counts once
        if isinstance(current, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            total = 1 + sum(size(key) + size(value) for key, value in current.value)
        else:
            total = 1
        total = min(total, MAX_EXPANDED_NODES + 1)
        sizes[id(current)] = total
        return total

    if size(node) > MAX_EXPANDED_NODES:
        raise AliasBombError(node)


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Load one YAML document; also map each node's path to the line (1-based) it is on.

    The line of a mapping key is where the key is written, so an error about a key (an
    unknown one, a wrong value) points at the right line.

    :raises yaml.YAMLError: when the text is not well-formed YAML.
    """
    loader = SafeTextDatesLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        check_expansion(node)
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    _walk(node, (), lines)
    return data, lines


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _walk(value, (*path, index), lines)


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)
