"""Checks on the shipped data that SHACL does not express: coverage, duplicates, plausibility."""

import datetime
import re
import unicodedata
from collections import defaultdict

import pytest

from aigraph import queries
from aigraph.namespaces import slug_of

TODAY = datetime.date.today()
EARLIEST = datetime.date(1900, 1, 1)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9+]+", "", text)


@pytest.fixture(scope="module")
def labels(full_store):
    return queries.select(full_store, "quality/entity_labels").rows


def test_coverage(full_store):
    counts = {str(r["name"]): int(r["count"])
              for r in queries.select(full_store, "core/class_counts").rows}
    assert counts.get("Milestone", 0) >= 300
    assert counts.get("Model", 0) >= 250
    assert counts.get("Organization", 0) >= 120
    assert counts.get("License", 0) >= 30
    assert counts.get("Reading path", 0) >= 8


def test_no_duplicate_labels_within_a_class(labels):
    seen = defaultdict(list)
    for row in labels:
        if "en" in row:
            seen[(str(row["class"]), _norm(str(row["en"])))].append(slug_of(row["entity"]))
    duplicates = {k[1]: v for k, v in seen.items() if len(v) > 1}
    assert duplicates == {}


def test_no_two_entities_share_a_wikidata_item(full_store):
    rows = full_store.select("""SELECT ?q (GROUP_CONCAT(STR(?e); separator=" ") AS ?es)
        WHERE { ?e <http://www.w3.org/2002/07/owl#sameAs> ?q } GROUP BY ?q HAVING (COUNT(?e) > 1)""")
    assert [(str(r["q"]), str(r["es"])) for r in rows] == []


def test_both_languages_present_and_different(full_store, labels):
    missing = [slug_of(r["entity"]) for r in labels if "en" not in r or "it" not in r]
    assert missing == []
    rows = queries.select(full_store, "quality/descriptions").rows
    missing = [slug_of(r["entity"]) for r in rows if "en" not in r or "it" not in r]
    assert missing == []
    same = [slug_of(r["entity"]) for r in rows if str(r["en"]).strip() == str(r["it"]).strip()]
    assert same == []


def test_dates_are_plausible(full_store):
    wrong = []
    for row in queries.select(full_store, "quality/dates").rows:
        value = row["date"].toPython()
        if not isinstance(value, datetime.date) or not EARLIEST <= value <= TODAY:
            wrong.append((slug_of(row["entity"]), str(row["property"]), str(row["date"])))
    assert wrong == []


def test_every_organization_and_license_is_used(full_store):
    unused = [slug_of(r["entity"]) for r in queries.select(full_store, "quality/unused").rows]
    assert unused == []


def test_every_milestone_and_model_is_sourced_and_reviewed(full_store):
    rows = queries.select(full_store, "quality/unsourced").rows
    assert [(slug_of(r["entity"]), str(r["missing"])) for r in rows] == []


def test_shipped_data_files_are_in_canonical_form():
    from aigraph.datafile import canonical_files
    from aigraph.settings import PROJECT_ROOT
    from aigraph.validate import load_graph

    data_dir = PROJECT_ROOT / "data"
    graph = load_graph(sorted(data_dir.glob("*.ttl")))
    present = {p.name: p.read_text(encoding="utf-8") for p in data_dir.glob("*.ttl")}
    assert present == canonical_files(graph), "run `aigraph format` and commit the result"


def test_every_reading_path_resolves_with_notes_and_no_warnings(full_store):
    from aigraph.paths.checks import check_paths
    from aigraph.paths.service import list_paths

    assert len(list_paths(full_store)) >= 8
    problems = [(p.path, p.code, p.message()) for p in check_paths(full_store)]
    assert problems == []


HF_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")
WIKIDATA_ITEM = re.compile(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*")


def test_identifiers_are_well_formed(full_store):
    rows = full_store.select("""SELECT ?e ?repo ?open WHERE {
        ?e <https://w3id.org/aigraph/ontology#huggingFaceRepo> ?repo .
        OPTIONAL { ?e <https://w3id.org/aigraph/ontology#openWeights> ?open } }""")
    assert len(rows) >= 200
    bad = [(slug_of(r["e"]), str(r["repo"])) for r in rows
           if not HF_REPO.fullmatch(str(r["repo"])) or "open" not in r or not r["open"].toPython()]
    assert bad == []
    owners = defaultdict(list)
    for row in rows:
        owners[str(row["repo"]).lower()].append(slug_of(row["e"]))
    assert {repo: es for repo, es in owners.items() if len(es) > 1} == {}
    same = full_store.select("SELECT ?e ?q WHERE { ?e <http://www.w3.org/2002/07/owl#sameAs> ?q }")
    assert [(slug_of(r["e"]), str(r["q"])) for r in same if not WIKIDATA_ITEM.fullmatch(str(r["q"]))] == []
