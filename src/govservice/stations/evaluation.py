"""Checking an evaluation (达标评估) against the standard it names, and photo evidence.

An evaluation is accepted when the standard applies to the station (its level, and the
regions of the plugin that registers it), every point it lists is in the standard's
checklist, and every point an inspector decides (one the record does not) is listed.
A point the record decides (an ISO 9001 certificate in force) may be listed as what the
inspector saw; the record still decides it on each day of the standing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema

from govservice import schemas
from govservice.codec import from_document, to_document
from govservice.errors import (
    EvaluationPointError,
    FileAccessError,
    InputNotFoundError,
    InvalidRecordError,
)
from govservice.model import Station, StationEvaluation
from govservice.standards import Standard
from govservice.stations.hierarchy import label

CHUNK = 1 << 20
"""Bytes read at a time when a photo is hashed."""


def check_evaluation(
    evaluation: StationEvaluation, station: Station, standards: Sequence[Standard]
) -> Standard:
    """The standard ``evaluation`` is of, once its points are checked.

    :param standards: the standards that apply to ``station``.
    :raises EvaluationPointError: naming the station, the standard and the point.
    """
    standard = next((s for s in standards if s.id == evaluation.standard), None)
    if standard is None:
        known = ", ".join(s.id for s in standards) or "none"
        raise EvaluationPointError(
            f"station {label(station)}: the standard {evaluation.standard!r} does not apply "
            f"to a {station.level.label}; the standards of the station: {known}"
        )
    codes = [criterion.code for criterion in standard.criteria]
    for result in evaluation.points:
        if result.point not in codes:
            raise EvaluationPointError(
                f"station {label(station)}: {result.point!r} is not a point of the standard "
                f"{standard.id} ({standard.name}); its points: {', '.join(codes)}"
            )
    listed = {result.point for result in evaluation.points}
    for criterion in standard.inspected:
        if criterion.code not in listed:
            raise EvaluationPointError(
                f"station {label(station)}: the evaluation of {standard.id} on "
                f"{evaluation.on.isoformat()} leaves out the point {criterion.code} "
                f"({criterion.text}), which the inspector decides"
            )
    return standard


def evaluation_id(evaluation: StationEvaluation) -> str:
    """The identity of an evaluation: ``EV-`` and 24 hex digits of the SHA-256 of its
    document (without an id), so that the same evaluation given twice is one record."""
    document = to_document(evaluation)
    document.pop("id", None)
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "EV-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def photo_evidence(path: str | Path) -> tuple[str, str]:
    """The file name and SHA-256 (lower-case hex) of the photo at ``path``.

    :raises InputNotFoundError: no such file (or a folder).
    :raises FileAccessError: the file cannot be read.
    """
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as photo:
            while chunk := photo.read(CHUNK):
                digest.update(chunk)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise InputNotFoundError("no such photo file", where=str(path)) from None
    except OSError as error:
        raise FileAccessError(
            f"cannot read the photo: {error.strerror}", where=str(path)
        ) from None
    return path.name, digest.hexdigest()


SCHEMA_FILE = "station-evaluation.schema.json"


def evaluation_from_document(document: Any, *, where: str | None = None) -> StationEvaluation:
    """An evaluation document (``station-evaluation.schema.json``) as a model instance.

    :raises InvalidRecordError: every problem the schema finds, or the model's."""
    validator = jsonschema.Draft202012Validator(
        schemas.schema_for(schemas.SCHEMA_BASE + SCHEMA_FILE),
        registry=schemas.registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    problems = tuple(
        ("/" + "/".join(str(part) for part in error.absolute_path), error.message)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    )
    if problems:
        summary = "; ".join(f"{pointer}: {message}" for pointer, message in problems)
        raise InvalidRecordError(
            f"not a valid station evaluation: {summary}", where=where, problems=problems
        )
    return from_document(StationEvaluation, document, where=where)
