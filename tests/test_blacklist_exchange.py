"""The signed exchange files between cities (issue 15, B3): the format, the signature, the
refusals (unsigned, unknown or expired key, one byte changed, another city's key, a replay,
a skipped delta), idempotent import, merging across sources, export (full, delta,
masked), the signature-scheme hook and the command line — on memory, SQLite and
PostgreSQL (under ``.ci/with-postgres``)."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from govservice import formats, schemas
from govservice.audit import verify_store
from govservice.blacklists.exchange import make_file, received_id, received_prefix
from govservice.blacklists.signing import Ed25519Scheme
from govservice.cli import main
from govservice.clock import SHANGHAI, FixedClock
from govservice.codec import to_document
from govservice.config import Config
from govservice.errors import (
    DuplicateRecordError,
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
from govservice.hookspecs import hookimpl
from govservice.model import Identifier, ListingSource, Party, Revocation, derived_entry_id
from govservice.model.identifiers import _uscc_checks
from govservice.samples import credit_code, identity_number, make_blacklist_entry
from govservice.service import GovService
from govservice.store.chained import changes

BACKENDS = ("memory", "sqlite", "postgresql")
CITY = "370500"
DEZHOU, BINZHOU, JINAN = "371400", "371600", "370100"
NAMES = {DEZHOU: "德州市", BINZHOU: "滨州市", JINAN: "济南市"}
ED25519 = Ed25519Scheme()
KEYS = {region: Ed25519PrivateKey.generate() for region in NAMES}
EXPORTED = dt.datetime(2015, 6, 1, 9, 0, tzinfo=SHANGHAI)
NOW = dt.datetime(2015, 6, 2, 9, 0, tzinfo=SHANGHAI)
RIC = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


def partner(region: str, *keys: dict) -> dict:
    key = KEYS[region]
    return {
        "region": region,
        "name": NAMES[region],
        "keys": list(keys)
        or [
            {
                "id": ED25519.key_id(key),
                "public_key": ED25519.public_text(key),
                "valid_from": "2015-01-01",
            }
        ],
    }


@contextlib.contextmanager
def centre(
    backend: str, tmp_path: Path, *, partners: list | None = None, plugins: list = (), **extra: Any
) -> Iterator[GovService]:
    """The Dongying centre on ``backend`` with the three partner cities."""
    with contextlib.ExitStack() as stack:
        settings: dict[str, str] = {}
        if backend == "sqlite":
            settings = {"path": str(tmp_path / f"centre-{len(list(tmp_path.iterdir()))}.db")}
        elif backend == "postgresql":
            import govservice_postgres.testing as testing

            dsn = testing.postgres_dsn_or_skip()
            settings = {"conninfo": dsn, "schema": stack.enter_context(testing.fresh_schema(dsn))}
        config = Config(
            name="东营市政务服务中心",
            region=extra.pop("region", CITY),
            storage_backend=backend,
            storage_settings=settings,
            blacklists={
                "partners": partners if partners is not None else [partner(r) for r in NAMES]
            },
            **extra,
        )
        service = GovService(
            config,
            clock=FixedClock(NOW),
            strict=True,
            plugins=list(plugins),
            environ={"GOVSERVICE_PLUGINS": "postgresql" if backend == "postgresql" else ""},
        )
        try:
            yield service
        finally:
            service.store.close()


@pytest.fixture(params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GovService]:
    with centre(request.param, tmp_path) as made:
        yield made


def own_entry(region: str, number: int, **changes_: Any) -> dict:
    """An entry of ``region``'s own list, as its exchange file holds it."""
    entry = make_blacklist_entry(
        id=f"L-{region}-{number:04d}",
        subject=Party(
            kind="enterprise",
            name=f"{NAMES.get(region, '东营市')}第{number}建筑工程有限公司",
            identifier=Identifier(kind="uscc", number=credit_code(number, region)),
        ),
        authority=f"{NAMES.get(region, '东营市')}公共资源交易监督管理办公室",
        source=ListingSource(kind="own", region=region),
        **changes_,
    )
    return to_document(entry)


def signed(
    region: str,
    sequence: int,
    entries: list[tuple[str, dict]],
    *,
    signer: str | None = None,
    since: int | None = None,
    previous: bytes | None = None,
    exported_at: dt.datetime = EXPORTED,
) -> bytes:
    key = KEYS[signer or region]
    return make_file(
        region=region,
        sequence=sequence,
        entries=entries,
        exported_at=exported_at,
        key_id=ED25519.key_id(key),
        scheme=ED25519,
        private_key=key,
        previous_sha256=None if previous is None else hashlib.sha256(previous).hexdigest(),
        since=since,
        issuer=f"{NAMES[region]}公共资源交易中心",
    )


def dezhou_full() -> bytes:
    return signed(DEZHOU, 1, [("add", own_entry(DEZHOU, n)) for n in range(1, 4)])


def snapshot(service: GovService) -> tuple:
    store = service.store
    return (
        store.count("blacklist-entry"),
        store.ledger_head(),
        store.setting("blacklists.exchange.received." + DEZHOU),
    )


# --- Done when: the exchange -----------------------------------------------------------------


def test_importing_dezhous_file_twice_changes_nothing(service):
    data = dezhou_full()
    first = service.blacklists.exchange.import_bytes(data)
    assert (first.added, first.changed, first.already) == (3, 0, False)
    after_first = snapshot(service)
    again = service.blacklists.exchange.import_bytes(data)
    assert again.already
    assert again.added == again.changed == 0
    assert snapshot(service) == after_first
    # the same entries in a new full file (number 2): still nothing changes
    second = signed(DEZHOU, 2, [("add", own_entry(DEZHOU, n)) for n in range(1, 4)], previous=data)
    result = service.blacklists.exchange.import_bytes(second)
    assert (result.added, result.changed, result.unchanged) == (0, 0, 3)
    # no entry is written; what was received is now file 2, one link of that state
    assert snapshot(service)[0] == after_first[0]
    (link,) = service.store.ledger(after_first[1][0])
    assert link.case_id == "state/blacklists.exchange.received." + DEZHOU
    assert service.blacklists.exchange.received(DEZHOU).sequence == 2


def test_each_received_entry_keeps_its_provenance_on_the_trail(service):
    data = dezhou_full()
    service.blacklists.exchange.import_bytes(data)
    key = received_id(DEZHOU, f"L-{DEZHOU}-0001")
    stored = service.store.get("blacklist-entry", key).record
    assert stored.source.kind.value == "other_city"
    assert stored.source.region == DEZHOU
    assert stored.source.record_id == f"L-{DEZHOU}-0001"
    assert stored.source.received_at == NOW
    assert stored.source.signer == ED25519.key_id(KEYS[DEZHOU])
    (link,) = changes(service.store, "blacklist-entry", key)
    assert link.action == "received"
    assert service.blacklists.exchange.received(DEZHOU).sha256 == hashlib.sha256(data).hexdigest()
    assert link.change["sequence"] == 1
    assert link.change["source"] == f"exchange/{DEZHOU}"
    assert verify_store(service.store).first_break is None


def test_a_file_with_one_byte_changed_is_refused_and_nothing_stored(service):
    data = dezhou_full()
    at = data.index("第2建筑".encode())
    altered = data[:at] + "第3建筑".encode() + data[at + len("第2建筑".encode()) :]
    assert len(altered) == len(data)
    assert sum(a != b for a, b in zip(altered, data, strict=False)) == 1
    before = snapshot(service)
    with pytest.raises(SignatureMismatchError, match="altered after it was signed"):
        service.blacklists.exchange.import_bytes(altered)
    assert snapshot(service) == before


def test_every_single_byte_of_the_entries_is_covered_by_the_signature(service):
    data = dezhou_full()
    start = data.index(b'"entries"')
    for at in range(start, data.index(b',"header"'), 97):
        flipped = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
        with pytest.raises((SignatureMismatchError, MalformedExchangeFileError)):
            service.blacklists.exchange.import_bytes(flipped)
    assert service.store.count("blacklist-entry") == 0


def test_binzhous_key_claiming_to_be_dezhou_is_refused(service):
    forged = signed(DEZHOU, 1, [("add", own_entry(DEZHOU, 1))], signer=BINZHOU)
    with pytest.raises(RegionClaimError) as refused:
        service.blacklists.exchange.import_bytes(forged)
    assert "claims to come from 371400" in str(refused.value)
    assert "滨州市 (371600)" in str(refused.value)
    assert service.store.count("blacklist-entry") == 0


def test_a_replayed_older_file_is_refused(service):
    first = dezhou_full()
    second = signed(DEZHOU, 2, [("add", own_entry(DEZHOU, 9))], since=1, previous=first)
    service.blacklists.exchange.import_bytes(first)
    service.blacklists.exchange.import_bytes(second)
    before = snapshot(service)
    with pytest.raises(ReplayedFileError, match="replays an older file: its file 2"):
        service.blacklists.exchange.import_bytes(first)
    # the same number with other content is a replay too
    other = signed(DEZHOU, 2, [("add", own_entry(DEZHOU, 8))], since=1, previous=first)
    with pytest.raises(ReplayedFileError, match="other content"):
        service.blacklists.exchange.import_bytes(other)
    assert snapshot(service) == before


def test_a_skipped_delta_is_refused(service):
    first = dezhou_full()
    second = signed(DEZHOU, 2, [("add", own_entry(DEZHOU, 9))], since=1, previous=first)
    third = signed(DEZHOU, 3, [("add", own_entry(DEZHOU, 10))], since=2, previous=second)
    service.blacklists.exchange.import_bytes(first)
    before = snapshot(service)
    with pytest.raises(SkippedFileError, match="file 2 is missing"):
        service.blacklists.exchange.import_bytes(third)
    assert snapshot(service) == before
    # a delta that names another previous file does not follow either
    stray = signed(DEZHOU, 2, [("add", own_entry(DEZHOU, 9))], since=1, previous=b"another")
    with pytest.raises(SkippedFileError, match="does not follow"):
        service.blacklists.exchange.import_bytes(stray)
    # nor a delta with nothing before it
    with (
        centre("memory", Path(".")) as fresh,
        pytest.raises(SkippedFileError, match="import a full file first"),
    ):
        fresh.blacklists.exchange.import_bytes(second)
    # in order, they are taken
    assert service.blacklists.exchange.import_bytes(second).added == 1
    assert service.blacklists.exchange.import_bytes(third).added == 1


def test_an_unsigned_file_is_refused(service):
    document = json.loads(dezhou_full())
    del document["signature"]
    with pytest.raises(UnsignedFileError, match="not signed"):
        service.blacklists.exchange.import_bytes(json.dumps(document).encode())
    assert service.store.count("blacklist-entry") == 0


def test_a_file_of_an_unknown_key_is_refused(tmp_path):
    stranger = Ed25519PrivateKey.generate()
    data = make_file(
        region=DEZHOU,
        sequence=1,
        entries=[("add", own_entry(DEZHOU, 1))],
        exported_at=EXPORTED,
        key_id=ED25519.key_id(stranger),
        scheme=ED25519,
        private_key=stranger,
    )
    with (
        centre("memory", tmp_path) as service,
        pytest.raises(UnknownKeyError, match="no partner city has"),
    ):
        service.blacklists.exchange.import_bytes(data)


def test_a_rotated_key_signs_no_new_file(tmp_path):
    old, new = KEYS[DEZHOU], Ed25519PrivateKey.generate()
    keys = [
        {
            "id": "dz-2014",
            "public_key": ED25519.public_text(old),
            "valid_from": "2014-01-01",
            "valid_until": "2015-03-31",
        },
        {"id": "dz-2015", "public_key": ED25519.public_text(new), "valid_from": "2015-04-01"},
    ]
    with centre("memory", tmp_path, partners=[partner(DEZHOU, *keys)]) as service:

        def file(key_id: str, key: Any, sequence: int, previous: bytes | None = None) -> bytes:
            return make_file(
                region=DEZHOU,
                sequence=sequence,
                entries=[("add", own_entry(DEZHOU, sequence))],
                exported_at=EXPORTED,
                key_id=key_id,
                scheme=ED25519,
                private_key=key,
                previous_sha256=None if previous is None else hashlib.sha256(previous).hexdigest(),
            )

        with pytest.raises(ExpiredKeyError, match="2015-06-01, when key dz-2014"):
            service.blacklists.exchange.import_bytes(file("dz-2014", old, 1))
        assert service.blacklists.exchange.import_bytes(file("dz-2015", new, 1)).added == 1


def test_a_pretty_printed_file_is_checked_on_its_canonical_form(service):
    document = json.loads(dezhou_full())
    pretty = json.dumps(document, ensure_ascii=True, indent=2).encode()
    assert service.blacklists.exchange.import_bytes(pretty).added == 3


def test_entries_not_of_the_partners_own_list_are_refused_with_each_problem(service):
    court = own_entry(DEZHOU, 2)
    court["source"] = {"kind": "own", "region": BINZHOU}
    broken = own_entry(DEZHOU, 3)
    broken["subject"]["identifier"]["number"] = (
        broken["subject"]["identifier"]["number"][:-1] + "0"
    )
    data = signed(DEZHOU, 1, [("add", own_entry(DEZHOU, 1)), ("add", court), ("add", broken)])
    with pytest.raises(MalformedExchangeFileError) as refused:
        service.blacklists.exchange.import_bytes(data)
    pointers = [pointer for pointer, _ in refused.value.problems]
    assert "/entries/1/entry/source" in pointers
    assert any(p.startswith("/entries/2/entry/subject/identifier/number") for p in pointers)
    assert service.store.count("blacklist-entry") == 0


def test_a_delta_adds_changes_and_revokes(service):
    first = dezhou_full()
    service.blacklists.exchange.import_bytes(first)
    changed = own_entry(DEZHOU, 1, reason="在政府采购活动中提供虚假材料")
    revoked = own_entry(
        DEZHOU, 2, revocation=Revocation(on=dt.date(2015, 5, 20), reason="信用修复")
    )
    delta = signed(
        DEZHOU,
        2,
        [("change", changed), ("revoke", revoked), ("add", own_entry(DEZHOU, 7))],
        since=1,
        previous=first,
    )
    result = service.blacklists.exchange.import_bytes(delta)
    assert (result.added, result.changed, result.revoked, result.kind) == (1, 2, 1, "delta")
    store = service.store
    one = store.get("blacklist-entry", received_id(DEZHOU, f"L-{DEZHOU}-0001")).record
    assert one.reason == "在政府采购活动中提供虚假材料"
    two = store.get("blacklist-entry", received_id(DEZHOU, f"L-{DEZHOU}-0002")).record
    assert two.revocation.reason == "信用修复"
    assert not two.in_force_on(dt.date(2015, 6, 1))
    assert [c.change["op"] for c in changes(store, "blacklist-entry", two.id)] == ["add", "revoke"]
    assert store.count("blacklist-entry") == 4
    assert verify_store(store).first_break is None


def test_a_full_file_withdraws_what_it_no_longer_holds(service):
    first = dezhou_full()  # entries 1, 2 and 3
    service.blacklists.exchange.import_bytes(first)
    later = EXPORTED + dt.timedelta(days=20)
    second = signed(
        DEZHOU,
        2,
        [("add", own_entry(DEZHOU, 1)), ("add", own_entry(DEZHOU, 3))],
        previous=first,
        exported_at=later,
    )
    service.clock = FixedClock(NOW + dt.timedelta(days=21))
    result = service.blacklists.exchange.import_bytes(second)
    assert (result.added, result.changed, result.unchanged, result.withdrawn) == (0, 0, 2, 1)
    store = service.store
    two = store.get("blacklist-entry", received_id(DEZHOU, f"L-{DEZHOU}-0002")).record
    assert two.revocation.on == later.date()
    assert two.revocation.reason == "已不在德州市第2号全量交换文件中（对方移出）"
    assert two.in_force_on(later.date() - dt.timedelta(days=1))
    assert not two.in_force_on(later.date())
    assert changes(store, "blacklist-entry", two.id)[-1].action == "revoked"
    for kept in (1, 3):
        entry = store.get("blacklist-entry", received_id(DEZHOU, f"L-{DEZHOU}-{kept:04d}"))
        assert entry.record.revocation is None
    # a third full file without it again: revoked once, not twice
    third = signed(
        DEZHOU,
        3,
        [("add", own_entry(DEZHOU, 1)), ("add", own_entry(DEZHOU, 3))],
        previous=second,
        exported_at=later + dt.timedelta(days=1),
    )
    assert service.blacklists.exchange.import_bytes(third).withdrawn == 0
    assert verify_store(store).first_break is None


def test_a_delta_withdraws_nothing_it_does_not_name(service):
    first = dezhou_full()
    service.blacklists.exchange.import_bytes(first)
    delta = signed(DEZHOU, 2, [("add", own_entry(DEZHOU, 7))], since=1, previous=first)
    result = service.blacklists.exchange.import_bytes(delta)
    assert (result.added, result.withdrawn) == (1, 0)
    held = service.blacklists.entries.in_force(dt.date(2015, 6, 2))
    assert len([e for e in held if e.source.region == DEZHOU]) == 4


def test_the_same_subject_from_jinan_and_our_own_list_keeps_both(service):
    ours = make_blacklist_entry(
        id="BL-2015-0001",
        subject=Party(
            kind="enterprise",
            name="济南市某建设集团有限公司",
            identifier=Identifier(kind="uscc", number=credit_code(77, JINAN)),
        ),
    )
    service.store.add(ours, change={"action": "listed"})
    theirs = to_document(ours)
    theirs["id"] = "JN-2015-0042"
    theirs["source"] = {"kind": "own", "region": JINAN}
    theirs["authority"] = "济南市公共资源交易监督管理委员会办公室"
    service.blacklists.exchange.import_bytes(signed(JINAN, 1, [("add", theirs)]))
    both = service.store.blacklist_entries_of([credit_code(77, JINAN)])
    assert sorted(entry.source.kind.value for entry in both) == ["other_city", "own"]
    # our entry revoked: Jinan's stays in force
    stored = service.store.get("blacklist-entry", "BL-2015-0001")
    lifted = attrs.evolve(ours, revocation=Revocation(on=dt.date(2015, 6, 2), reason="信用修复"))
    service.store.update(lifted, stored.version, change={"action": "revoked"})
    day = dt.date(2015, 6, 3)
    in_force = [
        e
        for e in service.store.blacklist_entries_of([credit_code(77, JINAN)])
        if e.in_force_on(day)
    ]
    assert [e.source.region for e in in_force] == [JINAN]


# --- export ------------------------------------------------------------------------------------


def person_entry(number: int) -> Any:
    return make_blacklist_entry(
        id=f"BL-P-{number:04d}",
        subject=Party(
            kind="person",
            name="张某某",
            identifier=Identifier(kind="ric", number=identity_number(number)),
        ),
        reason=f"伪造资格证书（身份证号{identity_number(number)}）",
    )


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_our_export_is_masked_signed_and_read_by_a_partner(backend, tmp_path):
    key_path = tmp_path / "centre.pem"
    from govservice.trail.keys import generate_key

    ours = generate_key(key_path)
    with centre(backend, tmp_path, trail_signing_key=key_path) as service:
        for number in range(1, 4):
            service.store.add(person_entry(number), change={"action": "listed"})
        service.store.add(
            make_blacklist_entry(id="BL-COURT-1", source=ListingSource(kind="court", region=CITY)),
            change={"action": "received"},
        )
        full = service.blacklists.exchange.export()
        assert full.sent.sequence == 1
        assert full.sent.count == 3
        assert not RIC.search(full.data.decode())
        document = json.loads(full.data)
        assert {
            item["entry"]["subject"]["identifier"]["number"][10:14] for item in document["entries"]
        } == {"****"}
        # a change and a new entry, then a delta since file 1
        stored = service.store.get("blacklist-entry", "BL-P-0002")
        service.store.update(
            attrs.evolve(
                stored.record, revocation=Revocation(on=dt.date(2015, 6, 2), reason="信用修复")
            ),
            stored.version,
            change={"action": "revoked"},
        )
        service.store.add(person_entry(9), change={"action": "listed"})
        delta = service.blacklists.exchange.export(since=1)
        assert delta.sent.sequence == 2
        ops = {item["entry"]["id"]: item["op"] for item in json.loads(delta.data)["entries"]}
        assert ops == {"BL-P-0002": "revoke", "BL-P-0009": "add"}
        header = json.loads(delta.data)["header"]
        assert header["previous_sha256"] == hashlib.sha256(full.data).hexdigest()
        assert [file.sequence for file in service.blacklists.exchange.sent()] == [1, 2]
    # Dezhou, with our key as a partner's, takes both files
    dongying = {
        "region": CITY,
        "name": "东营市",
        "keys": [
            {
                "id": ED25519.key_id(ours),
                "public_key": ED25519.public_text(ours),
                "valid_from": "2015-01-01",
            }
        ],
    }
    with centre("memory", tmp_path, partners=[dongying], region=DEZHOU) as dezhou:
        assert dezhou.blacklists.exchange.import_bytes(full.data).added == 3
        second = dezhou.blacklists.exchange.import_bytes(delta.data)
        assert (second.added, second.changed, second.revoked) == (1, 1, 1)


def test_the_file_is_valid_against_its_schema_with_the_reference_engine():
    document = json.loads(dezhou_full())
    validator = jsonschema.Draft202012Validator(
        schemas.schema_for(schemas.SCHEMA_BASE + "blacklist-exchange.schema.json"),
        registry=schemas.registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    assert list(validator.iter_errors(document)) == []
    document["header"]["kind"] = "weekly"
    assert [error.validator for error in validator.iter_errors(document)] == ["enum"]


def test_the_bytes_signed_are_the_canonical_json_without_the_signature():
    data = dezhou_full()
    document = json.loads(data)
    signature = base64.b64decode(document.pop("signature")["value"])
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    KEYS[DEZHOU].public_key().verify(signature, text.encode("utf-8"))  # raises if not
    assert data == text.encode()[:-1] + b',"signature":' + data.split(b',"signature":')[1]


# --- the signature-scheme hook ----------------------------------------------------------------


class ToyScheme:
    """A keyed hash standing for SM2/SM3 (the seam, not cryptography): private and public
    key are one secret."""

    name = "toy-hmac"

    def sign(self, private_key, data):
        return hmac.new(private_key, data, hashlib.sha256).digest()

    def verify(self, public_key, signature, data):
        return hmac.compare_digest(self.sign(public_key, data), signature)

    def load_private(self, path):
        return Path(path).read_bytes()

    def load_public(self, text):
        return text.encode()

    def public_text(self, private_key):
        return private_key.decode()

    def key_id(self, private_key):
        return "toy-" + hashlib.sha256(private_key).hexdigest()[:8]


class ToyPlugin:
    @hookimpl
    def govservice_register_signature_schemes(self, register):
        register("toy-hmac", ToyScheme())


def test_a_plugin_adds_a_signature_scheme(tmp_path):
    secret = b"binzhou-sm2-stand-in"
    keys = [
        {
            "id": "bz-sm2",
            "public_key": secret.decode(),
            "scheme": "toy-hmac",
            "valid_from": "2015-01-01",
        }
    ]
    data = make_file(
        region=BINZHOU,
        sequence=1,
        entries=[("add", own_entry(BINZHOU, 1))],
        exported_at=EXPORTED,
        key_id="bz-sm2",
        scheme=ToyScheme(),
        private_key=secret,
    )
    with centre(
        "memory", tmp_path, partners=[partner(BINZHOU, *keys)], plugins=[("toy", ToyPlugin())]
    ) as service:
        assert service.blacklists.exchange.import_bytes(data).added == 1
        wrong = data.replace(b'"scheme":"toy-hmac"', b'"scheme":"ed25519"')
        with pytest.raises(SignatureMismatchError, match="toy-hmac key"):
            service.blacklists.exchange.import_bytes(wrong)
    with (
        centre("memory", tmp_path, partners=[partner(BINZHOU, *keys)]) as service,
        pytest.raises(ExchangeConfigError, match="no signature scheme is called 'toy-hmac'"),
    ):
        service.blacklists.exchange.import_bytes(data)


# --- the store's bulk write and the fast paths ---------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_add_documents_is_all_or_nothing(backend, tmp_path):
    with centre(backend, tmp_path) as service:
        store = service.store
        documents = [own_entry(CITY, n) for n in range(1, 4)]
        assert (
            store.add_documents(
                "blacklist-entry", [(d, {"action": "listed"}) for d in documents[:1]]
            )
            == 1
        )
        head = store.ledger_head()
        with pytest.raises(DuplicateRecordError):
            store.add_documents("blacklist-entry", [(d, None) for d in documents])
        with pytest.raises(DuplicateRecordError):
            store.add_documents("blacklist-entry", [(documents[1], None), (documents[1], None)])
        assert store.count("blacklist-entry") == 1
        assert store.ledger_head() == head
        store.add_documents("blacklist-entry", [(d, None) for d in documents[1:]])
        assert [c.action for c in changes(store, "blacklist-entry", documents[2]["id"])] == [
            "added"
        ]
        assert verify_store(store).first_break is None


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_add_documents_chains_chunk_after_chunk(backend, tmp_path, monkeypatch):
    from govservice.store.sql import SqlQueries

    monkeypatch.setattr(SqlQueries, "ADD_DOCUMENTS_CHUNK", 2)
    with centre(backend, tmp_path) as service:
        store = service.store
        documents = [own_entry(CITY, n) for n in range(7, 0, -1)]  # not in key order
        change = {"action": "received", "source": "test"}
        assert store.add_documents("blacklist-entry", [(d, change) for d in documents]) == 7
        links = store.ledger()
        assert [link.case_id for link in links] == sorted(
            f"blacklist-entry/{d['id']}" for d in documents
        )
        assert [link.seq for link in links] == list(range(1, 8))
        assert verify_store(store).first_break is None
        assert store.ledger_head() == (7, links[-1].hash)


def test_received_ids_are_the_models_derived_ids():
    for record_id in ("DZ-2015-0001", "(2019)皖1122执1194号", "x"):
        source = ListingSource(kind="other_city", region=DEZHOU, record_id=record_id)
        assert received_id(DEZHOU, record_id) == derived_entry_id(source)
        assert received_id(DEZHOU, record_id).startswith(received_prefix(DEZHOU))


_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(st.text(alphabet=_ALPHABET + "IOSVZa -", min_size=18, max_size=18))
def test_the_fast_credit_code_check_agrees_with_stdnum(value):
    assert not _uscc_checks(value) or uscc.is_valid(value)
    if value[:17] and all(c in _ALPHABET for c in value) and value[:8].isdigit():
        assert _uscc_checks(value) == uscc.is_valid(value)
    # the format's fast path for a valid code gives the verdict of the cached full check
    assert formats.is_uscc(value) == formats._is_uscc_text(value)


def test_the_credit_code_format_passes_valid_codes_and_names_bad_ones():
    codes = [credit_code(number, region) for number in range(300) for region in (DEZHOU, "370500")]
    assert all(formats.is_uscc(code) and formats._is_uscc_text(code) for code in codes)
    wrong = [code[:17] + ("0" if code[17] != "0" else "1") for code in codes]
    assert not any(formats.is_uscc(code) or formats._is_uscc_text(code) for code in wrong)


# --- the command line ----------------------------------------------------------------------------


def write_config(tmp_path: Path, **sections: Any) -> Path:
    import yaml

    config = {
        "name": "东营市政务服务中心",
        "region": CITY,
        "storage": {"backend": "sqlite", "settings": {"path": "centre.db"}},
        "blacklists": {"partners": [partner(r) for r in NAMES]},
        **sections,
    }
    path = tmp_path / "govservice.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_import_twice_and_refusals(tmp_path, capsys):
    config = write_config(tmp_path)
    good = tmp_path / "dezhou-1.json"
    good.write_bytes(dezhou_full())
    assert main(["--config", str(config), "blacklist", "import", str(good)]) == 0
    assert "新增3条" in capsys.readouterr().out
    assert main(["--config", str(config), "blacklist", "import", str(good)]) == 0
    assert "已导入过，未作改动" in capsys.readouterr().out
    forged = tmp_path / "forged.json"
    forged.write_bytes(signed(DEZHOU, 2, [("add", own_entry(DEZHOU, 5))], signer=BINZHOU))
    assert main(["--config", str(config), "blacklist", "import", str(forged)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "GS635" in err[0]
    assert "滨州市" in err[0]
    assert (
        main(["--config", str(config), "blacklist", "import", str(good), "--partner", JINAN]) == 2
    )
    assert "GS635" in capsys.readouterr().err


def exporting_centre(tmp_path: Path) -> Path:
    """The configuration of a centre with a signing key and one entry of its own list (a
    person's): what ``blacklist export`` writes out."""
    from govservice.trail.keys import generate_key

    generate_key(tmp_path / "centre.pem")
    config = write_config(tmp_path, trail={"signing_key": "centre.pem"})
    service = GovService(config, environ={"GOVSERVICE_PLUGINS": ""})
    service.store.add(person_entry(1), change={"action": "listed"})
    service.store.close()
    return config


def test_cli_export_masks_and_never_overwrites(tmp_path, capsys):
    config = exporting_centre(tmp_path)
    out = tmp_path / "dongying-1.json"
    assert main(["--config", str(config), "blacklist", "export", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "已写出第1号交换文件" in printed.out
    assert not RIC.search(out.read_text() + printed.out + printed.err)
    before = out.read_bytes()
    assert main(["--config", str(config), "blacklist", "export", "--out", str(out)]) == 2
    assert "GS111" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert (
        main(
            [
                "--config",
                str(config),
                "blacklist",
                "export",
                "--out",
                str(out),
                "--force",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["sequence"] == 2  # the refusal took no number
