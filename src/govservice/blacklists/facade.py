"""``service.blacklists``: one attribute per part of the blacklists, each on the service's
store and clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from govservice.blacklists.board import ExposureBoard
from govservice.blacklists.entries import Entries
from govservice.blacklists.exchange import Exchange
from govservice.blacklists.screening import Screening
from govservice.blacklists.sources import Sources


class Blacklists:
    """The blacklists of ``service``."""

    def __init__(self, service: Any) -> None:
        self.service = service
        self.entries = Entries(service)
        """Entries and their life (:class:`~govservice.blacklists.entries.Entries`)."""
        self.sources = Sources(service)
        """The sources and their loads (:class:`~govservice.blacklists.sources.Sources`)."""
        self.exchange = Exchange(service)
        """Signed exchange files (:class:`~govservice.blacklists.exchange.Exchange`)."""
        self.screening = Screening(service)
        """Screening (:class:`~govservice.blacklists.screening.Screening`)."""
        self.board = ExposureBoard(service)
        """The exposure board (:class:`~govservice.blacklists.board.ExposureBoard`)."""

    def screen(self, credit_codes: Sequence[str], day: dt.date) -> dict[str, str]:
        """Why each of ``credit_codes`` is barred on ``day`` (listed by any source), in
        Chinese, naming the entry and its source: the seam the intermediary supermarket's
        selections call (:meth:`~govservice.intermediaries.selection.Selections.screen`);
        see :meth:`~govservice.blacklists.screening.Screening.bar_agencies`."""
        return self.screening.bar_agencies(credit_codes, day)
