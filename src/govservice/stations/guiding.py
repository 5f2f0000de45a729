"""The guiding catalog of convenience services (便民服务事项指导性目录, ``service.stations.
guiding``): for each level of station, the items a station of that level must offer
(应进必进), version by version, and a county's additions.

A region issues it (usually the city: 370500); a station follows the version in force on
the day asked of its own county, else of its city, else of its province (the nearest that
issued one). On top of it a county adds items of its own: ``stations.guiding_items`` in the
configuration (for stations within the configuration's region) and every plugin's
``govservice_guiding_items(region, level)``. :meth:`GuidingCatalog.required` is what a
station must offer: the version's items of its level with the additions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from govservice.errors import (
    DuplicateRecordError,
    GuidingCatalogError,
    GuidingVersionNotFoundError,
    InvalidRecordError,
    StoreError,
)
from govservice.model import GuidingCatalogVersion, GuidingEntry, StationLevel
from govservice.records import read_records

_SAID = ("title", "decided_by", "decision_number")
_KEYS = frozenset({"region", "number", "effective", "levels", *_SAID})


def issuers_of(region: str) -> list[str]:
    """The regions whose guiding catalog a station of ``region`` may follow, nearest first:
    the county itself, its city, its province (370523 → 370523, 370500, 370000)."""
    chain = [region, region[:4] + "00", region[:2] + "0000"]
    return list(dict.fromkeys(chain))


def within(region: str, issuer: str) -> bool:
    """Whether ``region`` lies within ``issuer`` (the same county, city or province)."""
    if issuer.endswith("0000"):
        return region[:2] == issuer[:2]
    if issuer.endswith("00"):
        return region[:4] == issuer[:4]
    return region == issuer


class GuidingCatalog:
    """The versioned guiding catalog of every region of a store, and a county's additions
    (see :mod:`govservice.stations.guiding`)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    @property
    def store(self) -> Any:
        return self.service.store

    # --- reading ---------------------------------------------------------------------------

    def regions(self) -> list[str]:
        """The regions that issued a guiding catalog."""
        return self.store.guiding_regions()

    def versions(self, region: str) -> list[GuidingCatalogVersion]:
        """Every version of the guiding catalog ``region`` issued, oldest first."""
        return self.store.guiding_versions(region)

    def version(self, region: str, number: int | None = None) -> GuidingCatalogVersion:
        """Version ``number`` of ``region``'s guiding catalog (the latest when None).

        :raises GuidingVersionNotFoundError: there is no such version."""
        versions = self.versions(region)
        if not versions:
            raise GuidingVersionNotFoundError(f"region {region} issued no guiding catalog")
        if number is None:
            return versions[-1]
        for version in versions:
            if version.number == number:
                return version
        raise GuidingVersionNotFoundError(
            f"the guiding catalog of {region} has versions 1 to {versions[-1].number}, "
            f"not {number}"
        )

    def in_force(self, region: str, day: dt.date) -> GuidingCatalogVersion | None:
        """The version a station of ``region`` follows on ``day``: of the nearest of its
        county, city and province that had one in force then; None when none had."""
        for issuer in issuers_of(region):
            versions = [v for v in self.versions(issuer) if v.effective <= day]
            if versions:
                return versions[-1]
        return None

    def as_of(self, region: str, day: dt.date) -> GuidingCatalogVersion:
        """:meth:`in_force`, refusing when there is none.

        :raises GuidingVersionNotFoundError: no guiding catalog was in force then."""
        version = self.in_force(region, day)
        if version is None:
            raise GuidingVersionNotFoundError(
                f"no guiding catalog was in force for stations of {region} on {day} "
                f"(issued by {', '.join(issuers_of(region))})"
            )
        return version

    def additions(self, region: str, level: StationLevel | str) -> frozenset[str]:
        """The items a county adds for stations of ``level`` in ``region``: the
        configuration's ``stations.guiding_items`` (when ``region`` is within the
        configuration's region) and every plugin's ``govservice_guiding_items``."""
        level = StationLevel(level)
        config = self.service.config
        added: set[str] = set()
        if within(region, config.region):
            added.update(dict(config.stations).get("guiding_items", {}).get(level.value, ()))
        added.update(
            self.service.plugins.collect(
                "govservice_guiding_items", scope=region, expect=str, region=region, level=level
            )
        )
        return frozenset(added)

    def required(self, region: str, level: StationLevel | str, day: dt.date) -> frozenset[str]:
        """The codes of the items a station of ``level`` in ``region`` must offer on
        ``day``: the version in force (none: no items) with the county's additions."""
        version = self.in_force(region, day)
        found = version.items_of(level) if version is not None else frozenset()
        return found | self.additions(region, level)

    # --- changing --------------------------------------------------------------------------

    def add(self, version: GuidingCatalogVersion) -> GuidingCatalogVersion:
        """Store ``version``: the next of its region's guiding catalog. Adding a version the
        store holds already (the same number and content) changes nothing.

        :raises GuidingCatalogError: an entry names an item the store does not hold, or the
            number or day does not follow the region's last version; nothing is stored."""
        where = f"guiding catalog {version.region} version {version.number}"
        stored = self.versions(version.region)
        for old in stored:
            if old.number == version.number:
                if old == version:
                    return old
                raise GuidingCatalogError(
                    f"version {version.number} of the guiding catalog of {version.region} "
                    "is stored already with other content; issue the next version",
                    where=where,
                )
        codes = {entry.code for entry in version.entries}
        unknown = sorted(codes - set(self.store.item_names(codes)))
        if unknown:
            raise GuidingCatalogError(
                f"it names items the store does not hold: {', '.join(unknown[:10])}"
                + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""),
                where=where,
            )
        try:
            self.store.add_guiding_version(version)
        except (DuplicateRecordError, StoreError) as error:
            raise GuidingCatalogError(str(error.args[0]), where=where) from None
        return version

    def add_document(self, document: Any, *, where: str | None = None) -> GuidingCatalogVersion:
        """:meth:`add` of a version given as a document (see :func:`version_from_document`);
        without ``number`` it is the region's next."""
        if isinstance(document, Mapping) and "number" not in document:
            region = document.get("region")
            last = self.versions(region) if isinstance(region, str) else []
            document = {**document, "number": last[-1].number + 1 if last else 1}
        return self.add(version_from_document(document, where=where))

    def import_file(self, path: str | Path) -> GuidingCatalogVersion:
        """:meth:`add_document` of the one document in the JSON or YAML file at ``path``.

        :raises InvalidRecordError: the file is not one guiding catalog document."""
        records = list(read_records(path))
        if len(records) != 1:
            raise InvalidRecordError(
                f"a guiding catalog file holds one document, not {len(records)} record(s)",
                where=str(path),
                problems=(("", "one guiding catalog document expected"),),
            )
        record = records[0]
        return self.add_document(record.document, where=f"{record.file}:{record.line}")


def version_from_document(document: Any, *, where: str | None = None) -> GuidingCatalogVersion:
    """A version of the guiding catalog from its document::

        region: "370500"
        number: 1
        effective: 2015-01-01
        title: 东营市便民服务事项指导性目录
        decided_by: 东营市人民政府办公室
        decision_number: 东政办发〔2015〕3号
        levels:
          village_station: [370500-GG-001, ...]
          community_centre: [...]

    :raises InvalidRecordError: every problem found, each with its JSON pointer."""
    problems: list[tuple[str, str]] = []
    if not isinstance(document, Mapping):
        raise InvalidRecordError(
            "a guiding catalog is an object", where=where, problems=(("", "an object expected"),)
        )
    problems += [(f"/{key}", "unknown field") for key in sorted(set(document) - _KEYS)]
    problems += [
        (f"/{key}", "required") for key in ("region", "effective", "levels") if key not in document
    ]
    effective = document.get("effective")
    if isinstance(effective, str):
        try:
            effective = dt.date.fromisoformat(effective)
        except ValueError:
            problems.append(("/effective", f"{effective!r} is not a date (YYYY-MM-DD)"))
    elif "effective" in document and not isinstance(effective, dt.date):
        problems.append(("/effective", "a date (YYYY-MM-DD) expected"))
    entries: list[GuidingEntry] = []
    levels = document.get("levels", {})
    if not isinstance(levels, Mapping):
        problems.append(("/levels", "an object of level → item codes expected"))
        levels = {}
    for level, codes in levels.items():
        if level not in {member.value for member in StationLevel}:
            known = ", ".join(member.value for member in StationLevel)
            problems.append((f"/levels/{level}", f"not a level of station ({known})"))
            continue
        if not isinstance(codes, list):
            problems.append((f"/levels/{level}", "a list of item codes expected"))
            continue
        for index, code in enumerate(codes):
            try:
                entries.append(GuidingEntry(level=level, code=code))
            except (ValueError, TypeError) as error:
                problems.append((f"/levels/{level}/{index}", str(error)))
    if not problems:
        try:
            return GuidingCatalogVersion(
                region=document["region"],
                number=document.get("number", 1),
                effective=effective,
                entries=entries,
                **{key: document[key] for key in _SAID if key in document},
            )
        except (ValueError, TypeError) as error:
            problems.append(("", str(error)))
    raise InvalidRecordError(
        "not a guiding catalog: " + "; ".join(f"{p or '/'}: {m}" for p, m in problems[:5]),
        where=where,
        problems=tuple(problems),
    )


def version_document(version: GuidingCatalogVersion) -> dict[str, Any]:
    """The document of ``version`` (what :func:`version_from_document` reads)."""
    document: dict[str, Any] = {
        "region": version.region,
        "number": version.number,
        "effective": version.effective.isoformat(),
    }
    document |= {key: getattr(version, key) for key in _SAID if getattr(version, key)}
    document["levels"] = {level.value: sorted(version.items_of(level)) for level in version.levels}
    return document
