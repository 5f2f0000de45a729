"""Evaluations of stations in a SQL store (issue 13, S1): the table of migration 6,
written once for SQLite and PostgreSQL (over :class:`~govservice.store.sql.SqlQueries`'
``_rows``, ``_execute``, ``mark``, ``_date`` and ``_text``).

An evaluation is a row of ``station_evaluations``: its id, station, standard, day and
JSON document; rows are never changed (history), ``seq`` keeps the order of adding; each
is a link of the trail (:mod:`govservice.store.recorded`).
"""

from __future__ import annotations

import json

from govservice.codec import from_document, to_document
from govservice.errors import DuplicateRecordError, RecordNotFoundError
from govservice.model import StationEvaluation
from govservice.store.recorded import EVALUATION, append_recorded


class SqlStations:
    """The station evaluations of :class:`~govservice.store.base.Store` for SQL backends."""

    def add_station_evaluation(self, evaluation: StationEvaluation) -> None:
        if evaluation.id is None:
            raise ValueError("a stored evaluation has an id")
        m = self.mark  # type: ignore[attr-defined]
        document = to_document(evaluation)
        with self.transaction():  # type: ignore[attr-defined]
            if not self._rows(  # type: ignore[attr-defined]
                f"SELECT 1 FROM stations WHERE code = {m}", (evaluation.station_code,)
            ):
                raise RecordNotFoundError(f"station {evaluation.station_code} is not stored")
            if self._rows(  # type: ignore[attr-defined]
                f"SELECT 1 FROM station_evaluations WHERE id = {m}", (evaluation.id,)
            ):
                raise DuplicateRecordError(f"station evaluation {evaluation.id} is already stored")
            append_recorded(self, EVALUATION, [document])
            self._execute(  # type: ignore[attr-defined]
                "INSERT INTO station_evaluations (id, station_code, standard, on_date, doc) "
                f"VALUES ({m}, {m}, {m}, {m}, {m})",
                (
                    evaluation.id,
                    evaluation.station_code,
                    evaluation.standard,
                    self._date(evaluation.on),  # type: ignore[attr-defined]
                    json.dumps(document, ensure_ascii=False, sort_keys=True),
                ),
            )

    def station_evaluations(self, station_code: str | None = None) -> list[StationEvaluation]:
        m = self.mark  # type: ignore[attr-defined]
        where, parameters = (
            ("", ())
            if station_code is None
            else (
                f"WHERE station_code = {m}",
                (station_code,),
            )
        )
        rows = self._rows(  # type: ignore[attr-defined]
            f"SELECT doc FROM station_evaluations {where} ORDER BY seq", parameters
        )
        return [
            from_document(
                StationEvaluation,
                json.loads(self._text(doc)),  # type: ignore[attr-defined]
                check=False,
            )
            for (doc,) in rows
        ]
