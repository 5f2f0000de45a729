"""The ``govservice`` command's entry point (govservice.console): an interrupt while the
library is still loading ends the command with one line and exit status 130, as one
during its work does; importing the entry point loads nothing of the library."""

from __future__ import annotations

import subprocess
import sys
import textwrap

INTERRUPTED_WHILE_LOADING = textwrap.dedent(
    """
    import importlib.abc, sys

    class Interrupt(importlib.abc.MetaPathFinder):  # Ctrl-C while the library loads
        def find_spec(self, name, path, target=None):
            if name == "govservice.service":
                raise KeyboardInterrupt
            return None

    from govservice.console import main
    loaded = sorted(m for m in sys.modules if m.startswith("govservice."))
    print("loaded:", loaded, file=sys.stderr)
    sys.meta_path.insert(0, Interrupt())
    sys.argv = ["govservice", "--version"]
    raise SystemExit(main())
    """
)


def test_an_interrupt_while_the_library_loads_is_one_line_and_status_130():
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WHILE_LOADING],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 130, done.stderr
    lines = done.stderr.splitlines()
    assert lines == ["loaded: ['govservice.console']", "govservice: interrupted"], lines


def test_the_entry_point_runs_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "govservice", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.startswith("govservice ")
    import govservice

    assert govservice.GovService.__module__ == "govservice.service"
    assert govservice.hookimpl is __import__("govservice.hookspecs").hookspecs.hookimpl
