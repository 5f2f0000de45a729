"""An agency's offers of listed services, checked against each service's fee regime, and
the fees of the list and of the offers in words (for the fee disclosure, the guides and
the contact card).

A service of the list (:class:`~govservice.model.IntermediaryService`) publishes how its
fee is set (:class:`~govservice.model.FeeRegime`); an agency's offer
(:class:`~govservice.model.ServiceOffer`) of it is checked against that regime:

- ``fixed``: the service's amount (``fee_from``; ``fee_to`` absent or the same); an offer
  without an amount is refused. Shown as ``3000元``.
- ``range``: an amount, or a range, within the service's range (``1500元至6000元``).
- ``negotiated``: nothing (市场调节价，双方协商); an amount, when given, is the agency's
  published price.
- ``price_document``: nothing (the amount is the cited document's); when given, any
  amount. Shown as ``按鲁价费发〔2012〕53号规定收费``.
- ``government``: no amount, or 0: the government pays (纳入审批程序, ``政府承担``).
- ``tariff``: the agency's own amount or range (按各中介机构收费标准), shown offer by offer.

Besides its fee, an offer must name a service of the list (``service_code``) that is
listed and not cancelled on the day it is made, and an agency offers a service once.
Each refusal names the agency, the service and the regime (:class:`~govservice.errors.OfferFeeError`,
:class:`~govservice.errors.ServiceNotListedError`,
:class:`~govservice.errors.AgencyRegistryError`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal

from govservice.catalog.guides import yuan
from govservice.errors import AgencyRegistryError, OfferFeeError, ServiceNotListedError
from govservice.model import (
    FeeRegime,
    Intermediary,
    IntermediaryService,
    ListStatus,
    ServiceFee,
    ServiceOffer,
)
from govservice.model.identifiers import mask_identity_numbers

__all__ = [
    "check_offer",
    "check_offers",
    "fee_summary",
    "fee_words",
    "offer_amount_words",
    "offer_words",
    "public_text",
]


# --- in words --------------------------------------------------------------------------------


def fee_words(fee: ServiceFee) -> str:
    """The fee of a listed service as the public reads it: ``3000元`` (fixed),
    ``1500元至6000元`` (a range), ``市场调节价，双方协商``, ``按鲁价费发〔2012〕53号规定收费``
    (the document cited, not copied), ``政府承担，申请人不付费``, ``按各中介机构收费标准（见各机构报价）``."""
    regime = fee.regime
    per = _per(fee.unit)
    if regime is FeeRegime.FIXED:
        return yuan(fee.amount) + per  # type: ignore[arg-type]
    if regime is FeeRegime.RANGE:
        return f"{yuan(fee.amount)}至{yuan(fee.amount_to)}{per}"  # type: ignore[arg-type]
    if regime is FeeRegime.NEGOTIATED:
        return "市场调节价，双方协商"
    if regime is FeeRegime.PRICE_DOCUMENT:
        return f"按{fee.document}规定收费"
    if regime is FeeRegime.GOVERNMENT:
        return "政府承担（纳入审批程序），申请人不付费"
    return "按各中介机构收费标准（见各机构报价）"


def fee_summary(fee: ServiceFee) -> str:
    """The regime and the fee in one phrase, the label said once: ``固定收费：3000元``,
    ``区间收费：1500元至6000元``; the others as :func:`fee_words` (which names them)."""
    if fee.regime in (FeeRegime.FIXED, FeeRegime.RANGE):
        return f"{fee.regime.label}：{fee_words(fee)}"
    return fee_words(fee)


def offer_amount_words(offer: ServiceOffer) -> str | None:
    """The amount an offer publishes: ``2000元``, ``1500元至3000元``; None without one."""
    if offer.fee_from is None:
        return None
    if offer.fee_to is None or offer.fee_to == offer.fee_from:
        return yuan(offer.fee_from) + _per(offer.unit)
    return f"{yuan(offer.fee_from)}至{yuan(offer.fee_to)}{_per(offer.unit)}"


def _per(unit: str | None) -> str:
    """``/平方米`` after an amount per unit; nothing for a fee of the whole service."""
    return "" if unit is None else f"/{unit}"


def offer_words(offer: ServiceOffer, fee: ServiceFee | None) -> str:
    """An agency's fee for a service in words: its amount (``2000元``, ``1500元至3000元``),
    else what the service's regime says (``市场调节价，双方协商``, ``按…规定收费``,
    ``政府承担…``); ``未公布`` when neither says anything."""
    amount = offer_amount_words(offer)
    if fee is not None and fee.regime is FeeRegime.GOVERNMENT:
        return fee_words(fee)
    if amount is not None:
        return amount
    if fee is not None and not fee.regime.offer_needs_amount:
        return fee_words(fee)
    return "未公布"


def public_text(text: str | None) -> str | None:
    """``text`` with everything shaped like a resident identity number masked
    (:func:`~govservice.model.identifiers.mask_identity_numbers`, as every public output
    is): a practitioner's number is often written into a certificate number, a contact or
    a fee's basis too, and the card is public. A number with a wrong check digit is still
    someone's; a credit code of 18 digits that could not be one stays."""
    return None if text is None else mask_identity_numbers(text)


# --- the checks ------------------------------------------------------------------------------


def _range_words(fee: ServiceFee) -> str:
    return f"{fee.amount}–{fee.amount_to} yuan"


def check_offer(
    agency: Intermediary, offer: ServiceOffer, service: IntermediaryService | None, on: dt.date
) -> None:
    """Refuse ``offer`` of ``agency`` unless it names a service of the list (``service``,
    None when not listed) that is listed and not cancelled ``on`` the day, at a fee its
    regime allows.

    :raises AgencyRegistryError: the offer names no service of the list (no code).
    :raises ServiceNotListedError: the service is not in the list, not yet listed on the
        day, or cancelled.
    :raises OfferFeeError: the fee does not keep to the service's regime.
    """
    who = f"{agency.name}（{agency.credit_code}）"
    if offer.service_code is None:
        raise AgencyRegistryError(
            f"agency {agency.credit_code}: the offer {offer.name!r} names no service of the "
            "list (service_code)",
            notice=f"{who}的服务项目“{offer.name}”未注明中介服务事项编码，"
            "只能提供中介服务事项清单内的服务",
        )
    code = offer.service_code
    if service is None:
        raise ServiceNotListedError(
            f"agency {agency.credit_code}: service {code} is not in the list of "
            "intermediary services",
            notice=f"{who}申报的中介服务事项{code}不在中介服务事项清单内",
        )
    status = service.status_on(on)
    if status is None or status is ListStatus.CANCELLED:
        state = "not listed yet" if status is None else "cancelled"
        words = "尚未列入清单" if status is None else "已取消"
        raise ServiceNotListedError(
            f"agency {agency.credit_code}: service {code} ({service.name}) is {state} on "
            f"{on.isoformat()}",
            notice=f"{who}申报的中介服务事项“{service.name}”（{code}）"
            f"于{on.year}年{on.month}月{on.day}日{words}，不能承接",
        )
    problem = _fee_problem(offer, service.fee)
    if problem is not None:
        english, chinese = problem
        regime = service.fee.regime
        words = fee_words(service.fee)  # names the regime itself, but for an amount
        if not words.startswith(regime.label):
            words = f"{regime.label}，{words}"
        raise OfferFeeError(
            f"agency {agency.credit_code}: the offer of {code} ({service.name}) under the "
            f"regime {regime.value}: {english}",
            notice=f"{who}对“{service.name}”（{code}，收费方式：{words}）"
            f"的报价不符合收费方式：{chinese}",
        )


def _fee_problem(offer: ServiceOffer, fee: ServiceFee) -> tuple[str, str] | None:
    """(English, Chinese) of what is wrong with the offer's fee under ``fee``; None when
    it keeps to it."""
    low, high = offer.fee_from, offer.fee_to if offer.fee_to is not None else offer.fee_from
    regime = fee.regime
    if regime.offer_needs_amount and low is None:
        return (
            "an offer must publish its amount (fee_from)",
            "须公布收费金额",
        )
    if regime in (FeeRegime.FIXED, FeeRegime.RANGE) and offer.unit != fee.unit:
        said, published = (offer.unit or "the whole service"), (fee.unit or "the whole service")
        return (
            f"the offer's fee is per {said}, the service's per {published}",
            f"报价的计费单位（{offer.unit or '每项服务'}）与公布的计费单位"
            f"（{fee.unit or '每项服务'}）不一致",
        )
    if regime is FeeRegime.FIXED and (low != fee.amount or high != fee.amount):
        return (
            f"the fixed fee is {fee.amount} yuan, the offer says {_said(offer)}",
            f"固定收费为{yuan(fee.amount)}，报价为{offer_amount_words(offer)}",  # type: ignore[arg-type]
        )
    if regime is FeeRegime.RANGE and not (fee.amount <= low <= high <= fee.amount_to):  # type: ignore[operator]
        return (
            f"the offer ({_said(offer)}) lies outside the range {_range_words(fee)}",
            f"报价{offer_amount_words(offer)}超出收费区间{fee_words(fee)}",
        )
    if regime is FeeRegime.GOVERNMENT and any(v not in (None, Decimal(0)) for v in (low, high)):
        return (
            f"the government pays: the offer may state no amount, it says {_said(offer)}",
            f"由政府承担费用，报价不得向申请人收费（报价为{offer_amount_words(offer)}）",
        )
    return None


def _said(offer: ServiceOffer) -> str:
    if offer.fee_from is None:
        return "no amount"
    if offer.fee_to is None:
        return f"{offer.fee_from} yuan"
    return f"{offer.fee_from}–{offer.fee_to} yuan"


def check_offers(
    agency: Intermediary,
    services: Mapping[str, IntermediaryService] | Callable[[str], IntermediaryService | None],
    on: dt.date,
) -> None:
    """Check every offer of ``agency`` (:func:`check_offer`) against the list
    (``services``: by code, a mapping or a look-up function), and that no service is
    offered twice.

    :raises AgencyRegistryError: a service offered twice, or an offer without a code.
    :raises ServiceNotListedError: as :func:`check_offer`.
    :raises OfferFeeError: as :func:`check_offer`.
    """
    find = services.get if isinstance(services, Mapping) else services
    seen: set[str] = set()
    for offer in agency.services:
        if offer.service_code is not None and offer.service_code in seen:
            raise AgencyRegistryError(
                f"agency {agency.credit_code}: service {offer.service_code} is offered twice",
                notice=f"{agency.name}（{agency.credit_code}）重复申报中介服务事项"
                f"{offer.service_code}，每项服务只能报价一次",
            )
        check_offer(
            agency, offer, None if offer.service_code is None else find(offer.service_code), on
        )
        seen.add(offer.service_code)  # type: ignore[arg-type]
