"""Numbered, forward-only schema migrations, one SQL file each, per backend dialect."""

from __future__ import annotations

import re
from importlib.resources import files

import attrs

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@attrs.frozen
class Migration:
    number: int
    name: str
    sql: str


def migrations(dialect: str, package: str = "govservice.store.migrations") -> list[Migration]:
    """The migrations of ``dialect`` (``sqlite``, ...), in order, numbered from 1 without gaps."""
    folder = files(package) / dialect
    found = sorted(
        (int(match.group(1)), entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if (match := _NAME.match(entry.name))
    )
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"{dialect} migrations are not numbered 1..n: {numbers}")
    return [Migration(number, name, sql) for number, name, sql in found]
