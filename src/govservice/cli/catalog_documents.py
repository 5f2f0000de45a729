"""``govservice catalog guide|manual|fees``: the documents of a catalog version.

``guide CODE`` renders one item's service guide (服务指南); ``guide`` with no code (or
several) the guide book, with a table of contents; ``manual CODE`` the business manual
(业务手册); ``fees`` the fee disclosure (阳光收费) as CSV, JSON or HTML, ``--history``
adding when each fee was published, changed or withdrawn. The items are those of the
region's catalog (its latest version, ``--version N`` or the one in force ``--as-of
DATE``), or of a file (``--items FILE``, a JSON, JSON Lines or YAML list of items). The
region's templates are used (a county's overrides, hook ``govservice_catalog_templates``).

A document is printed, or written to ``--out FILE``, which never replaces an existing
file unless ``--force`` is given (and never the database or the configuration).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from govservice.catalog import disclosure, guides
from govservice.catalog.guide_templates import GuideTemplates
from govservice.cli.common import day, persistent_store, report, service_from, whole_number
from govservice.cli.output import check_output, write_output
from govservice.clock import SHANGHAI
from govservice.codec import from_document
from govservice.errors import InvalidRecordError, UsageError
from govservice.model import Item
from govservice.records import read_records
from govservice.service import GovService


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add ``guide``, ``manual`` and ``fees`` to the ``catalog`` command group."""
    guide = subcommands.add_parser(
        "guide",
        help="the service guide of an item (服务指南), or the guide book of the catalog",
        description="With one CODE, the item's service guide; with none, the guide book of "
        "every item in service (several CODEs: of those), with a table of contents by "
        "department. In Chinese, as HTML (one printable page) or Markdown.",
    )
    guide.add_argument("codes", metavar="CODE", nargs="*", help="item codes")
    guide.add_argument("--title", default=guides.BOOK_TITLE, help="the guide book's title")
    _format_option(guide, ("html", "markdown"))
    _source_options(guide)
    guide.set_defaults(run=run_guide)

    manual = subcommands.add_parser(
        "manual",
        help="the business manual of an item (业务手册), for staff",
        description="The item's business manual: review points of each material, the "
        "steps with their responsible posts and limits. In Chinese, HTML or Markdown.",
    )
    manual.add_argument("code", metavar="CODE", help="the item's code")
    _format_option(manual, ("html", "markdown"))
    _source_options(manual)
    manual.set_defaults(run=run_manual)

    fees = subcommands.add_parser(
        "fees",
        help="the fee disclosure (阳光收费): every fee of every item in service",
        description="Every fee of every item in service with its legal basis, collector and "
        "applicability, as CSV (written to --out with a BOM, for a spreadsheet to read it as "
        "UTF-8), JSON or an HTML page. "
        "--history (from the catalog's versions, up to the one shown) adds when each fee "
        "was published, changed or withdrawn.",
    )
    _format_option(fees, ("csv", "json", "html"))
    fees.add_argument(
        "--history",
        action="store_true",
        help="the history of the fees instead of the list (with --format html: both)",
    )
    _source_options(fees)
    fees.set_defaults(run=run_fees)


def _format_option(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument(
        "--format", choices=formats, default=formats[0], help=f"default: {formats[0]}"
    )


def _source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", help="the catalog's region (default: the centre's)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--version",
        type=whole_number(1, 10**9),
        metavar="N",
        help="this version (default: latest)",
    )
    which.add_argument("--as-of", type=day, metavar="DATE", help="the version in force that day")
    which.add_argument(
        "--items", metavar="FILE", help="the items of this file instead of the catalog"
    )
    parser.add_argument("--out", metavar="FILE", help="write to this file instead of printing")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")


# --- the commands ----------------------------------------------------------------------------


def run_guide(args: argparse.Namespace) -> int:
    return _run(args, _guide)


def run_manual(args: argparse.Namespace) -> int:
    return _run(args, _manual)


def run_fees(args: argparse.Namespace) -> int:
    return _run(args, _fees)


def _run(args: argparse.Namespace, make) -> int:
    service = service_from(args)
    out = (
        check_output(args.out, service.config, force=args.force, option="--out")
        if args.out
        else None
    )
    region = args.region or service.config.region
    if args.items is None:  # the catalog's: a store that exists (never the memory one)
        service.__dict__["store"] = persistent_store(service, create=False)
    try:
        text = make(args, service, region)
    except InvalidRecordError as error:
        report(error)
        return 1
    finally:
        if args.items is None:
            service.store.close()
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        data = text.encode("utf-8-sig") if args.format == "csv" else text
        write_output(out, data, force=args.force)
        print(f"已写入：{out}")
    return 0


def _guide(args: argparse.Namespace, service: GovService, region: str) -> str:
    items = _items(args, service, region)
    templates = GuideTemplates.for_region(service, region)
    listed = _listed_services(args, service)
    if len(args.codes) == 1:
        return guides.render_guide(
            _one(items, args.codes[0]), format=args.format, templates=templates, services=listed
        )
    chosen = [_one(items, code) for code in args.codes] if args.codes else _in_service(items)
    return guides.render_guide_book(
        chosen, format=args.format, title=args.title, templates=templates, services=listed
    )


def _manual(args: argparse.Namespace, service: GovService, region: str) -> str:
    item = _one(_items(args, service, region), args.code)
    templates = GuideTemplates.for_region(service, region)
    listed = _listed_services(args, service)
    return guides.render_manual(item, format=args.format, templates=templates, services=listed)


def _listed_services(args: argparse.Namespace, service: GovService) -> list:
    """The intermediary services listed on the day (``--as-of``, else today), which the
    guides show beside the items they serve; none from a file of items (``--items``)."""
    supermarket = service.intermediaries
    if args.items is not None or supermarket.services is None:
        return []
    return supermarket.services.on(args.as_of or service.clock.now().astimezone(SHANGHAI).date())


def _fees(args: argparse.Namespace, service: GovService, region: str) -> str:
    history = _history(args, service, region) if args.history else []
    items = _items(args, service, region)
    fees = disclosure.disclosed_fees(items)
    intermediaries = _intermediary_fees(args, service, region, items)
    if args.format == "html":
        templates = GuideTemplates.for_region(service, region)
        return disclosure.to_html(
            fees,
            undisclosed=disclosure.undisclosed_items(items),
            history=history,
            intermediaries=intermediaries,
            templates=templates,
        )
    if args.history:
        return (
            disclosure.history_to_csv(history)
            if args.format == "csv"
            else disclosure.history_to_json(history)
        )
    fees = [*fees, *disclosure.as_disclosed_fees(intermediaries)]
    return disclosure.to_csv(fees) if args.format == "csv" else disclosure.to_json(fees)


def _intermediary_fees(
    args: argparse.Namespace, service: GovService, region: str, items: Sequence[Item]
) -> list[disclosure.DisclosedServiceFee]:
    """The fees of the region's intermediary services listed on the day (``--as-of``,
    else today), with the agencies' offers; none from a file of items (``--items``)."""
    supermarket = service.intermediaries
    if args.items is not None or supermarket.services is None:
        return []
    day = args.as_of or service.clock.now().astimezone(SHANGHAI).date()
    return disclosure.disclosed_service_fees(
        supermarket.services.all(region),
        supermarket.agencies.all() if supermarket.agencies is not None else (),
        day,
        item_names={item.code: item.name for item in items},
    )


# --- where the items come from -----------------------------------------------------------------


def _items(args: argparse.Namespace, service: GovService, region: str) -> list[Item]:
    """The items of ``--items FILE``, else of the region's catalog version asked for."""
    if args.items is not None:
        return _read_items(args.items, service)
    return list(_version(args, service, region).items.values())


def _version(args: argparse.Namespace, service: GovService, region: str):
    catalog = service.catalog
    if args.as_of is not None:
        return catalog.as_of(region, args.as_of)
    return catalog.version(region, args.version)


def _history(args: argparse.Namespace, service: GovService, region: str):
    if args.items is not None:
        raise UsageError(
            "a file of items is one version: the history of the fees comes from the "
            "catalog's versions (leave --items out)",
            where="--history",
        )
    last = _version(args, service, region)
    versions = [v for v in service.catalog.versions(region) if v.number <= last.number]
    return disclosure.fee_history(versions)


def _read_items(path: str, service: GovService) -> list[Item]:
    """Every item of the file, each checked against the item schema.

    :raises InvalidRecordError: the first invalid item, with its file and line.
    """
    window = service.config.date_window
    return [
        from_document(Item, record.document, where=f"{record.file}:{record.line}", window=window)
        for record in read_records(path)
    ]


def _one(items: Sequence[Item], code: str) -> Item:
    for item in items:
        if item.code == code:
            return item
    raise UsageError(f"no item with the code {code} in the catalog", where="CODE")


def _in_service(items: Sequence[Item]) -> list[Item]:
    return [item for item in items if item.accepts_cases]
