"""A store left at an older schema, then opened again by this govservice, for the tests
of a migration's data step: :func:`stop_at_schema` makes the stores opened next migrate no
further than schema ``number``; :func:`reopened` opens the same database at the latest."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from govservice.clock import FixedClock
from govservice.service import GovService


def stop_at_schema(monkeypatch: pytest.MonkeyPatch, backend: str, number: int) -> None:
    """The stores of ``backend`` (sqlite or postgresql) opened from now on apply the
    migrations up to ``number`` only (until ``monkeypatch`` is undone)."""
    from govservice.store.migrations import migrations

    if backend == "sqlite":
        import govservice.store.sqlite as module
    else:
        import govservice_postgres.store as module
    monkeypatch.setattr(
        module, "migrations", lambda dialect, **kw: migrations(dialect, **kw)[:number]
    )


def reopened(
    service: GovService, monkeypatch: pytest.MonkeyPatch, clock: Any = None
) -> GovService:
    """``service``'s database opened again with every migration (``monkeypatch`` undone),
    on ``clock`` (by default, a clock fixed at ``service``'s now). The caller closes its
    store."""
    settings = dict(service.config.storage_settings)
    monkeypatch.undo()
    backend = service.config.storage_backend
    return GovService(
        attrs.evolve(service.config, storage_settings=settings),
        clock=clock or FixedClock(service.clock.now()),
        strict=True,
        environ={"GOVSERVICE_PLUGINS": "postgresql" if backend == "postgresql" else ""},
    )
