"""Cells of the CSV files the centre hands out, safe to open in a spreadsheet.

A name that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read by
Excel or WPS as a formula (CSV injection): :func:`cell` quotes it with a leading ``'``, so
the finance office sees the text the record holds and nothing runs.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
