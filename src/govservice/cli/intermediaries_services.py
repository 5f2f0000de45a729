"""``govservice intermediaries services|register|offers|withdraw``: the list of intermediary
services (中介服务事项清单), the agencies and their offers (registered by
:mod:`govservice.cli.intermediaries`).

``services list`` prints the list as published on a day (``--on``, default today) with each
service's fee in the words of its regime; ``services show CODE`` one service with its
approval items, condition, basis, fee, status history and the agencies' offers;
``services status CODE STATUS --on DATE`` records a change of its status (保留, 取消,
纳入审批程序, 清理调整); ``services import FILE`` lists the services of a file and
``services export`` writes the list back (JSON, JSON Lines, YAML). ``register FILE``
registers agencies (intermediary.schema.json), every offer checked against its service's
regime; ``offers`` lists the offers (of a service, of an agency), ``offers --agency CODE
--add FILE`` adds (or, ``--replace``, replaces) an agency's offers; ``withdraw CODE``
records that an agency leaves.

What a clerk reads is Chinese; a file that is not valid records lists every problem and
exits 1; a refusal (an offer outside its regime …) is one line naming the agency, the
service and the regime, and exit 2; nothing is stored then.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from govservice.catalog.guides import chinese_date
from govservice.cli.common import (
    centre_today,
    day,
    open_centre,
    persistent_store,
    print_invalid,
    service_from,
)
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit, printable
from govservice.codec import from_document, to_document
from govservice.errors import InvalidRecordError
from govservice.intermediaries.agencies import OfferLine
from govservice.intermediaries.offers import fee_summary, fee_words, offer_words, public_text
from govservice.intermediaries.service_list import EXPORT_FORMATS
from govservice.model import Intermediary, IntermediaryService, ListStatus, ServiceOffer
from govservice.records import read_records
from govservice.service import GovService


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``services``, ``register``, ``offers`` and ``withdraw`` to ``intermediaries``."""
    services = actions.add_parser(
        "services",
        help="the list of intermediary services: list, show, status, import, export",
        description="中介服务事项清单: the services approvals require, each with its approval "
        "items, requirement and condition, setting basis, fee regime and list status.",
    )
    what = services.add_subparsers(dest="services_command", metavar="ACTION", required=True)

    listing = what.add_parser(
        "list",
        help="the list as published on a day",
        description="The services listed "
        "on the day (not cancelled), with their fee in the words of their regime.",
    )
    listing.add_argument("--on", type=day, metavar="DATE", help="this day (default: today)")
    listing.add_argument("--region", help="only the services of this region")
    listing.add_argument("--json", action="store_true", help="print the records as JSON")
    listing.set_defaults(run=run_services_list)

    show = what.add_parser("show", help="one service, its history and the agencies' offers")
    show.add_argument("code", metavar="CODE", help="the service's code (ZJ-370500-001)")
    show.add_argument("--json", action="store_true", help="print the record as JSON")
    show.set_defaults(run=run_services_show)

    status = what.add_parser(
        "status",
        help="record a change of a service's status in the list",
        description="The service is STATUS from --on (retained 保留, cancelled 取消, "
        "in_approval 纳入审批程序: the government pays, adjusted 清理调整), decided by "
        "--document. The history keeps every change.",
    )
    status.add_argument("code", metavar="CODE")
    status.add_argument("status", choices=[s.value for s in ListStatus], metavar="STATUS")
    status.add_argument("--on", type=day, metavar="DATE", required=True)
    status.add_argument("--document", help="the document that decided it (东政办发〔2015〕9号)")
    status.set_defaults(run=run_services_status)

    imported = what.add_parser(
        "import",
        help="list the services of a file",
        description="Read services (intermediary-service.schema.json; JSON, JSON Lines or "
        "YAML). Every one is checked first; one refused, none is listed. An approval item "
        "not in the catalog is a warning.",
    )
    imported.add_argument("file", metavar="FILE")
    imported.set_defaults(run=run_services_import)

    exported = what.add_parser("export", help="the whole list as JSON, JSON Lines or YAML")
    exported.add_argument("--format", choices=EXPORT_FORMATS, default="json")
    exported.add_argument("--region", help="only the services of this region")
    exported.add_argument("--out", metavar="FILE", help="write to this file instead")
    exported.add_argument("--force", action="store_true", help="replace --out if it exists")
    exported.set_defaults(run=run_services_export)

    registered = actions.add_parser(
        "register",
        help="register agencies from a file, their offers checked",
        description="Read agencies (intermediary.schema.json; JSON, JSON Lines or YAML): "
        "physical (有形进驻) or online (虚拟进驻), qualifications, practitioners and offers. "
        "Each offer must name a listed service and keep to its fee regime (a negotiated "
        "price needs no amount, a fixed fee does). One refused, none is registered.",
    )
    registered.add_argument("file", metavar="FILE")
    registered.add_argument(
        "--on",
        type=day,
        metavar="DATE",
        help="the day of registration (default: the record's registered_on, else today)",
    )
    registered.set_defaults(run=run_register)

    offers = actions.add_parser(
        "offers",
        help="the agencies' offers (of a service, of an agency); --add an agency's",
        description="Each offer with its service's regime and the agency's published fee. "
        "With --agency and --add FILE (a JSON or YAML list of offers), the offers are "
        "checked and added to the agency's (an offer of a service it offers replaces the "
        "old one; --replace: they become its only offers).",
    )
    offers.add_argument("--service", metavar="CODE", help="only the offers of this service")
    offers.add_argument("--agency", metavar="CREDIT_CODE", help="only this agency's offers")
    offers.add_argument("--on", type=day, metavar="DATE", help="this day (default: today)")
    offers.add_argument("--add", metavar="FILE", help="add these offers (needs --agency)")
    offers.add_argument("--replace", action="store_true", help="with --add: replace them all")
    offers.add_argument("--json", action="store_true", help="print JSON")
    offers.set_defaults(run=run_offers)

    withdraw = actions.add_parser(
        "withdraw",
        help="record that an agency leaves the supermarket (退出)",
        description="The agency is withdrawn from --on (default today): never selected again.",
    )
    withdraw.add_argument("credit_code", metavar="CREDIT_CODE")
    withdraw.add_argument("--on", type=day, metavar="DATE")
    withdraw.add_argument("--reason", help="why (机构申请退出 …)")
    withdraw.set_defaults(run=run_withdraw)


# --- helpers ------------------------------------------------------------------------------------


def _read(path: str, model: type, service: GovService) -> list[Any]:
    """The records of the file as ``model`` (a record kind is checked against its schema;
    an offer, which has none of its own, against the model: an object of its fields)."""
    window = service.config.date_window
    found = []
    for record in read_records(path):
        where = f"{record.file}:{record.line}"
        if not isinstance(record.document, dict):
            raise InvalidRecordError(
                f"not a valid {model.__name__}: a record is an object of its fields",
                where=where,
                problems=(("", "a record is an object of its fields (name, service_code …)"),),
            )
        found.append(from_document(model, record.document, where=where, window=window))
    return found


def _json(value: Any) -> None:
    emit(public_text(json.dumps(value, ensure_ascii=False, indent=2)))  # type: ignore[arg-type]


def _service_line(listed: IntermediaryService, on: Any) -> str:
    status = listed.status_on(on)
    return (
        f"{listed.code}  {listed.name}  {listed.department}  "
        f"{fee_summary(listed.fee)}  "
        f"{status.label if status else '未列入'}"
    )


# --- services -----------------------------------------------------------------------------------


def run_services_list(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        on = args.on or centre_today(service)
        listed = service.intermediaries.services.on(on, args.region)
        if args.json:
            _json([to_document(s) for s in listed])
            return 0
        emit(f"中介服务事项清单（{chinese_date(on)}，共{len(listed)}项）")
        for one in listed:
            emit(printable(_service_line(one, on)))
    finally:
        service.store.close()
    return 0


def run_services_show(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        supermarket = service.intermediaries
        listed = supermarket.services.get(args.code)
        lines = supermarket.agencies.offers(service_code=listed.code)
        if args.json:
            _json(
                {
                    "service": to_document(listed),
                    "offers": [_offer_document(line) for line in lines],
                }
            )
            return 0
        names = service.store.item_names(listed.items)
        items = "、".join(f"{names.get(c, c)}（{c}）" for c in listed.items) or "未公布"
        text = [
            f"{listed.name}（{listed.code}）",
            f"审批部门：{listed.department}",
            f"对应审批事项：{items}",
            f"是否必须：{listed.requirement.label}",
            f"适用条件：{listed.condition or '未公布'}",
            f"设立依据：{listed.basis}",
            f"收费方式：{listed.fee.regime.label}",
            f"收费标准：{fee_words(listed.fee)}"
            + (f"（{listed.fee.note}）" if listed.fee.note else ""),
            f"付费方：{listed.payer}；收费方：{listed.collector}",
            f"审批时限：{'计入' if listed.counts_in_limit else '不计入'}审批时限",
            "清单状态：",
            *(
                f"  {chinese_date(c.on)}起 {c.status.label}"
                + (f"（{c.document}）" if c.document else "")
                for c in listed.history
            ),
            f"中介机构报价（{len(lines)}家）：",
            *(f"  {_offer_text(line, centre_today(service))}" for line in lines),
        ]
        for line in text:
            emit(printable(line))
    finally:
        service.store.close()
    return 0


def run_services_status(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        changed = service.intermediaries.services.change_status(
            args.code, args.status, args.on, args.document
        )
    finally:
        service.store.close()
    last = changed.history[-1]
    emit(
        printable(
            f"已记录：{changed.name}（{changed.code}）自{chinese_date(last.on)}起"
            f"{last.status.label}；收费：{fee_words(changed.fee)}"
        )
    )
    return 0


def run_services_import(args: argparse.Namespace) -> int:
    service = service_from(args)
    try:
        services = _read(args.file, IntermediaryService, service)
    except InvalidRecordError as error:
        return print_invalid(error)
    service.__dict__["store"] = persistent_store(service, create=True)
    try:
        findings = service.intermediaries.services.add_all(services)
    finally:
        service.store.close()
    for finding in findings:
        emit(printable(f"提示[{finding.code}] {finding.message}"), file=sys.stderr)
    emit(f"已列入中介服务事项清单：{len(services)}项")
    return 0


def run_services_export(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        text = service.intermediaries.services.export(args.format, region=args.region)
    finally:
        service.store.close()
    if args.out:
        out = check_output(args.out, service.config, force=args.force, option="--out")
        write_output(out, text.encode("utf-8"), force=args.force)
        print(f"已写出：{out}")
    else:
        sys.stdout.write(text)
    return 0


# --- agencies and offers ------------------------------------------------------------------------


def run_register(args: argparse.Namespace) -> int:
    service = service_from(args)
    try:
        agencies = _read(args.file, Intermediary, service)
    except InvalidRecordError as error:
        return print_invalid(error)
    service.__dict__["store"] = persistent_store(service, create=True)
    try:
        registry = service.intermediaries.agencies
        stored = registry.register_all(agencies, on=args.on)
        findings = [f for agency in stored for f in registry.findings(agency, args.on)]
    finally:
        service.store.close()
    for finding in findings:
        emit(printable(f"提示[{finding.code}] {finding.message}"), file=sys.stderr)
    for agency in stored:
        emit(
            printable(
                f"已登记：{agency.name}（{agency.credit_code}，{agency.presence.label}），"
                f"服务{len(agency.services)}项"
            )
        )
    emit(f"共登记中介机构{len(stored)}家")
    return 0


def _offer_text(line: OfferLine, on: Any) -> str:
    fee = line.service.fee if line.service is not None else None
    status = line.agency.status_on(on).label
    return public_text(  # type: ignore[return-value]
        f"{line.agency.name}（{line.agency.credit_code}，{line.agency.presence.label}，{status}）："
        f"{offer_words(line.offer, fee)}"
        + (f"（{line.offer.fee_basis}）" if line.offer.fee_basis else "")
    )


def _offer_document(line: OfferLine) -> dict[str, Any]:
    fee = line.service.fee if line.service is not None else None
    return {
        "credit_code": line.agency.credit_code,
        "agency": line.agency.name,
        "service_code": line.offer.service_code,
        "service": line.service.name if line.service is not None else line.offer.name,
        "regime": fee.regime.value if fee is not None else None,
        "fee_text": offer_words(line.offer, fee),
        "offer": to_document(line.offer),
    }


def run_offers(args: argparse.Namespace) -> int:
    if args.add and not args.agency:
        from govservice.errors import UsageError

        raise UsageError("--add needs --agency CREDIT_CODE (whose offers they are)", where="--add")
    service = service_from(args)
    offers: list[ServiceOffer] = []
    if args.add:
        try:
            offers = _read(args.add, ServiceOffer, service)
        except InvalidRecordError as error:
            return print_invalid(error)
    service.__dict__["store"] = persistent_store(service, create=False)
    try:
        agencies = service.intermediaries.agencies
        on = args.on or centre_today(service)
        if args.add:
            changed = agencies.set_offers(args.agency, offers, on=on, replace=args.replace)
            emit(
                printable(
                    f"已更新：{changed.name}的报价{len(offers)}项（共{len(changed.services)}项）"
                )
            )
            return 0
        lines = agencies.offers(service_code=args.service, credit_code=args.agency, on=on)
        if args.json:
            _json([_offer_document(line) for line in lines])
            return 0
        current = None
        for line in lines:
            if line.offer.service_code != current:
                current = line.offer.service_code
                listed = line.service
                head = (
                    f"{listed.name}（{listed.code}）  {fee_summary(listed.fee)}"
                    if listed is not None
                    else f"{line.offer.name}（不在清单内）"
                )
                emit(printable(head))
            emit(printable(f"  {_offer_text(line, on)}"))
        emit(f"共{len(lines)}项报价")
    finally:
        service.store.close()
    return 0


def run_withdraw(args: argparse.Namespace) -> int:
    service = open_centre(args)
    try:
        changed = service.intermediaries.agencies.withdraw(args.credit_code, args.on, args.reason)
    finally:
        service.store.close()
    emit(
        printable(
            f"已记录：{changed.name}（{changed.credit_code}）自{chinese_date(changed.history[-1].on)}起退出"
        )
    )
    return 0
