"""The targets of the benchmarks: each figure, the baseline it is measured against, its bound.

One place for every bound that ``python -m benchmarks`` checks. A target names the
benchmark (its file name without ``.py``), the figure (a key of the JSON object the
benchmark prints last), the baseline figure of the same run it is divided by (or none:
the bound is then on the figure itself), and a lower or an upper bound (or none: the
ratio is shown for comparison, with no verdict). ``when`` restricts a target to runs
whose figures have those values (the demo's time limit depends on its scale).
``source`` says where the bound comes from.

Every figure comes from one run on one machine; the bounds on ratios are what carry
from one machine to another.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs


@attrs.frozen
class Target:
    """The bound one figure of one benchmark must keep.

    ``minimum``/``maximum`` bound the ratio ``figure / baseline`` when ``baseline`` is
    given, the figure itself otherwise; neither given, the row only compares. ``ratio``
    names the key under which the benchmark prints that ratio itself, if it does (used when
    the figure or its baseline is missing, and hidden from the other figures' rows).
    """

    benchmark: str
    figure: str
    baseline: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    ratio: str | None = None
    when: tuple[tuple[str, object], ...] = ()
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.minimum is not None and self.maximum is not None:
            raise ValueError(f"Target.minimum and Target.maximum both set for {self.figure}")

    @property
    def bound(self) -> str:
        """The bound as a reader writes it: ``≥ 0.04``, ``≤ 60``, or empty."""
        if self.minimum is not None:
            return f"≥ {self.minimum:,g}"
        if self.maximum is not None:
            return f"≤ {self.maximum:,g}"
        return ""

    def applies(self, figures: Mapping[str, object]) -> bool:
        """Whether this target speaks for a run that printed ``figures``."""
        return all(figures.get(key) == value for key, value in self.when)


@attrs.frozen
class Evaluation:
    """A target set against one run: the numbers, and whether the bound is kept.

    ``met`` is None when there is no bound, or when a figure the bound needs is missing
    or null (a PostgreSQL figure without a server).
    """

    target: Target
    value: float | None
    baseline_value: float | None
    ratio: float | None
    met: bool | None

    def to_json(self) -> dict[str, object]:
        return {
            "benchmark": self.target.benchmark,
            "figure": self.target.figure,
            "value": self.value,
            "baseline": self.target.baseline,
            "baseline_value": self.baseline_value,
            "ratio": self.ratio,
            "target": self.target.bound or None,
            "met": self.met,
            "source": self.target.source,
        }


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def evaluate(target: Target, figures: Mapping[str, object]) -> Evaluation:
    """Set ``target`` against the ``figures`` one run of its benchmark printed."""
    value = _number(figures.get(target.figure))
    baseline_value = _number(figures.get(target.baseline)) if target.baseline else None
    ratio = None
    if target.baseline:
        if value is not None and baseline_value:
            ratio = value / baseline_value
        elif target.ratio:
            ratio = _number(figures.get(target.ratio))
    judged = ratio if target.baseline else value
    met = None
    if judged is not None:
        if target.minimum is not None:
            met = judged >= target.minimum
        elif target.maximum is not None:
            met = judged <= target.maximum
    return Evaluation(target, value, baseline_value, ratio, met)


TARGETS: tuple[Target, ...] = (
    # benchmarks/catalog.py: the versioned catalog at 10,000 items
    Target(
        "catalog",
        "diff_ms",
        maximum=1000,
        when=(("items", 10_000),),
        source="issue 12, Done when: the diff of two 10,000-item versions takes ≤ 1 s",
    ),
    Target(
        "catalog",
        "guide_book_s",
        baseline="raw_jinja_s",
        maximum=2,
        source="issue 12, Done when: the guide book of 400 items in ≤ 2 × raw Jinja2, same run",
    ),
    Target(
        "catalog",
        "import_per_s",
        source="a whole catalog file, checked and imported (no bound written)",
    ),
    # benchmarks/blacklist_import.py: a partner's signed file of 100,000 entries (issue 15)
    Target(
        "blacklist_import",
        "import_per_s",
        minimum=20_000,
        when=(("entries", 100_000),),
        source="issue 15, Done when: importing a signed 100,000-entry exchange file "
        "≥ 20,000 entries/s on SQLite",
    ),
    Target(
        "blacklist_import",
        "import_per_s",
        baseline="raw_sqlite_per_s",
        ratio="import_vs_raw",
        source="against plain sqlite3 executemany of the same rows, same run (no bound)",
    ),
    # benchmarks/selection.py: a draw among 300 candidates of 10,000 agencies (issue 14)
    Target(
        "selection",
        "select_ms_median",
        maximum=5,
        when=(("agencies", 10_000),),
        source="issue 14, Done when: eligibility, screening and the draw among 300 "
        "candidates of 10,000 agencies in ≤ 5 ms median",
    ),
    Target(
        "selection",
        "verify_ms_median",
        maximum=5,
        when=(("agencies", 10_000),),
        source="issue 14, Done when: verification of the draw in ≤ 5 ms",
    ),
    Target(
        "selection",
        "select_ms_median",
        baseline="raw_read_ms_median",
        ratio="select_vs_raw_read",
        source="a plain SQL read of the offering agencies' documents (no bound written)",
    ),
    # benchmarks/screening.py: screening against 100,000 blacklist entries (issue 15, B4)
    Target(
        "screening",
        "exact_per_s",
        minimum=200_000,
        source="issue 15, Done when: 200,000 subjects by identifier against 100,000 entries "
        "at ≥ 200,000/s",
    ),
    Target(
        "screening",
        "fuzzy_per_s",
        baseline="raw_cdist_per_s",
        minimum=0.5,
        ratio="fuzzy_vs_raw_cdist",
        source="issue 15, Done when: 2,000 subjects by name at ≥ 0.5 × rapidfuzz's "
        "process.cdist over the same normalised names, same run",
    ),
    # benchmarks/stations.py: the coverage report of 10,000 stations (issue 13, S2)
    Target(
        "stations",
        "coverage_s",
        baseline="raw_sql_s",
        maximum=2,
        ratio="coverage_vs_raw_sql",
        source="issue 13, Done when: coverage of 10,000 stations against a 200-item guiding "
        "catalog in ≤ 2 × a plain SQL set-difference query, same run",
    ),
    # benchmarks/demo.py: govservice demo, the Dongying year
    Target(
        "demo",
        "seconds",
        maximum=60,
        when=(("scale", 0.1),),
        source="issue 11, Done when: --scale 0.1 in ≤ 60 s on 2 cores",
    ),
    Target(
        "demo",
        "seconds",
        maximum=600,
        when=(("scale", 1),),
        source="issue 11, Done when: --scale 1 in ≤ 10 min on 2 cores",
    ),
    Target(
        "demo",
        "cases_per_s",
        baseline="workflow_cases_per_s",
        ratio="demo_vs_workflow",
        source="issue 11, Done when: benchmarks/workflow.py in the same run, the baseline",
    ),
    # benchmarks/storage.py: bulk import and the overdue query
    Target(
        "storage",
        "sqlite_import_per_s",
        baseline="raw_sqlite_per_s",
        ratio="sqlite_vs_raw",
        source="plain sqlite3 executemany of the same rows (no bound written)",
    ),
    Target(
        "storage",
        "postgres_import_per_s",
        baseline="raw_copy_per_s",
        minimum=0.6,
        ratio="postgres_vs_raw_copy",
        source="commit 32db890: postgres_vs_raw_copy >= 0.6 (needs --postgres)",
    ),
    Target(
        "storage",
        "overdue_query_ms_1m",
        baseline="overdue_scan_ms_1m",
        source="the same query forced to scan (no bound written)",
    ),
    # benchmarks/validate.py: validation, ours against jsonschema-rs and jsonschema
    Target(
        "validate",
        "ours_per_s",
        baseline="compiled_per_s",
        minimum=0.8,
        ratio="ours_vs_compiled",
        source="README: a valid record costs one call into the compiled validator",
    ),
    Target(
        "validate",
        "ours_per_s",
        baseline="jsonschema_per_s",
        ratio="ours_vs_jsonschema",
        source="plain jsonschema, reused (no bound written)",
    ),
    Target(
        "validate",
        "invalid_ours_per_s",
        baseline="invalid_jsonschema_per_s",
        minimum=1,
        ratio="invalid_ours_vs_jsonschema",
        source="README: only invalid records get their full list; not slower than jsonschema",
    ),
    Target(
        "validate",
        "peak_rss_mib_1000000",
        baseline="peak_rss_mib_100000",
        maximum=1.5,
        when=(("records", 100_000),),
        source="validate streams: ten times the records, about the same memory",
    ),
    Target(
        "validate",
        "peak_rss_mib_100000",
        baseline="peak_rss_mib_10000",
        maximum=1.5,
        when=(("records", 2_000),),
        source="validate streams (the --quick sizes)",
    ),
    # benchmarks/workflow.py: cases through the whole workflow on SQLite
    Target(
        "workflow",
        "events_per_s",
        baseline="raw_sqlite_rows_per_s",
        minimum=0.04,
        ratio="events_vs_raw_rows",
        source="issue 10, 8: events_vs_raw_rows ≥ 0.04 in the same run as its baseline",
    ),
    Target(
        "workflow",
        "cases_per_s",
        minimum=2000,
        source="issue 10, 8: the workflow stays fast (2,250-2,900 before the trust work)",
    ),
    Target(
        "workflow",
        "cases_per_s",
        baseline="unbatched_cases_per_s",
        source="one transaction and one write per action (no bound written)",
    ),
)
"""Every target, in the order the table shows them (benchmarks by name)."""


def targets_for(benchmark: str, figures: Mapping[str, object]) -> list[Target]:
    """The targets of ``benchmark`` that speak for a run that printed ``figures``."""
    return [t for t in TARGETS if t.benchmark == benchmark and t.applies(figures)]
