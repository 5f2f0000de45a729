""" "Your own centre" in docs/getting-started.md works as written: its shell blocks and
files are run top to bottom, as a newcomer would follow them, from a folder laid out as
the repository root (its ``examples/``), with the installed ``govservice`` on the PATH."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "docs" / "getting-started.md"
BLOCK = re.compile(
    r"^```(?:\{code-block\} (?P<lang>\w+)\n:caption: (?P<file>\S+)\n\n|(?P<sh>sh)\n)"
    r"(?P<body>.*?)^```$",
    re.S | re.M,
)


def own_centre_script() -> str:
    """The section's blocks as one shell script: commands as they are, files written."""
    text = PAGE.read_text(encoding="utf-8").split("\n## Your own centre\n", 1)[1]
    text = text.split("\n## ", 1)[0]
    lines = ["set -eu"]
    for block in BLOCK.finditer(text):
        if block["file"]:
            lines += [f"cat > {block['file']} <<'GOVSERVICE_DOCS_EOF'", block["body"].rstrip("\n")]
            lines.append("GOVSERVICE_DOCS_EOF")
        else:
            lines.append(block["body"].rstrip("\n"))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = tmp_path_factory.mktemp("getting-started")
    (folder / "examples").symlink_to(ROOT / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVSERVICE_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", own_centre_script()],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return folder, done


def test_the_section_runs_as_written(walked):
    folder, done = walked
    assert done.returncode == 0, done.stdout + done.stderr
    assert (folder / "my-centre" / "centre.db").is_file()


def test_the_case_goes_from_application_to_completion_on_the_command_line(walked):
    _, done = walked
    out = done.stdout
    for line in (
        "centre.yaml: ok: 东营市政务服务中心 (370500)",
        "item: 9 imported",
        "station: 6 imported",
        "办件 370500-20150216-0101：申请 → 已申请",
        "办件 370500-20150216-0101：一次性告知补正 → 待补正",
        "办件 370500-20150216-0101：受理 → 已受理",
        "办件 370500-20150216-0101：办结 → 已办结",
        "状态 已办结",
        "trail intact:",
    ):
        assert line in out, line


def test_the_python_walk_prints_what_the_page_says(walked):
    _, done = walked
    assert re.search(r"^已受理 承诺办结 2015-03-\d\d$", done.stdout, re.M), done.stdout
    assert re.search(r"^已办结 7 events, version \d+$", done.stdout, re.M), done.stdout
