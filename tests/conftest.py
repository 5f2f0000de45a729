"""Shared fixtures: valid documents, made from the factories of ``govservice.testing``."""

from __future__ import annotations

import pytest

from govservice.codec import to_document
from govservice.model import Identifier, Party
from govservice.testing import make_case, make_item


@pytest.fixture(scope="session")
def small_year(tmp_path_factory):
    """One small demo year (scale 0.002, seed 7), run once for the tests of the areas that
    read it (stations, the supermarket, the blacklists): they read, never write."""
    from govservice.demo.run import run_demo

    return run_demo(tmp_path_factory.mktemp("small-year") / "demo", scale=0.002, seed=7)


@pytest.fixture
def item_doc() -> dict:
    return to_document(make_item())


@pytest.fixture
def case_doc() -> dict:
    applicant = Party(
        kind="person",
        name="张伟",
        identifier=Identifier(kind="ric", number="37050219900307123X"),
    )
    return to_document(make_case(region="370523", applicant=applicant))


@pytest.fixture(autouse=True)
def no_installed_plugins(monkeypatch):
    """The core's tests see only the built-in plugins and those they load themselves,
    whatever county plugins are installed in the environment."""
    monkeypatch.setenv("GOVSERVICE_PLUGINS", "")
