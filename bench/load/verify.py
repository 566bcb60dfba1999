"""Check, after a load run with curators, that no write was lost or corrupted.

Reads the writes the curators were told succeeded (one JSON line each, from the locustfile)
and the data and history folders the server wrote, and checks that: every 2xx save has its
history record, which parses and names its edit; the history holds no other change; no two
saves of one entity succeeded from the same ETag (a lost update); each entity's saves form
one chain and the data holds the last one; every data file parses and ``aigraph validate``
finds the data conforming. Returns the problems found (none when all is well).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import Dataset, Graph, Literal, Namespace, URIRef

DCTERMS = Namespace("http://purl.org/dc/terms/")


def _writes(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _history(history_dir: Path, writes: list[dict], problems: list[str]) -> None:
    records = {p.stem: p for p in history_dir.rglob("*.trig")}
    for write in writes:
        record = records.get(write["change"] or "")
        if record is None:
            problems.append(f"save {write['marker']} of {write['slug']} answered 2xx but its "
                            f"change {write['change']} is not in the history")
            continue
        text = record.read_text(encoding="utf-8")
        Dataset().parse(data=text, format="trig")  # raises if the record is corrupted
        if f"[edit {write['marker']}]" not in text:
            problems.append(f"history record {write['change']} does not hold its edit")
    extra = set(records) - {w["change"] for w in writes}
    if extra:
        problems.append(f"{len(extra)} history records no client was told about: "
                        f"{sorted(extra)[:5]}")


def _chains(data: Graph, writes: list[dict], problems: list[str]) -> None:
    by_slug: dict[str, list[dict]] = defaultdict(list)
    for write in writes:
        by_slug[write["slug"]].append(write)
    for slug, saves in sorted(by_slug.items()):
        bases = [w["if_match"] for w in saves]
        if len(bases) != len(set(bases)):
            problems.append(f"{slug}: two saves succeeded from the same ETag (a lost update)")
        produced = {w["etag"] for w in saves}
        tails = [w for w in saves if w["etag"] not in set(bases)]
        heads = [w for w in saves if w["if_match"] not in produced]
        if len(tails) != 1 or len(heads) != 1:
            problems.append(f"{slug}: the saves do not form one chain "
                            f"({len(heads)} starts, {len(tails)} ends)")
            continue
        subject = URIRef(f"https://w3id.org/aigraph/id/{slug}")
        found = [str(o) for o in data.objects(subject, DCTERMS.description)
                 if isinstance(o, Literal) and o.language == "en"]
        if len(found) != 1 or not found[0].endswith(f"[edit {tails[0]['marker']}]"):
            problems.append(f"{slug}: the data does not hold the last save "
                            f"{tails[0]['marker']}: {found}")


def verify(data_dir: Path, history_dir: Path, writes_log: Path) -> tuple[list[str], dict]:
    """Return (problems, figures) for a finished load run."""
    problems: list[str] = []
    writes = _writes(writes_log)
    data = Graph()
    for path in sorted(data_dir.rglob("*.ttl")):
        data.parse(path, format="turtle")  # raises if a data file is corrupted
    _history(history_dir, writes, problems)
    _chains(data, writes, problems)
    env = {**os.environ, "AIGRAPH_DATA_DIR": str(data_dir)}
    check = subprocess.run([sys.executable, "-m", "aigraph", "validate"], env=env,
                           capture_output=True, text=True, timeout=600)
    if check.returncode != 0:
        problems.append("aigraph validate: " + (check.stdout + check.stderr)[-500:])
    figures = {"saves": len(writes), "entities": len({w["slug"] for w in writes}),
               "records": len(list(history_dir.rglob("*.trig")))}
    return problems, figures
