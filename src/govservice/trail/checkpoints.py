"""Signed checkpoints: the trail's head witnessed outside the database (见证).

A checkpoint says "on this centre's clock, at this time, the chain of region R ended at
link ``seq`` with hash ``hash``", signed with the centre's Ed25519 key
(:mod:`govservice.trail.keys`). Checkpoints are appended, one JSON line each, to a file that
is never rewritten (``trail.checkpoints``), every ``trail.every`` links and at least daily
(after any commit that finds the last one a day old), and on demand
(``govservice audit checkpoint``). ``govservice audit checkpoint --print`` shows the latest
for publication (a notice board, the centre's web site, a letter to the supervisor).

:meth:`Trail.verify` checks the chain against every valid checkpoint of the file: a ledger
emptied, cut back (its head rewound) or rewritten with fresh hashes no longer holds the
links they witnessed. A line that is not a checkpoint, an edited line, a bad signature, a
checkpoint of another key or region is reported, and so is a missing file once the chain
has links (with a key configured, a missing file is never a silent yes). A file that holds
no checkpoint (emptied: no byte, or only blank lines) is a missing file. A path that is not
a regular file (a device such as ``/dev/null``, a link to one, a folder) is refused. The
file is started on purpose, by ``govservice audit checkpoint``; automatic checkpoints are
only appended to a file that holds a checkpoint already.
"""

from __future__ import annotations

import base64
import datetime as dt
import errno
import fcntl
import functools
import json
import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govservice.errors import CheckpointError, GovServiceError, TrailBrokenError
from govservice.formats import parse_date_time
from govservice.store.ledger import AuditReport, canonical, is_hash
from govservice.trail.keys import key_id, load_key

logger = logging.getLogger("govservice")

DAY = dt.timedelta(days=1)
_FIELDS = ("centre", "region", "seq", "hash", "time", "key_id", "signature")

NOT_A_FILE = (
    "not a regular file (a device such as /dev/null, a link to one, a folder): checkpoints "
    "are kept in a file of their own, nothing is witnessed here"
)


@attrs.frozen
class Checkpoint:
    """One signed checkpoint: the head ``seq``/``hash`` of ``region``'s chain at ``time``."""

    centre: str
    region: str
    seq: int
    hash: str
    time: str
    """RFC 3339, the centre's clock."""
    key_id: str
    signature: str
    """Base64 of the Ed25519 signature of :meth:`signed_text`."""

    def signed_text(self) -> str:
        """What is signed: the canonical JSON of every field but the signature."""
        fields = attrs.asdict(self)
        del fields["signature"]
        return canonical(fields)

    def line(self) -> str:
        """The checkpoint as its line in the file (canonical JSON)."""
        return canonical(attrs.asdict(self))

    @classmethod
    def signed(
        cls, key: Ed25519PrivateKey, centre: str, region: str, head: tuple[int, str], time: str
    ) -> Checkpoint:
        unsigned = cls(centre, region, head[0], head[1], time, key_id(key.public_key()), "")
        signature = key.sign(unsigned.signed_text().encode("utf-8"))
        return attrs.evolve(unsigned, signature=base64.b64encode(signature).decode("ascii"))


@attrs.frozen
class Reading:
    """What a checkpoint file holds: its valid checkpoints, in file order, and what is
    wrong with the rest (each ``FILE:LINE: problem``)."""

    valid: tuple[Checkpoint, ...] = ()
    problems: tuple[str, ...] = ()
    exists: bool = True

    @property
    def started(self) -> bool:
        """Whether the file holds anything but blank lines (a file emptied, or made empty,
        is not started: it counts as missing)."""
        return self.exists and bool(self.valid or self.problems)

    @property
    def latest(self) -> Checkpoint | None:
        return max(self.valid, key=lambda checkpoint: checkpoint.seq, default=None)


def read_checkpoints(path: Path, key: Ed25519PrivateKey, region: str) -> Reading:
    """Read and check every line of the checkpoint file at ``path`` with ``key``'s public
    half; checkpoints of another region or key are problems (this file is this centre's).

    A path that is not a regular file is one problem, read no further.

    :raises CheckpointError: the file exists but cannot be read.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO does not block
    except FileNotFoundError:
        return Reading(exists=False)
    except OSError as error:
        if error.errno == errno.EISDIR:
            return Reading(problems=(f"{path}: {NOT_A_FILE}",))
        raise CheckpointError(
            f"cannot read the checkpoints: {error.strerror}", where=str(path)
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return Reading(problems=(f"{path}: {NOT_A_FILE}",))
        with os.fdopen(os.dup(descriptor), "rb") as stream:
            data = stream.read()
    except OSError as error:
        raise CheckpointError(
            f"cannot read the checkpoints: {error.strerror}", where=str(path)
        ) from None
    finally:
        os.close(descriptor)
    public, own_id = key.public_key(), key_id(key.public_key())
    valid, problems = [], []
    witnessed: dict[int, str] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        problem, checkpoint = _checked(raw, public, own_id, region)
        if problem is None and witnessed.setdefault(checkpoint.seq, checkpoint.hash) != (
            checkpoint.hash
        ):
            problem = f"a second checkpoint of event {checkpoint.seq} names another hash"
        if problem is not None:
            problems.append(f"{where}: {problem}")
        else:
            valid.append(checkpoint)
    return Reading(tuple(valid), tuple(problems))


def _checked(raw: bytes, public: Any, own_id: str, region: str) -> tuple[str | None, Any]:
    try:
        fields = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "not a checkpoint (not a JSON line)", None
    if not isinstance(fields, dict) or sorted(fields) != sorted(_FIELDS):
        return f"not a checkpoint (it holds the fields {', '.join(_FIELDS)})", None
    seq = fields["seq"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0 or not is_hash(fields["hash"]):
        return "not a checkpoint (seq is a number from 0, hash 64 hex digits)", None
    if not all(isinstance(fields[name], str) for name in _FIELDS if name != "seq"):
        return "not a checkpoint (a field that should be text is not)", None
    checkpoint = Checkpoint(**fields)
    if checkpoint.key_id != own_id:
        return f"signed by another key ({checkpoint.key_id}, this centre's is {own_id})", None
    try:
        public.verify(
            base64.b64decode(checkpoint.signature, validate=True),
            checkpoint.signed_text().encode("utf-8"),
        )
    except (InvalidSignature, ValueError):
        return "the signature does not match (the line was edited, or forged)", None
    if checkpoint.region != region:
        return f"a checkpoint of region {checkpoint.region}, not {region}", None
    return None, checkpoint


def append_checkpoint(path: Path, checkpoint: Checkpoint, *, create: bool = True) -> None:
    """Append ``checkpoint`` to the file as one line (never rewriting what is there),
    under an exclusive lock, synced to disk; ``create=False``: only to a file that holds a
    checkpoint already (a line that is not blank). Never to what is not a regular file.

    :raises CheckpointError: the file cannot be written, is not a regular file, or
        (``create=False``) is missing or holds no checkpoint.
    """
    try:
        flags = os.O_RDWR | os.O_APPEND | os.O_NONBLOCK | (os.O_CREAT if create else 0)
        descriptor = os.open(path, flags, 0o644)
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise CheckpointError(f"the checkpoint file is {NOT_A_FILE}", where=str(path))
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            size = os.fstat(descriptor).st_size
            if not create and not _holds_a_line(descriptor, size):
                raise CheckpointError(
                    "the checkpoint file holds no checkpoint (it was emptied): nothing is "
                    "appended to it unnoticed; look into it, then start it again with "
                    "`govservice audit checkpoint`",
                    where=str(path),
                )
            prefix = b""
            if size:  # a line cut short (a crash) stays a line of its own, reported
                prefix = b"" if os.pread(descriptor, 1, size - 1) == b"\n" else b"\n"
            os.write(descriptor, prefix + checkpoint.line().encode("utf-8") + b"\n")
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise CheckpointError(
            f"cannot write the checkpoint: {error.strerror}", where=str(path)
        ) from None


def _holds_a_line(descriptor: int, size: int, chunk: int = 65536) -> bool:
    """Whether the first ``size`` bytes of the open file hold more than blank lines."""
    return any(os.pread(descriptor, chunk, offset).strip() for offset in range(0, size, chunk))


class Trail:
    """The checkpoints of one centre (``GovService.trail``): its key, its file, when to
    write one, and the check of a store's chain against them."""

    def __init__(self, service: Any) -> None:
        self._service = service
        config = service.config
        self.key_path: Path | None = config.trail_signing_key
        self.path: Path | None = config.trail_checkpoints
        if self.path is None and self.key_path is not None:
            self.path = self.key_path.parent / "trail-checkpoints.jsonl"
        self.every = config.trail_every
        self._last: tuple[int, dt.datetime] | None = None
        self._told = False

    @property
    def enabled(self) -> bool:
        """Whether a signing key is configured (``trail.signing_key``)."""
        return self.key_path is not None

    @functools.cached_property
    def key(self) -> Ed25519PrivateKey:
        """The signing key.

        :raises CheckpointError: none is configured, or it cannot be read.
        """
        if self.key_path is None:
            raise CheckpointError(
                "no signing key is configured (trail.signing_key); make one with "
                "`govservice audit keygen --out FILE` and name it in the configuration",
                where=self._service.config.where("trail") if self._service.config.path else None,
            )
        return load_key(self.key_path)

    def read(self) -> Reading:
        """The checkpoints of the file, checked (see :func:`read_checkpoints`)."""
        assert self.path is not None
        return read_checkpoints(self.path, self.key, self._service.config.region)

    def checkpoint(self, store: Any, *, check: bool = False, create: bool = True) -> Checkpoint:
        """Sign the store's head now and append it to the file; with ``check``, only after
        :meth:`verify` finds the chain whole (what is wrong with the checkpoint file itself
        does not stop it: a new checkpoint is how a centre starts again after looking
        into it). ``create=False`` appends only to a file that exists.

        :raises TrailBrokenError: (``check``) the chain is broken; nothing is signed.
        :raises CheckpointError: no key, or the file cannot be written.
        """
        config = self._service.config
        if check:
            broken = self.verify(store).first_break
            if broken is not None:
                raise TrailBrokenError(
                    f"the trail is broken at event {broken.seq}: {broken.problem}; nothing is "
                    "signed until the break is looked into (govservice audit verify)"
                )
        head = store.ledger_head()
        now = self._service.clock.now()
        made = Checkpoint.signed(self.key, config.name, config.region, head, now.isoformat())
        assert self.path is not None
        append_checkpoint(self.path, made, create=create)
        self._last = (head[0], now)
        return made

    def watch(self, store: Any) -> None:
        """Have ``store`` write a checkpoint after a commit that leaves the head ``every``
        links or more past the last one, or a day or more after it (nothing when no key
        is configured). A checkpoint that cannot be written is logged (logger
        ``govservice``), never raised: the commit it follows stands.

        These automatic checkpoints are only appended to a file that exists: the first
        checkpoint of a file is made on purpose (``govservice audit checkpoint``, which
        verifies the trail first), so that a removed file is never started again
        unnoticed, witnessing whatever the database holds by then."""
        if self.enabled:
            store.after_commit(self._after_commit_of(store))

    def _after_commit_of(self, store: Any) -> Callable[[], None]:
        def after_commit() -> None:
            try:
                self._maybe_checkpoint(store)
            except (GovServiceError, OSError) as error:
                logger.warning("govservice: no checkpoint of the trail was written: %s", error)

        return after_commit

    def _maybe_checkpoint(self, store: Any) -> None:
        head = store.ledger_head()
        if head[0] == 0:
            return
        if self._last is None:
            reading = self.read()
            if not reading.started:
                if not self._told:
                    self._told = True
                    logger.warning(
                        "govservice: no checkpoint of the trail is written: %s %s "
                        "(start it with `govservice audit checkpoint`)",
                        self.path,
                        "holds no checkpoint" if reading.exists else "does not exist",
                    )
                return
            latest = reading.latest
            if latest is not None:
                self._last = (latest.seq, parse_date_time(latest.time))
        if self._last is not None:
            seq, at = self._last
            if seq == head[0] or (
                head[0] - seq < self.every and self._service.clock.now() - at < DAY
            ):
                return
        self.checkpoint(store, create=False)

    def verify(self, store: Any, expected_head: tuple[int, str] | None = None) -> AuditReport:
        """:func:`govservice.audit.verify_store` against every valid checkpoint of the file
        (when a key is configured), with what is wrong with the file in
        :attr:`~govservice.store.ledger.AuditReport.witness_problems`.

        With a key configured, a missing file is a problem once the chain has links (the
        file was removed, or no checkpoint was ever written: write one, after looking into
        it, with ``govservice audit checkpoint``); with no link yet it is not. A file that
        holds no checkpoint (no byte, or blank lines only) is a missing one; a path that is
        not a regular file is a problem whatever the chain holds.
        """
        from govservice.audit import verify_store

        if not self.enabled:
            return verify_store(store, expected_head)
        reading = self.read()
        witnessed = {checkpoint.seq: checkpoint.hash for checkpoint in reading.valid}
        report = verify_store(store, expected_head, witnessed=witnessed)
        problems = list(reading.problems)
        if not reading.started and report.head_seq > 0:
            what = (
                "the checkpoint file holds no checkpoint"
                if reading.exists
                else "no checkpoint file"
            )
            problems.append(
                f"{self.path}: {what}, yet the chain has {report.head_seq} links "
                "(it was removed or emptied, or never started with `govservice audit "
                "checkpoint`); nothing witnesses the chain"
            )
        return attrs.evolve(report, witness_problems=tuple(problems))
