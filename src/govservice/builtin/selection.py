"""Built-in ways to choose an agency for a need: random draw (随机摇号), lowest price
(最低价), best assessment score (考核得分最高) and direct choice (直接选取).

Each is a :data:`~govservice.hookspecs.SelectionStrategy`: it gets the eligible
candidates (sorted by credit code), the need, the SHA-256 draw stream of the selection
and the agency the caller named, and returns a
:class:`~govservice.intermediaries.selection.Choice`. Every chance is the stream's first
draw among a pool, so :func:`govservice.intermediaries.draw.verify` re-runs it from the
record alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from govservice.hookspecs import SelectionStrategy, hookimpl
from govservice.intermediaries.draw import DrawStream, pool
from govservice.intermediaries.eligibility import Candidate
from govservice.intermediaries.selection import Choice
from govservice.model import Need


def random_draw(
    candidates: Sequence[Candidate], need: Need, stream: DrawStream, named: str | None
) -> Choice:
    """Draw one candidate, each equally likely (随机摇号)."""
    return Choice(result=stream.choose(candidates).credit_code)


def _ranked(
    candidates: Sequence[Candidate],
    stream: DrawStream,
    values: dict[str, Decimal],
    ranked: str,
) -> Choice:
    scores = tuple((code, str(value)) for code, value in values.items())
    codes = [candidate.credit_code for candidate in candidates]
    return Choice(
        result=stream.choose(pool(codes, dict(scores), ranked)), scores=scores, ranked=ranked
    )


def lowest_price(
    candidates: Sequence[Candidate], need: Need, stream: DrawStream, named: str | None
) -> Choice:
    """The candidate publishing the lowest fee for the service (the lower end of its
    range); a draw among those tied. Offers without an amount (市场调节价，双方协商) rank
    after every priced one; with no priced offer at all, a draw among all."""
    values = {c.credit_code: c.fee_from for c in candidates if c.fee_from is not None}
    return _ranked(candidates, stream, values, "lowest")  # type: ignore[arg-type]


def best_score(
    candidates: Sequence[Candidate], need: Need, stream: DrawStream, named: str | None
) -> Choice:
    """The candidate with the highest score of its latest assessed quarter (考核); a draw
    among those tied. Agencies never assessed rank after every assessed one; with none
    assessed, a draw among all."""
    values = {c.credit_code: c.score for c in candidates if c.score is not None}
    return _ranked(candidates, stream, values, "highest")  # type: ignore[arg-type]


best_score.uses_scores = True  # type: ignore[attr-defined]


def direct(
    candidates: Sequence[Candidate], need: Need, stream: DrawStream, named: str | None
) -> Choice:
    """The candidate the caller named (直接选取): no draw; the selection needs a written
    reason and is listed in supervision. Naming no candidate chooses nothing (the
    selection is refused)."""
    return Choice(result=named or "", direct=True)


@hookimpl
def govservice_register_selection_strategies(
    register: Callable[[str, SelectionStrategy], None],
) -> None:
    register("random-draw", random_draw)
    register("lowest-price", lowest_price)
    register("best-score", best_score)
    register("direct", direct)
