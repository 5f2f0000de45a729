"""The contact card of an agency (中介服务联系卡): one printable page in Chinese.

What an applicant takes home from the supermarket's hall, or prints from its site: the
agency's name, presence (有形进驻 / 虚拟进驻), unified social credit code and status on the
card's day (a suspension says until when), its qualifications with level and expiry, the
listed services it offers with their published fees in the words of each service's fee
regime (:func:`card_fee_words`: 市场调节价，双方协商, the cited price document, 政府承担 …), how
to reach it, its practitioners with identity numbers masked (first 10 and last 4 shown,
:func:`~govservice.model.identifiers.mask_ric`), and a QR code (segno, inline SVG) of its
public page: ``public.agency_url`` of the configuration, ``{code}`` standing for the
credit code.

- :func:`contact_card` gathers a :class:`ContactCard` from an agency and the list of
  services; :func:`render_card` draws it (the template ``templates/card.html.j2``,
  package data: styles inline, no script, nothing fetched, every field escaped; A5
  when printed).
- :func:`render_cards` puts several in one page, each printed on a page of its own.
- :class:`ContactCards` does both from a centre's store: ``ContactCards(service).html(code)``,
  and ``hall()`` gives the cards of every agency in the hall.

The same agency, services, link and day draw the same page, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import jinja2
import segno
from markupsafe import Markup

from govservice.errors import AgencyPageLinkError, CardAgencyNotFoundError
from govservice.intermediaries.offers import (
    fee_words,
    offer_amount_words,
    offer_words,
    public_text,
)
from govservice.model import (
    Contact,
    FeeRegime,
    Intermediary,
    IntermediaryService,
    IntermediaryStatus,
    Presence,
    ServiceFee,
    ServiceOffer,
)
from govservice.model.identifiers import is_masked_ric, mask_ric

CJK_FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei", '
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "SimHei", sans-serif'
)
"""The font stack of the card: fonts with Simplified Chinese first (those of the machine)."""

TITLE = "中介服务联系卡"


# --- fees in words -----------------------------------------------------------------------


def card_fee_words(fee: ServiceFee | None, offer: ServiceOffer) -> str:
    """The published fee of ``offer`` in the words of its service's regime ``fee`` (None:
    the service is not in the list, and the offer's own amounts are all there is), as the
    fee disclosure says them (:mod:`govservice.intermediaries.offers`):

    - fixed: the amount;
    - a range: the range, and the agency's own amount or range within it;
    - negotiated: 市场调节价，双方协商, and the agency's reference price if it gives one;
    - a price document: 按…规定收费, the document cited, its amounts not copied;
    - paid by the government: 政府承担（纳入审批程序），申请人不付费;
    - the agency's tariff: 按本机构收费标准 and its amounts.

    The offer's ``fee_basis`` (按建筑面积每平方米计收 …) follows, then the fee's note.
    """
    own = offer_amount_words(offer)
    if fee is None:
        parts = [offer_words(offer, None)]
    elif fee.regime is FeeRegime.RANGE:
        parts = [f"{fee_words(fee)}" + (f"（本机构{own}）" if own else "")]
    elif fee.regime is FeeRegime.NEGOTIATED:
        parts = [fee_words(fee) + (f"（本机构参考价{own}）" if own else "")]
    elif fee.regime is FeeRegime.TARIFF:
        parts = [f"按本机构收费标准：{own}" if own else "按本机构收费标准"]
    else:  # fixed, a price document, the government's payment: the list says it all
        parts = [fee_words(fee)]
    if offer.fee_basis:
        parts.append(offer.fee_basis)
    if fee is not None and fee.note:
        parts.append(fee.note)
    return "；".join(parts)


# --- the card's contents -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CardQualification:
    """A qualification as the card shows it."""

    name: str
    level: str | None
    number: str | None
    expires_on: dt.date | None
    valid: bool
    """In force on the card's day."""


@attrs.frozen(kw_only=True)
class CardService:
    """A service the agency offers, with its fee in the regime's words."""

    name: str
    code: str | None
    regime: str | None
    """The regime's label (固定收费 …); None for a service not in the list."""
    fee: str
    promised_days: int | None
    listed: bool
    """The service is in the list and open on the card's day (保留 or 清理调整)."""
    list_status: str | None
    """Its list status on the day (保留, 取消 …), None when not in the list."""


@attrs.frozen(kw_only=True)
class CardPractitioner:
    name: str
    certificate: str | None
    identity: str | None
    """The identity number masked (3705211986****5137), never whole."""


@attrs.frozen(kw_only=True)
class ContactCard:
    """Everything one contact card shows (:func:`render_card` draws it)."""

    centre: str
    """The centre whose supermarket the agency is in (东营市政务服务中心)."""
    on: dt.date
    """The day the card states the agency's status and qualifications for."""
    credit_code: str
    name: str
    presence: str
    """有形进驻 or 虚拟进驻."""
    physical: bool
    status: str
    """正常, 暂停, 退出 on the day."""
    status_note: str | None
    """What the status means for an applicant (暂停至2015年12月31日 …); None when active."""
    registered_on: dt.date | None
    qualifications: tuple[CardQualification, ...]
    services: tuple[CardService, ...]
    contact: Contact | None
    practitioners: tuple[CardPractitioner, ...]
    url: str
    """The agency's public page."""
    qr_svg: str
    """The QR code of :attr:`url` as an inline SVG element."""


def agency_url(template: str | None, credit_code: str) -> str:
    """The public page of the agency of ``credit_code`` from ``public.agency_url``.

    :raises AgencyPageLinkError: the configuration sets no ``public.agency_url``.
    """
    if not template:
        raise AgencyPageLinkError(
            "no public page to put in the card's QR code: set public.agency_url in the "
            "configuration, e.g. https://zwfw.example.gov.cn/zjcs/agency/{code}"
        )
    return template.replace("{code}", credit_code)


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG element to put inline in a page (level M, no XML
    declaration, no fixed size: the page's styles size it)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(
        buffer, kind="svg", scale=1, xmldecl=False, svgns=True, omitsize=True,
        svgclass="qr", lineclass=None, title=url,
    )  # fmt: skip
    return buffer.getvalue().decode("utf-8").strip()


def _public_contact(contact: Contact | None) -> Contact | None:
    if contact is None:
        return None
    fields = attrs.fields_dict(type(contact))
    return attrs.evolve(
        contact,
        **{
            name: public_text(value)
            for name in fields
            if isinstance(value := getattr(contact, name), str)
        },
    )


def _masked(number: str | None) -> str | None:
    if number is None:
        return None
    if is_masked_ric(number) or "*" in number:
        return number
    return mask_ric(number)


def _status(agency: Intermediary, on: dt.date) -> tuple[str, str | None]:
    status = agency.status_on(on) if agency.history else agency.status
    note = None
    if status is IntermediaryStatus.SUSPENDED:
        current = [c for c in agency.history if c.on <= on]
        until = current[-1].until if current else None
        note = (
            f"暂停承接新业务至{until.year}年{until.month}月{until.day}日"
            if until is not None
            else "暂停承接新业务"
        )
    elif status is IntermediaryStatus.WITHDRAWN:
        note = "已退出中介超市，不再承接新业务"
    return status.label, note


def contact_card(
    agency: Intermediary,
    services: Mapping[str, IntermediaryService],
    *,
    url: str,
    on: dt.date,
    centre: str,
) -> ContactCard:
    """The card of ``agency`` on ``on``: ``services`` is the list of services by code
    (those the agency offers at least), ``url`` its public page."""
    status, note = _status(agency, on)
    offered = []
    for offer in agency.services:
        listed = services.get(offer.service_code) if offer.service_code else None
        list_status = listed.status_on(on) if listed is not None else None
        offered.append(
            CardService(
                name=listed.name if listed is not None else offer.name,
                code=offer.service_code,
                regime=listed.fee.regime.label if listed is not None else None,
                fee=public_text(card_fee_words(listed.fee if listed is not None else None, offer)),
                promised_days=offer.promised_days,
                listed=listed is not None and listed.open_on(on),
                list_status=list_status.label if list_status is not None else None,
            )
        )
    return ContactCard(
        centre=centre,
        on=on,
        credit_code=agency.credit_code,
        name=agency.name,
        presence=agency.presence.label,
        physical=agency.presence.value == "physical",
        status=status,
        status_note=note,
        registered_on=agency.registered_on,
        qualifications=tuple(
            CardQualification(
                name=q.name,
                level=q.level,
                number=public_text(q.number),
                expires_on=q.expires_on,
                valid=q.valid_on(on),
            )
            for q in agency.qualifications
        ),
        services=tuple(offered),
        contact=_public_contact(agency.contact),
        practitioners=tuple(
            CardPractitioner(
                name=public_text(p.name),
                certificate=public_text(p.certificate),
                identity=_masked(p.identity_number),
            )
            for p in agency.practitioners
        ),
        url=url,
        qr_svg=qr_svg(url),
    )


# --- the page ----------------------------------------------------------------------------


def _date(day: dt.date | None) -> str:
    return "—" if day is None else f"{day.year}年{day.month}月{day.day}日"


@functools.cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("govservice.intermediaries", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("card.html.j2")


def render_card(card: ContactCard) -> str:
    """The card as one HTML page (A5 when printed)."""
    return render_cards([card], title=f"{TITLE}：{card.name}")


def render_cards(cards: Sequence[ContactCard], *, title: str) -> str:
    """Several cards in one HTML page titled ``title``, each on a page of its own when
    printed (the cards of the hall, say)."""
    return _template().render(
        cards=cards,
        title=title,
        kicker=TITLE,
        fonts=Markup(CJK_FONTS),
        qrs=[Markup(card.qr_svg) for card in cards],  # segno's own SVG: no field in it
        date=_date,
    )


class ContactCards:
    """The contact cards of a centre's agencies, from its store (``service.store``): the
    agency record (kind ``intermediary``), the listed services it offers (kind
    ``intermediary-service``), ``public.agency_url`` and ``config.name``; the day is the
    centre's clock's, unless given."""

    def __init__(self, service: Any, *, agency_url: str | None = None) -> None:
        self.service = service
        self.agency_url = agency_url
        """The link template to use instead of the configuration's ``public.agency_url``."""

    def card(self, credit_code: str, *, on: dt.date | None = None) -> ContactCard:
        """The card of the agency of ``credit_code``.

        :raises CardAgencyNotFoundError: no agency of that code is registered.
        :raises AgencyPageLinkError: the configuration sets no ``public.agency_url``.
        """
        service = self.service
        url = agency_url(self.agency_url or service.config.agency_url, credit_code)
        stored = service.store.get("intermediary", credit_code)
        if stored is None:
            raise CardAgencyNotFoundError(
                f"no agency of credit code {credit_code!r} is registered in the supermarket "
                "(govservice intermediaries register)"
            )
        agency = stored.record
        if on is None:
            on = self._today()
        return contact_card(
            agency,
            self._services(agency.services),
            url=url,
            on=on,
            centre=service.config.name,
        )

    def html(self, credit_code: str, *, on: dt.date | None = None) -> str:
        """The card of ``credit_code`` as a page (:func:`render_card`)."""
        return render_card(self.card(credit_code, on=on))

    def hall(self, *, on: dt.date | None = None) -> list[ContactCard]:
        """The cards of the agencies in the hall (有形进驻) registered by ``on`` and not
        withdrawn, by credit code."""
        day = on or self._today()
        found = []
        for agency in self._agencies():
            if agency.presence is not Presence.PHYSICAL:
                continue
            if agency.registered_on is not None and agency.registered_on > day:
                continue
            if agency.status_on(day) is IntermediaryStatus.WITHDRAWN:
                continue
            found.append(self.card(agency.credit_code, on=day))
        return found

    def _agencies(self) -> Iterable[Intermediary]:
        after = None
        while True:
            page = self.service.store.list("intermediary", limit=500, after=after)
            for stored in page.records:
                yield stored.record
            if page.next_after is None:
                return
            after = page.next_after

    def _today(self) -> dt.date:
        return self.service.clock.now().astimezone(_zone(self.service)).date()

    def _services(self, offers: Iterable[ServiceOffer]) -> dict[str, IntermediaryService]:
        found = {}
        for offer in offers:
            if offer.service_code is None or offer.service_code in found:
                continue
            stored = self.service.store.get("intermediary-service", offer.service_code)
            if stored is not None:
                found[offer.service_code] = stored.record
        return found


def _zone(service: Any) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(service.config.timezone)
