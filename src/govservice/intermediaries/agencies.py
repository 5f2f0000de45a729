"""The agencies of the intermediary supermarket (中介机构库): ``service.intermediaries.agencies``.

An agency is registered (:meth:`Agencies.register`) as present in the hall (有形进驻) or
online (虚拟进驻), with its qualifications (level, expiry, the listed services each allows),
its practitioners and its offers: each offer names a service of the list and publishes a
fee that keeps to that service's regime (:mod:`govservice.intermediaries.offers`: a
negotiated price needs no amount, a fixed fee does). Its status history starts with the
registration (正常 from the day registered); a suspension and a reinstatement are the
assessment's (:mod:`govservice.intermediaries.status`); :meth:`Agencies.withdraw` records
that it leaves (退出).

Every write checks first and stores after, in one transaction: an offer refused, nothing
of the agency is stored.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from govservice.catalog.guides import chinese_date
from govservice.clock import SHANGHAI
from govservice.codec import from_document
from govservice.errors import AgencyRegistryError, DuplicateRecordError, RecordNotFoundError
from govservice.intermediaries.offers import check_offers
from govservice.intermediaries.service_list import KIND as SERVICE_KIND
from govservice.model import (
    Intermediary,
    IntermediaryService,
    IntermediaryStatus,
    ServiceOffer,
    StatusChange,
)
from govservice.rules import Finding, Severity

KIND = "intermediary"
"""The record kind of an agency."""

UNQUALIFIED = "INTERMEDIARY-OFFER-UNQUALIFIED"
"""The code of the finding: an agency offers a service no valid qualification of it allows."""


@attrs.frozen(kw_only=True)
class OfferLine:
    """One agency's offer of one service, with both: what the disclosure and the
    ``offers`` command list."""

    agency: Intermediary
    offer: ServiceOffer
    service: IntermediaryService | None
    """The listed service the offer names (None: not in the list, an offer of old)."""


class Agencies:
    """The agencies of ``service``, on its store and clock."""

    def __init__(self, service: Any) -> None:
        self.service = service

    @property
    def store(self) -> Any:
        return self.service.store

    def _today(self) -> dt.date:
        return self.service.clock.now().astimezone(SHANGHAI).date()

    # --- reading -------------------------------------------------------------------------

    def find(self, credit_code: str) -> Intermediary | None:
        """The agency of ``credit_code``, or None."""
        stored = self.store.get(KIND, credit_code)
        return None if stored is None else stored.record

    def get(self, credit_code: str) -> Intermediary:
        """The agency of ``credit_code``.

        :raises RecordNotFoundError: no agency is registered with that credit code."""
        found = self.find(credit_code)
        if found is None:
            raise RecordNotFoundError(
                f"no agency is registered with the credit code {credit_code!r}",
                where="credit code",
            )
        return found

    def all(self, region: str | None = None) -> Iterator[Intermediary]:
        """Every registered agency (of ``region``), by credit code."""
        after = None
        while True:
            page = self.store.list(KIND, region=region, limit=1000, after=after)
            for stored in page.records:
                yield stored.record
            if page.next_after is None:
                return
            after = page.next_after

    def offering(self, service_code: str) -> list[Intermediary]:
        """The agencies that offer the listed service ``service_code``, by credit code
        (whatever their status: eligibility is the selection's to judge), read through
        the store's index of the offers."""
        return [
            from_document(Intermediary, document, check=False)
            for document, _ in self.store.agencies_offering(service_code)
        ]

    def offers(
        self,
        *,
        service_code: str | None = None,
        credit_code: str | None = None,
        on: dt.date | None = None,
    ) -> list[OfferLine]:
        """Every offer (of the service ``service_code``, of the agency ``credit_code``),
        with its agency and its listed service; with ``on``, only of agencies not
        withdrawn that day. By service code, then credit code."""
        if credit_code is not None:
            agencies: Iterable[Intermediary] = [self.get(credit_code)]
        elif service_code is not None:
            agencies = self.offering(service_code)
        else:
            agencies = self.all()
        services: dict[str, IntermediaryService | None] = {}
        lines = []
        for agency in agencies:
            if on is not None and agency.status_on(on) is IntermediaryStatus.WITHDRAWN:
                continue
            for offer in agency.services:
                code = offer.service_code
                if service_code is not None and code != service_code:
                    continue
                if code is not None and code not in services:
                    stored = self.store.get(SERVICE_KIND, code)
                    services[code] = None if stored is None else stored.record
                listed = None if code is None else services[code]
                lines.append(OfferLine(agency=agency, offer=offer, service=listed))
        return sorted(
            lines, key=lambda line: (line.offer.service_code or "", line.agency.credit_code)
        )

    # --- writing -------------------------------------------------------------------------

    def check(self, agency: Intermediary, on: dt.date | None = None) -> Intermediary:
        """``agency`` as it would be registered ``on`` the day (default: its
        ``registered_on``, else today): every offer checked against the list, the status
        history started with the registration. Stores nothing.

        :raises AgencyRegistryError: an offer without a listed service's code, a service
            offered twice, a status other than active with no history to say why, or a
            history not starting with an active registration.
        :raises ServiceNotListedError: an offer of a service not listed, or cancelled, on
            the day.
        :raises OfferFeeError: an offer whose fee does not keep to its service's regime.
        """
        day = on or agency.registered_on or self._today()
        agency = _with_registration(agency, day)
        check_offers(agency, self._service, day)
        return agency

    def findings(self, agency: Intermediary, on: dt.date | None = None) -> list[Finding]:
        """What the clerk should know of ``agency`` ``on`` the day (default today), though
        it does not stop a registration: each offer of a service that no qualification
        valid that day allows (``INTERMEDIARY-OFFER-UNQUALIFIED``, a warning: the agency
        is never eligible for it until one is)."""
        day = on or self._today()
        found = []
        for offer in agency.services:
            code = offer.service_code
            if code is None:
                continue
            allowing = [q for q in agency.qualifications if code in q.services]
            if any(q.valid_on(day) for q in allowing):
                continue
            expired = "、".join(
                f"{q.name}有效期至{chinese_date(q.expires_on)}"  # type: ignore[arg-type]
                for q in allowing
            )
            why = f"资质已过期（{expired}）" if allowing else "没有对应该服务的资质"
            found.append(
                Finding(
                    code=UNQUALIFIED,
                    message=f"{agency.name}（{agency.credit_code}）申报的“{offer.name}”（{code}）"
                    f"{why}，在取得有效资质前不会被选取",
                    severity=Severity.WARN,
                )
            )
        return found

    def _service(self, code: str) -> IntermediaryService | None:
        stored = self.store.get(SERVICE_KIND, code)
        return None if stored is None else stored.record

    def register(self, agency: Intermediary, *, on: dt.date | None = None) -> Intermediary:
        """Register a new agency (as :meth:`check`), its history starting with the
        registration; returns it as stored.

        :raises AgencyRegistryError: registered already, or as :meth:`check`.
        :raises ServiceNotListedError: as :meth:`check`.
        :raises OfferFeeError: as :meth:`check`.
        """
        return self.register_all([agency], on=on)[0]

    def register_all(
        self, agencies: Iterable[Intermediary], *, on: dt.date | None = None
    ) -> list[Intermediary]:
        """Register several agencies at once: one refused, none is stored."""
        chosen = [self.check(agency, on) for agency in agencies]
        seen: set[str] = set()
        with self.store.transaction():
            for agency in chosen:
                if agency.credit_code in seen or self.store.get(KIND, agency.credit_code):
                    raise AgencyRegistryError(
                        f"agency {agency.credit_code} is registered already",
                        notice=f"中介机构{agency.name}（{agency.credit_code}）已登记进驻",
                    )
                seen.add(agency.credit_code)
                try:
                    self.store.add(
                        agency,
                        change={
                            "action": "registered",
                            "on": agency.registered_on,
                            "presence": agency.presence,
                        },
                    )
                except DuplicateRecordError:  # (another writer between the two)
                    raise AgencyRegistryError(
                        f"agency {agency.credit_code} is registered already",
                        notice=f"中介机构{agency.name}（{agency.credit_code}）已登记进驻",
                    ) from None
        return chosen

    def set_offers(
        self,
        credit_code: str,
        offers: Iterable[ServiceOffer],
        *,
        on: dt.date | None = None,
        replace: bool = False,
    ) -> Intermediary:
        """Add ``offers`` to the agency's (an offer of a service it offers already takes
        its place), or, with ``replace``, make them its only offers; each checked against
        the list on ``on`` (default today).

        :raises RecordNotFoundError: no agency has that credit code.
        :raises AgencyRegistryError: the agency is withdrawn, or as :meth:`check`.
        :raises ServiceNotListedError: as :meth:`check`.
        :raises OfferFeeError: as :meth:`check`.
        """
        day = on or self._today()
        given = list(offers)
        with self.store.transaction():
            stored = self._stored(credit_code)
            agency: Intermediary = stored.record
            if agency.status_on(day) is IntermediaryStatus.WITHDRAWN:
                raise AgencyRegistryError(
                    f"agency {credit_code} is withdrawn: it offers nothing",
                    notice=f"中介机构{agency.name}（{credit_code}）已退出，不能报价",
                )
            codes = {offer.service_code for offer in given}
            kept = (
                () if replace else tuple(o for o in agency.services if o.service_code not in codes)
            )
            changed = attrs.evolve(agency, services=(*kept, *given))
            check_offers(changed, self._service, day)
            self.store.update(
                changed,
                stored.version,
                change={
                    "action": "offers",
                    "on": day.isoformat(),
                    "services": sorted(c for c in codes if c is not None),
                },
            )
        return changed

    def withdraw(
        self, credit_code: str, on: dt.date | None = None, reason: str | None = None
    ) -> Intermediary:
        """Record that the agency leaves the supermarket (退出) from ``on`` (default
        today), for ``reason``: it is never selected again.

        :raises RecordNotFoundError: no agency has that credit code.
        :raises AgencyRegistryError: it is withdrawn already, or ``on`` is before its last
            change of status.
        """
        day = on or self._today()
        with self.store.transaction():
            stored = self._stored(credit_code)
            agency: Intermediary = stored.record
            if agency.status_on(day) is IntermediaryStatus.WITHDRAWN or (
                agency.status is IntermediaryStatus.WITHDRAWN
            ):
                raise AgencyRegistryError(
                    f"agency {credit_code} is withdrawn already",
                    notice=f"中介机构{agency.name}（{credit_code}）已退出",
                )
            if agency.history and day < agency.history[-1].on:
                last = agency.history[-1]
                raise AgencyRegistryError(
                    f"agency {credit_code}: a withdrawal on {day.isoformat()} comes before "
                    f"its last change of status ({last.on.isoformat()}, {last.status.value})",
                    notice=f"中介机构{agency.name}的退出日期{chinese_date(day)}早于上次状态变更"
                    f"（{chinese_date(last.on)}{last.status.label}）",
                )
            change = StatusChange(status=IntermediaryStatus.WITHDRAWN, on=day, reason=reason)
            changed = attrs.evolve(
                agency,
                status=IntermediaryStatus.WITHDRAWN,
                history=(*agency.history, change),
            )
            self.store.update(
                changed,
                stored.version,
                change={"action": "withdrawn", "on": day.isoformat(), "reason": reason},
            )
        return changed

    def _stored(self, credit_code: str) -> Any:
        stored = self.store.get(KIND, credit_code)
        if stored is None:
            raise RecordNotFoundError(
                f"no agency is registered with the credit code {credit_code!r}",
                where="credit code",
            )
        return stored


def _with_registration(agency: Intermediary, day: dt.date) -> Intermediary:
    """``agency`` registered on ``day``: ``registered_on`` set, and a history that starts
    with its registration (正常 from that day, 有形进驻 or 虚拟进驻)."""
    registered_on = agency.registered_on or day
    who = f"{agency.name}（{agency.credit_code}）"
    if not agency.history:
        if agency.status is not IntermediaryStatus.ACTIVE:
            raise AgencyRegistryError(
                f"agency {agency.credit_code} is {agency.status.value} without a status "
                "history: register it active (a suspension or a withdrawal is a change of "
                "its status, with its date)",
                notice=f"{who}登记时状态为“{agency.status.label}”，但没有状态变更记录："
                "请以正常状态登记，暂停或退出另行记录",
            )
        first = StatusChange(
            status=IntermediaryStatus.ACTIVE,
            on=registered_on,
            reason=f"登记进驻（{agency.presence.label}）",
        )
        return attrs.evolve(agency, registered_on=registered_on, history=(first,))
    first, last = agency.history[0], agency.history[-1]
    if first.status is not IntermediaryStatus.ACTIVE or first.on != registered_on:
        raise AgencyRegistryError(
            f"agency {agency.credit_code}: its status history must start with its "
            f"registration (active on {registered_on.isoformat()})",
            notice=f"{who}的状态记录应从登记进驻（{chinese_date(registered_on)}，正常）开始",
        )
    if any(after.on < before.on for before, after in itertools.pairwise(agency.history)):
        raise AgencyRegistryError(
            f"agency {agency.credit_code}: its status history is not in date order",
            notice=f"{who}的状态记录未按日期先后排列",
        )
    if last.status is not agency.status:
        raise AgencyRegistryError(
            f"agency {agency.credit_code}: its status ({agency.status.value}) is not that of "
            f"its last change ({last.status.value})",
            notice=f"{who}的状态“{agency.status.label}”与最后一次状态变更"
            f"“{last.status.label}”不一致",
        )
    return attrs.evolve(agency, registered_on=registered_on)
