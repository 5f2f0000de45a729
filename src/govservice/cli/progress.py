"""``govservice progress CODE``: the public progress lookup, and its QR code."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from govservice.cli.common import persistent_store, service_from
from govservice.errors import UsageError
from govservice.workflow import progress


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "progress",
        help="what the public sees for a tracking code (进度查询)",
        description="Look a case up by its tracking code, as the public page shows it: "
        "the applicant's name and number masked. --qr-svg / --qr-png write the QR code of "
        "the lookup link (public.progress_url in the configuration).",
    )
    parser.add_argument("code", metavar="CODE")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--qr-svg", metavar="FILE", type=Path, help="write the QR code as SVG")
    parser.add_argument("--qr-png", metavar="FILE", type=Path, help="write the QR code as PNG")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    service = service_from(args)
    store = persistent_store(service, create=False)
    try:
        found = progress.progress(store, args.code)
    finally:
        store.close()
    if args.qr_svg or args.qr_png:
        url = progress.lookup_url(service.config.progress_url, found.tracking_code)
        for path, draw in ((args.qr_svg, progress.qr_svg), (args.qr_png, progress.qr_png)):
            if path is None:
                continue
            content = draw(url)
            try:
                if isinstance(content, str):
                    path.write_text(content, encoding="utf-8")
                else:
                    path.write_bytes(content)
            except OSError as error:
                raise UsageError(
                    f"cannot write the QR code: {error.strerror}", where=str(path)
                ) from None
    if args.json:
        print(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(found.as_text())
    return 0
