"""Remember which data passed ``aigraph serve``'s start checks, so that unchanged data is not checked again.

A start checks the Turtle syntax of every data file and, with ``validate_on_start``, that the
data conforms to the SHACL shapes: about ten seconds on the shipped data, minutes on millions of
triples. When the checks pass, a record is written next to the on-disk store
(``<store root>/.start-checks/<key>.json``, atomically) holding a fingerprint of exactly what was
checked: the content hash (SHA-256) of every data file, the vocabulary and the shapes, the
versions of aigraph, pySHACL, rdflib and pyoxigraph, and the hash of the validation code itself.
The next start computes the fingerprint again; when it matches, the checks are skipped.

Hashing is cheap next to the checks (about 0.9 GB/s here) but not free on a large graph (0.8 s
for 731 MiB of Turtle), so a file whose size, modification and change times (nanoseconds) and
inode are those recorded reuses its recorded hash; any difference hashes the content again,
and only the content decides. A file changed so recently that a second change could keep the
same times (within ``RACY_SECONDS``) is recorded without its times, so it is always hashed.

A record that cannot be read, is not JSON, has another format or does not match is ignored:
the checks run, and a new record replaces it. Data that does not pass is never recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

#: Version of the record's layout; a record of another one is ignored.
FORMAT = 1
#: Files modified this recently are always hashed at the next start (see the module docstring).
RACY_SECONDS = 2.0
#: Records kept per store root (one per set of files; old ones are removed).
KEEP = 16
#: Packages whose version is part of the fingerprint: they parse and validate the data.
PACKAGES = ("aigraph", "pyshacl", "rdflib", "pyoxigraph")


@dataclass(frozen=True)
class FileState:
    """One checked file: its content hash and the stat figures that let a start trust it."""

    path: str
    sha256: str
    stat: tuple[int, int, int, int] | None  # size, mtime_ns, ctime_ns, inode; None: always hash


@dataclass(frozen=True)
class Fingerprint:
    """What a start check covers: the files, their contents and the software that checks them."""

    files: tuple[FileState, ...]
    software: tuple[tuple[str, str], ...]

    @property
    def digest(self) -> str:
        """One hash of everything that decides the outcome of the checks (not the stat figures)."""
        digest = hashlib.sha256()
        for name, version in self.software:
            digest.update(f"{name}\0{version}\n".encode())
        for state in self.files:
            digest.update(f"{state.path}\0{state.sha256}\n".encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class Record:
    """A start check that passed: its fingerprint, whether SHACL ran, and when."""

    digest: str
    shacl: bool
    checked_at: str
    files: tuple[FileState, ...]

    def covers(self, fingerprint: Fingerprint, shacl: bool) -> bool:
        """True when this record vouches for ``fingerprint`` (and for SHACL, when asked)."""
        return self.digest == fingerprint.digest and (self.shacl or not shacl)


def record_path(root: Path, files: list[Path]) -> Path:
    """Where the record for this set of files lives under the store root ``root``."""
    key = hashlib.sha256("\n".join(str(f.resolve()) for f in files).encode()).hexdigest()[:16]
    return root / ".start-checks" / f"{key}.json"


def _stat(path: Path) -> tuple[int, int, int, int]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _hash(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _software() -> tuple[tuple[str, str], ...]:
    versions = []
    for package in PACKAGES:
        try:
            versions.append((package, metadata.version(package)))
        except metadata.PackageNotFoundError:
            versions.append((package, "unknown"))
    # A change to the validation code changes what "checked" means, even at the same version.
    code = Path(__file__).with_name("validate.py")
    versions.append(("aigraph.validate", _hash(code)))
    return tuple(versions)


def fingerprint(files: list[Path], previous: Record | None = None,
                racy_seconds: float = RACY_SECONDS) -> Fingerprint:
    """Fingerprint ``files``, reusing ``previous``'s hashes for files whose stat is unchanged.

    Files changed less than ``racy_seconds`` ago are recorded without their stat figures.
    Raises OSError when a file cannot be read.
    """
    known = {state.path: state for state in previous.files} if previous else {}
    now = time.time_ns()
    states = []
    for file in files:
        name = str(file.resolve())
        stat = _stat(file)
        before = known.get(name)
        if before is not None and before.stat == stat:
            sha = before.sha256
        else:
            sha = _hash(file)
            if _stat(file) != stat:  # written while being read: never trust these figures
                stat = None
        racy = stat is not None and now - max(stat[1], stat[2]) < racy_seconds * 1e9
        states.append(FileState(name, sha, None if racy else stat))
    return Fingerprint(tuple(states), _software())


def read(path: Path) -> Record | None:
    """The record at ``path``, or None when it is missing, unreadable or not a valid record."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        files = tuple(FileState(str(f["path"]), str(f["sha256"]),
                                tuple(int(n) for n in f["stat"]) if f["stat"] else None)
                      for f in data["files"])
        if any(s.stat is not None and len(s.stat) != 4 for s in files):
            return None
        return Record(str(data["digest"]), bool(data["shacl"]), str(data["checked_at"]), files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(path: Path, fingerprint: Fingerprint, shacl: bool) -> Record:
    """Record that the checks passed for ``fingerprint``: temp file, fsync, atomic rename."""
    record = Record(fingerprint.digest, shacl, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    fingerprint.files)
    data = {"format": FORMAT, "digest": record.digest, "shacl": shacl,
            "checked_at": record.checked_at, "software": dict(fingerprint.software),
            "files": [{"path": s.path, "sha256": s.sha256, "stat": s.stat} for s in record.files]}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".record-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _prune(path.parent)
    return record


def _prune(folder: Path) -> None:
    """Keep the ``KEEP`` newest records (one per set of files served from this store root)."""
    with contextlib.suppress(OSError):
        records = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in records[KEEP:]:
            old.unlink(missing_ok=True)
