"""A centre on each backend for the tests of training and the staff assessment (issue 13,
S3): ``memory``, ``sqlite`` (a fresh file) and ``postgresql`` (a fresh schema, when
``govservice-postgres`` is installed and a server is given: ``.ci/with-postgres``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest

from govservice.clock import SHANGHAI, FixedClock
from govservice.config import Config
from govservice.service import GovService

BACKENDS = ("memory", "sqlite", "postgresql")


def _postgres_settings(stack: Any) -> dict[str, str]:
    try:
        import govservice_postgres.testing as testing
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("govservice-postgres is not installed, and CI=true requires it")
        pytest.skip("govservice-postgres is not installed")
    dsn = testing.postgres_dsn_or_skip()
    schema = stack.enter_context(testing.fresh_schema(dsn))
    return {"conninfo": dsn, "schema": schema}


@contextlib.contextmanager
def centre_on(
    backend: str, tmp_path: Any, *, stations: dict | None = None, plugins: list | None = None
) -> Iterator[GovService]:
    """The Dongying city centre on ``backend``, its clock on 2016-01-08 09:00."""
    with contextlib.ExitStack() as stack:
        if backend == "memory":
            settings: dict[str, str] = {}
        elif backend == "sqlite":
            settings = {"path": str(tmp_path / "govservice.db")}
        else:
            settings = _postgres_settings(stack)
        config = Config(
            name="东营市政务服务中心",
            region="370500",
            storage_backend=backend,
            storage_settings=settings,
            stations=stations or {},
        )
        allow = "postgresql" if backend == "postgresql" else ""
        service = GovService(
            config,
            clock=FixedClock(dt.datetime(2016, 1, 8, 9, 0, tzinfo=SHANGHAI)),
            strict=True,
            environ={"GOVSERVICE_PLUGINS": allow},
            plugins=plugins or [],
        )
        try:
            yield service
        finally:
            service.store.close()


def add_stations(service: GovService, stations: list) -> None:
    """Store the stations as they are (the hierarchy's checks are S1's to test)."""
    for station in stations:
        service.store.add(station)
