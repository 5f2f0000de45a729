"""Engagements (服务合同): the work an agency was selected for, from the agreement to the
delivery, the department's rating and the complaints (``service.intermediaries.engagements``).

- :meth:`Engagements.engage` records the agreement of a stored selection: the agency is
  the selection's result; the agreed fee is checked against the service's published
  regime (:meth:`~govservice.model.ServiceFee.allows`) and the agency's published offer
  (its amount, or its range), and what does not keep to them is a *finding* on the
  engagement (in Chinese), counted as a fee breach by the quarterly assessment: the
  agreement is recorded all the same, as it was signed.
- :meth:`Engagements.deliver` records the delivery and the department's rating (0–100).
- :meth:`Engagements.complain` and :meth:`Engagements.resolve`: complaints and their outcome.
- Lateness is counted in working days on the centre's calendar
  (:meth:`GovService.calendar <govservice.service.GovService.calendar>`): the working days
  after the due date up to the delivery (or up to the day asked, while undelivered), so a
  delivery due on 30 September and made on 8 October 2015 is one working day late, the
  National Day holiday not counted.

Every write is one ``store.add`` / ``store.update`` of the ``engagement`` kind, whose
``change`` (the trail's link, subject ``engagement/<id>``) says what happened. Dates are
the centre's (Asia/Shanghai); none is after today on the centre's clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs

from govservice.clock import SHANGHAI
from govservice.errors import EngagementError, EngagementNotFoundError
from govservice.intermediaries.status import write
from govservice.model import Complaint, Engagement, Intermediary, IntermediaryService

PAGE = 500


class Engagements:
    """The engagements of ``service``'s supermarket."""

    def __init__(self, service: Any) -> None:
        self.service = service

    # --- reading --------------------------------------------------------------------------

    def get(self, engagement_id: str) -> Engagement:
        """The stored engagement ``engagement_id``.

        :raises EngagementNotFoundError: none is stored under it.
        """
        stored = self.service.store.get("engagement", engagement_id)
        if stored is None:
            raise EngagementNotFoundError(f"no engagement {engagement_id} is stored")
        return stored.record

    def all(self, *, credit_code: str | None = None) -> Iterator[Engagement]:
        """Every stored engagement (of the agency ``credit_code``), by id."""
        after = None
        while True:
            page = self.service.store.list("engagement", limit=PAGE, after=after)
            for stored in page.records:
                if credit_code is None or stored.record.credit_code == credit_code:
                    yield stored.record
            if page.next_after is None:
                return
            after = page.next_after

    def late_days(self, engagement: Engagement, on: dt.date | None = None) -> int:
        """The working days ``engagement`` was delivered after its due date, on the
        calendar of its region; undelivered, those up to ``on`` (default: today)."""
        end = engagement.delivered_on or on or self._today()
        return self.service.calendar(engagement.region).working_days_between(
            engagement.due_on, end
        )

    # --- writing --------------------------------------------------------------------------

    def engage(
        self,
        selection_id: str,
        *,
        agreed_fee: Decimal | None,
        signed_on: dt.date,
        due_on: dt.date,
        engagement_id: str | None = None,
        quantity: Decimal | None = None,
    ) -> Engagement:
        """Record the agreement made with the agency a selection chose.

        :param quantity: the units a fee per unit is agreed for (the floor area …).

        :param engagement_id: default ``HT-`` and the selection's id (less its ``XQ-``).
        :raises EngagementError: the selection is not stored or is engaged already,
            ``signed_on`` is before the selection or after today, ``due_on`` before
            ``signed_on``, or the fee is no amount of yuan.
        :raises DuplicateRecordError: an engagement is stored under the id already.
        """
        store = self.service.store
        stored = store.get("selection", selection_id)
        if stored is None:
            raise EngagementError(f"no selection {selection_id} is stored; nothing was recorded")
        selection = stored.record
        engagement_id = engagement_id or f"HT-{selection_id.removeprefix('XQ-')}"
        today = self._today()
        if signed_on > today:
            raise EngagementError(
                f"engagement {engagement_id}: signed on {signed_on}, after today ({today}); "
                "nothing was recorded"
            )
        if signed_on < selection.on:
            raise EngagementError(
                f"engagement {engagement_id}: signed on {signed_on}, before the selection "
                f"{selection_id} was made ({selection.on}); nothing was recorded"
            )
        engaged = self._engagement_of(selection_id)
        if engaged is not None:
            raise EngagementError(
                f"selection {selection_id} is engaged already ({engaged}); nothing was recorded"
            )
        listed = store.get("intermediary-service", selection.service_code)
        agency = store.get("intermediary", selection.result)
        findings = fee_findings(
            agreed_fee,
            None if listed is None else listed.record,
            None if agency is None else agency.record,
            selection.service_code,
            quantity,
        )
        engagement = self._build(
            engagement_id,
            id=engagement_id,
            selection_id=selection_id,
            need_id=selection.need_id,
            service_code=selection.service_code,
            credit_code=selection.result,
            region=selection.region,
            agreed_fee=agreed_fee,
            quantity=quantity,
            signed_on=signed_on,
            due_on=due_on,
            findings=findings,
        )
        write(
            store,
            engagement,
            None,
            {
                "action": "engaged",
                "selection": selection_id,
                "credit_code": selection.result,
                "agreed_fee": None if agreed_fee is None else str(agreed_fee),
                "quantity": None if quantity is None else str(quantity),
                "signed_on": signed_on.isoformat(),
                "due_on": due_on.isoformat(),
                "findings": list(findings),
            },
        )
        return engagement

    def deliver(
        self, engagement_id: str, *, on: dt.date, quality: int | None = None
    ) -> Engagement:
        """Record the delivery of the work on ``on`` and the approving department's rating
        of it (``quality``, 0 to 100, when it rates it).

        :raises EngagementNotFoundError: no such engagement.
        :raises EngagementError: delivered already, ``on`` before the signing or after
            today, or a rating outside 0 to 100.
        """

        def delivered(engagement: Engagement) -> tuple[Engagement, dict[str, Any]]:
            if engagement.delivered_on is not None:
                raise EngagementError(
                    f"engagement {engagement_id} was delivered on {engagement.delivered_on} "
                    "already; nothing was recorded"
                )
            self._not_after_today(engagement_id, "delivered", on)
            if isinstance(quality, bool) or (quality is not None and not 0 <= quality <= 100):
                raise EngagementError(
                    f"engagement {engagement_id}: a rating is 0 to 100, not {quality!r}; "
                    "nothing was recorded"
                )
            done = self._evolve(engagement, delivered_on=on, quality=quality)
            late = self.late_days(done)
            return done, {
                "action": "delivered",
                "on": on.isoformat(),
                "quality": quality,
                "late_working_days": late,
            }

        return self._change(engagement_id, delivered)

    def complain(self, engagement_id: str, *, on: dt.date, text: str) -> Engagement:
        """Record a complaint about the engagement, made on ``on``, being handled.

        :raises EngagementNotFoundError: no such engagement.
        :raises EngagementError: ``on`` before the signing or after today, or no text.
        """

        def complained(engagement: Engagement) -> tuple[Engagement, dict[str, Any]]:
            self._not_after_today(engagement_id, "complained of", on)
            if on < engagement.signed_on:
                raise EngagementError(
                    f"engagement {engagement_id}: a complaint of {on} comes before the "
                    f"signing ({engagement.signed_on}); nothing was recorded"
                )
            complaint = self._complaint(engagement_id, on=on, text=text)
            number = len(engagement.complaints) + 1
            done = attrs.evolve(engagement, complaints=(*engagement.complaints, complaint))
            return done, {"action": "complained", "number": number, "on": on.isoformat()}

        return self._change(engagement_id, complained)

    def resolve(
        self, engagement_id: str, number: int, *, upheld: bool, outcome: str
    ) -> Engagement:
        """Record the outcome of the engagement's complaint ``number`` (1 for the first):
        whether it was found justified, and what was done.

        :raises EngagementNotFoundError: no such engagement.
        :raises EngagementError: the engagement has no complaint ``number``.
        """

        def resolved(engagement: Engagement) -> tuple[Engagement, dict[str, Any]]:
            if not 1 <= number <= len(engagement.complaints):
                raise EngagementError(
                    f"engagement {engagement_id} has {len(engagement.complaints)} "
                    f"complaint(s), no complaint {number}; nothing was recorded"
                )
            complaints = list(engagement.complaints)
            complaints[number - 1] = self._complaint(
                engagement_id,
                on=complaints[number - 1].on,
                text=complaints[number - 1].text,
                upheld=upheld,
                outcome=outcome,
            )
            done = attrs.evolve(engagement, complaints=tuple(complaints))
            return done, {"action": "resolved", "number": number, "upheld": upheld}

        return self._change(engagement_id, resolved)

    # --- helpers --------------------------------------------------------------------------

    def _change(self, engagement_id: str, make: Any) -> Engagement:
        store = self.service.store
        with store.transaction():
            store.lock("engagement", engagement_id)
            stored = store.get("engagement", engagement_id)
            if stored is None:
                raise EngagementNotFoundError(
                    f"no engagement {engagement_id} is stored; nothing was recorded"
                )
            record, change = make(stored.record)
            write(store, record, stored.version, change)
        return record

    def _engagement_of(self, selection_id: str) -> str | None:
        """The id of the engagement of the selection, if one is stored (found by the
        engagements' indexed ``selection_id`` column)."""
        found = self.service.store.records_where("engagement", selection_id=selection_id)
        return found[0].record.id if found else None

    def _today(self) -> dt.date:
        return self.service.clock.now().astimezone(SHANGHAI).date()

    def _not_after_today(self, engagement_id: str, what: str, on: dt.date) -> None:
        today = self._today()
        if on > today:
            raise EngagementError(
                f"engagement {engagement_id}: {what} on {on}, after today ({today}); "
                "nothing was recorded"
            )

    @staticmethod
    def _build(engagement_id: str, **fields: Any) -> Engagement:
        try:
            return Engagement(**fields)
        except (TypeError, ValueError) as error:
            raise EngagementError(
                f"engagement {engagement_id}: {error}; nothing was recorded"
            ) from None

    @staticmethod
    def _evolve(engagement: Engagement, **changes: Any) -> Engagement:
        try:
            return attrs.evolve(engagement, **changes)
        except (TypeError, ValueError) as error:
            raise EngagementError(
                f"engagement {engagement.id}: {error}; nothing was recorded"
            ) from None

    @staticmethod
    def _complaint(engagement_id: str, **fields: Any) -> Complaint:
        try:
            return Complaint(**fields)
        except (TypeError, ValueError) as error:
            raise EngagementError(
                f"engagement {engagement_id}: {error}; nothing was recorded"
            ) from None


def fee_findings(
    agreed: Decimal | None,
    listed: IntermediaryService | None,
    agency: Intermediary | None,
    service_code: str,
    quantity: Decimal | None = None,
) -> tuple[str, ...]:
    """What an agreed fee breaks (Chinese): the service's published regime, and the
    agency's published offer (its amount, or its range). Nothing: it keeps to both.

    A fee per unit (``unit``: 平方米 …) is judged on the agreed total for ``quantity``
    units; without the quantity it cannot be judged, and that is the finding."""
    found = []
    shown = "未约定金额" if agreed is None else f"{agreed}元"
    units = {u for u in (listed and listed.fee.unit, _offer_unit(agency, service_code)) if u}
    if units and quantity is None and agreed is not None:
        found.append(
            f"约定收费{shown}，按{'、'.join(sorted(units))}计费但未约定计费数量，无法核对收费标准"
        )
        return tuple(found)
    if listed is not None and not listed.fee.allows(agreed, quantity):
        fee = listed.fee
        stated = {
            "fixed": f"（{fee.amount}元）",
            "range": f"（{fee.amount}元至{fee.amount_to}元）",
            "government": "（申请人不付费）",
        }.get(fee.regime.value, "")
        found.append(f"约定收费{shown}，不符合该事项公布的收费方式：{fee.regime.label}{stated}")
    offer = None if agency is None else agency.offer(service_code)
    if offer is not None and offer.fee_from is not None:
        times = quantity if offer.unit is not None and quantity is not None else Decimal(1)
        low, high = offer.fee_from * times, (offer.fee_to or offer.fee_from) * times
        kept = agreed is not None and low <= agreed <= high
        per = "" if offer.unit is None else f"/{offer.unit}"
        if offer.fee_to is not None:
            published = f"{offer.fee_from}元至{offer.fee_to}元{per}"
        else:
            published = f"{offer.fee_from}元{per}"
        if not kept:
            found.append(f"约定收费{shown}，不符合该机构公布的收费标准（{published}）")
    return tuple(found)


def _offer_unit(agency: Intermediary | None, service_code: str) -> str | None:
    offer = None if agency is None else agency.offer(service_code)
    return None if offer is None else offer.unit
