"""``govservice blacklist expose``: the public exposure board (曝光台), registered by
:mod:`govservice.cli.blacklist`.

The board (:mod:`govservice.blacklists.board`) shows the entries published on ``--on``
(default today) from every source, each naming its source and dates: a Chinese HTML page
that opens offline, or (``--json``) the same as JSON. Identity numbers are always masked
(10 + ``****`` + 4); persons' names as ``blacklists.exposure.person_names`` says, or
``--person-names published|masked``. ``--out FILE`` writes it there (never over an
existing file without ``--force``, never over the centre's own files); without it, it goes
to standard output. A bad option is one line and exit 2; nothing is written then.
"""

from __future__ import annotations

import argparse

from govservice.blacklists.board import POLICIES, render, to_json
from govservice.cli.common import check_window, day, persistent_store, service_from
from govservice.cli.output import check_output, write_output
from govservice.cli.terminal import emit, printable, printable_json


def register(actions: argparse._SubParsersAction) -> None:
    """Add ``expose`` to ``blacklist``."""
    expose = actions.add_parser(
        "expose",
        help="the public exposure board (曝光台): the entries published on a day, HTML or JSON",
        description="信用黑名单曝光台: the entries in their publication period on the day, "
        "from every source (our own list, the court's, the partner cities', national "
        "lists), each with its source and dates. Identity numbers are always masked; "
        "enterprise names and credit codes are public; persons' names as configured "
        "(blacklists.exposure.person_names) or --person-names.",
    )
    expose.add_argument("--on", type=day, metavar="DATE", help="the board's day (default: today)")
    expose.add_argument(
        "--person-names",
        choices=POLICIES,
        help="persons' names as published, or masked (张*) (default: the configuration's)",
    )
    expose.add_argument("--json", action="store_true", help="the board as JSON")
    expose.add_argument("--out", metavar="FILE", help="write the board to this file")
    expose.add_argument("--force", action="store_true", help="replace --out if it exists")
    expose.set_defaults(run=run_expose)


def run_expose(args: argparse.Namespace) -> int:
    service = service_from(args)
    check_window(service.config, "--on", args.on)
    out = None
    if args.out is not None:  # refused before anything is read
        out = check_output(args.out, service.config, force=args.force, option="--out")
    service.__dict__["store"] = persistent_store(service, create=False)
    board = service.blacklists.board
    try:
        made = board.board(args.on, person_names=args.person_names)
    finally:
        service.store.close()
    if args.json:
        text = to_json(made)
        if out is None:
            print(printable_json(text.rstrip("\n")))
            return 0
        write_output(out, text, force=args.force)
    else:
        page = render(made)
        if out is None:
            print(page, end="")
            return 0
        write_output(out, page, force=args.force)
    counts = "、".join(f"{label}{len(lines)}条" for _, label, lines in made.by_source())
    emit(
        printable(
            f"曝光台：{out}（截至{made.day.isoformat()}公示中{len(made.lines)}条"
            + (f"：{counts}" if counts else "")
            + "）"
        )
    )
    return 0
