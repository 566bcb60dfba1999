"""Property-based tests with Hypothesis over ``aigraph import`` (Turtle and CSV files).

Mutated Turtle with other subjects and blank-node tricks, random CSV (odd columns, links,
datatypes, formula-like cells, NUL), RDF/XML with external entity declarations and other
formats under any file name, any encoding. The command runs in-process through
``aigraph.cli.main`` as a user runs it. After each example: an exit code of 0, 1 or 2 and
no traceback, no outbound request (``tests.netaudit``), and the data and history folders
either unchanged or holding a conforming change that the history records exactly. The
number of cases tried is recorded as the ``hypothesis-cases`` user property.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal

from aigraph import cli
from aigraph.settings import PROJECT_ROOT, Settings
from tests.conftest import FIXTURES
from tests.curation import writecheck
from tests.curation.conftest import NEW_MODEL
from tests.netaudit import OUTBOUND

counts: dict = {}
PREFIXES = """@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix id: <https://w3id.org/aigraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
IMPORT_TTL = PREFIXES + "id:fuzz-import a aig:Model" + NEW_MODEL.split("<> a aig:Model", 1)[1]
TTL_PIECES = [
    '<http://example.org/other> rdfs:label "other"@en .', '_:orphan rdfs:label "x"@en .',
    'id:fuzz-import aig:basedOn [ a aig:Model ] .', "@base <http://example.org/> .",
    '<relative> rdfs:label "r"@en .', 'id:meta rdfs:label "Meta"@en .',
    'id:gpt-neo rdfs:label "GPT-Neo again"@en .', "id:fuzz-import a aig:License .",
    'id:fuzz-import aig:releaseDate "soon"^^xsd:date .', "[] rdfs:seeAlso id:meta .",
    '<file:///etc/passwd> rdfs:label "f"@en .', "{", "}", ".", ";", '"', "<", ">", "\n",
    "\x00", "\ud800", "é",
]
XML = [
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "http://example.org/x">]>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>\n',
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
    ']>\n<r>&b;&b;&b;</r>\n',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xml:base="http://example.org/"><rdf:Description rdf:about="https://w3id.org/aigraph/id/'
    'meta"/></rdf:RDF>',
    '{"@context": "http://example.org/ctx", "@id": "https://w3id.org/aigraph/id/meta"}',
]
COLUMNS = ["id", "type", "rdfs:label@en", "rdfs:label@it", "aig:releaseDate",
           "aig:developedBy", "dcterms:source", "aig:openWeights", "dcterms:description@en",
           "aig:license", "bogus", "x:y", "rdfs:label@xx", "", "id"]
CELLS = ["fuzz-import", "gpt-neo", "meta", "Model", "Organization", "License", "Milestone",
         "Thing", "id:meta", "id:mit", "id:nope", "https://example.org/s", "2021-06-01",
         "not-a-date", "true", "maybe", "a | b", '"quoted, with comma"', "=HYPERLINK(\"x\")",
         "é", "", "\x00", "http://127.0.0.1:9/x", "id:", "../meta"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A copy of the fixture data and the environment ``aigraph import`` reads its settings
    from, for the module."""
    root = tmp_path_factory.mktemp("hostile-import")
    shutil.copytree(FIXTURES / "data", root / "data")
    values = {"data_dir": str(root / "data"), "ontology_dir": str(PROJECT_ROOT / "ontology"),
              "history_dir": str(root / "history"), "store": "", "update_url": ""}
    config = Settings.load(values, environ={})
    env = {f"AIGRAPH_{key.upper()}": value for key, value in values.items()}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        yield config, root, {"snapshot": writecheck.take(config)}


@st.composite
def mutated(draw, text: str) -> str:
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(TTL_PIECES)) + text[at + draw(st.integers(0, 6)):]
    return text


@st.composite
def csv_text(draw) -> str:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=0, max_size=6))
    if draw(st.integers(0, 3)):
        header = ["id", "type", *header]
    rows = draw(st.lists(st.lists(st.sampled_from(CELLS), min_size=len(header),
                                  max_size=len(header) + 1), max_size=3))
    quote = lambda cell: f'"{cell}"' if "," in cell and not cell.startswith('"') else cell  # noqa: E731
    return "\n".join(",".join(map(quote, row)) for row in [header, *rows]) + "\n"


@st.composite
def import_file(draw) -> tuple[str, str]:
    kind = draw(st.sampled_from(["turtle", "turtle", "relabel", "csv", "csv", "xml", "text"]))
    if kind == "relabel":  # well-formed, so the validator and the writer are reached
        label = Literal(draw(st.text(min_size=1, max_size=30)), lang="en").n3()
        slug = draw(st.sampled_from(["fuzz-import", "fuzz-other", "gpt-neo"]))
        return IMPORT_TTL.replace('"GPT-Neo X"@en', label).replace("id:fuzz-import",
                                                                   f"id:{slug}"), ".ttl"
    if kind == "turtle":
        text = draw(mutated(IMPORT_TTL))
    elif kind == "csv":
        text = draw(csv_text())
    elif kind == "xml":
        text = draw(st.sampled_from(XML))
    else:
        text = draw(st.text(max_size=200))
    suffix = draw(st.sampled_from([".ttl", ".ttl", ".csv", ".csv", ".rdf", ".xml", ".jsonld",
                                   ".TTL", ""]))
    return text, suffix


FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(case=import_file(), encoding=st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16",
                                                     "latin-1"]),
       dry_run=st.sampled_from([False, False, False, True]))
def test_import_never_crashes_reaches_out_or_bypasses_validation(world, case, encoding, dry_run):
    config, root, state = world
    text, suffix = case
    counts["import"] = counts.get("import", 0) + 1
    path = root / f"input{suffix}"
    path.write_bytes(text.encode(encoding, "surrogatepass" if encoding == "utf-8" else "replace"))
    out, err = io.StringIO(), io.StringIO()
    argv = ["import", str(path), "--user", "fuzz", *(["--dry-run"] if dry_run else [])]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    what = f"{suffix} {encoding} dry={dry_run} -> {code}: {err.getvalue()[-300:]!r}"
    assert code in (0, 1, 2), what
    assert "Traceback" not in err.getvalue(), what
    if code != 0:
        assert err.getvalue().strip(), f"a refusal without a message: {what}"
    assert OUTBOUND == [], what
    counts.setdefault("codes", {})
    counts["codes"][code] = counts["codes"].get(code, 0) + 1
    before = state["snapshot"]
    state["snapshot"] = writecheck.check(config, before, code == 0 and not dry_run, what)
    counts["written"] = counts.get("written", 0) + (state["snapshot"] is not before)
    os.unlink(path)


def test_a_valid_import_is_written_and_recorded(world):
    """The suite's invariant checker sees real writes: a clean file goes through."""
    config, root, state = world
    path = root / "clean.ttl"
    path.write_text(PREFIXES + 'id:fuzz-clean a aig:Model' + NEW_MODEL.split("<> a aig:Model", 1)[1]
                    .replace("GPT-Neo X", "GPT-Neo Clean"), encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["import", str(path), "--user", "fuzz"]) == 0
    after = writecheck.check(config, state["snapshot"], True, "clean import")
    assert after is not state["snapshot"]
    state["snapshot"] = after
    assert "GPT-Neo Clean" in Path(config.data_dir, "models.ttl").read_text(encoding="utf-8")


def test_report_how_many_import_cases_were_tried(record_property):
    record_property("hypothesis-cases", counts.get("import", 0))
    print(f"\nHypothesis import cases tried: {counts.get('import', 0)}, exit codes "
          f"{counts.get('codes')}, writes {counts.get('written', 0)}")
    if counts:
        assert counts["import"] >= 100 and counts.get("written", 0) >= 1
