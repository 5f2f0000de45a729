"""The README runs as written: its shell and Python blocks, in order, in a fresh folder.

The README's first two shell blocks set up a virtual environment and run the main job and
the tests; they are checked for what they say (and the main job's output shown after the
first, against a real run) (this test cannot create a venv of its own and
run the whole suite inside the suite). Every other ``sh`` block runs under ``bash`` in a
temporary folder that holds a copy of ``examples/`` (the commands are written from the
repository root), with the ``govservice`` of this interpreter first on ``PATH``; every
``python`` block runs after the shell blocks before it, in the same folder. Each command
must exit 0, unless its line ends with ``# exit N`` (a refusal the README shows), so a
command that silently starts failing, or starts passing where the README says it is
refused, fails this test. A ``text`` block is output shown to the reader, not run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.M | re.S)
EXPECTED_EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")

FIRST = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install -q . "
    "./plugins/govservice-guangrao ./plugins/govservice-lijin && govservice demo"
)


def blocks() -> list[tuple[str, str]]:
    """The README's fenced blocks, as (language, text), in order."""
    return [(match[1], match[2]) for match in FENCE.finditer(README.read_text("utf-8"))]


def commands(script: str) -> list[tuple[int, str, int]]:
    """A shell block's commands: (line number in the block, command, expected exit).

    Lines ending in a backslash continue on the next; comment lines and blank lines are
    not commands; a trailing ``# exit N`` says the command is expected to exit with N.
    """
    found: list[tuple[int, str, int]] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(script.splitlines(), 1):
        if not pending:
            start = number
            if not line.strip() or line.lstrip().startswith("#"):
                continue
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        command = " ".join(part.strip() for part in pending)
        pending = []
        expected = EXPECTED_EXIT.search(command)
        found.append((start, command, int(expected[1]) if expected else 0))
    assert not pending, f"a shell block ends in a continued line: {pending}"
    return found


def checked_script(script: str, block: int) -> str:
    """The block as a bash script that stops at the first command not exiting as said."""
    lines = ["set -u"]
    for number, command, expected in commands(script):
        label = f"README block {block}, line {number}"
        lines.append(command)
        lines.append(
            f'rc=$?; if [ "$rc" -ne {expected} ]; then '
            f'echo "{label}: exit $rc, expected {expected}: " {_quoted(command)} >&2; '
            "exit 99; fi"
        )
    lines.append('env -0 > "$README_ENVIRONMENT"')  # what the block exported, for the next
    return "\n".join(lines) + "\n"


def tracked(folder: Path) -> list[str]:
    """The files of ``folder`` that git tracks (as a clean checkout has them), relative
    to the repository root; every file when this is not a git checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", str(folder.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):
        return [str(path.relative_to(ROOT)) for path in folder.rglob("*") if path.is_file()]
    return [name for name in listed.split("\0") if name]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def test_the_readme_starts_with_the_main_job_then_the_tests() -> None:
    shell = [text.strip() for language, text in blocks() if language == "sh"]
    assert shell[0] == FIRST
    assert shell[1].startswith("python3 -m venv .venv && ")
    assert shell[1].endswith("-m pytest -q -n auto --dist loadfile")  # a file a worker
    assert "./plugins/govservice-postgres" in shell[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        shell[1].replace(
            "&& .venv/bin/python -m pytest", "&& .ci/with-postgres .venv/bin/python -m pytest"
        )
        in ci
    )


def test_commands_are_split_as_a_shell_would() -> None:
    script = "# a comment\n\ngovservice a \\\n  --b c   # exit 2\ngovservice d\n"
    assert commands(script) == [(3, "govservice a --b c   # exit 2", 2), (5, "govservice d", 0)]


def test_every_other_block_runs_as_written(tmp_path: Path) -> None:
    for name in tracked(ROOT / "examples"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    environment = dict(os.environ)
    saved = tmp_path.parent / f"{tmp_path.name}-environment"
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    for variable in ("GOVSERVICE_ACTOR", "GOVSERVICE_ACTOR_ID", "GOVSERVICE_ROLE"):
        environment.pop(variable, None)
    ran = 0
    setup = [index for index, (language, _) in enumerate(blocks(), 1) if language == "sh"][:2]
    for index, (language, text) in enumerate(blocks(), 1):
        if index <= setup[-1]:
            continue
        if language == "sh":
            argv = ["bash", "-c", checked_script(text, index)]
            environment["README_ENVIRONMENT"] = str(saved)
        elif language == "python":
            argv = [sys.executable, "-c", text]
        else:
            continue
        result = subprocess.run(
            argv, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, (
            f"README block {index} ({language}) failed:\n{result.stdout[-3000:]}\n"
            f"{result.stderr[-3000:]}"
        )
        assert "Traceback" not in result.stderr, result.stderr
        if language == "sh":
            pairs = saved.read_bytes().decode("utf-8").split("\0")
            environment = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
        ran += 1
    assert ran >= 5


def test_the_main_job_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """The excerpt after the first command is what ``govservice demo`` prints (the
    figures and the trail head of seed 7); ``…`` stands for lines left out, in order."""
    shown = next(text for language, text in blocks() if language == "text")
    environment = dict(os.environ)
    environment["GOVSERVICE_PLUGINS"] = "guangrao,lijin"  # as the first command installs
    done = subprocess.run(
        [Path(sys.executable).parent / "govservice", "demo"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    printed = [line.rstrip() for line in done.stdout.splitlines()]
    position = 0
    for line in shown.splitlines():
        if line == "…":
            continue
        assert line.rstrip() in printed[position:], f"not printed (in this order): {line}"
        position = printed.index(line.rstrip(), position) + 1
    verified = subprocess.run(
        [
            Path(sys.executable).parent / "govservice",
            "--config",
            "dongying-demo/govservice.yaml",
            "audit",
            "verify",
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert verified.returncode == 0, verified.stderr
