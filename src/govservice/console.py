"""The ``govservice`` command's entry point: the command line loaded, then run.

Loading the command line imports the whole library (the better part of a second); an
interrupt (Ctrl-C) meanwhile ends the command as one during its work does, with one line
and exit status 130, not a traceback. Importing this module imports nothing of the
library's (:mod:`govservice` loads :class:`~govservice.GovService` when it is first
asked for).
"""

from __future__ import annotations

import sys


def main() -> int:
    """Run ``govservice`` with the arguments of this process (see :func:`govservice.cli.main`)."""
    try:
        from govservice.cli import main as run
    except KeyboardInterrupt:
        print("govservice: interrupted", file=sys.stderr)
        return 130
    return run()
