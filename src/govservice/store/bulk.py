"""How bulk import hands validated rows to a store.

An import is split between worker processes, which parse and validate the records of a
batch and make each one's columns (:func:`govservice.store.columns.import_row`), and the
importing process, which reads the lines and writes each batch. What crosses between
them is the store's choice: :meth:`~govservice.store.base.Store.import_packer` names a
function the workers run on a batch's rows (the columns, without the JSON text), and
:meth:`~govservice.store.base.Store.import_packed` takes what it returned together with
the batch's JSON texts, as the UTF-8 bytes read from the file.

:class:`PackedImport` is the usual choice: the rows travel packed with :mod:`marshal`
and are written with the store's ``import_rows``. A store whose bulk load takes another
form (PostgreSQL's ``COPY`` text) packs the rows in that form, so the importing process,
whose time is the import's, has the least left to do.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Sequence
from typing import Any

Packer = Callable[[list[tuple]], Any]
"""Packs a batch's rows; runs in worker processes, so it is a module-level function."""


def pack_rows(rows: list[tuple]) -> bytes | list[tuple]:
    """``rows`` packed with :mod:`marshal` (the importing process unpacks them in a third
    of what unpickling costs); rows of values marshal cannot hold stay as they are."""
    try:
        return marshal.dumps(rows)
    except ValueError:
        return rows


def unpack_rows(packed: bytes | list[tuple]) -> list[tuple]:
    """The rows :func:`pack_rows` packed."""
    return marshal.loads(packed) if isinstance(packed, bytes) else packed


class PackedImport:
    """``import_packer`` and ``import_packed`` over the store's own ``import_rows``."""

    def import_packer(self, kind: str) -> Packer:
        return pack_rows

    def import_packed(self, kind: str, packed: Any, texts: Sequence[bytes]) -> int:
        rows = unpack_rows(packed)
        return self.import_rows(
            kind, [(*row, text.decode()) for row, text in zip(rows, texts, strict=True)]
        )
