"""A pytest plugin for county plugin authors (``pytest11`` entry point ``govservice``).

Fixtures:

- ``govservice_clock``: a :class:`~govservice.clock.FixedClock` at 2015-03-02 09:00
  Asia/Shanghai (a Monday); move it with ``advance(days=1)``.
- ``govservice_config``: the configuration used; override this fixture to load your
  plugin with its regions and settings (see :func:`config_with`).
- ``govservice_app``: a :class:`~govservice.GovService` on in-memory storage, strict, so
  a failing plugin fails the test loudly. Its store holds the centre of each sample region
  (:func:`~govservice.samples.register_staff`), staffed by
  :data:`~govservice.samples.SAMPLE_STAFF`, so that ``Actor("李娜", "window_clerk")``
  and the others may act on cases naming no station (the centre's registry of staff).
- ``make_item``, ``make_case``, ``make_station``, ``make_intermediary``,
  ``make_blacklist_entry``: factories of valid records; pass keyword arguments to change
  any field.

The factories, ``person``, ``enterprise``, ``config_with``, ``make_centre`` and
``register_staff`` come from :mod:`govservice.samples` and are importable from here too;
:func:`as_applicant` is the applicant of a case as the integrator authenticated them.
A test that gives actions a time (``at=``) makes the store a simulation first:
``make_simulation(govservice_app.store)`` (:mod:`govservice.store.simulation`).
"""

from __future__ import annotations

import pytest

from govservice.clock import FixedClock
from govservice.config import Config
from govservice.model import Case
from govservice.samples import (
    SAMPLE_STAFF,
    START,
    config_with,
    credit_code,
    enterprise,
    identity_number,
    make_blacklist_entry,
    make_case,
    make_centre,
    make_intermediary,
    make_item,
    make_station,
    person,
    register_staff,
    staff_number,
)
from govservice.service import GovService
from govservice.store.simulation import make_simulation
from govservice.workflow import Actor

__all__ = [
    "SAMPLE_STAFF",
    "START",
    "as_applicant",
    "config_with",
    "credit_code",
    "enterprise",
    "identity_number",
    "make_blacklist_entry",
    "make_case",
    "make_centre",
    "make_intermediary",
    "make_item",
    "make_simulation",
    "make_station",
    "person",
    "register_staff",
    "staff_number",
]


def as_applicant(case: Case, name: str | None = None) -> Actor:
    """The applicant of ``case`` acting, under the identifier the integrator authenticated
    (``Actor.id``); ``name`` is who acts for them (their own name by default)."""
    applicant = case.applicant
    return Actor(name or applicant.name, "applicant", id=applicant.identifier.number)


@pytest.fixture
def govservice_clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def govservice_config() -> Config:
    return config_with()


@pytest.fixture
def govservice_app(govservice_config: Config, govservice_clock: FixedClock) -> GovService:
    app = GovService(govservice_config, clock=govservice_clock, strict=True)
    register_staff(app.store)
    return app


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
