"""Files a command writes (a QR code, an export): may this path be written, and writing it.

An output file never replaces an existing file unless ``--force`` is given, and never,
even then, the centre's own files: the configuration, the SQLite database with its
``-wal``, ``-shm`` and ``-journal`` companions, and every other file the configuration
names (TLS certificates and keys, calendar schedules, a checkpoint file); nor anything
that is not a regular file (a folder, a device, a FIFO, a socket) or a symbolic link
whose target is missing, which ``--force`` would replace with a file. A path is the
same file as a protected one when both resolve to the same place (symbolic links
followed) or, for files that exist, when they are one file (a hard link).

Every output path of a command is checked with :func:`check_output` before the command
does anything; :func:`write_output` then writes it. Without ``--force`` the file is
created exclusively (so a file that appeared since the check is not replaced either);
with it, written beside and renamed into place, so no half-written file is ever left.

A file that tells of what a transaction stores (a selection's record, an exchange file
recorded as sent) is written in the transaction, so a file that cannot be written stores
nothing, and put in place only once the transaction is committed, so a transaction that
fails leaves no file: :func:`staged_output`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from govservice.config import FILE_SETTINGS, Config
from govservice.errors import FileAccessError, GovServiceError, OutputRefusedError
from govservice.lifetime import alive

COMPANIONS = ("-wal", "-shm", "-journal")
"""What SQLite keeps beside a database file ``NAME``: ``NAME-wal``, ``NAME-shm`` and the
rollback journal ``NAME-journal``."""


def protected_paths(config: Config) -> list[tuple[Path, str]]:
    """The files of the centre an output may never replace, each with what it is."""
    found: list[tuple[Path, str]] = []
    if config.path is not None:
        found.append((Path(config.path), "the configuration"))
    for key in FILE_SETTINGS:
        value = config.storage_settings.get(key)
        if not isinstance(value, str) or value in ("", "system", ":memory:"):
            continue
        if key == "path":
            found.append((Path(value), "the database"))
            found.extend(
                (Path(value + end), f"the database's {end[1:]} file") for end in COMPANIONS
            )
        else:
            found.append((Path(value), f"a file of storage.settings.{key}"))
    for name, path in _paths_in(config):
        found.append((path, f"a file the configuration names ({name})"))
    return found


def _paths_in(config: Config) -> Iterator[tuple[str, Path]]:
    """Every path held by a field of the configuration (calendar schedules, and those
    later settings add)."""
    for field in attrs.fields(type(config)):
        if field.name == "path":
            continue
        value = getattr(config, field.name)
        for item in value if isinstance(value, tuple | list | frozenset) else (value,):
            if isinstance(item, Path):
                yield field.name, item


def check_output(
    path: str | os.PathLike,
    config: Config,
    *,
    force: bool,
    option: str,
    hint: str = "give --force to replace it",
    makes: Path | None = None,
) -> Path:
    """May ``path`` (given with ``option``) be written? Returns it as a :class:`Path`.

    :param hint: what to do about a file that exists (for an option without ``--force``,
        say so).
    :param makes: the file of the centre this command is there to make (``audit keygen``:
        the configured signing key): written where it does not exist yet, never replaced.

    :raises OutputRefusedError: it is (or would replace) one of :func:`protected_paths`,
        even with ``force``; it exists and is not a regular file (a folder, a device, a
        FIFO, a socket) or is a symbolic link whose target is missing, even with
        ``force``; it exists and ``force`` is false.
    """
    target = Path(path)
    for protected, what in protected_paths(config):
        if makes is not None and same_file(protected, makes) and not os.path.lexists(target):
            continue  # made for the first time: nothing is replaced
        if same_file(target, protected):
            raise OutputRefusedError(
                f"{option} names {what} ({protected}): it is never replaced, "
                "not even with --force",
                where=str(target),
            )
    try:
        kind = _not_a_regular_file(target)
    except OSError as error:  # a folder on the path without search permission
        raise FileAccessError(
            f"cannot write the file: {error.strerror or error}", where=str(target)
        ) from None
    if kind is not None:
        raise OutputRefusedError(
            f"{option} names {kind}, not a regular file: it is never replaced, "
            "not even with --force",
            where=str(target),
        )
    if os.path.lexists(target) and not force:
        raise OutputRefusedError(f"{option}: the file exists; {hint}", where=str(target))
    return target


def _not_a_regular_file(path: Path) -> str | None:
    """What is at ``path`` if it is there and is not a regular file (nor a symbolic link
    to one), in words; None when nothing is there or a regular file is. Looks without
    opening: a FIFO is never opened (that would wait for a writer), a device never
    touched.

    :raises OSError: the system refuses to look (a folder without search permission).
    """
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(link.st_mode):
        try:
            mode = os.stat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return "a symbolic link whose target is missing"
        except OSError as error:
            if error.errno == errno.ELOOP:
                return "a symbolic link that loops"
            raise
    else:
        mode = link.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def check_outputs(
    outputs: Iterable[tuple[str, str | os.PathLike | None]], config: Config, *, force: bool
) -> list[Path | None]:
    """:func:`check_output` for each ``(option, path)`` given (None: not asked for), and
    no two of them the same file."""
    checked: list[Path | None] = []
    for option, path in outputs:
        if path is None:
            checked.append(None)
            continue
        target = check_output(path, config, force=force, option=option)
        if any(other is not None and same_file(target, other) for other in checked):
            raise OutputRefusedError(
                f"{option} names a file another option writes too", where=str(target)
            )
        checked.append(target)
    return checked


def same_file(one: Path, other: Path) -> bool:
    """Whether ``one`` and ``other`` are the same file, or would be once created."""
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):  # one of them does not exist (or cannot be looked at)
        return False


def write_output(path: Path, content: str | bytes, *, force: bool) -> None:
    """Write ``content`` (text as UTF-8) to ``path``, checked with :func:`check_output`.

    :raises OutputRefusedError: the file appeared since the check (without ``force``), or
        something that is not a regular file did (with it).
    :raises FileAccessError: the system refuses (permission denied, a missing folder, a
        full disk); nothing is left behind.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if force and (kind := _not_a_regular_file(path)) is not None:  # appeared since
            raise OutputRefusedError(
                f"the path names {kind}, not a regular file: it is never replaced",
                where=str(path),
            )
        if force:
            _replace(path, data)
        else:
            _create(path, data)
    except FileExistsError:
        raise OutputRefusedError(
            "the file exists; give --force to replace it", where=str(path)
        ) from None
    except OSError as error:
        raise FileAccessError(
            f"cannot write the file: {error.strerror or error}", where=str(path)
        ) from None


@contextlib.contextmanager
def staged_output(
    path: Path | None, *, force: bool, store: Any
) -> Iterator[Callable[[bytes], None] | None]:
    """``stage(data)`` for the block (None when ``path`` is None), called in a transaction
    of ``store``: writes ``data`` beside ``path`` (checked with :func:`check_output`). The
    file is put in place when the block ends, or when it raises after the transaction was
    committed (an interrupt after the commit: what was stored keeps its file), and removed
    when the transaction rolled back.

    :raises OutputRefusedError: the file appeared since the check (without ``force``).
    :raises FileAccessError: the system refuses; nothing is left behind.
    """
    if path is None:
        yield None
        return
    partial = _partial_of(path)
    rollbacks: list[int] = []  # the store's count of rollbacks when the file was staged

    def stage(data: bytes) -> None:
        try:
            _clear_stale(path)
            _create(partial, data)
        except OSError as error:
            raise FileAccessError(
                f"cannot write the file: {error.strerror or error}", where=str(path)
            ) from None
        rollbacks.append(store.rollbacks)

    try:
        yield stage
    except BaseException:
        if rollbacks and store.rollbacks == rollbacks[-1]:  # committed before it raised
            with contextlib.suppress(GovServiceError):  # the error raised says what matters
                _place(partial, path, force=force)
        else:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
        raise
    if rollbacks:
        _place(partial, path, force=force)


def _partial_of(path: Path) -> Path:
    """Where this process writes ``path`` before it is put in place: beside it, under a
    name of its own length (an output's name may be as long as the file system allows)."""
    return path.with_name(f"{_partial_prefix(path)}{os.getpid()}.partial")


def _partial_prefix(path: Path) -> str:
    return f".govservice-{hashlib.sha256(os.fsencode(path.name)).hexdigest()[:16]}-"


def _clear_stale(path: Path) -> None:
    """Remove what runs that were killed (``kill -9``, a power cut) left beside ``path``:
    the partial file of a process that is gone, or of this one (a hidden copy of an
    export, of a selection's record, is not left lying about)."""
    prefix = _partial_prefix(path)
    for stale in path.parent.glob(f"{prefix}*.partial"):
        pid = stale.name[len(prefix) : -len(".partial")]
        if pid.isdigit() and (int(pid) == os.getpid() or not alive(int(pid))):
            stale.unlink(missing_ok=True)


def _place(partial: Path, path: Path, *, force: bool) -> None:
    """Put the file written at ``partial`` at ``path``: replacing what is there with
    ``force``, else only where nothing is (a hard link made, which fails on a file that
    appeared meanwhile; a copy made exclusively where the file system has no links).
    What was stored is committed by now: a file that cannot be put in place is left at
    ``partial``, and the error says so."""
    kept = f"; what was stored is committed, and its file is kept at {partial}"
    try:
        if force:
            if (kind := _not_a_regular_file(path)) is not None:  # appeared since the check
                raise OutputRefusedError(
                    f"the path names {kind}, not a regular file: it is never replaced{kept}",
                    where=str(path),
                )
            os.replace(partial, path)
            return
        try:
            os.link(partial, path)
        except FileExistsError:
            raise
        except OSError:  # no hard links here (a FAT or SMB share): copied exclusively
            _create(path, partial.read_bytes())
    except FileExistsError:
        raise OutputRefusedError(
            f"the file appeared meanwhile; give --force to replace it{kept}", where=str(path)
        ) from None
    except OSError as error:
        raise FileAccessError(
            f"cannot write the file: {error.strerror or error}{kept}", where=str(path)
        ) from None
    with contextlib.suppress(OSError):  # placed: what is left beside is only a copy
        partial.unlink()


def _create(path: Path, data: bytes) -> None:
    """Create ``path`` only if no file (nor a symbolic link) is there."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _replace(path: Path, data: bytes) -> None:
    """Write beside ``path`` and rename into place (atomic on one file system)."""
    partial = _partial_of(path)
    _clear_stale(path)
    _create(partial, data)
    try:
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
