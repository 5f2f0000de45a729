"""A pytest plugin for county plugin authors (``pytest11`` entry point ``govservice``).

Fixtures:

- ``govservice_clock``: a :class:`~govservice.clock.FixedClock` at 2015-03-02 09:00
  Asia/Shanghai (a Monday); move it with ``advance(days=1)``.
- ``govservice_config``: the configuration used; override this fixture to load your
  plugin with its regions and settings (see :func:`config_with`).
- ``govservice_app``: a :class:`~govservice.GovService` on in-memory storage, strict, so
  a failing plugin fails the test loudly.
- ``make_item``, ``make_case``, ``make_station``, ``make_intermediary``,
  ``make_blacklist_entry``: factories of valid records; pass keyword arguments to change
  any field.

The factories, ``person``, ``enterprise`` and ``config_with`` come from
:mod:`govservice.samples` and are importable from here too.
"""

from __future__ import annotations

import pytest

from govservice.clock import FixedClock
from govservice.config import Config
from govservice.samples import (
    START,
    config_with,
    credit_code,
    enterprise,
    identity_number,
    make_blacklist_entry,
    make_case,
    make_intermediary,
    make_item,
    make_station,
    person,
)
from govservice.service import GovService

__all__ = [
    "START",
    "config_with",
    "credit_code",
    "enterprise",
    "identity_number",
    "make_blacklist_entry",
    "make_case",
    "make_intermediary",
    "make_item",
    "make_station",
    "person",
]


@pytest.fixture
def govservice_clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def govservice_config() -> Config:
    return config_with()


@pytest.fixture
def govservice_app(govservice_config: Config, govservice_clock: FixedClock) -> GovService:
    return GovService(govservice_config, clock=govservice_clock, strict=True)


@pytest.fixture(name="make_item")
def _make_item_fixture():
    return make_item


@pytest.fixture(name="make_case")
def _make_case_fixture():
    return make_case


@pytest.fixture(name="make_station")
def _make_station_fixture():
    return make_station


@pytest.fixture(name="make_intermediary")
def _make_intermediary_fixture():
    return make_intermediary


@pytest.fixture(name="make_blacklist_entry")
def _make_blacklist_entry_fixture():
    return make_blacklist_entry
