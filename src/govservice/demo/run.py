"""``govservice demo``: the Dongying year 2015 from nothing, in a folder of its own.

:func:`run_demo` makes the folder (``./dongying-demo/`` by default), marks it as a demo
folder (:data:`MARKER`, written first), writes there the configuration of the Dongying city
centre (370500) on SQLite (``govservice.yaml`` and ``dongying.db``) with the county plugins
of ``plugins/`` that are installed and a new key that signs checkpoints of the trail
(``centre-key.pem``, ``trail-checkpoints.jsonl``), builds the data set
(:func:`~govservice.demo.dataset.build_dataset`), simulates the year through the workflow
(:func:`~govservice.demo.simulation.simulate_year`) and the stations' year
(:func:`~govservice.demo.grassroots.load_grassroots`: inspections, training, the staff
assessment's records) and the intermediary supermarket's year
(:func:`~govservice.demo.supermarket.load_supermarket`: 17 agencies in the hall and 267
online, the key projects' needs and their draws, engagements, the quarterly assessments
and the agency they suspend), verifies the trail against its signed
checkpoints (:meth:`govservice.trail.Trail.verify`) and writes the year report
(``report.json``, ``report.html``: :func:`govservice.report.write_report`), with the
guide book and the fee list of the catalog beside it (``guide-book.html``, ``fees.csv``,
``fees.html``: :func:`write_catalog_documents`) and the contact cards of the agencies in
the hall (``contact-cards.html``: :func:`write_contact_cards`).

With ``config`` the same year runs on the store that configuration names (PostgreSQL too),
which must be new or empty: it is made a simulation store; the report still goes to the
folder. The same seed gives the same figures and the same trail head.

The folder is refused, with nothing touched, when it exists and is neither empty nor a
demo folder: one whose marker the demo wrote and which holds only the demo's own files
(:data:`DEMO_FILES`); a demo folder is emptied and made again. With ``config``, the store
it names must hold no record at all, and is checked before the folder is touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs

from govservice.clock import SHANGHAI, FixedClock
from govservice.errors import (
    DemoFolderRefusedError,
    DemoScaleError,
    FileAccessError,
    GovServiceError,
    StoreError,
    TrailBrokenError,
)

MARKER = ".govservice-demo"
"""The file that marks a folder as made by ``govservice demo`` (so that it may be replaced)."""
MARKER_TEXT = "Made by `govservice demo`; the folder is replaced by the next run.\n"
"""What the marker holds: a folder whose marker holds anything else is not replaced."""
CONFIG_NAME = "govservice.yaml"
DATABASE_NAME = "dongying.db"
KEY_NAME = "centre-key.pem"
"""The centre's Ed25519 key that signs checkpoints of the trail (``trail.signing_key``)."""
CHECKPOINTS_NAME = "trail-checkpoints.jsonl"
"""The signed checkpoints, one a line (``trail.checkpoints``): the head witnessed outside
the database."""
CATALOG_DOCUMENTS = ("guide-book.html", "fees.csv", "fees.html")
"""The guide book and the fee list of the catalog, written beside the report."""
AGENCY_URL = "https://zwfw.dongying.gov.cn/zjcs/agency/{code}"
"""The public page of an agency (``public.agency_url``), on the cards' QR codes: the one the
demo's configuration sets, used too when a configuration given with ``--config`` sets none."""
CARDS_NAME = "contact-cards.html"
"""The contact cards (中介服务联系卡) of the agencies in the hall, written beside the report."""
EXPOSURE_NAME = "exposure.html"
"""The blacklists' exposure board (曝光台) of the year's last day, beside the report (with
``exposure.json``); the court's list and the exchange files of the year are there too."""
BLACKLIST_FILES = frozenset(
    {
        "court-dishonest-2015.json",
        "exchange-key.pem",
        "exchange-370500-1.json",
        "exchange-370500-2.json",
        "exchange-371400.json",
        "exchange-371600.json",
        "exchange-370100.json",
        EXPOSURE_NAME,
        "exposure.json",
    }
)
"""The blacklists' files of a demo folder (:func:`govservice.demo.blacklists.demo_files`)."""
DEMO_FILES = frozenset(
    {
        CONFIG_NAME,
        DATABASE_NAME,
        *(f"{DATABASE_NAME}{suffix}" for suffix in ("-wal", "-shm", "-journal")),
        KEY_NAME,
        CHECKPOINTS_NAME,
        "report.json",
        "report.html",
        *CATALOG_DOCUMENTS,
        CARDS_NAME,
        *BLACKLIST_FILES,
    }
)
"""The files a demo folder holds besides its marker (a demo folder holding any other is
not replaced)."""
_PARTIAL = re.compile(
    r"\.(report\.(json|html)|guide-book\.html|fees\.(csv|html)|contact-cards\.html"
    r"|court-dishonest-2015\.json|exchange-\d{6}(-\d)?\.json|exposure\.(html|json))\.\d+\.partial"
)
"""A report being written when a run was stopped (:func:`govservice.report.write_report`)."""

DEFAULT_FOLDER = Path("dongying-demo")
COUNTY_PLUGINS = ("guangrao", "lijin")
"""The county plugins of ``plugins/`` the demo configures when they are installed."""
YEAR = 2015
MAX_SCALE = 1.0
"""``scale=1`` is the real year (175,000 applications); more is refused."""

Progress = Callable[[int, int], None]


@attrs.frozen
class DemoResult:
    """What a demo run made."""

    folder: Path
    config: Path
    """The configuration the year ran on (the one written, or the one given)."""
    summary: Any
    """What the simulator did (:class:`~govservice.demo.simulation.SimulationSummary`)."""
    figures: Any
    """The year's figures, counted from the store (:class:`govservice.report.YearFigures`)."""
    audit: Any
    """The check of the trail (:class:`govservice.audit.AuditReport`)."""
    plugins: tuple[str, ...]
    """The county plugins configured."""
    seconds: float
    """How long the run took (for the benchmark; not a figure of the report)."""

    @property
    def trail_head(self) -> str:
        """``SEQ:HASH``, as ``govservice audit verify --expect-head`` takes it."""
        return f"{self.audit.head_seq}:{self.audit.head_hash}"


def check_scale(scale: Any) -> float:
    """The scale as a number above 0 and at most :data:`MAX_SCALE`.

    :raises DemoScaleError: not a number, not finite, 0 or less, or above 1.
    """
    try:
        value = float(scale)
    except (TypeError, ValueError):
        raise DemoScaleError(
            f"{scale!r} is not a number; give e.g. 0.1 (17,500 cases) or 1 (the real 175,000)",
            where="--scale",
        ) from None
    if not math.isfinite(value) or not 0 < value <= MAX_SCALE:
        raise DemoScaleError(
            f"{scale!r} is not a scale above 0 and at most {MAX_SCALE:g} (1 is the real year, "
            "175,000 cases)",
            where="--scale",
        )
    if round(175_000 * value) < 1:
        raise DemoScaleError(f"{scale!r} makes no case at all", where="--scale")
    return value


def check_seed(seed: Any) -> int:
    """The seed as a whole number.

    :raises DemoScaleError: not a whole number."""
    try:
        number = int(str(seed), 10)
    except ValueError:
        raise DemoScaleError(f"{seed!r} is not a whole number", where="--seed") from None
    if abs(number) >= 2**63:
        raise DemoScaleError(f"{seed!r} is too large (at most 19 digits)", where="--seed")
    return number


def installed_county_plugins() -> tuple[str, ...]:
    """The county plugins of :data:`COUNTY_PLUGINS` installed (entry points of the
    ``govservice`` group)."""
    names = {entry.name for entry in metadata.entry_points(group="govservice")}
    return tuple(name for name in COUNTY_PLUGINS if name in names)


def prepare_folder(out: Path) -> Path:
    """Make ``out`` a new demo folder: created, or emptied when it is a demo folder (its
    :data:`MARKER` written first, before anything else).

    :raises DemoFolderRefusedError: ``out`` exists and is not a folder, or is a folder
        neither empty nor marked as a demo folder; nothing is touched.
    :raises FileAccessError: the folder cannot be made, read or written.
    """
    out = Path(out)
    try:
        if out.is_symlink() or (out.exists() and not out.is_dir()):
            raise DemoFolderRefusedError(
                "exists and is not a folder; give --out a new folder (or a demo folder to "
                "replace)",
                where=str(out),
            )
        if out.is_dir():
            entries = list(out.iterdir())
            if entries:
                _check_demo_folder(out, entries)
            for entry in entries:
                entry.unlink()  # (only the demo's own regular files: checked above)
        else:
            out.mkdir(parents=True)
        # O_EXCL and O_NOFOLLOW: the marker is a new regular file, never written through
        # a link someone left in its place
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(out / MARKER, flags, 0o644), "w", encoding="utf-8") as marker:
            marker.write(MARKER_TEXT)
    except OSError as error:
        raise _file_error(error, out) from None
    return out


def _check_demo_folder(out: Path, entries: list[Path]) -> None:
    """Refuse, touching nothing, a folder that is not wholly a demo's: its marker must be a
    regular file (not a link) holding :data:`MARKER_TEXT`, and every other entry a
    regular file of a name the demo writes (:data:`DEMO_FILES`)."""
    marker = out / MARKER
    if not (marker.is_file() and not marker.is_symlink()):
        raise DemoFolderRefusedError(
            f"exists, is not empty and is not a demo folder (it has no {MARKER}); nothing "
            "was touched: give --out a new folder",
            where=str(out),
        )
    if marker.read_text(encoding="utf-8", errors="replace") != MARKER_TEXT:
        raise DemoFolderRefusedError(
            f"its {MARKER} is not one the demo wrote; nothing was touched: give --out a new "
            "folder",
            where=str(out),
        )
    for entry in entries:
        if entry.name == MARKER:
            continue
        known = entry.name in DEMO_FILES or _PARTIAL.fullmatch(entry.name)
        if not known or entry.is_symlink() or not entry.is_file():
            raise DemoFolderRefusedError(
                f"holds {entry.name!r}, which the demo does not write; nothing was touched: "
                "move it away, or give --out a new folder",
                where=str(out),
            )


def write_config(folder: Path, plugins: tuple[str, ...]) -> Path:
    """Write the configuration of the Dongying city centre on SQLite in ``folder``."""
    lines = [
        "# The Dongying city centre (东营市政务服务中心), as `govservice demo` made it.",
        "name: 东营市政务服务中心",
        'region: "370500"',
        "timezone: Asia/Shanghai",
        "storage:",
        "  backend: sqlite",
        "  settings:",
        f"    path: {DATABASE_NAME}        # beside this file",
        "supervision:",
        "  yellow_days: 3",
        "public:",
        '  progress_url: "https://zwfw.dongying.gov.cn/progress/{code}"',
        f'  agency_url: "{AGENCY_URL}"   # 中介服务联系卡',
        "trail:                   # signed checkpoints of the tamper-evident trail",
        f"  signing_key: {KEY_NAME}   # made by the demo (govservice audit keygen)",
        f"  checkpoints: {CHECKPOINTS_NAME}   # appended to, never rewritten",
        "  every: 1000",
        "stations:                # 以奖代补: the award of a station that meets its standard",
        "  subsidies:",
        "    - {year: 2015, community_centre: 150000, village_station: 10000}",
    ]
    from govservice.demo.blacklists import config_lines, write_exchange_key

    lines += config_lines()  # the court's list, the partner cities and their keys
    if plugins:
        lines.append("plugins:                 # the county plugins installed")
        lines.extend(f"  - name: {name}" for name in plugins)
    path = folder / CONFIG_NAME
    try:
        from govservice.trail.keys import generate_key

        generate_key(folder / KEY_NAME)
        write_exchange_key(folder)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as error:
        raise _file_error(error, path) from None
    return path


def run_demo(
    out: Path = DEFAULT_FOLDER,
    *,
    scale: float = 0.1,
    seed: int = 7,
    config: Path | None = None,
    console: Any = None,
    progress: Progress | None = None,
) -> DemoResult:
    """Simulate the Dongying year 2015 and report on it (see the module's docstring).

    :param out: the demo folder (made, or replaced when it is one).
    :param scale: the share of the real year's 175,000 applications (above 0, at most 1).
    :param seed: every draw of the data set and of the year.
    :param config: a configuration whose store (new or empty) the year runs on, instead
        of the SQLite database written in the folder.
    :param console: a :class:`rich.console.Console` to print the year report on.
    :param progress: told ``(days done, days in all)`` as the year is simulated.
    :raises DemoScaleError: a bad scale or seed.
    :raises DemoFolderRefusedError: ``out`` is not a folder the demo may use.
    :raises FileAccessError: a file cannot be written (permission denied, a full disk).
    """
    from govservice.demo.blacklists import load_blacklists, screened_dataset, write_exposure
    from govservice.demo.dataset import build_dataset
    from govservice.demo.grassroots import load_grassroots
    from govservice.demo.simulation import simulate_year
    from govservice.demo.supermarket import load_supermarket
    from govservice.report import print_report, write_report
    from govservice.service import GovService
    from govservice.store.simulation import make_simulation

    started = time.perf_counter()
    scale = check_scale(scale)
    seed = check_seed(seed)
    clock = FixedClock(dt.datetime(YEAR, 1, 1, 8, 0, tzinfo=SHANGHAI))

    def centre(config_path: Path) -> GovService:
        return GovService(
            config_path, clock=clock, token_bytes=random.Random(f"tracking-{seed}").randbytes
        )

    plugins = installed_county_plugins()
    store = None
    folder = Path(out)
    try:
        if config is not None:  # the store it names is checked before the folder is touched
            config_path = Path(config)
            if _inside(config_path, folder):
                raise DemoFolderRefusedError(
                    f"holds the configuration given with --config ({config_path}), which "
                    "the demo would replace; nothing was touched",
                    where=str(folder),
                )
            service = centre(config_path)
            store = service.store
            _check_empty(store, config_path)
            folder = prepare_folder(folder)
        else:
            folder = prepare_folder(folder)
            config_path = write_config(folder, plugins)
            service = centre(config_path)
            store = service.store
        if service.trail.enabled:  # the first signed checkpoint starts the file
            service.trail.checkpoint(store)
        make_simulation(store)
        dataset = screened_dataset(build_dataset(seed))  # an item requires screening
        dataset.load_into(service)
        summary = simulate_year(service, dataset, scale=scale, seed=seed, progress=progress)
        load_blacklists(service, dataset, folder)  # own, court, partners, exchange, screening
        load_supermarket(service, dataset, seed)  # agencies, draws, engagements, 考核
        clock.moment = dt.datetime(YEAR, 12, 31, 18, 0, tzinfo=SHANGHAI)
        load_grassroots(service, dataset, seed)  # inspections, training, staff records
        audit = service.trail.verify(store)  # the chain, and every signed checkpoint
        if not audit.ok:
            raise TrailBrokenError(
                f"the trail of the simulated year is broken: "
                f"{audit.first_break or '; '.join(audit.witness_problems)}"
            )
        if service.trail.enabled:
            service.trail.checkpoint(store)  # the year's last head, signed
        figures = write_report(service, YEAR, folder, as_of=dt.date(YEAR, 12, 31), audit=audit)
        write_catalog_documents(service, folder, dataset.items, dt.date(YEAR, 12, 31))
        write_contact_cards(service, folder, dt.date(YEAR, 12, 31))
        write_exposure(service, folder, dt.date(YEAR, 12, 31))  # 曝光台
    except (OSError, sqlite3.Error) as error:
        raise _file_error(error, folder) from None
    finally:
        if store is not None:
            _close(store)
    if console is not None:
        print_report(figures, console)
    return DemoResult(
        folder=folder,
        config=config_path,
        summary=summary,
        figures=figures,
        audit=audit,
        plugins=plugins,
        seconds=time.perf_counter() - started,
    )


def write_catalog_documents(
    service: Any, folder: Path, items: Any, on: dt.date | None = None
) -> None:
    """Write the guide book (``guide-book.html``) and the fee list (``fees.csv``,
    ``fees.html``, with the history of the fees) of the centre's catalog beside the
    report: its latest version's items in service, or ``items`` in service when the
    store holds no version of the catalog. With ``on`` (the year's last day), the
    intermediary services listed that day are in both: each guide shows those its item
    requires, and the fee list their fees with the agencies' offers."""
    from govservice.catalog import disclosure
    from govservice.catalog.guide_templates import GuideTemplates
    from govservice.catalog.guides import render_guide_book

    region = service.config.region
    versions = service.catalog.versions(region)
    chosen = versions[-1].in_service() if versions else [i for i in items if i.accepts_cases]
    templates = GuideTemplates.for_region(service, region)
    title = f"{service.config.name}服务指南汇编"
    fees = disclosure.disclosed_fees(chosen)
    listed: list[Any] = []
    rows: list[Any] = []
    market = service.intermediaries
    if on is not None and market.services is not None and market.agencies is not None:
        listed = market.services.on(on)
        rows = disclosure.disclosed_service_fees(
            market.services.all(region),
            market.agencies.all(),
            on,
            item_names={item.code: item.name for item in chosen},
        )
    page = disclosure.to_html(
        fees,
        undisclosed=disclosure.undisclosed_items(chosen),
        history=disclosure.fee_history(versions),
        intermediaries=rows,
        templates=templates,
    )
    book = render_guide_book(chosen, title=title, templates=templates, services=listed)
    table = disclosure.to_csv([*fees, *disclosure.as_disclosed_fees(rows)])
    for name, data in zip(
        CATALOG_DOCUMENTS,
        (book.encode(), table.encode("utf-8-sig"), page.encode()),
        strict=True,
    ):
        partial = folder / f".{name}.{os.getpid()}.partial"
        try:
            partial.write_bytes(data)
            os.replace(partial, folder / name)
        finally:
            partial.unlink(missing_ok=True)


def write_contact_cards(service: Any, folder: Path, on: dt.date) -> None:
    """Write the contact cards of the agencies in the hall on ``on``
    (``contact-cards.html``, one printed page a card: :mod:`govservice.intermediaries.card`)."""
    from govservice.intermediaries.card import TITLE, ContactCards, render_cards

    cards = ContactCards(service, agency_url=service.config.agency_url or AGENCY_URL).hall(on=on)
    page = render_cards(cards, title=f"{service.config.name}中介超市{TITLE}（有形进驻）")
    partial = folder / f".{CARDS_NAME}.{os.getpid()}.partial"
    try:
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, folder / CARDS_NAME)
    finally:
        partial.unlink(missing_ok=True)


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` (both resolved: links followed)."""
    return path.resolve().is_relative_to(folder.resolve())


def _check_empty(store: Any, config_path: Path) -> None:
    """Refuse, before anything is written, a store that holds any record or any link of
    the trail: the demo makes a store a simulation store, for good, so it never takes one
    a centre uses (or a demo already ran on)."""
    kinds = (
        "item", "station", "case", "project", "intermediary", "blacklist-entry",
        "intermediary-service", "need", "selection", "engagement", "agency-quarter",
    )  # fmt: skip
    held = {kind: store.count(kind) for kind in kinds}
    links = store.ledger_head()[0]
    if any(held.values()) or links:
        listed = "、".join(f"{kind} {count}" for kind, count in held.items() if count)
        raise StoreError(
            f"the store holds records already ({listed or 'none'}; {links} link(s) of the "
            "trail); the demo runs only on a new, empty store (or without --config), which "
            "it makes a simulation store: nothing was touched",
            where=str(config_path),
        )


def _close(store: Any) -> None:
    with contextlib.suppress(OSError, sqlite3.Error, GovServiceError):
        store.close()  # (closing after a failure: the failure is what is told)


def _file_error(error: OSError | sqlite3.Error, where: Path) -> FileAccessError:
    """A file the system refused (permission denied, a full disk), as one line."""
    if isinstance(error, OSError):
        message = error.strerror or type(error).__name__
        if isinstance(error, PermissionError):
            message += " (check the permissions of the folder and of each folder on its path)"
        name = os.fsdecode(error.filename) if isinstance(error.filename, (str, bytes)) else None
        return FileAccessError(
            f"the demo cannot write its files: {message}", where=name or str(where)
        )
    return FileAccessError(f"the demo cannot write its database: {error}", where=str(where))
