"""Reading paths on the fixture store: the seed path, generated paths, outputs and checks."""

import json

import pyoxigraph as ox
import pytest

from aigraph.errors import BadRequest, NotFound
from aigraph.namespaces import entity_iri, sparql_prologue
from aigraph.paths import checks, render, service, source
from aigraph.paths.graph import NoPath
from aigraph.store import EmbeddedStore

SEED = ["gpt-neo-release", "bloom-release", "llama-release", "mistral-7b-release",
        "mixtral-8x7b-release", "gemma-release", "deepseek-r1-release"]
LANDMARKS = {"mixtral-8x7b-release", "deepseek-r1-release"}

PREFIXES = """\
@prefix aig:     <https://w3id.org/aigraph/ontology#> .
@prefix id:      <https://w3id.org/aigraph/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

# A milestone the seed path's rule selects, added without touching the path definition.
LLAMA_2 = PREFIXES + """
id:llama-2 a aig:Model ;
    rdfs:label "Llama 2"@en , "Llama 2"@it ;
    dcterms:description "Meta's second family."@en , "La seconda famiglia di Meta."@it ;
    aig:developedBy id:meta ; aig:releaseDate "2023-07-18"^^xsd:date ;
    aig:openWeights true ; aig:basedOn id:llama .

id:llama-2-release a aig:Milestone ;
    rdfs:label "Llama 2 is released"@en , "Esce Llama 2"@it ;
    dcterms:description "Meta releases Llama 2."@en , "Meta pubblica Llama 2."@it ;
    aig:date "2023-07-18"^^xsd:date ;
    aig:category id:open-source-models ;
    aig:importance aig:High ;
    aig:involves id:llama-2 , id:meta .
"""


def slugs(path):
    return [s.slug for s in path.steps]


def store_with(data_dir, settings, name, text):
    (data_dir / name).write_text(text, encoding="utf-8")
    return EmbeddedStore.from_dirs(settings.ontology_dir, data_dir)


# --- the seed path -------------------------------------------------------------------------

def test_seed_path_comes_out_of_its_rule_in_order(store):
    path = service.reading_path(store, "open-source-developer")
    assert slugs(path) == SEED
    assert [s.position for s in path.steps] == list(range(1, 8))
    assert path.kind == "defined"
    assert path.iri == str(entity_iri("open-source-developer"))


def test_seed_path_importance_category_and_notes(store):
    path = service.reading_path(store, "open-source-developer")
    for step in path.steps:
        expected = "landmark" if step.slug in LANDMARKS else "high"
        assert step.importance.id == expected
        assert "open-source-models" in [c.id for c in step.categories]
        assert step.note and step.description and step.date
        assert step.kind == "milestone"
    assert path.steps[4].importance.label == "Landmark"
    assert path.title and path.tagline and path.audience and path.introduction


def test_seed_path_in_italian(store):
    en = service.reading_path(store, "open-source-developer", "en")
    it = service.reading_path(store, "open-source-developer", "it")
    assert slugs(it) == SEED
    assert it.lang == "it" and it.title != en.title
    assert it.steps[0].title == "Esce GPT-Neo"
    assert it.steps[4].importance.label == "Storica"
    assert "Modelli open source" in [c.label for c in it.steps[0].categories]
    for a, b in zip(en.steps, it.steps, strict=True):
        assert a.note and b.note and a.note != b.note


def test_unknown_language_is_refused(store):
    with pytest.raises(BadRequest):
        service.reading_path(store, "open-source-developer", "fr")


def test_unknown_path_suggests_close_names(store):
    with pytest.raises(NotFound, match="did you mean open-source-developer"):
        service.reading_path(store, "open-source-develope")
    with pytest.raises(NotFound, match="--lineage llama"):
        service.reading_path(store, "llama")
    with pytest.raises(NotFound):
        service.reading_path(store, "Not A Slug")


def test_list_paths(store):
    listed = service.list_paths(store, "it")
    assert [p.slug for p in listed] == ["open-source-developer"]
    assert listed[0].title.startswith("Pesi aperti")


# --- generated paths -----------------------------------------------------------------------

def test_lineage_of_deepseek_r1(store):
    path = service.lineage_path(store, "deepseek-r1")
    assert slugs(path) == ["llama-release", "mistral-7b-release", "mixtral-8x7b-release",
                           "deepseek-v3-release", "deepseek-r1-release", "deepseek-r1"]
    assert path.title == "What led to DeepSeek-R1"
    assert path.slug == "lineage/deepseek-r1"
    assert [s.via for s in path.steps] == ["aig:buildsOn"] * 4 + ["aig:involves", None]
    assert [s.linked_to for s in path.steps[:-1]] == slugs(path)[1:]
    assert path.steps[0].reason == "“Mistral 7B is released” builds on “Meta releases LLaMA”"
    assert path.steps[-1].reason == "The entity you asked about."
    assert path.steps[-1].kind == "model" and path.steps[-1].importance is None


def test_lineage_in_italian_and_limited(store):
    path = service.lineage_path(store, "deepseek-r1", "it", limit=2)
    assert slugs(path) == ["deepseek-r1-release", "deepseek-r1"]
    assert path.title == "Che cosa ha portato a DeepSeek-R1"
    assert path.truncated and "2 tappe su 6" in path.message
    assert path.steps[0].reason == "“Esce DeepSeek-R1” riguarda DeepSeek-R1"


def test_next_of_llama(store):
    path = service.next_path(store, "llama")
    assert slugs(path) == ["llama-release", "mistral-7b-release", "mixtral-8x7b-release",
                           "deepseek-v3-release", "deepseek-r1-release"]
    assert path.steps[0].reason == "The starting point."
    assert all(s.reason for s in path.steps)


def test_between(store):
    path = service.between_path(store, "llama", "deepseek-r1")
    assert slugs(path) == ["llama", "llama-release", "mistral-7b-release",
                           "mixtral-8x7b-release", "deepseek-v3-release",
                           "deepseek-r1-release", "deepseek-r1"]
    assert path.title == "From LLaMA to DeepSeek-R1"
    assert path.steps[1].reason == "“Meta releases LLaMA” is about LLaMA"
    assert path.message is None


def test_between_with_no_path_says_so_in_each_language(store):
    with pytest.raises(NoPath, match="No path links GPT-Neo and Gemma"):
        service.between_path(store, "gpt-neo", "gemma")
    with pytest.raises(NotFound, match="Nessun percorso collega GPT-Neo e Gemma"):
        service.between_path(store, "gpt-neo", "gemma", "it")


def test_between_through_organizations_says_so(store):
    # Mistral 7B and Mixtral are linked by milestones; Mistral AI is not needed.
    assert "mistral-ai" not in slugs(service.between_path(store, "mistral-7b", "mixtral-8x7b"))
    # An organization asked about is an end, not a detour: no message.
    path = service.between_path(store, "deepseek", "mixtral-8x7b")
    assert slugs(path)[:2] == ["deepseek", "deepseek-v3-release"]
    assert path.message is None
    assert path.steps[0].date is None


def test_between_through_organizations_says_so_when_it_must(data_dir, settings):
    # Gemma's release also involves Meta: only that organization joins Gemma to LLaMA.
    extra = PREFIXES + "id:gemma-release aig:involves id:meta .\n"
    store = store_with(data_dir, settings, "extra.ttl", extra)
    path = service.between_path(store, "llama", "gemma")
    assert slugs(path) == ["llama", "meta", "gemma-release", "gemma"]
    assert "organizations" in path.message
    assert path.steps[1].reason == "LLaMA was developed by Meta"
    assert "organizzazioni" in service.between_path(store, "llama", "gemma", "it").message


def test_unknown_entity_suggests_close_slugs(store):
    with pytest.raises(NotFound, match="did you mean deepseek-r1"):
        service.lineage_path(store, "deepseek-r2")
    with pytest.raises(NotFound):
        service.between_path(store, "gpt-neo", "BAD SLUG")


# --- outputs -------------------------------------------------------------------------------

def test_json_follows_the_contract(store):
    data = render.to_json(service.reading_path(store, "open-source-developer"))
    data = json.loads(json.dumps(data))
    assert {"slug", "title", "steps"} <= set(data)
    assert data["slug"] == "open-source-developer"
    assert [s["position"] for s in data["steps"]] == list(range(1, 8))
    assert [s["id"] for s in data["steps"]] == SEED
    first = data["steps"][0]
    assert {"position", "id", "title", "date"} <= set(first)
    assert first["date"] == "2021-03-21"
    assert first["importance"] == {"id": "high", "label": "High"}
    assert {"id": "open-source-models", "label": "Open Source Models"} in first["categories"]
    assert first["note"]


def test_generated_json_has_reasons(store):
    data = render.to_json(service.lineage_path(store, "deepseek-r1"))
    assert data["kind"] == "lineage"
    assert data["steps"][0]["via"] == "aig:buildsOn"
    assert data["steps"][0]["linked_to"] == "mistral-7b-release"


def _sparql(graph, query):
    box = ox.Store()
    box.load(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    return list(box.query(sparql_prologue() + query))


def test_rdf_item_list_is_queryable(store):
    path = service.reading_path(store, "open-source-developer")
    rows = _sparql(render.to_rdf(path), """
        SELECT ?position ?item ?about WHERE {
          ?list a schema:ItemList ; schema:about ?about ; schema:itemListElement ?entry .
          ?entry a schema:ListItem ; schema:position ?position ; schema:item ?item .
        } ORDER BY ?position""")
    assert [r["item"].value.rsplit("/", 1)[1] for r in rows] == SEED
    assert [int(r["position"].value) for r in rows] == list(range(1, 8))
    assert rows[0]["about"].value == str(entity_iri("open-source-developer"))


def test_rdf_of_a_generated_path_carries_reason_and_via(store):
    path = service.lineage_path(store, "deepseek-r1", "it")
    rows = _sparql(render.to_rdf(path), """
        SELECT ?position ?via ?reason WHERE {
          ?list schema:itemListElement ?entry .
          ?entry schema:position ?position ; aig:via ?via ; aig:reason ?reason .
        } ORDER BY ?position""")
    assert rows[0]["via"].value.endswith("#buildsOn")
    assert rows[0]["reason"].language == "it"
    assert len(rows) == 5  # the last step, the entity asked about, has no edge
    turtle = render.format_ttl(path)
    assert "schema:ItemList" in turtle


def test_text_output(store):
    text = render.format_text(service.reading_path(store, "open-source-developer"))
    positions = [text.index(f"\n {i}. ") for i in range(1, 8)]
    assert positions == sorted(positions)
    assert "Why it matters to you:" in text
    assert "Landmark · Language Models, Open Source Models" in text
    text = render.format_text(service.reading_path(store, "open-source-developer", "it"))
    assert "Perché ti riguarda:" in text and "Storica" in text


# --- cache ---------------------------------------------------------------------------------

def test_graph_is_built_once_per_store_and_version(store, settings):
    first = source.path_graph(store)
    assert source.path_graph(store) is first
    other = EmbeddedStore.from_dirs(settings.ontology_dir, settings.data_dir)
    assert other.version == store.version
    assert source.path_graph(other) is not first


class _Changing(EmbeddedStore):
    """An embedded store whose version can be bumped, as a curated save would."""

    bump = 0

    @property
    def version(self):
        return f"{super().version}-{self.bump}"


def test_graph_is_rebuilt_when_the_version_changes(settings):
    files = EmbeddedStore.from_dirs(settings.ontology_dir, settings.data_dir).files
    store = _Changing.from_files(files)
    first = source.path_graph(store)
    assert source.path_graph(store) is first
    store.bump = 1
    assert source.path_graph(store) is not first


# --- new data finds its place --------------------------------------------------------------

def test_new_matching_milestone_takes_its_place_in_every_path(data_dir, settings):
    store = store_with(data_dir, settings, "extra.ttl", LLAMA_2)
    seed = service.reading_path(store, "open-source-developer")
    assert slugs(seed) == SEED[:3] + ["llama-2-release"] + SEED[3:]
    assert seed.steps[3].note is None and seed.steps[3].depends_on == ("llama-release",)
    assert slugs(service.next_path(store, "llama"))[:2] == ["llama-release", "llama-2-release"]
    lineage = service.lineage_path(store, "llama-2")
    assert slugs(lineage) == ["llama-release", "llama-2-release", "llama-2"]
    assert lineage.steps[0].reason == "Llama 2 is based on LLaMA"
    assert slugs(service.between_path(store, "llama-2-release", "mistral-7b-release")) == \
        ["llama-2-release", "llama-2", "llama", "llama-release", "mistral-7b-release"]
    # The checks notice the step has no note yet.
    problems = checks.check_paths(store)
    assert [(p.code, p.focus) for p in problems] == [("note-missing", ("llama-2-release",))]
    assert "English and Italian" in problems[0].message("en")
    assert "inglese e italiano" in problems[0].message("it")


def test_a_lower_importance_milestone_stays_out(data_dir, settings):
    store = store_with(data_dir, settings, "extra.ttl",
                       LLAMA_2.replace("aig:importance aig:High", "aig:importance aig:Medium"))
    assert slugs(service.reading_path(store, "open-source-developer")) == SEED


# --- the rule language ---------------------------------------------------------------------

RULES = PREFIXES + """
id:mistral-path a aig:ReadingPath ;
    rdfs:label "Mistral"@en , "Mistral"@it ;
    aig:memberInvolves id:mistral-ai ;
    aig:ordering aig:ChronologicalOrder .

id:window-path a aig:ReadingPath ;
    rdfs:label "2023"@en , "2023"@it ;
    aig:fromDate "2023-01-01"^^xsd:date ;
    aig:toDate "2023-12-31"^^xsd:date ;
    aig:excludes id:mistral-7b-release ;
    aig:includes id:deepseek-r1-release .

id:landmark-path a aig:ReadingPath ;
    rdfs:label "Landmarks"@en , "Pietre miliari"@it ;
    aig:minImportance aig:Landmark .

id:empty-path a aig:ReadingPath ;
    rdfs:label "Nothing"@en , "Niente"@it ;
    aig:fromDate "2100-01-01"^^xsd:date .

id:no-rule-path a aig:ReadingPath ;
    rdfs:label "No rule"@en , "Nessuna regola"@it .
"""


@pytest.fixture
def rule_store(data_dir, settings):
    return store_with(data_dir, settings, "rules.ttl", RULES)


@pytest.mark.parametrize("slug, expected", [
    ("mistral-path", ["mistral-7b-release", "mixtral-8x7b-release"]),
    ("window-path", ["llama-release", "mixtral-8x7b-release", "deepseek-r1-release"]),
    ("landmark-path", ["mixtral-8x7b-release", "deepseek-r1-release"]),
    ("empty-path", []),
    ("no-rule-path", []),
])
def test_membership_conditions(rule_store, slug, expected):
    assert slugs(service.reading_path(rule_store, slug)) == expected


def test_checks_report_problems(rule_store):
    problems = checks.check_paths(rule_store, ["empty-path", "window-path"])
    codes = {(p.path, p.code) for p in problems}
    assert ("empty-path", "empty") in codes
    assert ("window-path", "note-missing") in codes
    assert all(p.severity in ("error", "warning") for p in problems)


def test_checks_pass_on_the_fixture(store):
    assert checks.check_paths(store) == []


def test_checks_find_dates_going_backwards(data_dir, settings):
    backwards = LLAMA_2.replace('aig:date "2023-07-18"', 'aig:date "2022-01-01"').replace(
        "aig:involves id:llama-2 , id:meta .",
        "aig:involves id:llama-2 , id:meta ; aig:buildsOn id:mistral-7b-release .")
    store = store_with(data_dir, settings, "extra.ttl", backwards)
    order = slugs(service.reading_path(store, "open-source-developer"))
    assert order.index("llama-2-release") > order.index("mistral-7b-release")
    codes = [p.code for p in checks.check_paths(store)]
    assert "date-backwards" in codes


def test_checks_find_unused_notes(data_dir, settings):
    extra = PREFIXES + """
id:open-source-developer aig:stepNote [ a aig:PathNote ; aig:milestone id:deepseek-v3-release ;
    aig:note "Not selected."@en , "Non selezionata."@it ] .
"""
    store = store_with(data_dir, settings, "extra.ttl", extra)
    problems = checks.check_paths(store)
    assert [(p.code, p.severity) for p in problems] == [("note-unused", "warning")]


def test_depth_keeps_what_is_near(store):
    path = service.lineage_path(store, "deepseek-r1", depth=1)
    assert slugs(path) == ["deepseek-v3-release", "deepseek-r1-release", "deepseek-r1"]
    with pytest.raises(BadRequest):
        service.lineage_path(store, "deepseek-r1", depth=-1)
    with pytest.raises(BadRequest):
        service.next_path(store, "llama", limit=0)


@pytest.mark.parametrize("name, params", [
    ("paths/members", {"path": entity_iri("open-source-developer")}),
    ("paths/definition", {"path": entity_iri("open-source-developer")}),
    ("paths/step_notes", {"path": entity_iri("open-source-developer")}),
    ("paths/step_facts", {"entity": entity_iri("mixtral-8x7b-release")}),
])
def test_queries_bind_the_same_way_for_a_remote_store(store, name, params):
    # A remote store gets its parameters as a VALUES block instead of substitutions.
    from aigraph import queries
    from aigraph.store import bind_values

    text = queries.get(name).sparql
    substituted = store.select(text, params)
    inlined = store.select(bind_values(text, params))

    def rows(result):
        return sorted(tuple(sorted((k, v.n3()) for k, v in r.items())) for r in result.rows)

    assert len(substituted) and rows(substituted) == rows(inlined)


def test_checks_warn_about_cycles_and_included_non_milestones(data_dir, settings):
    extra = PREFIXES + """
id:open-source-developer aig:includes id:meta .
id:gemma-release aig:buildsOn id:mixtral-8x7b-release .
id:mixtral-8x7b-release aig:buildsOn id:gemma-release .
"""
    store = store_with(data_dir, settings, "extra.ttl", extra)
    order = slugs(service.reading_path(store, "open-source-developer"))
    # The cycle does not stop the path: its two steps are ordered by date.
    assert order.index("mixtral-8x7b-release") < order.index("gemma-release")
    found = {(p.code, p.severity): p for p in checks.check_paths(store)}
    assert found[("cycle", "warning")].focus == ("gemma-release", "mixtral-8x7b-release")
    assert found[("unknown-member", "warning")].focus == ("meta",)
