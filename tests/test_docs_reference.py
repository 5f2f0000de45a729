"""The docs build with warnings as errors, and the generated references cover the code:
every hook, every schema and its properties, every command and option of the real parser,
every row of the state table, the classes hooks take and return, the public API."""

from __future__ import annotations

import argparse
import html
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from govservice import hookspecs
from govservice.cli import build_parser
from govservice.rules import FeeAdjustment, Finding
from govservice.workflow.transitions import OTHER_ACTIONS, TRANSITIONS

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("govservice_"))

for _module in ("sphinx", "myst_parser", "furo"):  # pip install '.[docs]'; CI builds them too
    pytest.importorskip(_module, reason="the docs extra is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The HTML site, built as CI builds it: ``-W``, every warning an error."""
    out = tmp_path_factory.mktemp("docs-html")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-W", "--keep-going", "-b", "html", DOCS, out],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def page(built: Path, name: str) -> str:
    return html.unescape((built / f"{name}.html").read_text(encoding="utf-8"))


SMART = str.maketrans(
    {"\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u2013": "--"}
)
"""Sphinx's smart quotes, dashes and ellipses, back to what the code writes."""


def text_of(built: Path, name: str) -> str:
    """The page's text: tags removed, white space collapsed, smart punctuation undone."""
    text = re.sub(r"<[^>]+>", "", page(built, name))
    return re.sub(r"\s+", " ", text).translate(SMART)


def test_every_page_is_in_the_toctree(built):
    index = page(built, "index")
    for source in DOCS.glob("*.md"):
        if source.stem != "index":
            assert f'href="{source.stem}.html"' in index, source.name


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_rendered_from_its_spec(built, hook):
    hooks = page(built, "hooks")
    assert f'id="govservice.hookspecs.{hook}"' in hooks
    function = getattr(hookspecs, hook)
    summary = inspect.getdoc(function).split("\n", 1)[0]
    kind = "firstresult" if function.govservice_spec.get("firstresult") else "collect-all"
    text = text_of(built, "hooks")
    section = text.split(f"govservice.hookspecs.{hook}(", 1)[1][:600]
    assert kind in section
    assert summary in text


def test_hooks_md_renders_each_hook_from_the_code():
    source = (DOCS / "hooks.md").read_text(encoding="utf-8")
    rendered = re.findall(r"^\.\. autofunction:: govservice\.hookspecs\.(\w+)$", source, re.M)
    in_code_order = sorted(
        HOOKS, key=lambda hook: inspect.getsourcelines(getattr(hookspecs, hook))[1]
    )
    assert rendered == in_code_order


@pytest.mark.parametrize("cls", [Finding, FeeAdjustment])
def test_the_classes_hooks_return_show_every_field(built, cls):
    text = text_of(built, "hook-classes")
    entry = text.split(f"class govservice.rules.{cls.__name__}(", 1)[1][:1500]
    for field in attrs.fields(cls):
        assert field.name in entry, field.name


def test_the_hook_classes_include_what_plugin_authors_need(built):
    text = text_of(built, "hook-classes")
    for name in ("Severity", "Action", "Material", "Item", "Case", "CaseEvent", "StaffPost"):
        assert re.search(rf"class govservice\.[\w.]+\.{name}\(", text), name
    assert "Local fields a county requires of a case" in text  # Case.attributes' own doc


@pytest.mark.parametrize("schema", sorted(p.name for p in (ROOT / "schemas").glob("*.json")))
def test_every_schema_is_rendered_with_its_properties(built, schema):
    document = json.loads((ROOT / "schemas" / schema).read_text(encoding="utf-8"))
    text = text_of(built, "schemas")
    assert f"({schema})" in text
    section = text.split(f"({schema})", 1)[1]
    assert document["title"] in text
    for name in document.get("properties", {}):
        assert name in section, name
    for name in document.get("$defs", {}):
        assert name in section, name


def commands(parser: argparse.ArgumentParser, prefix: str = "govservice"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix} {name}", sub
                yield from commands(sub, f"{prefix} {name}")


def test_every_command_and_option_of_the_parser_is_rendered(built):
    cli = page(built, "cli")
    text = text_of(built, "cli")
    found = list(commands(build_parser()))
    assert len(found) > 30
    for title, parser in found:
        assert 'id="cli-' + title.replace(" ", "-") + '"' in cli, title
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in text, (title, option)


def test_the_lifecycle_table_is_the_code(built):
    text = text_of(built, "concepts")
    for row in TRANSITIONS:
        assert f"{row.action.value} {row.label}" in text
        if row.condition:
            assert row.condition in text
    for action, (_, label) in OTHER_ACTIONS.items():
        assert f"{action} {label}" in text


def test_the_api_reference_names_the_public_api(built):
    text = text_of(built, "api")
    for name in (
        "govservice.GovService(",
        "enforce_rules(",
        "govservice.workflow.Workflow(",
        "accept(",
        "govservice.store.base.Stored(",
        "govservice.store.base.Store(",
        "govservice.errors.GovServiceError(",
        "govservice.samples.make_case(",
        "govservice.samples.config_with(",
        "govservice.testing.as_applicant(",
    ):
        assert name in text, name
