"""Writing files so that a crash, a kill or a full disk never leaves a half-written output:
temporary names then renames, directory swaps, and an exclusive lock between two runs."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .diagnostics import KbError


def explain(exc: OSError, path: Path) -> KbError:
    if exc.errno == errno.ENOSPC:
        return KbError(f"cannot write {path}: the disk is full. Free some space and run the command again; "
                       "the previous output is unchanged.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return KbError(f"cannot write {path}: the folder is read-only or you may not write there. "
                       "Choose another output folder or fix its permissions; the previous output is unchanged.")
    return KbError(f"cannot write {path}: {exc.strerror or exc}")


def atomic_write(path: Path, data: str | bytes, durable: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` (`durable`: flushed to
    disk first, for a file that points at other data, such as the index's CURRENT)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise explain(exc, path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise explain(exc, path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_sibling_dir(target: Path, label: str) -> Path:
    """A fresh empty folder next to `target`, for building its replacement."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.{label}-"))
    except OSError as exc:
        raise explain(exc, target) from None


def recover_dir(target: Path) -> None:
    """If a run was killed between the two renames of `swap_dir`, put the old folder back."""
    if target.exists():
        return
    olds = sorted(target.parent.glob(f".{target.name}.old-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    if olds:
        os.rename(olds[0], target)


def swap_dir(new: Path, target: Path) -> None:
    """Put `new` in the place of `target`; the old folder is removed only once the new one is in place."""
    recover_dir(target)
    old = None
    try:
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
            os.rmdir(old)
            os.rename(target, old)
        os.rename(new, target)
    except OSError as exc:
        if old is not None and not target.exists():
            os.rename(old, target)
        raise explain(exc, target) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def clean_leftovers(target: Path) -> None:
    """Remove the folders killed runs left beside `target` (half-built new ones, old ones not yet
    deleted). Call it after `recover_dir`, which puts an old one back if `target` is missing."""
    for path in target.parent.glob(f".{target.name}.*-*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def exclusive_lock(lock_file: Path, what: str, wait: float = 30.0,
                   error: type[KbError] = KbError) -> Iterator[None]:
    """One run at a time: wait up to `wait` seconds for another run to finish, then raise `error`.
    The lock is the operating system's, so a killed run never leaves it held; the holder's process
    id is written into the file for the message."""
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise explain(exc, lock_file) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                    raise error(f"another {what} is running (process {holder}); waited {wait:g} s. "
                                "Run the command again when it has finished.") from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock
