"""Evaluations of stations in the memory store (issue 13, S1): a list, in the order added."""

from __future__ import annotations

import copy

from govservice.codec import from_document, to_document
from govservice.errors import DuplicateRecordError, RecordNotFoundError
from govservice.model import StationEvaluation
from govservice.store.recorded import EVALUATION, append_recorded


class MemoryStations:
    """The station evaluations of :class:`~govservice.store.base.Store` in memory:
    ``_evaluations``, a list of ``(id, station code, document)`` that a write replaces
    (never changes in place), so the store's transaction keeps and restores it whole."""

    _evaluations: list[tuple[str, str, dict]]

    def _station_evaluations(self) -> list[tuple[str, str, dict]]:
        return self._evaluations

    def add_station_evaluation(self, evaluation: StationEvaluation) -> None:
        if evaluation.id is None:
            raise ValueError("a stored evaluation has an id")
        found = self._station_evaluations()
        with self.transaction():  # type: ignore[attr-defined]
            if self.get("station", evaluation.station_code) is None:  # type: ignore[attr-defined]
                raise RecordNotFoundError(f"station {evaluation.station_code} is not stored")
            if any(key == evaluation.id for key, _, _ in found):
                raise DuplicateRecordError(f"station evaluation {evaluation.id} is already stored")
            document = to_document(evaluation)
            append_recorded(self, EVALUATION, [document])
            self._evaluations = [*found, (evaluation.id, evaluation.station_code, document)]

    def station_evaluations(self, station_code: str | None = None) -> list[StationEvaluation]:
        return [
            from_document(StationEvaluation, copy.deepcopy(document), check=False)
            for _, code, document in self._station_evaluations()
            if station_code is None or code == station_code
        ]
