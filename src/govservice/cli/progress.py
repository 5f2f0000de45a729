"""``govservice progress CODE``: the public progress lookup, and its QR code."""

from __future__ import annotations

import argparse
import json

from govservice.cli.common import persistent_store, service_from
from govservice.cli.output import check_outputs, write_output
from govservice.cli.terminal import emit, printable_fields, printable_json
from govservice.workflow import progress


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "progress",
        help="what the public sees for a tracking code (进度查询)",
        description="Look a case up by its tracking code, as the public page shows it: "
        "the applicant's name and number masked. --qr-svg / --qr-png write the QR code of "
        "the lookup link (public.progress_url in the configuration) to a new file; "
        "--force replaces an existing one (never the database or the configuration).",
    )
    parser.add_argument("code", metavar="CODE")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--qr-svg", metavar="FILE", help="write the QR code as SVG")
    parser.add_argument("--qr-png", metavar="FILE", help="write the QR code as PNG")
    parser.add_argument(
        "--force", action="store_true", help="replace a QR code file that exists already"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    service = service_from(args)
    # Refused before anything is done: the database, an existing file without --force.
    svg, png = check_outputs(
        (("--qr-svg", args.qr_svg), ("--qr-png", args.qr_png)),
        service.config,
        force=args.force,
    )
    store = persistent_store(service, create=False)
    try:
        found = progress.progress(store, args.code)
    finally:
        store.close()
    if svg or png:
        url = progress.lookup_url(service.config.progress_url, found.tracking_code)
        for path, draw in ((svg, progress.qr_svg), (png, progress.qr_png)):
            if path is not None:
                write_output(path, draw(url), force=args.force)
    if args.json:
        print(printable_json(json.dumps(found.as_dict(), ensure_ascii=False, indent=2)))
    else:
        emit(printable_fields(found).as_text())
    return 0
