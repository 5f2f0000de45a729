"""``service.blacklists``: one attribute per part of the blacklists, each on the service's
store and clock."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from typing import Any

_PARTS = {
    # attribute: (module, class)
    "entries": ("entries", "Entries"),
    "sources": ("sources", "Sources"),
    "exchange": ("exchange", "Exchange"),
    "screening": ("screening", "Screening"),
    "board": ("board", "ExposureBoard"),
}


class Blacklists:
    """The blacklists of ``service``."""

    entries: Any
    """Entries and their life (:class:`~govservice.blacklists.entries.Entries`)."""
    sources: Any
    """The sources and their loads (:class:`~govservice.blacklists.sources.Sources`)."""
    exchange: Any
    """Signed exchange files (:class:`~govservice.blacklists.exchange.Exchange`)."""
    screening: Any
    """Screening (:class:`~govservice.blacklists.screening.Screening`)."""
    board: Any
    """The exposure board (:class:`~govservice.blacklists.board.ExposureBoard`)."""

    def __init__(self, service: Any) -> None:
        self.service = service
        for attribute, (module, name) in _PARTS.items():
            try:  # XXX(issue 15, while the parts are built): every part is required
                part = importlib.import_module(f"govservice.blacklists.{module}")
            except ModuleNotFoundError:
                setattr(self, attribute, None)
            else:
                setattr(self, attribute, getattr(part, name)(service))

    def screen(self, credit_codes: Sequence[str], day: dt.date) -> dict[str, str]:
        """Why each of ``credit_codes`` is barred on ``day`` (listed by any source), in
        Chinese, naming the entry and its source: the seam the intermediary supermarket's
        selections call (:meth:`~govservice.intermediaries.selection.Selections.screen`);
        see :meth:`~govservice.blacklists.screening.Screening.bar_agencies`."""
        return self.screening.bar_agencies(credit_codes, day)
