"""Worker processes that end with the process that started them.

A worker of a :class:`~concurrent.futures.ProcessPoolExecutor` waits for its next task on
a pipe that its siblings hold open too: when the parent is killed outright (SIGKILL, the
OOM killer), nothing tells the workers, and they wait for ever. :func:`die_with_parent`,
given as the pool's ``initializer``, ends each worker when its parent ends:

- on Linux, the kernel kills the worker when its parent dies (``prctl`` with
  ``PR_SET_PDEATHSIG``, through :mod:`ctypes`);
- everywhere (and as a second guard on Linux), a watchdog thread of the worker looks every
  :data:`WATCH_INTERVAL` seconds whether its parent is still there, and ends the worker
  when it is not (the worker has been handed to another parent, or the parent's process
  id is gone).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal this process gets when its parent dies (``<sys/prctl.h>``)."""
WATCH_INTERVAL = 0.5
"""Seconds between two looks of the watchdog."""


def die_with_parent(parent: int, *, death_signal: bool = True) -> None:
    """End this process when ``parent`` (the process id of whoever started the pool) ends.

    Call it first thing in the worker (``ProcessPoolExecutor(initializer=...)``).

    :param death_signal: ask the kernel too (Linux); only the watchdog without it.
    """
    if death_signal:
        set_parent_death_signal()
    started_under = os.getppid()  # the parent itself, or a fork server of its own
    if started_under != parent and not alive(parent):
        os._exit(1)  # the parent died before we got here
    threading.Thread(
        target=_watch, args=(parent, started_under), name="govservice-watch-parent", daemon=True
    ).start()


def set_parent_death_signal(signum: int = signal.SIGKILL) -> bool:
    """Have the kernel send ``signum`` to this process when its parent dies (Linux only);
    returns whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no C library to be had, or no prctl in it
        return False


def _watch(parent: int, started_under: int) -> None:
    while os.getppid() == started_under and alive(parent):
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


def alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (on POSIX; elsewhere, always true: the watchdog
    goes by the parent's id alone there)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, under another user
        return True
    return True
