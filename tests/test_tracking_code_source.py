"""Tracking codes come from the system's secure source, or from a seeded one for a
simulation that must repeat itself (the demo: same seed, same trail head)."""

from __future__ import annotations

import os
import random
import secrets

import pytest

from govservice.clock import FixedClock
from govservice.samples import START, make_case, make_item, register_staff
from govservice.service import SECURE_TOKEN_BYTES, GovService, SecureTokenBytes
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
    assert GovService().token_bytes is SECURE_TOKEN_BYTES
    assert GovService().token_bytes is GovService().token_bytes  # one block for all
    assert _applied_code() != _applied_code()
    codes = {_applied_code() for _ in range(20)}
    assert len(codes) == 20


def test_the_buffered_source_hands_out_the_system_bytes_once_each(monkeypatch) -> None:
    blocks = [bytes(range(16)), bytes(range(16, 32)), bytes(range(100, 140))]
    asked = []

    def system(n: int) -> bytes:
        asked.append(n)
        return blocks.pop(0)[:n]

    monkeypatch.setattr(secrets, "token_bytes", system)
    source = SecureTokenBytes(block=16)
    assert source(8) == bytes(range(8))
    assert source(8) == bytes(range(8, 16))
    assert asked == [16]  # one read of the secure source for two codes
    assert source(5) == bytes(range(16, 21))
    assert source(8) == bytes(range(21, 29))
    assert source(8) == bytes(range(100, 108))  # 3 bytes left: a new block, none reused
    assert asked == [16, 16, 16]
    monkeypatch.setattr(secrets, "token_bytes", lambda n: b"\x01" * n)
    assert source(17) == b"\x01" * 17  # larger than a block: read on its own


def test_the_buffered_source_differs_from_call_to_call() -> None:
    source = SecureTokenBytes(block=64)
    seen = [source(8) for _ in range(100)]  # 13 blocks of the system's source
    assert len(set(seen)) == 100
    assert all(len(token) == 8 for token in seen)
    with pytest.raises(ValueError, match="at least one byte"):
        SecureTokenBytes(block=0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_child_does_not_repeat_its_parents_bytes() -> None:
    source = SecureTokenBytes()
    source(8)  # the parent has a block
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: what it would hand out next
        os.close(read)
        os.write(write, source(8))
        os._exit(0)
    os.close(write)
    child = os.read(read, 8)
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child) == 8
    assert child != source(8)  # without the fork hook, the same next 8 bytes


def test_a_seeded_source_gives_the_same_codes() -> None:
    first = _applied_code(random.Random(7).randbytes)
    assert first == _applied_code(random.Random(7).randbytes)
    assert first != _applied_code(random.Random(8).randbytes)


def test_the_code_is_made_from_the_source_bits() -> None:
    assert new_tracking_code(lambda n: bytes(n)) == "2" * 12
    assert new_tracking_code(lambda n: b"\xff" * n) == "Z" * 12
