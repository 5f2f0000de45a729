"""The year report on a terminal: :func:`print_report`.

Sections in the yearbook's way (【概况】 …), each a sentence of figures
(:mod:`~govservice.report.sentences`), with tables by department, by station and of the key
projects; a section with nothing to show says （无）. Names, never codes: the centre,
departments, stations, projects. Every name is shown escaped, never read as markup.
"""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from govservice.cli.terminal import printable
from govservice.report.figures import GroupFigures, YearFigures
from govservice.report.sentences import (
    NONE,
    blacklists,
    catalog,
    days,
    evaluations,
    grassroots,
    green_channel,
    overview,
    rate,
    supermarket,
    supervision,
    supplements,
    title,
    trail,
    withdrawals,
)


def print_report(figures: YearFigures, console: Console) -> None:
    """Print the year report of ``figures`` on ``console`` (a :class:`rich.console.Console`)."""
    heading = Text(printable(title(figures)), style="bold")
    if heading.cell_len + 6 <= console.width:
        console.rule(heading)
    else:  # a rule would cut the title short
        console.print(heading, crop=False, soft_wrap=True)
    for heading, body in sections(figures):
        if isinstance(body, Table):
            console.print(Text(f"【{heading}】", style="bold"))
            whole(console, body)
        else:
            lines = wrapped(f"【{heading}】{body}", console.width)
            first = Text(f"【{heading}】", style="bold")
            first.append(lines[0][len(heading) + 2 :])
            for line in (first, *map(Text, lines[1:])):  # a piece wider than the terminal
                console.print(line, crop=False, soft_wrap=True)  # is wrapped by it, not cut


def whole(console: Console, table: Table) -> None:
    """Print ``table`` with every cell whole: as wide as it needs when the terminal is
    narrower (the terminal wraps its lines; a figure is never cut to ``8…``)."""
    needed = Measurement.get(console, console.options.update(width=10_000), table).maximum
    if needed <= console.width:
        console.print(table)
        return
    wide = Console(
        file=console.file,
        width=needed,
        color_system=console.color_system,  # type: ignore[arg-type]
        force_terminal=console.is_terminal,
    )
    wide.print(table, crop=False)


BREAKS = "，。；、：）"
"""Where a line of Chinese may end: after its punctuation, never inside a figure (a wrap
at any character would split 15961 into 1 / 5961) nor before a comma."""


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, each ending after one of
    :data:`BREAKS` where it can, a run of them kept together (``）；`` never starts a line);
    a piece longer than a line is folded by the console."""
    pieces: list[str] = []
    start = 0
    for index, character in enumerate(text):
        if character in BREAKS and text[index + 1 : index + 2] not in BREAKS:
            pieces.append(text[start : index + 1])
            start = index + 1
    if start < len(text):
        pieces.append(text[start:])
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if current and cell_len(current + piece) > width:
            lines.append(current)
            current = piece
        else:
            current += piece
    return [*lines, current] if current or not lines else lines


def sections(figures: YearFigures) -> list[tuple[str, str | Table]]:
    """The report's sections in order: a heading and a sentence, or a table."""
    return [
        ("概况", overview(figures)),
        *([("事项目录", catalog(figures))] if figures.catalog is not None else []),
        ("分部门办件情况", _table_or_none("部门", figures.own_departments)),
        *_other_centres(figures),
        ("分站点办件情况", _table_or_none("站点", figures.by_station)),
        ("绿色通道与重点项目", green_channel(figures)),
        ("重点项目", _projects_or_none(figures)),
        ("补正与特别程序", supplements(figures)),
        ("不予受理与撤回", withdrawals(figures)),
        ("好差评", evaluations(figures)),
        *([("基层便民服务", grassroots(figures))] if figures.grassroots is not None else []),
        *([("中介超市", supermarket(figures))] if figures.supermarket is not None else []),
        *([("黑名单", blacklists(figures))] if figures.blacklists is not None else []),
        ("电子监察", supervision(figures)),
        ("步步留痕", trail(figures)),
    ]


def group_table(heading: str, groups: tuple[GroupFigures, ...]) -> Table:
    """The table by department or by station."""
    table = Table(box=box.SIMPLE_HEAVY, show_edge=False, pad_edge=False)
    table.add_column(heading, no_wrap=True)
    for column in ("受理", "办结", "按期率", "超期", "平均用时(工作日)"):
        table.add_column(column, justify="right", no_wrap=True)
    for group in groups:
        table.add_row(
            Text(printable(group.name)),
            str(group.accepted),
            str(group.completed),
            rate(group.on_time_rate),
            str(group.overdue),
            days(group.average_days),
        )
    return table


def _other_centres(figures: YearFigures) -> list[tuple[str, str]]:
    """A line naming the other centres whose departments ``report.html`` and
    ``report.json`` list (the terminal shows the centre's own)."""
    others = figures.other_centres
    if not others:
        return []
    names = "、".join(printable(name) for name, _ in others)
    count = sum(len(groups) for _, groups in others)
    return [("县区分中心", f"{names}共{count}个部门的办件情况见 report.html、report.json。")]


def _table_or_none(heading: str, groups: tuple[GroupFigures, ...]) -> str | Table:
    return group_table(heading, groups) if groups else NONE


def _projects_or_none(figures: YearFigures) -> str | Table:
    projects = figures.green_channel.projects
    if not projects:
        return NONE
    table = Table(box=box.SIMPLE_HEAVY, show_edge=False, pad_edge=False)
    table.add_column("项目")
    table.add_column("专人负责", no_wrap=True)
    table.add_column("办件", justify="right", no_wrap=True)
    table.add_column("办结", justify="right", no_wrap=True)
    for project in projects:
        table.add_row(
            Text(printable(project.name)),
            Text(printable(project.handler or "—")),
            str(project.cases),
            str(project.completed),
        )
    return table
