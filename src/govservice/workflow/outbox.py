"""The outbox of notifications (通知): what the notification plugins are to be told of the
cases' events, kept with the actions themselves.

Each event an action records is written to the outbox as a notice, in the action's own
transaction (a refused attempt is not told, nor is an event of a region no notification
plugin serves): a notice is stored if and only if its event is, so a batch rolled back
leaves none. Once the transaction has committed, the outbox tells the plugins
(``govservice_case_event``) of what it wrote, and records each notice as delivered or
failed.

A plugin that fails (an SMS gateway down, a WeChat token expired) never makes the action
look failed, in strict mode too: the action is stored and returns as usual. The failure is
a warning, :class:`~govservice.errors.NoticeUndeliveredError`, kept with the plugins'
problems (:attr:`govservice.plugins.Plugins.problems`, which the command line prints as
warnings) and logged on the ``govservice.notices`` logger, and the notice is tried again
later, after a later commit that wrote notices, once its wait (:data:`BACKOFF`) is over,
:data:`MAX_ATTEMPTS` times in all; only the plugins that failed are told again. Nothing the
outbox does after the commit, not even a store that fails, raises into the action.
``govservice notices`` lists the notices not delivered, and ``govservice notices deliver``
tries them again at once (after the automatic attempts too).

A deliverer holds the notices it tries for :data:`LEASE` (the writer holds the notices it
wrote from the start), so two processes do not tell the same notice at once; one that dies
holding notices leaves them to others when the lease is over. Delivery is at least once:
a process that dies between telling a plugin and recording it leaves the notice to be told
again.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from govservice.clock import SHANGHAI
from govservice.errors import NoticeUndeliveredError
from govservice.model import Case, CaseEvent
from govservice.model.identifiers import mask_identity_numbers
from govservice.store.base import Notice

if TYPE_CHECKING:
    from govservice.service import GovService

HOOK = "govservice_case_event"

MAX_ATTEMPTS = 5
"""Attempts made on their own (after the action, then after later commits); after them a
notice waits for ``govservice notices deliver``."""

BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
"""The wait after the first, second ... failed attempt before the next one."""

LEASE = dt.timedelta(minutes=1)
"""How long a deliverer holds a notice it tries (or the writer one it wrote)."""

RETRIES_PER_COMMIT = 20
"""Notices whose next attempt has come tried after a commit that wrote notices."""

ERROR_LENGTH = 500
"""Characters of a failure kept in the outbox (``last_error``)."""

logger = logging.getLogger("govservice.notices")
logger.addHandler(logging.NullHandler())  # shown where the integrator's logging says


@attrs.frozen
class Delivery:
    """What a round of delivery did: notices delivered, failed again, and left (held by
    another deliverer; without ``force``, not due yet)."""

    delivered: int = 0
    failed: int = 0
    skipped: int = 0


class Outbox:
    """The outbox of one store, for the actions of one :class:`~govservice.GovService`."""

    def __init__(self, service: GovService, store: Any) -> None:
        self.service = service
        self.store = store
        self.owner = f"outbox-{secrets.token_hex(6)}"
        """Who this outbox is, as the store records who holds a notice."""
        self._written: list[tuple[Any, ...]] = []
        """Notices written since the last commit: ``(id, case id, document, created at,
        held until, case, event, rollbacks)``, the case as it stood after the event, and
        the store's count of rollbacks then (one moved on since: its transaction was
        rolled back). A :class:`Notice` is made of one only for a failure to record."""
        self._delivering = False
        store.after_commit(self._after_commit)

    @classmethod
    def of(cls, service: GovService, store: Any) -> Outbox:
        """The outbox of ``store`` for ``service``: one, however many sessions act on the
        store (each outbox is called after every commit of its store)."""
        outboxes = store.__dict__.setdefault("_govservice_outboxes", {})
        outbox = outboxes.get(id(service))
        if outbox is None or outbox.service is not service:
            outbox = outboxes[id(service)] = cls(service, store)
        return outbox

    # --- writing, in the action's transaction ----------------------------------------------

    def write(self, case: Case, count: int = 1) -> None:
        """Write a notice of each of the last ``count`` events of ``case`` (the case as it
        stands after them), in the caller's transaction; delivered after it commits."""
        self.write_all([(case, count)])

    def write_all(self, changes: Iterable[tuple[Case, int]]) -> None:
        """:meth:`write` for each ``(case, count)`` of ``changes`` (the actions of a batch,
        in order), written at once (:meth:`~govservice.store.base.Store.add_notices_of`);
        the notices are told in the order given."""
        now = self._now()
        lease = now + LEASE
        served: dict[str, bool] = {}
        docs: dict[str, list[dict[str, Any]]] = {}
        told: list[tuple[str, int, Case, CaseEvent]] = []  # case id, place in docs, ...
        for case, count in changes:
            if count <= 0:
                continue
            if case.region not in served:
                served[case.region] = self.service.plugins.implemented(HOOK, scope=case.region)
            if not served[case.region]:
                continue
            of_case = docs.setdefault(case.id, [])
            for index in range(len(case.events) - count, len(case.events)):
                event = case.events[index]
                if event.refusal is not None:
                    continue
                told.append((case.id, len(of_case), case, event))
                of_case.append(
                    {
                        "event": index,
                        "action": event.action,
                        "at": event.at.isoformat(),
                        "region": case.region,
                    }
                )
        writes = [(case_id, written) for case_id, written in docs.items() if written]
        if not writes:
            return
        ids = dict(
            zip(
                (case_id for case_id, _ in writes),
                self.store.add_notices_of(
                    writes, created_at=now, claimed_by=self.owner, lease_until=lease
                ),
                strict=True,
            )
        )
        rollbacks = self.store.rollbacks
        self._written.extend(
            (
                ids[case_id][place],
                case_id,
                docs[case_id][place],
                now,
                lease,
                case,
                event,
                rollbacks,
            )
            for case_id, place, case, event in told
        )

    # --- delivering, after the commit -----------------------------------------------------

    def _after_commit(self) -> None:
        """Try notices whose next attempt has come, then deliver what was written in the
        transaction just committed (not what a transaction rolled back wrote before it).
        Raises nothing."""
        if self._delivering or not self._written:
            return
        self._delivering = True
        try:
            now = self._now()  # older notices first: what was told keeps its order
            for notice in self.store.undelivered_notices(due=now, limit=RETRIES_PER_COMMIT):
                self._retry(notice, now, force=False)
            self._deliver_written()
        except Exception as error:  # the action is stored: report, never raise into it
            self._warn(
                NoticeUndeliveredError(
                    f"notices could not be delivered after the action: "
                    f"{type(error).__name__}: {error}; they are tried again later "
                    "(govservice notices)",
                    plugin="govservice",
                )
            )
        finally:
            self._delivering = False

    def _deliver_written(self) -> None:
        written, self._written = self._written, []
        rollbacks = self.store.rollbacks
        delivered: list[int] = []
        tell = self.service.plugins.tell
        for notice_id, case_id, doc, now, lease, case, event, rollbacks_then in written:
            if rollbacks_then != rollbacks:  # not written in the transaction just committed
                continue
            failures = tell(HOOK, scope=case.region, only=None, case=case, event=event)
            if not failures:
                delivered.append(notice_id)
                continue
            notice = Notice(  # as the store holds it
                id=notice_id,
                case_id=case_id,
                doc=doc,
                created_at=now,
                attempts=0,
                last_error=None,
                next_attempt_at=lease,
                claimed_by=self.owner,
                waiting_for=None,
            )
            self._failed(notice, failures)  # as _settle() does
        if delivered:
            self.store.mark_notices_delivered(delivered, self._now())

    def deliver(self, *, force: bool = True) -> Delivery:
        """Try every notice not delivered (``force``: those waiting for their next attempt,
        or past their automatic attempts, too; otherwise only those whose next attempt has
        come): ``govservice notices deliver``. Failures are warnings, as after an action."""
        tally = {"delivered": 0, "failed": 0, "skipped": 0}
        self._delivering = True  # this outbox's own writes to the store deliver nothing
        try:
            for notice in self.undelivered():
                tally[self._retry(notice, self._now(), force=force)] += 1
        finally:
            self._delivering = False
        return Delivery(**tally)

    def undelivered(self, *, page: int = 200) -> Iterator[Notice]:
        """Every notice not delivered, oldest first."""
        after = 0
        while True:
            notices = self.store.undelivered_notices(after=after, limit=page)
            yield from notices
            if len(notices) < page:
                return
            after = notices[-1].id

    def _retry(self, notice: Notice, now: dt.datetime, *, force: bool) -> str:
        """Take ``notice`` and tell the plugins still waiting for it; what came of it."""
        if not self.store.claim_notice(
            notice.id, self.owner, now=now, until=now + LEASE, force=force
        ):
            return "skipped"
        delivered: list[int] = []
        stored = self.store.get("case", notice.case_id)
        index = notice.doc.get("event")
        if (
            stored is None
            or not isinstance(index, int)
            or not 0 <= index < len(stored.record.events)
        ):
            self._failed(notice, [("govservice", LookupError("its case or event is not stored"))])
            return "failed"
        case = stored.record
        self._settle(notice, case, case.events[index], notice.waiting_for, delivered)
        if delivered:
            self.store.mark_notices_delivered(delivered, self._now())
            return "delivered"
        return "failed"

    def _settle(
        self,
        notice: Notice,
        case: Case,
        event: CaseEvent,
        only: tuple[str, ...] | None,
        delivered: list[int],
    ) -> None:
        """Tell the plugins of one notice; note it delivered, or record the failure."""
        failures = self.service.plugins.tell(
            HOOK, scope=case.region, only=only, case=case, event=event
        )
        if failures:
            self._failed(notice, failures)
        else:
            delivered.append(notice.id)

    def _failed(self, notice: Notice, failures: list[tuple[str, Exception]]) -> None:
        attempts = notice.attempts + 1
        retry_at = None
        if attempts < MAX_ATTEMPTS:
            retry_at = self._now() + BACKOFF[min(attempts, len(BACKOFF)) - 1]
        text = "; ".join(
            f"plugin {name!r}: {type(error).__name__}: {error}" for name, error in failures
        )
        text = mask_identity_numbers(" ".join(text.split()))[:ERROR_LENGTH]
        waiting = [name for name, _ in failures if name != "govservice"] or notice.waiting_for
        self.store.mark_notice_failed(notice.id, text, retry_at=retry_at, waiting_for=waiting)
        then = (
            f"tried again from {retry_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
            if retry_at
            else "no more automatic attempts: govservice notices deliver"
        )
        self._warn(
            NoticeUndeliveredError(
                f"the notice of {notice.doc.get('action')} (#{notice.id}) was not delivered "
                f"(attempt {attempts}): {text}; the action is stored; {then}",
                plugin=failures[0][0],
                where=f"case {notice.case_id}",
            )
        )

    def _now(self) -> dt.datetime:
        return self.service.clock.now()

    def _warn(self, error: NoticeUndeliveredError) -> None:
        """Report a failure as a plugin's outside strict mode: kept with the plugins'
        problems (the command line prints them as warnings), and logged."""
        self.service.plugins.problems.append(error)
        logger.warning(mask_identity_numbers(" ".join(f"[{error.code}] {error}".split())))
