"""``govservice demo``: the Dongying year 2015, simulated and reported (see
:mod:`govservice.demo.run`).

A progress bar on standard error while the year runs, when it is a terminal (none in a
pipe or a log); then the year report in Chinese on standard output, and where the files
are.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from govservice.cli.common import CONFIG_ENV
from govservice.cli.terminal import printable


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "demo",
        help="simulate the Dongying year 2015 and print its report (东营市政务服务中心)",
        description="Make a demo folder (default ./dongying-demo/) with the configuration "
        "of the Dongying city centre on SQLite and the county plugins installed, simulate "
        "the year 2015 through the workflow (applications, supplements, special "
        "procedures, key projects, evaluations ...), the stations' year and the intermediary "
        "supermarket's (agencies, draws, engagements, quarterly assessment), verify the "
        "trail and write the year report (report.json, report.html), the guide book, the "
        "fee list and the contact cards of the agencies in the hall. An existing folder that the demo did not make "
        "is refused; one it made is replaced. The same seed gives the same figures and "
        "the same trail head.",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=Path("dongying-demo"),
        help="the demo folder (default: ./dongying-demo)",
    )
    parser.add_argument(
        "--scale",
        metavar="X",
        default="0.1",
        help="the share of the real year's 175,000 applications, above 0 and at most 1 "
        "(default 0.1: 17,500)",
    )
    parser.add_argument(
        "--seed", metavar="N", default="7", help="every draw of the year (default 7)"
    )
    parser.add_argument(
        "--config",
        dest="demo_config",
        metavar="FILE",
        help="run on the (new or empty) store this configuration names, PostgreSQL too, "
        "instead of the SQLite database in the folder ($GOVSERVICE_CONFIG is not read)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from govservice.demo.run import check_scale, check_seed, run_demo

    scale, seed = check_scale(args.scale), check_seed(args.seed)  # before anything is made
    config = getattr(args, "demo_config", None)
    if config is None and args.config is not None and args.config != os.environ.get(CONFIG_ENV):
        config = args.config  # `govservice --config FILE demo`; $GOVSERVICE_CONFIG is not read
    # Standard output escapes every terminal escape (cli.terminal.EscapedOutput): the report
    # is printed without colours; the progress bar goes to standard error.
    console = Console(file=sys.stdout, color_system=None, highlight=False)
    if sys.stdout.isatty() and sys.stderr.isatty():
        result = _with_progress(args.out, scale, seed, config, console)
    else:
        result = run_demo(args.out, scale=scale, seed=seed, config=config, console=console)
    print(printable(f"报告：{result.folder / 'report.html'}（另有 report.json）"))
    folder = result.folder
    print(
        printable(
            f"办事指南：{folder / 'guide-book.html'}；收费公示：{folder / 'fees.html'}（另有 fees.csv）"
        )
    )
    print(printable(f"中介服务联系卡（有形进驻）：{folder / 'contact-cards.html'}"))
    print(printable(f"信用黑名单曝光台：{folder / 'exposure.html'}（另有 exposure.json）"))
    print(printable(f"配置：{result.config}"))
    print(f"留痕链头：{result.trail_head}（govservice audit verify --expect-head 可核对）")
    return 0


def _with_progress(out: Path, scale: float, seed: int, config: str | None, console):
    """The demo under a progress bar on standard error; the report printed once the bar
    is gone."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from govservice.demo.run import run_demo
    from govservice.report import print_report

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("模拟 2015 年（日）", total=365)
        result = run_demo(
            out,
            scale=scale,
            seed=seed,
            config=config,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    print_report(result.figures, console)
    return result
