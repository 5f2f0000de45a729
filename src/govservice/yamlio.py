"""YAML through the safe loader only, with dates kept as text and lines remembered."""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_EXPANDED_NODES = 1_000_000
"""How many values a YAML document may hold once its aliases are expanded."""


class DuplicateYAMLKey(yaml.MarkedYAMLError):
    """A mapping gives one key twice (YAML's loaders keep the last without a word)."""

    def __init__(self, key: Any, first: yaml.Node, second: yaml.Node) -> None:
        self.line = second.start_mark.line + 1
        first_line = first.start_mark.line + 1
        where = (
            f"on line {self.line}, at columns {first.start_mark.column + 1} and "
            f"{second.start_mark.column + 1}"
            if first_line == self.line
            else f"on lines {first_line} and {self.line}"
        )
        shown = key if isinstance(key, str) else repr(key)
        super().__init__(
            problem=f"the key {shown!r} is given twice in one mapping, {where} (one value "
            "would be lost silently): give it once",
            problem_mark=second.start_mark,
        )


_MERGE = "tag:yaml.org,2002:merge"


class SafeTextDatesLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, but dates and times stay text, as they are in JSON, and a key
    given twice in one mapping is an error (:class:`DuplicateYAMLKey`).

    A key a merge (``<<: *defaults``) brings in may be given again: that is what a
    merge is for."""

    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_document(self, node: yaml.Node) -> Any:
        self._checked_mappings: set[int] = set()  # (ids of this document's live nodes)
        try:
            return super().construct_document(node)
        finally:
            self._checked_mappings = set()

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # Called on each mapping before it is built, and on the mappings merged into it,
        # before their pairs are joined: the node's own keys are all there is to compare.
        checked = self.__dict__.setdefault("_checked_mappings", set())
        if id(node) not in checked:
            checked.add(id(node))
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                    continue  # (a key that is a list or mapping is refused when built)
                key = self.construct_object(key_node)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:
                    continue
                if first is not key_node:
                    raise DuplicateYAMLKey(key, first, key_node)
        super().flatten_mapping(node)


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
