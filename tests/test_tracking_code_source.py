"""Tracking codes come from the system's secure source, or from a seeded one for a
simulation that must repeat itself (the demo: same seed, same trail head)."""

from __future__ import annotations

import random
import secrets

from govservice.clock import FixedClock
from govservice.samples import START, make_case, make_item, register_staff
from govservice.service import GovService
from govservice.testing import as_applicant
from govservice.workflow.engine import new_tracking_code


def _applied_code(token_bytes=None) -> str:
    service = GovService(clock=FixedClock(START), token_bytes=token_bytes)
    register_staff(service.store)
    item = make_item()
    service.store.add_item(item)
    case = make_case(item)
    return service.workflow.apply(case, as_applicant(case)).record.tracking_code


def test_the_default_source_is_the_secure_one() -> None:
    assert GovService().token_bytes is secrets.token_bytes
    assert _applied_code() != _applied_code()


def test_a_seeded_source_gives_the_same_codes() -> None:
    first = _applied_code(random.Random(7).randbytes)
    assert first == _applied_code(random.Random(7).randbytes)
    assert first != _applied_code(random.Random(8).randbytes)


def test_the_code_is_made_from_the_source_bits() -> None:
    assert new_tracking_code(lambda n: bytes(n)) == "2" * 12
    assert new_tracking_code(lambda n: b"\xff" * n) == "Z" * 12
