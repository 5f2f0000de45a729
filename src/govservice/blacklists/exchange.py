"""The signed exchange files of the blacklists between cities (黑名单交换): ``service.
blacklists.exchange``.

A city sends its own list (本级认定) to its partners (Dongying with Dezhou 371400, Binzhou
371600, Jinan 370100) as a file of ``schemas/blacklist-exchange.schema.json``: a header
(issuing region, export time, the file's sequence number, the SHA-256 of the previous
file, the key id, full or delta since a sequence number), the entries (each an ``op``,
``add``, ``change`` or ``revoke``, and the entry as the issuer holds it now, identity
numbers masked), and an enveloped signature over the canonical JSON of the rest (see
``docs/exchange.md`` for the exact bytes).

:meth:`Exchange.import_file` refuses, naming why in one line and storing nothing, a file
that is unsigned (GS631), signed by a key no partner has (GS632) or outside its key's
validity (GS633), altered after signing (GS634), claiming another city than its key's
(GS635), replaying an older sequence number (GS636) or skipping one (GS637), or that is
not an exchange file (GS638). A file imported again changes nothing; each entry received
is stored as an entry of its own (source ``other_city``, its id derived from the
partner's record id), so the same subject listed by several sources keeps every source.

:meth:`Exchange.export` writes our own list, full or as a delta since one of our files,
signed with the centre's key (``blacklists.exchange.signing_key``, else
``trail.signing_key``).
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as dt
import gc
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import jsonschema_rs

from govservice import schemas
from govservice.blacklists.signing import ED25519, SignatureScheme, scheme_named
from govservice.codec import from_document, to_document
from govservice.errors import (
    ExchangeConfigError,
    ExpiredKeyError,
    MalformedExchangeFileError,
    RegionClaimError,
    ReplayedFileError,
    SignatureMismatchError,
    SkippedFileError,
    UnknownKeyError,
    UnsignedFileError,
)
from govservice.formats import parse_date_time
from govservice.kinds import KINDS
from govservice.model import BlacklistEntry
from govservice.model.identifiers import mask_document
from govservice.store.chained import subject
from govservice.store.ledger import canonical
from govservice.validation import _registry_without_formats, validator_for

FORMAT = "govservice-blacklist-exchange"
VERSION = 1
SCHEMA_FILE = "blacklist-exchange.schema.json"
KIND = "blacklist-entry"
RECEIVED = "blacklists.exchange.received."
"""The store's setting of what was last imported of a partner (its region appended), on
the trail (:mod:`govservice.store.states`): a replay is refused on it."""
WITHDRAWN_REASON = "已不在{partner}第{sequence}号全量交换文件中（对方移出）"
"""Why an entry received from a partner is revoked when its full file no longer holds it."""
SENT = "blacklists.exchange.sent"
"""The store's setting of the files we exported (JSON list, oldest first), on the trail."""
_MARKER = b',"signature":'


# --- the configuration ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PartnerKey:
    """One public key of a partner city: its id, scheme and validity (a key is rotated by
    adding the next one and ending this one)."""

    id: str
    public_key: str
    scheme: str = ED25519
    valid_from: dt.date
    valid_until: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@attrs.frozen(kw_only=True)
class Partner:
    """A partner city whose exchange files are imported (``blacklists.partners``)."""

    region: str
    name: str
    keys: tuple[PartnerKey, ...]


def partners_of(config: Any) -> dict[str, Partner]:
    """The partners of the configuration, by region.

    :raises ExchangeConfigError: a region or a key id is given twice."""
    found: dict[str, Partner] = {}
    ids: dict[str, str] = {}
    for index, entry in enumerate(config.blacklists.get("partners", ())):
        where = config.where("blacklists", "partners", index) if config.path else None
        keys = []
        for key in entry["keys"]:
            if key["id"] in ids:
                raise ExchangeConfigError(
                    f"blacklists.partners: key id {key['id']!r} is given for both "
                    f"{ids[key['id']]} and {entry['region']}: a file names its key by id",
                    where=where,
                )
            ids[key["id"]] = entry["region"]
            until = key.get("valid_until")
            keys.append(
                PartnerKey(
                    id=key["id"],
                    public_key=key["public_key"],
                    scheme=key.get("scheme", ED25519),
                    valid_from=dt.date.fromisoformat(key["valid_from"]),
                    valid_until=None if until is None else dt.date.fromisoformat(until),
                )
            )
        if entry["region"] in found:
            raise ExchangeConfigError(
                f"blacklists.partners: region {entry['region']} is listed twice", where=where
            )
        found[entry["region"]] = Partner(
            region=entry["region"], name=entry["name"], keys=tuple(keys)
        )
    return found


# --- what an import and an export did ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class Received:
    """What was last imported of a partner: its file's number and SHA-256 (what the next
    delta must follow), when and by which key."""

    region: str
    sequence: int
    sha256: str
    kind: str
    exported_at: str
    imported_at: str
    key_id: str
    entries: int

    def to_json(self) -> str:
        return canonical(attrs.asdict(self))


@attrs.frozen(kw_only=True)
class ImportResult:
    """What importing one file did: ``added``, ``changed`` (revocations among them:
    ``revoked``) and ``unchanged`` entries; ``withdrawn``: entries received before that a
    full file no longer holds (the partner took them off its list), revoked from the day
    it was exported; ``already``: the file was the last imported of its partner, so
    nothing changed."""

    region: str
    partner: str
    sequence: int
    kind: str
    sha256: str
    key_id: str
    added: int = 0
    changed: int = 0
    revoked: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    already: bool = False

    @property
    def entries(self) -> int:
        return self.added + self.changed + self.unchanged


@attrs.frozen(kw_only=True)
class Sent:
    """One file we exported: its number, SHA-256, kind, base (a delta's ``since``), size,
    time, and the head of the trail then (what a later delta is counted from)."""

    sequence: int
    sha256: str
    kind: str
    since: int | None
    count: int
    exported_at: str
    ledger_seq: int


@attrs.frozen(kw_only=True)
class Export:
    """A signed exchange file made by :meth:`Exchange.export`: its bytes and what it is."""

    data: bytes
    sent: Sent


# --- signing and the bytes signed -------------------------------------------------------------


def signed_bytes(document: dict[str, Any]) -> bytes:
    """What is signed: the canonical JSON (UTF-8) of ``document`` without ``signature``."""
    return canonical({k: v for k, v in document.items() if k != "signature"}).encode("utf-8")


def sign_document(document: dict[str, Any], scheme: SignatureScheme, private_key: Any) -> bytes:
    """``document`` (``header`` and ``entries``) signed: the file's bytes, canonical JSON
    and a final newline. The signature covers :func:`signed_bytes`."""
    body = {"entries": document["entries"], "header": document["header"]}
    data = canonical(body).encode("utf-8")
    value = base64.b64encode(scheme.sign(private_key, data)).decode("ascii")
    signature = {"scheme": scheme.name, "value": value}
    # canonical({..., "signature": ...}): "signature" sorts after "entries" and "header"
    return data[:-1] + _MARKER + canonical(signature).encode("utf-8") + b"}\n"


def make_file(
    *,
    region: str,
    sequence: int,
    entries: Sequence[tuple[str, dict[str, Any]]],
    exported_at: dt.datetime,
    key_id: str,
    scheme: SignatureScheme,
    private_key: Any,
    previous_sha256: str | None = None,
    since: int | None = None,
    issuer: str | None = None,
) -> bytes:
    """A signed exchange file of ``region`` holding ``entries`` (``(op, entry document)``;
    documents masked by the caller): what :meth:`Exchange.export` writes, and what a test
    or the demo makes for a partner city with that city's key."""
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "region": region,
        "exported_at": exported_at.isoformat(),
        "sequence": sequence,
        "previous_sha256": previous_sha256,
        "kind": "full" if since is None else "delta",
        "since": since,
        "key_id": key_id,
        "count": len(entries),
    }
    if issuer is not None:
        header["issuer"] = issuer
    items = [{"op": op, "entry": entry} for op, entry in entries]
    return sign_document({"header": header, "entries": items}, scheme, private_key)


def _verified(
    data: bytes, document: dict, scheme: SignatureScheme, public: Any, signature: bytes
) -> bool:
    """Whether ``signature`` is that of the file's :func:`signed_bytes`. A file written in
    canonical form (as :func:`sign_document` writes it) is checked on its own bytes, up
    to its signature member, without encoding it again; any other is encoded again."""
    raw = data.rstrip(b" \t\r\n")
    at = raw.rfind(_MARKER)
    if at > 0:
        tail = raw[at + len(_MARKER) :]
        canonical_tail = canonical(document["signature"]).encode("utf-8") + b"}"
        if tail == canonical_tail and scheme.verify(public, signature, raw[:at] + b"}"):
            return True
    return scheme.verify(public, signature, signed_bytes(document))


# --- the exchange ---------------------------------------------------------------------------


class Exchange:
    """The exchange files of ``service``'s blacklists (``service.blacklists.exchange``)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    # --- configuration -----------------------------------------------------------------------

    def partners(self) -> dict[str, Partner]:
        """The partner cities of the configuration, by region."""
        return partners_of(self.service.config)

    def received(self, region: str) -> Received | None:
        """What was last imported of the partner of ``region`` (None: nothing yet)."""
        text = self.service.store.chained_setting(RECEIVED + region)
        return None if text is None else Received(**json.loads(text))

    def sent(self) -> list[Sent]:
        """The files we exported, oldest first."""
        text = self.service.store.chained_setting(SENT)
        return [] if text is None else [Sent(**fields) for fields in json.loads(text)]

    # --- import --------------------------------------------------------------------------------

    def import_file(self, path: str | Path, *, partner: str | None = None) -> ImportResult:
        """Import a partner's exchange file (see :meth:`import_bytes`)."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise MalformedExchangeFileError("no such file", where=str(path)) from None
        except OSError as error:
            raise MalformedExchangeFileError(
                f"cannot read the file: {error.strerror}", where=str(path)
            ) from None
        return self.import_bytes(data, partner=partner, where=str(path))

    def import_bytes(
        self, data: bytes, *, partner: str | None = None, where: str | None = None
    ) -> ImportResult:
        """Check and import the bytes of a partner's exchange file, all or nothing.

        ``partner`` (a region or a partner's name), when given, is the partner the file
        must come from.

        :raises ExchangeError: (one of its kinds, see the module's docstring) the file is
            refused; nothing is stored.
        """
        # The file's documents hold no cycles and are freed by reference counting; the
        # cycle collector, woken by every few hundred new dicts, would only cost time (as
        # in govservice.importing).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._import(data, partner, where)
        finally:
            if enabled:
                gc.enable()

    def _import(self, data: bytes, partner: str | None, where: str | None) -> ImportResult:
        where = where or "<exchange file>"
        digest = hashlib.sha256(data).hexdigest()
        document = _parsed(data, where)
        header = document.get("header")
        signature = document.get("signature")
        if signature is None:
            raise UnsignedFileError(
                "the file is not signed (no signature): a partner's list is imported only "
                "from a file its key signed",
                where=where,
            )
        if not isinstance(header, dict) or not isinstance(header.get("key_id"), str):
            raise MalformedExchangeFileError(
                "not an exchange file: no header naming the key that signed it (header.key_id)",
                where=where,
            )
        owner, key = self._key(header["key_id"], where)
        if not isinstance(signature, dict) or not isinstance(signature.get("value"), str):
            raise MalformedExchangeFileError(
                "not an exchange file: the signature is not {scheme, value}", where=where
            )
        if signature.get("scheme") != key.scheme:
            raise SignatureMismatchError(
                f"the file says it is signed with {signature.get('scheme')!r}, but key "
                f"{key.id} of {owner.name} is a {key.scheme} key",
                where=where,
            )
        scheme = scheme_named(self.service, key.scheme)
        try:
            public = scheme.load_public(key.public_key)
        except ValueError as error:
            raise ExchangeConfigError(
                f"blacklists.partners: the public key {key.id} of {owner.name} cannot be "
                f"used: {error}",
                where=self._where("partners"),
            ) from None
        try:
            value = base64.b64decode(signature["value"], validate=True)
        except (binascii.Error, ValueError):
            value = b""
        if not value or not _verified(data, document, scheme, public, value):
            raise SignatureMismatchError(
                f"the signature does not match the file: it was altered after it was "
                f"signed (one byte is enough), or key {key.id} of {owner.name} did not "
                "sign it",
                where=where,
            )
        # What the file says is now what its key signed.
        claimed = header.get("region")
        if claimed != owner.region:
            raise RegionClaimError(
                f"the file claims to come from {claimed}, but it is signed by key {key.id} "
                f"of {owner.name} ({owner.region})",
                where=where,
            )
        if partner is not None and partner not in (owner.region, owner.name):
            raise RegionClaimError(
                f"a file of {partner} was asked for; this one is {owner.name}'s ({owner.region})",
                where=where,
            )
        _check_format(document, where)
        try:
            exported_at = parse_date_time(header["exported_at"])
        except ValueError as error:
            raise MalformedExchangeFileError(f"header.exported_at: {error}", where=where) from None
        day = exported_at.astimezone(self.service.clock.now().tzinfo).date()
        if not key.valid_on(day):
            until = f" until {key.valid_until}" if key.valid_until else ""
            raise ExpiredKeyError(
                f"the file was exported on {day}, when key {key.id} of {owner.name} was not "
                f"valid (from {key.valid_from}{until}): a rotated key signs no new file",
                where=where,
            )
        state = self.received(owner.region)
        sequence = header["sequence"]
        result = ImportResult(
            region=owner.region,
            partner=owner.name,
            sequence=sequence,
            kind=header["kind"],
            sha256=digest,
            key_id=key.id,
        )
        if _follows(state, header, digest, owner, where):
            return attrs.evolve(result, already=True, unchanged=len(document["entries"]))
        entries = document["entries"]
        _check_entries(entries, owner, self.service.config, where)
        store = self.service.store
        with store.transaction():
            # under the trail's lock, what was imported last is read again: another
            # process importing this partner's next file meanwhile makes this one a replay
            store.lock_trail()
            if _follows(self.received(owner.region), header, digest, owner, where):
                return attrs.evolve(result, already=True, unchanged=len(entries))
            return self._store(entries, owner, key, header, digest, result)

    def _key(self, key_id: str, where: str) -> tuple[Partner, PartnerKey]:
        for owner in self.partners().values():
            for key in owner.keys:
                if key.id == key_id:
                    return owner, key
        raise UnknownKeyError(
            f"the file is signed by key {key_id!r}, which no partner city has "
            "(blacklists.partners[].keys)",
            where=where,
        )

    def _where(self, *keys: str) -> str | None:
        config = self.service.config
        return config.where("blacklists", *keys) if config.path else None

    def _store(
        self,
        entries: list[dict],
        owner: Partner,
        key: PartnerKey,
        header: dict,
        digest: str,
        result: ImportResult,
    ) -> ImportResult:
        service = self.service
        store = service.store
        now = service.clock.now()
        received_at = now.isoformat()
        held = self._held(owner.region)
        fresh: list[tuple[dict, dict]] = []
        updates: list[tuple[dict, int, dict]] = []
        unchanged = revoked = 0
        source_name = header.get("issuer") or owner.name
        changes = {  # what each entry's link holds (its record id is in its document)
            op: {
                "action": "received",
                "op": op,
                "source": f"exchange/{owner.region}",
                "received_at": received_at,
                "sequence": header["sequence"],
            }
            for op in ("add", "change", "revoke")
        }
        prefix = received_prefix(owner.region)
        sha256 = hashlib.sha256
        for item in entries:
            document = item["entry"]  # taken over: the file's document is not used again
            record_id = document["id"]
            document["id"] = prefix + sha256(record_id.encode("utf-8")).hexdigest()[:16]
            document["source"] = {
                "kind": "other_city",
                "region": owner.region,
                "record_id": record_id,
                "name": source_name,
                "received_at": received_at,
                "signer": key.id,
            }
            change = changes[item["op"]]
            stored = held.get(document["id"]) if held else None
            if stored is None:
                fresh.append((document, change))
                revoked += "revocation" in document
                continue
            version, text = stored
            if _same_entry(text, document):
                unchanged += 1
                continue
            revoked += "revocation" in document and "revocation" not in json.loads(text)
            updates.append((document, version, change))
        state = Received(
            region=owner.region,
            sequence=header["sequence"],
            sha256=digest,
            kind=header["kind"],
            exported_at=header["exported_at"],
            imported_at=received_at,
            key_id=key.id,
            entries=len(entries),
        )
        gone: list[str] = []
        if header["kind"] == "full" and held:
            kept = {item["entry"]["id"] for item in entries}  # the ids they are stored under
            gone = sorted(
                key for key, (_, text) in held.items() if key not in kept and _unrevoked(text)
            )
        with store.transaction():
            store.add_documents(KIND, fresh)
            model = KINDS[KIND].model
            for document, version, change in updates:
                store.update(from_document(model, document), version, change=change)
            withdrawn = self._withdraw(gone, owner, header)
            store.set_chained_setting(RECEIVED + owner.region, state.to_json())
        return attrs.evolve(
            result,
            added=len(fresh),
            changed=len(updates),
            revoked=revoked,
            unchanged=unchanged,
            withdrawn=withdrawn,
        )

    def _withdraw(self, gone: Sequence[str], owner: Partner, header: dict) -> int:
        """Revoke the entries ``gone`` (received from ``owner`` before, not in its full
        file now) from the day the file was exported; one listed after it (a clock gone
        wrong somewhere) is left. How many were revoked."""
        if not gone:
            return 0
        entries = self.service.blacklists.entries
        now = self.service.clock.now()
        day = parse_date_time(header["exported_at"]).astimezone(now.tzinfo).date()
        reason = WITHDRAWN_REASON.format(partner=owner.name, sequence=header["sequence"])
        withdrawn = 0
        for key in gone:
            stored = self.service.store.get(KIND, key)
            if stored is None or stored.record.listed_on > day:
                continue
            entries.revoke(key, reason, on=min(day, entries.today()), by_source=True)
            withdrawn += 1
        return withdrawn

    def _held(self, region: str) -> dict[str, tuple[int, str]]:
        """The entries received from ``region`` stored now: id → (version, JSON text)."""
        prefix = received_prefix(region)
        held: dict[str, tuple[int, str]] = {}
        after = prefix
        while True:
            rows = self.service.store.raw_rows(KIND, after=after, limit=2000)
            for row in rows:
                key = row[0]
                if not key.startswith(prefix):
                    return held
                held[key] = (row[-2], row[-1])
            if len(rows) < 2000:
                return held
            after = rows[-1][0]

    # --- export --------------------------------------------------------------------------------

    def signing_key(self) -> tuple[SignatureScheme, Any, str]:
        """Our scheme, private key and key id (``blacklists.exchange``, else the trail's key).

        :raises ExchangeConfigError: no key is configured."""
        config = self.service.config
        section = config.blacklists.get("exchange", {})
        scheme = scheme_named(self.service, section.get("scheme", ED25519))
        path: Path | None
        if "signing_key" in section:
            base = Path(config.path).parent if config.path else Path()
            path = base / section["signing_key"]
        else:
            path = config.trail_signing_key
        if path is None:
            raise ExchangeConfigError(
                "no signing key for the exchange files: name one in "
                "blacklists.exchange.signing_key (or trail.signing_key); make one with "
                "`govservice audit keygen --out FILE`",
                where=self._where(),
            )
        private = scheme.load_private(path)
        return scheme, private, section.get("key_id") or scheme.key_id(private)

    def export(
        self, *, since: int | None = None, write: Callable[[bytes], None] | None = None
    ) -> Export:
        """Our own list as a signed file, full or (``since``) as a delta of what changed
        after our file of that number; recorded as our next file, in one transaction with
        ``write(data)`` (writing the file: when it fails, nothing is recorded).

        :raises ExchangeConfigError: no signing key.
        :raises ExchangeError: ``since`` names no file we exported.
        """
        service = self.service
        store = service.store
        scheme, private, key_id = self.signing_key()
        with store.transaction():
            store.lock_trail()  # our files and the head read as they stand, none taken twice
            return self._export(scheme, private, key_id, since, write)

    def _export(
        self,
        scheme: SignatureScheme,
        private: Any,
        key_id: str,
        since: int | None,
        write: Callable[[bytes], None] | None,
    ) -> Export:
        service = self.service
        store = service.store
        sent = self.sent()
        head = store.ledger_head()[0]
        if since is None:
            ops = [(_op_of(entry), _exported(entry)) for entry in self._own()]
        else:
            base = next((file for file in sent if file.sequence == since), None)
            if base is None:
                numbers = ", ".join(str(file.sequence) for file in sent) or "none yet"
                raise MalformedExchangeFileError(
                    f"no file of ours has the number {since} (ours: {numbers}); a delta is "
                    "made since one of them"
                )
            ops = list(self._changed_since(base.ledger_seq))
        sequence = sent[-1].sequence + 1 if sent else 1
        config = service.config
        issuer = config.blacklists.get("exchange", {}).get("issuer", config.name)
        now = service.clock.now()
        data = make_file(
            region=config.region,
            sequence=sequence,
            entries=ops,
            exported_at=now,
            key_id=key_id,
            scheme=scheme,
            private_key=private,
            previous_sha256=sent[-1].sha256 if sent else None,
            since=since,
            issuer=issuer,
        )
        record = Sent(
            sequence=sequence,
            sha256=hashlib.sha256(data).hexdigest(),
            kind="full" if since is None else "delta",
            since=since,
            count=len(ops),
            exported_at=now.isoformat(),
            ledger_seq=head,
        )
        if write is not None:  # in the transaction of export(): a failure records nothing
            write(data)
        store.set_chained_setting(
            SENT, canonical([attrs.asdict(file) for file in [*sent, record]])
        )
        return Export(data=data, sent=record)

    def _own(self) -> Iterator[BlacklistEntry]:
        after = None
        while True:
            page = self.service.store.list(KIND, limit=1000, after=after)
            for stored in page.records:
                if stored.record.source.kind.value == "own":
                    yield stored.record
            if page.next_after is None:
                return
            after = page.next_after

    def _changed_since(self, ledger_seq: int) -> Iterator[tuple[str, dict]]:
        """``(op, document)`` of our own entries written after link ``ledger_seq``."""
        store = self.service.store
        keys: dict[str, None] = {}
        after = ledger_seq
        prefix = KIND + "/"
        while True:
            links = store.ledger(after=after, limit=1000)
            for link in links:
                if link.case_id.startswith(prefix):
                    keys[link.case_id[len(prefix) :]] = None
            if len(links) < 1000:
                break
            after = links[-1].seq
        for key in sorted(keys):
            stored = store.get(KIND, key)
            if stored is None or stored.record.source.kind.value != "own":
                continue
            entry = stored.record
            first = store.case_ledger(subject(KIND, key))
            if entry.revocation is not None:
                op = "revoke"
            elif first and first[0].seq > ledger_seq:
                op = "add"
            else:
                op = "change"
            yield op, _exported(entry)


# --- helpers ---------------------------------------------------------------------------------


def _parsed(data: bytes, where: str) -> dict:
    try:
        document = json.loads(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
    except UnicodeDecodeError:
        raise MalformedExchangeFileError(
            "not an exchange file: not UTF-8 text", where=where
        ) from None
    except json.JSONDecodeError as error:
        raise MalformedExchangeFileError(
            f"not an exchange file: not well-formed JSON at line {error.lineno}, column "
            f"{error.colno} ({error.msg})",
            where=where,
        ) from None
    except RecursionError:
        raise MalformedExchangeFileError(
            "not an exchange file: nested too deeply", where=where
        ) from None
    if not isinstance(document, dict):
        raise MalformedExchangeFileError(
            "not an exchange file: not a JSON object {header, entries, signature}", where=where
        )
    return document


def _envelope_validator() -> Any:
    """The exchange schema with each entry only an object: the entries are checked one by
    one by the entry kind's own validator (check digits, dates, cross-field checks)."""
    schema = copy.deepcopy(schemas.schema_for(schemas.SCHEMA_BASE + SCHEMA_FILE))
    schema["properties"]["entries"]["items"]["properties"]["entry"] = {"type": "object"}
    return jsonschema_rs.validator_for(
        schema, registry=_registry_without_formats(), validate_formats=True
    )


_ENVELOPE: list[Any] = []


def _check_format(document: dict, where: str) -> None:
    if not _ENVELOPE:
        _ENVELOPE.append(_envelope_validator())
    validator = _ENVELOPE[0]
    if validator.is_valid(document):
        if document["header"]["count"] != len(document["entries"]):
            raise MalformedExchangeFileError(
                f"the header counts {document['header']['count']} entries, the file holds "
                f"{len(document['entries'])}",
                where=where,
            )
        if (document["header"]["kind"] == "delta") != (document["header"]["since"] is not None):
            raise MalformedExchangeFileError(
                "a delta names the file it follows (since), a full file none", where=where
            )
        return
    problems = tuple(
        ("".join(f"/{part}" for part in error.instance_path), error.message)
        for error in validator.iter_errors(document)
    )
    raise MalformedExchangeFileError(
        f"not an exchange file of {SCHEMA_FILE}: "
        + "; ".join(f"{pointer or '/'}: {message}" for pointer, message in problems[:5]),
        where=where,
        problems=problems,
    )


def _check_entries(entries: list[dict], owner: Partner, config: Any, where: str) -> None:
    validator = validator_for(KINDS[KIND], config.date_window)
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, item in enumerate(entries):
        entry = item["entry"]
        pointer = f"/entries/{index}/entry"
        if not validator.is_valid(entry):
            problems.extend(
                (pointer + problem.pointer, problem.message)
                for problem in validator.problems(entry)
            )
            continue
        source = entry["source"]
        if source["kind"] != "own" or source["region"] != owner.region:
            problems.append(
                (
                    pointer + "/source",
                    f"an entry of {source['kind']} {source['region']}: a city sends its own "
                    f"list ({owner.region}, kind own) only",
                )
            )
        if (item["op"] == "revoke") != ("revocation" in entry):
            problems.append(
                (pointer, "a revoke carries the entry's revocation, an add or change none")
            )
        if entry["id"] in seen:
            problems.append((pointer + "/id", f"entry {entry['id']} is in the file twice"))
        seen.add(entry["id"])
    if problems:
        shown = "; ".join(f"{pointer}: {message}" for pointer, message in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise MalformedExchangeFileError(
            f"{len(problems)} problem(s) in the entries: {shown}{more}",
            where=where,
            problems=tuple(problems),
        )


def _follows(
    state: Received | None, header: dict, digest: str, owner: Partner, where: str
) -> bool:
    """Whether the file is the partner's last one imported (True: nothing to do); a
    replay or a skip is refused."""
    sequence, kind, since = header["sequence"], header["kind"], header["since"]
    if state is not None:
        if sequence < state.sequence:
            raise ReplayedFileError(
                f"file {sequence} of {owner.name} replays an older file: its file "
                f"{state.sequence} is imported already",
                where=where,
            )
        if sequence == state.sequence:
            if digest == state.sha256:
                return True
            raise ReplayedFileError(
                f"file {sequence} of {owner.name} is imported already with other content "
                f"(SHA-256 {state.sha256[:16]}…): a number is never used twice",
                where=where,
            )
    if kind == "full":
        return False
    if state is None:
        raise SkippedFileError(
            f"file {sequence} of {owner.name} is a delta since its file {since}, and nothing "
            "of it is imported yet: import a full file first",
            where=where,
        )
    if since > state.sequence:
        missing = f"{state.sequence + 1}" + (f" to {since}" if since > state.sequence + 1 else "")
        raise SkippedFileError(
            f"file {sequence} of {owner.name} is a delta since its file {since}, but the "
            f"last imported is {state.sequence}: file {missing} is missing",
            where=where,
        )
    if sequence == state.sequence + 1 and header["previous_sha256"] != state.sha256:
        raise SkippedFileError(
            f"file {sequence} of {owner.name} does not follow the file {state.sequence} "
            "imported: the SHA-256 it names as its previous file's is another",
            where=where,
        )
    return False


def _unrevoked(text: str) -> bool:
    return '"revocation":' not in text or json.loads(text).get("revocation") is None


def received_prefix(region: str) -> str:
    """What the ids of the entries received from ``region`` begin with."""
    return f"other-city-{region}-"


def received_id(region: str, record_id: str) -> str:
    """Our id of the entry ``record_id`` of ``region``'s list: what
    :func:`govservice.model.blacklist.derived_entry_id` derives for a source
    ``other_city`` (made here without the model, 100,000 times a file)."""
    digest = hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:16]
    return f"{received_prefix(region)}{digest}"


def _same_entry(text: str, document: dict) -> bool:
    """Whether the stored entry (its JSON text) is the one received, but for when it was
    received."""
    stored = json.loads(text)
    stored.get("source", {}).pop("received_at", None)
    new = dict(document)
    new["source"] = {k: v for k, v in document["source"].items() if k != "received_at"}
    if canonical(stored) == canonical(new):
        return True
    model = KINDS[KIND].model
    try:
        return from_document(model, stored, check=False) == from_document(model, new, check=False)
    except (ValueError, TypeError):
        return False


def _op_of(entry: BlacklistEntry) -> str:
    return "revoke" if entry.revocation is not None else "add"


def _exported(entry: BlacklistEntry) -> dict:
    """An own entry as it is sent: its document with identity numbers masked."""
    return mask_document(to_document(entry))
