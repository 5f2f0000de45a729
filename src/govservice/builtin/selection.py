"""Built-in ways to choose an intermediary: lottery (随机摇号) and lowest fee (最低价)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from govservice.hookspecs import SelectionStrategy, hookimpl
from govservice.model import Intermediary


def lottery(candidates: Sequence[Intermediary], service: str, rng: random.Random) -> Intermediary:
    """Draw one candidate at random, every candidate equally likely."""
    return rng.choice(list(candidates))


def lowest_fee(
    candidates: Sequence[Intermediary], service: str, rng: random.Random
) -> Intermediary:
    """The candidate publishing the lowest fee for ``service``; a draw among equals."""

    def fee(candidate: Intermediary):
        return min(offer.fee_from for offer in candidate.services if offer.name == service)

    best = min(fee(candidate) for candidate in candidates)
    return rng.choice([candidate for candidate in candidates if fee(candidate) == best])


@hookimpl
def govservice_register_selection_strategies(
    register: Callable[[str, SelectionStrategy], None],
) -> None:
    register("lottery", lottery)
    register("lowest-fee", lowest_fee)
