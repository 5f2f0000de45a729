"""The plugin tutorial (docs/tutorial-plugin.md) works as written: its files are extracted
into an empty folder, the configuration naming the plugin is checked and loads it, and the
plugin's own tests run with pytest in a subprocess, as a county's author would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).parents[1] / "docs" / "tutorial-plugin.md"
FILE_BLOCK = re.compile(r"^```\{code-block\} \w+\n:caption: (\S+)\n\n(.*?)^```$", re.S | re.M)
FILES = ("kenli_rules.py", "govservice.yaml", "test_kenli_rules.py")


def tutorial_files() -> dict[str, str]:
    return dict(FILE_BLOCK.findall(TUTORIAL.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The tutorial's files, alone in a new folder."""
    folder = tmp_path_factory.mktemp("tutorial")
    for name, text in tutorial_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command run in ``folder`` with it on the Python path (``PYTHONPATH=.``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSERVICE_")}
    env["PYTHONPATH"] = "."
    return subprocess.run(
        [sys.executable, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_tutorial_gives_the_plugin_its_configuration_and_its_tests():
    assert sorted(tutorial_files()) == sorted(FILES)


def test_the_configuration_loads_the_plugin_it_names(folder):
    checked = run(folder, "-m", "govservice", "config", "check", "govservice.yaml")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("govservice.yaml: ok: 垦利区政务服务中心 (370505)")
    assert "kenli_rules" in checked.stdout
    listed = run(folder, "-m", "govservice", "--config", "govservice.yaml", "plugins")
    assert listed.returncode == 0, listed.stderr
    block = listed.stdout.split("kenli_rules  (config: kenli_rules; 370505)\n", 1)[1]
    hooks = [line.strip() for line in block.splitlines() if line.startswith("    ")]
    assert hooks[:3] == [
        "govservice_case_rules",
        "govservice_extra_materials",
        "govservice_fee_adjustments",
    ]
    assert not (folder / "kenli.db").exists()  # checking touches no database


def test_a_misspelt_setting_is_named_by_file_line_and_key(folder):
    text = (folder / "govservice.yaml").read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "small_enterprises:" in row)
    (folder / "misspelt.yaml").write_text(
        text.replace("small_enterprises:", "small_enterprise:"), encoding="utf-8"
    )
    checked = run(folder, "-m", "govservice", "config", "check", "misspelt.yaml")
    assert checked.returncode == 2
    assert checked.stderr.startswith(
        f"govservice: error[GS500] misspelt.yaml:{line}: "
        "plugins.0.settings.small_enterprise: unknown key 'small_enterprise'; "
        "allowed here: land_departments, small_enterprises"
    )
    quoted = f"govservice.yaml:{line}: plugins.0.settings.small_enterprise: unknown key"
    assert quoted in TUTORIAL.read_text(encoding="utf-8")  # the page says what it prints


def test_the_plugins_tests_pass_with_pytest(folder):
    tested = run(folder, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_kenli_rules.py")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"^6 passed", tested.stdout, re.M), tested.stdout
