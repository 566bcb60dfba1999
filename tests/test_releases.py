"""Data releases and ``aigraph diff``: dumps, the release index, graph diffs and version sources."""

from __future__ import annotations

import gzip
import json
import subprocess

import pytest
import rdflib

from aigraph import datadiff, releases
from aigraph.cli import main
from aigraph.errors import BadRequest

PREFIXES = """@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix id: <https://w3id.org/aigraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
OLD = PREFIXES + """
id:kept a aig:Model ; rdfs:label "Kept"@en ; aig:license id:cc-by-nc .
id:gone a aig:Model ; rdfs:label "Gone"@en .
id:cc-by-nc a aig:License ; rdfs:label "CC BY-NC"@en .
id:mit a aig:License ; rdfs:label "MIT"@en .
"""
NEW = PREFIXES + """
id:kept a aig:Model ; rdfs:label "Kept"@en ; aig:license id:mit ;
    dcterms:source <https://example.org/kept> ;
    aig:licenseChange [ a aig:LicenseChange ; aig:changeDate "2023-05-01"^^xsd:date ;
        aig:previousLicense id:cc-by-nc ; aig:newLicense id:mit ] .
id:born a aig:Model ; rdfs:label "Born"@en .
id:cc-by-nc a aig:License ; rdfs:label "CC BY-NC"@en .
id:mit a aig:License ; rdfs:label "MIT"@en .
"""


def _graph(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


def test_diff_groups_added_removed_and_changed_facts_by_entity():
    result = datadiff.diff(_graph(OLD), _graph(NEW))
    by_entity = {e.entity: e for e in result.entities}
    assert set(by_entity) == {"id:kept", "id:gone", "id:born"}
    assert by_entity["id:born"].status == "new"
    assert by_entity["id:gone"].status == "gone"
    kept = by_entity["id:kept"]
    assert kept.status == "changed"
    assert kept.changed == [("aig:license", ["id:cc-by-nc"], ["id:mit"])]
    added = dict(kept.added)
    assert added["dcterms:source"] == ["<https://example.org/kept>"]
    # The blank node of the change is one added value of the link that holds it.
    [change] = added["aig:licenseChange"]
    assert 'aig:changeDate "2023-05-01"^^xsd:date' in change
    assert "aig:previousLicense id:cc-by-nc" in change
    assert result.counts() == {"new": 1, "gone": 1, "changed": 1}
    assert (result.added, result.removed) == (9, 3)


def test_identical_graphs_and_renamed_blank_nodes_make_no_difference():
    assert datadiff.diff(_graph(NEW), _graph(NEW)).entities == []


def test_diff_text_and_json():
    result = datadiff.diff(_graph(OLD), _graph(NEW))
    text = datadiff.format_text(result, "a", "b")
    assert text.startswith("a -> b: 1 new, 1 changed, 1 removed entities; 9 triples added, "
                           "3 removed")
    assert "\n+ id:born\n" in text and "\n- id:gone\n" in text
    assert "    ~ aig:license id:cc-by-nc -> id:mit" in text
    data = datadiff.to_json(result, "a", "b")
    assert data["entities"] == {"new": 1, "gone": 1, "changed": 1}
    kept = next(c for c in data["changes"] if c["entity"] == "id:kept")
    assert kept["changed"] == [{"property": "aig:license", "old": ["id:cc-by-nc"],
                                "new": ["id:mit"]}]


@pytest.fixture
def repo(tmp_path):
    """A git repository whose data/ folder has two commits, and a releases folder."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)

    def git(*args):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "test@example.org")
    git("config", "user.name", "Test")
    (root / "data" / "models.ttl").write_text(OLD, encoding="utf-8")
    git("add", "data")
    git("commit", "-qm", "old")
    git("tag", "v1")
    (root / "data" / "models.ttl").write_text(NEW, encoding="utf-8")
    git("commit", "-qam", "new")
    return root


def test_versions_from_git_files_folders_and_releases(repo, tmp_path):
    releases_dir = tmp_path / "releases"
    old = datadiff.load_version("v1", repo, releases_dir)
    assert len(old) == len(_graph(OLD))
    assert len(datadiff.load_version("HEAD", repo, releases_dir)) == len(_graph(NEW))
    folder = datadiff.load_version(str(repo / "data"), repo, releases_dir)
    assert len(folder) == len(_graph(NEW))
    single = datadiff.load_version(str(repo / "data" / "models.ttl"), repo, releases_dir)
    assert len(single) == len(_graph(NEW))
    release = releases.cut(releases_dir, "1.0.0", old, [repo / "data" / "models.ttl"],
                           "2026-11-27")
    from_release = datadiff.load_version("1.0.0", repo, releases_dir)
    assert rdflib.compare.isomorphic(from_release, old)
    from_dump = datadiff.load_version(str(releases_dir / release.dump), repo, releases_dir)
    assert rdflib.compare.isomorphic(from_dump, old)


@pytest.mark.parametrize("spec", ["no-such-revision", "--help", "v1:data"])
def test_unknown_versions_are_refused(repo, tmp_path, spec):
    with pytest.raises(BadRequest):
        datadiff.load_version(spec, repo, tmp_path / "releases")


def test_broken_file_is_refused(repo, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(BadRequest, match="cannot read"):
        datadiff.load_version(str(broken), repo, tmp_path)


def test_cut_writes_a_reproducible_dump_and_the_index(tmp_path):
    files = [tmp_path / "a.ttl"]
    files[0].write_text(OLD, encoding="utf-8")
    graph = _graph(OLD)
    release = releases.cut(tmp_path / "rel", "0.1.0", graph, files, "2026-11-27")
    dump = tmp_path / "rel" / release.dump
    assert release.size == dump.stat().st_size
    assert dump.read_bytes() == releases.dump_bytes(_graph(OLD))
    lines = gzip.decompress(dump.read_bytes()).decode().splitlines()
    assert lines == sorted(lines) and len(lines) == len(graph)
    assert releases.load(tmp_path / "rel") == [release]
    assert releases.version_text(tmp_path / "rel", release.data_version) == "0.1.0"
    assert releases.version_text(tmp_path / "rel", "abc") == "0.1.0+abc"
    assert releases.version_text(tmp_path / "empty", "abc") == "0.0.0+abc"


@pytest.mark.parametrize(("version", "date", "message"), [
    ("0.1.0", "2026-12-01", "already exists"),
    ("0.0.9", "2026-12-01", "not above the latest"),
    ("v0.2", "2026-12-01", "not a version"),
    ("0.2.0", "December", "not a date"),
])
def test_cut_refuses_bad_releases_and_changes_nothing(tmp_path, version, date, message):
    files = [tmp_path / "a.ttl"]
    files[0].write_text(OLD, encoding="utf-8")
    releases.cut(tmp_path / "rel", "0.1.0", _graph(OLD), files, "2026-11-27")
    index = (tmp_path / "rel" / releases.INDEX).read_text()
    with pytest.raises(BadRequest, match=message):
        releases.cut(tmp_path / "rel", version, _graph(NEW), files, date)
    assert (tmp_path / "rel" / releases.INDEX).read_text() == index
    assert sorted(p.name for p in (tmp_path / "rel").iterdir()) == [
        "aigraph-0.1.0.nt.gz", "releases.toml"]


def test_cli_diff_between_files(tmp_path, capsys):
    (tmp_path / "old.ttl").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.ttl").write_text(NEW, encoding="utf-8")
    assert main(["diff", str(tmp_path / "old.ttl"), str(tmp_path / "new.ttl"),
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entities"] == {"new": 1, "gone": 1, "changed": 1}
    assert main(["diff", str(tmp_path / "old.ttl"), "no-such-thing"]) == 2
    assert "neither a file, a folder, a release nor a git revision" in capsys.readouterr().err


def test_cli_release_then_diff_by_version(monkeypatch, settings, tmp_path, capsys):
    monkeypatch.setenv("AIGRAPH_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AIGRAPH_ONTOLOGY_DIR", settings.ontology_dir)
    monkeypatch.setenv("AIGRAPH_RELEASES_DIR", str(tmp_path / "rel"))
    assert main(["release", "0.1.0", "--date", "2026-11-27"]) == 0
    assert "released 0.1.0 (2026-11-27)" in capsys.readouterr().out
    assert main(["release", "0.1.0"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["diff", "0.1.0", settings.data_dir]) == 0
    assert "0 new, 0 changed, 0 removed entities" in capsys.readouterr().out
