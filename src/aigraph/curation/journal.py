"""Replace several files at once, all or nothing, and keep writers one at a time.

``commit`` writes every new file to a temporary file beside its target and flushes it to
disk, then writes a journal naming the pairs (the commit point, itself atomic), then renames
each temporary file over its target and removes the journal. ``recover`` finishes a commit
that a crash cut after its journal was written, and removes the temporary files of one cut
before it: after any crash the files hold either every old or every new text.
``WriteLock`` serialises writers: a thread lock within the process and ``flock`` on a lock
file across processes; the lock file's text, renewed by each commit, tells other
processes that the data changed.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

TEMP_MARK = ".curation-"
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_REGISTRY_LOCK = threading.Lock()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}", suffix=".tmp",
                                dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def commit(files: Mapping[Path, str], journal: Path) -> None:
    """Replace every file of ``files`` (path -> new text) at once, through ``journal``."""
    temps: list[tuple[Path, Path]] = []
    try:
        for target, text in files.items():
            temps.append((_write_temp(Path(target), text), Path(target)))
    except BaseException:
        for temp, _target in temps:
            temp.unlink(missing_ok=True)
        raise
    body = json.dumps({"replace": [[str(t), str(p)] for t, p in temps]})
    try:
        staged = _write_temp(journal, body)
    except BaseException:
        for temp, _target in temps:
            temp.unlink(missing_ok=True)
        raise
    os.replace(staged, journal)
    _fsync_dir(journal.parent)
    _finish(journal)


def _finish(journal: Path) -> None:
    pairs = json.loads(journal.read_text(encoding="utf-8"))["replace"]
    folders = set()
    for temp, target in pairs:
        if Path(temp).exists():
            os.replace(temp, target)
        folders.add(Path(target).parent)
    for folder in folders:
        _fsync_dir(folder)
    journal.unlink()
    _fsync_dir(journal.parent)


def recover(journal: Path, folders: list[Path]) -> bool:
    """Finish or undo a commit cut by a crash; return True when files changed."""
    changed = False
    if journal.exists():
        try:
            json.loads(journal.read_text(encoding="utf-8"))
        except ValueError:
            # Cannot happen after an atomic rename; a hand-made file is set aside, not trusted.
            journal.rename(journal.with_suffix(".broken"))
        else:
            _finish(journal)
            changed = True
    for folder in folders:
        if folder.is_dir():
            for temp in folder.rglob(f".*{TEMP_MARK}*.tmp"):
                temp.unlink(missing_ok=True)
    return changed


class WriteLock:
    """Hold the one-writer lock for the files guarded by ``path`` (use as a context manager)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with _REGISTRY_LOCK:
            self._thread_lock = _THREAD_LOCKS.setdefault(str(self.path.resolve()),
                                                         threading.Lock())
        self._fd: int | None = None

    def __enter__(self) -> WriteLock:
        self._thread_lock.acquire()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._thread_lock.release()
            raise
        return self

    def touch(self) -> None:
        """Mark that the guarded files changed: other processes compare the lock file's text."""
        token = os.urandom(8).hex().encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, token, 0)

    def __exit__(self, *exc) -> None:
        try:
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None
        finally:
            self._thread_lock.release()


def stamp(path: Path) -> str:
    """The lock file's text, which changes with every commit ("" when there is none)."""
    try:
        return Path(path).read_text(encoding="ascii")
    except (FileNotFoundError, UnicodeDecodeError):
        return ""
