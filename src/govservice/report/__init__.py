"""The year report (年度报告) of a centre: what a director reads of a year.

- :func:`year_figures`: the figures of a year, counted from the store by the library's own
  queries (:mod:`~govservice.report.count`), as a frozen :class:`YearFigures`.
- :func:`print_report`: the report on a terminal, in Chinese (:mod:`~.terminal`).
- :func:`write_report`: ``report.json`` (:meth:`YearFigures.as_dict`, keys in
  ``docs/report.md``) and ``report.html`` (:mod:`~.page`, charts in :mod:`~.charts`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from govservice.audit import AuditReport
from govservice.errors import FileAccessError
from govservice.report.count import year_figures
from govservice.report.figures import YearFigures
from govservice.report.terminal import print_report

__all__ = ["JSON_NAME", "PAGE_NAME", "YearFigures", "print_report", "write_report", "year_figures"]

JSON_NAME = "report.json"
PAGE_NAME = "report.html"


def write_report(
    service: Any,
    year: int,
    folder: str | Path,
    *,
    as_of: dt.date | None = None,
    audit: AuditReport | None = None,
    figures: YearFigures | None = None,
) -> YearFigures:
    """Count ``year`` (:func:`year_figures`, unless its ``figures`` are given) and write
    ``folder/report.json`` and ``folder/report.html`` (the folder is made if need be; files
    of these names are replaced, each written beside and renamed into place, so that no
    half-written file is left). Returns the figures.

    :raises FileAccessError: the folder or a file cannot be written (permission denied, a
        full disk, a folder where the file would go); the message names the path.
    """
    from govservice.report.page import html  # jinja2 and pygal, only when a page is made

    if figures is None:
        figures = year_figures(service, year, as_of=as_of, audit=audit)
    folder = Path(folder)
    document = json.dumps(figures.as_dict(), ensure_ascii=False, indent=2) + "\n"
    page = html(figures)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FileAccessError(
            f"cannot make the report's folder: {error.strerror or error}", where=str(folder)
        ) from None
    _write(folder / JSON_NAME, document)
    _write(folder / PAGE_NAME, page)
    return figures


def _write(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        try:
            with open(partial, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    except OSError as error:
        raise FileAccessError(
            f"cannot write the report: {error.strerror or error}", where=str(path)
        ) from None
