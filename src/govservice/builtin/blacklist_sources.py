"""The built-in sources of the blacklists, registered on
``govservice_register_blacklist_sources`` like any plugin's:

- ``own`` (:class:`OwnList`): our own list (本级认定), kept in the store; a load counts it;
- one source for each entry of ``blacklists.sources`` in the configuration:

  - ``kind: court`` (:class:`CourtList`): a court's list of dishonest debtors
    (失信被执行人名单) in the court's published JSON shape
    (:mod:`govservice.blacklists.court`), the whole list each time: a listing no longer
    on it is revoked;
  - ``kind: partner`` (:class:`PartnerFiles`): a partner city's signed exchange files,
    a file or a folder whose ``*.json`` files are imported in the order of their names
    by :meth:`govservice.blacklists.exchange.Exchange.import_file`; a file loaded once
    (by its SHA-256) is not imported again.

.. code-block:: yaml

    blacklists:
      sources:
        - {name: dongying-court, kind: court, region: "370500", file: court-dishonest-2015.json}
        - {name: dezhou, kind: partner, region: "371400", file: exchange/dezhou}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from govservice.blacklists.sources import OWN, LoadResult
from govservice.config import Config
from govservice.errors import SourceFileError
from govservice.hookspecs import hookimpl


def _read(path: Path, source: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceFileError(
            f"blacklist source {source!r}: {path} is not there", where=str(path)
        ) from None
    except OSError as error:
        raise SourceFileError(
            f"blacklist source {source!r}: {path} cannot be read: {error}", where=str(path)
        ) from None


@attrs.frozen
class OwnList:
    """Our own list (本级认定), kept in the store: a load records how many it holds."""

    region: str
    name: str = OWN
    kind: str = "own"

    def load(self, service: Any) -> LoadResult:
        return service.blacklists.sources.receive(self, (), complete=False)


@attrs.frozen
class CourtList:
    """A court's list of dishonest debtors in the court's published JSON shape, read whole
    from ``path`` at each load."""

    name: str
    region: str
    path: Path
    authority: str | None = None
    """Who supplies the list, in words (default: each listing's court)."""
    kind: str = "court"
    named: str | None = None
    """The file as the configuration names it (what a load records: the same wherever the
    centre's folder is); default ``path``."""

    def load(self, service: Any) -> LoadResult:
        from govservice.blacklists import court

        data = _read(self.path, self.name)
        digest = hashlib.sha256(data).hexdigest()
        entries = court.read_entries(
            self.path,
            data=data,
            region=self.region,
            received_at=service.clock.now(),
            supplier=self.authority,
        )
        return service.blacklists.sources.receive(
            self, entries, complete=True, files=(self.named or str(self.path),), digests=(digest,)
        )


@attrs.frozen
class PartnerFiles:
    """A partner city's signed exchange files: the file ``path``, or the ``*.json`` files
    of the folder ``path`` in the order of their names, each imported once."""

    name: str
    region: str
    path: Path
    kind: str = "other_city"
    named: str | None = None
    """The file or folder as the configuration names it (see :attr:`CourtList.named`)."""

    def shown(self, path: Path) -> str:
        """A file of the source as a load records it: as the configuration names it (a
        file of a folder: the folder so named, then the file's name)."""
        if self.named is None:
            return str(path)
        return f"{self.named.rstrip('/')}/{path.name}" if path != self.path else self.named

    def files(self) -> list[Path]:
        """The exchange files the source names, in the order they are imported."""
        if self.path.is_dir():
            return sorted(self.path.glob("*.json"))
        if not self.path.exists():
            raise SourceFileError(
                f"blacklist source {self.name!r}: {self.path} is not there", where=str(self.path)
            )
        return [self.path]

    def _imported_already(self, exchange: Any, data: bytes) -> bool:
        """Whether the file is one the partner's last imported file follows (imported by
        ``blacklist import``, or by a load that failed on a later file): not imported again."""
        received = exchange.received(self.region)
        sequence = _sequence(data)
        return received is not None and sequence is not None and sequence <= received.sequence

    def load(self, service: Any) -> LoadResult:
        sources = service.blacklists.sources
        exchange = service.blacklists.exchange
        if exchange is None:  # pragma: no cover - the exchange is part of a full install
            raise SourceFileError(f"blacklist source {self.name!r}: no exchange importer")
        state = sources.state(self.name)
        exchange.received(self.region)  # what was imported of the partner: read, so checked
        done = set(state.digests if state else ())
        files, digests, signer = [], [], None
        counts = {"added": 0, "changed": 0, "unchanged": 0, "revoked": 0}
        for path in self.files():
            data = _read(path, self.name)
            digest = hashlib.sha256(data).hexdigest()
            if digest in done or self._imported_already(exchange, data):
                continue
            imported = exchange.import_bytes(data, partner=self.region, where=str(path))
            signer = _first(imported, "key_id", "signer") or signer
            for key in counts:
                counts[key] += int(_first(imported, key) or 0)
            counts["changed"] -= int(_first(imported, "revoked") or 0)  # counted in changed
            files.append(self.shown(path))
            digests.append(digest)
            done.add(digest)
        return sources.receive(
            self,
            (),
            complete=False,
            stored=True,
            signer=signer or (state.last.signer if state else None),
            files=files,
            digests=digests,
            counts=counts,
        )


def _sequence(data: bytes) -> int | None:
    """The sequence number an exchange file's header claims (None: it has none to read;
    the import then says what is wrong with it)."""
    try:
        sequence = json.loads(data)["header"]["sequence"]
    except (ValueError, KeyError, TypeError):
        return None
    return sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None


def _first(result: Any, *names: str) -> Any:
    for name in names:
        value = result.get(name) if isinstance(result, Mapping) else getattr(result, name, None)
        if value is not None:
            return value
    return None


def sources_of(config: Config) -> list[Any]:
    """The sources of the configuration: ``own``, then each of ``blacklists.sources``."""
    base = config.path.parent if config.path is not None else Path.cwd()
    found: list[Any] = [OwnList(region=config.region)]
    for entry in config.blacklists.get("sources", ()):
        named = entry["file"]
        path = base / named
        if entry["kind"] == "court":
            found.append(
                CourtList(
                    entry["name"], entry["region"], path, entry.get("authority"), named=named
                )
            )
        else:
            found.append(PartnerFiles(entry["name"], entry["region"], path, named=named))
    return found


@attrs.frozen
class ConfiguredSources:
    """The built-in plugin: registers :func:`sources_of` the configuration."""

    config: Config

    @hookimpl
    def govservice_register_blacklist_sources(self, register: Any) -> None:
        for source in sources_of(self.config):
            register(source.name, source)
