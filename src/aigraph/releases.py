"""Releases of the data: numbered, dated versions with a dump each, so a query can be cited.

``releases/releases.toml`` (the ``releases_dir`` setting) lists every release, newest last:
version, date, the dump's file name and size, and the data version (``files_version`` of the
ontology and data files) it was cut from. ``cut`` writes a new dump (sorted N-Triples,
gzipped reproducibly) and appends its entry; ``load`` reads the list. The dataset page and
VoID show the releases; ``aigraph diff`` compares any two of them (``aigraph.datadiff``).
"""

from __future__ import annotations

import datetime
import gzip
import io
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import rdflib

from aigraph.datafile import atomic_write
from aigraph.errors import BadRequest
from aigraph.store import files_version

INDEX = "releases.toml"
HEADER = ("# Releases of the aigraph data, oldest first. Add one with `aigraph release VERSION`;\n"
          "# `aigraph diff OLD NEW` lists the facts that changed between two of them.\n")
VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


@dataclass(frozen=True)
class Release:
    """One published version of the data."""

    version: str
    date: str
    dump: str
    size: int
    data_version: str

    @property
    def key(self) -> tuple[int, ...]:
        return tuple(int(x) for x in self.version.split("."))


def load(folder: str | os.PathLike) -> list[Release]:
    """Return the releases recorded in ``folder``, oldest first (none when there is no index)."""
    path = Path(folder) / INDEX
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise BadRequest(f"{path}: {error}") from None
    found = [Release(str(r["version"]), str(r["date"]), str(r["dump"]), int(r["size"]),
                     str(r.get("data_version", ""))) for r in data.get("release", [])]
    return sorted(found, key=lambda r: r.key)


def find(folder: str | os.PathLike, version: str) -> Release | None:
    """Return the release ``version``, if there is one."""
    return next((r for r in load(folder) if r.version == version), None)


def latest(folder: str | os.PathLike) -> Release | None:
    """Return the newest release, if any."""
    found = load(folder)
    return found[-1] if found else None


def version_text(folder: str | os.PathLike, data_version: str) -> str:
    """Name the version of the data now served: the release it equals, or what follows one.

    ``0.2.0`` when the files are those of release 0.2.0; ``0.2.0+abc123`` once they changed
    after it; ``0.0.0+abc123`` before the first release.
    """
    newest = latest(folder)
    if newest is not None and newest.data_version == data_version:
        return newest.version
    return f"{newest.version if newest else '0.0.0'}+{data_version}"


def dump_bytes(graph: rdflib.Graph) -> bytes:
    """Serialise ``graph`` as sorted N-Triples, gzipped with no timestamp (reproducible)."""
    lines = sorted(set(graph.serialize(format="nt").splitlines()))
    text = "\n".join(line for line in lines if line.strip()) + "\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def read_dump(path: str | os.PathLike) -> rdflib.Graph:
    """Parse a release dump back into a graph."""
    graph = rdflib.Graph()
    graph.parse(data=gzip.decompress(Path(path).read_bytes()).decode("utf-8"), format="nt")
    return graph


def cut(folder: str | os.PathLike, version: str, graph: rdflib.Graph, files: Sequence[Path],
        date: str | None = None) -> Release:
    """Record release ``version`` of ``graph`` (parsed from ``files``) with its dump.

    Refuses a malformed or already used version, or one not above the latest; writes the dump
    first and the index last, each atomically, so a failure leaves the old index in force.
    """
    folder = Path(folder)
    if not VERSION_RE.fullmatch(version):
        raise BadRequest(f"not a version: {version!r} (use MAJOR.MINOR.PATCH, such as 0.2.0)")
    day = date or datetime.date.today().isoformat()
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        raise BadRequest(f"not a date: {day!r} (use YYYY-MM-DD)") from None
    existing = load(folder)
    if any(r.version == version for r in existing):
        raise BadRequest(f"release {version} already exists")
    release = Release(version, day, f"aigraph-{version}.nt.gz", 0, files_version(files))
    if existing and release.key <= existing[-1].key:
        raise BadRequest(f"release {version} is not above the latest, {existing[-1].version}")
    body = dump_bytes(graph)
    dump = folder / release.dump
    folder.mkdir(parents=True, exist_ok=True)
    _atomic_bytes(dump, body)
    release = Release(version, day, release.dump, len(body), release.data_version)
    atomic_write(folder / INDEX, _render([*existing, release]))
    return release


def _atomic_bytes(path: Path, body: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _render(found: list[Release]) -> str:
    blocks = [HEADER]
    for r in found:
        blocks.append(f'[[release]]\nversion = "{r.version}"\ndate = "{r.date}"\n'
                      f'dump = "{r.dump}"\nsize = {r.size}\ndata_version = "{r.data_version}"\n')
    return "\n".join(blocks)


def describe(graph: rdflib.Graph, dataset: rdflib.URIRef, found: list[Release],
             dump_url: dict[str, str]) -> None:
    """Add each release to a VoID/DCAT description: a dated version with its dump.

    ``dump_url`` maps a dump's file name to the URL it is served at.
    """
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

    version_p = URIRef("http://www.w3.org/ns/dcat#version")
    for release in found:
        node = URIRef(f"{dataset}/{release.version}")
        url = URIRef(dump_url[release.dump])
        graph.add((dataset, DCTERMS.hasVersion, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, DCTERMS.isVersionOf, dataset))
        graph.add((node, version_p, Literal(release.version)))
        graph.add((node, DCTERMS.issued, Literal(release.date, datatype=XSD.date)))
        graph.add((node, VOID.dataDump, url))
        graph.add((node, DCAT.distribution, url))
        graph.add((url, RDF.type, DCAT.Distribution))
        graph.add((url, DCAT.downloadURL, url))
        graph.add((url, DCAT.mediaType,
                   URIRef("https://www.iana.org/assignments/media-types/application/n-triples")))
        graph.add((url, DCAT.compressFormat,
                   URIRef("https://www.iana.org/assignments/media-types/application/gzip")))
        graph.add((url, DCAT.byteSize, Literal(release.size, datatype=XSD.nonNegativeInteger)))
        graph.add((url, DCTERMS.issued, Literal(release.date, datatype=XSD.date)))
