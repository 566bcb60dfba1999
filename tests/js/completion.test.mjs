// Completion in the SPARQL editor: what is offered for the text before the cursor.
import {test} from "node:test";
import assert from "node:assert/strict";
import {missingPrefixes, rank, suggest, usedPrefixes, variablesIn, MAX_ENTITIES} from
  "../../web/static/js/editor/completion.js";

const NOTES = {keyword: "keyword", variable: "variable", prefix: "prefix"};
const VOCAB = {
  prefixes: {aig: "https://w3id.org/aigraph/ontology#", rdfs: "http://www.w3.org/2000/01/rdf-schema#",
             id: "https://w3id.org/aigraph/id/"},
  terms: [
    {name: "aig:Milestone", label: "Milestone", comment: "a dated event"},
    {name: "aig:releaseDate", label: "release date"},
    {name: "aig:license", label: "license"},
    {name: "rdfs:label", label: "label"}
  ],
  entities: [
    {name: "id:llama", label: "LLaMA", type: "Model"},
    {name: "id:meta-llama-3", label: "Llama 3", type: "Model"},
    {name: "id:turing-test", label: "Computing Machinery and Intelligence", type: "Milestone"},
    {name: "id:mistral-7b", label: "Mistral 7B", type: "Model"}
  ]
};
const texts = (found) => found.items.map((item) => item.text);

test("entities starting with the typed name come before those that only contain it", () => {
  const found = suggest("?m aig:basedOn id:llama", "", VOCAB, NOTES);
  assert.deepEqual(texts(found), ["id:llama", "id:meta-llama-3"]);
  assert.equal(found.start, "?m aig:basedOn ".length);
  assert.equal(found.items[0].note, "LLaMA · Model");
});

test("an entity is found by a word of its label", () => {
  assert.deepEqual(texts(suggest("id:machinery", "", VOCAB, NOTES)), ["id:turing-test"]);
});

test("vocabulary terms are completed within their prefix only", () => {
  assert.deepEqual(texts(suggest("?x aig:re", "", VOCAB, NOTES)), ["aig:releaseDate"]);
  assert.deepEqual(texts(suggest("?x rdfs:", "", VOCAB, NOTES)), ["rdfs:label"]);
});

test("variables already used in the query are offered, the one typed in full is not", () => {
  const query = "SELECT ?model ?date # ?commented\nWHERE { ?model aig:releaseDate ?date }";
  const found = suggest("  FILTER(?m", query, VOCAB, NOTES);
  assert.deepEqual(texts(found), ["model"]);
  assert.equal(found.items[0].note, "variable");
  assert.equal(suggest("?model", "SELECT ?model", VOCAB, NOTES), null);
  assert.deepEqual(variablesIn(query), ["model", "date"]);
});

test("after PREFIX the known namespaces are offered with their IRI", () => {
  assert.deepEqual(texts(suggest("PREFIX ai", "", VOCAB, NOTES)), ["aig: <https://w3id.org/aigraph/ontology#>"]);
});

test("a bare word offers keywords, prefixes and terms by local name", () => {
  const found = suggest("SEL", "", VOCAB, NOTES);
  assert.deepEqual(texts(found), ["SELECT"]);
  assert.equal(found.items[0].note, "keyword");
  assert.deepEqual(texts(suggest("lic", "", VOCAB, NOTES)), ["aig:license"]);
  assert.ok(texts(suggest("ai", "", VOCAB, NOTES)).includes("aig:"));
  assert.equal(suggest("zzz", "", VOCAB, NOTES), null);
});

test("the entity list is capped", () => {
  const many = Array.from({length: MAX_ENTITIES + 50}, (_, i) => ({name: "id:m-" + i, label: "M " + i}));
  const found = suggest("id:m", "", {prefixes: VOCAB.prefixes, terms: [], entities: many}, NOTES);
  assert.equal(found.items.length, MAX_ENTITIES);
});

test("rank ignores entries of other prefixes", () => {
  assert.deepEqual(rank(VOCAB.terms, "rdfs", "").map((t) => t.name), ["rdfs:label"]);
});

test("prefixes inside comments, strings and IRIs do not count as used", () => {
  const query = '# dcterms: in a comment\nSELECT * { ?s aig:license ?l ; rdfs:label "skos: text" . ?s ?p <http://x.org/a:b> }';
  assert.deepEqual(usedPrefixes(query).sort(), ["aig", "rdfs"]);
});

test("missing PREFIX lines are the known, undeclared ones, sorted", () => {
  const query = "PREFIX aig: <https://w3id.org/aigraph/ontology#>\nSELECT * { ?s aig:x id:y ; rdfs:label ?l ; foo:bar ?z }";
  assert.deepEqual(missingPrefixes(query, VOCAB.prefixes), [
    {name: "id", line: "PREFIX id: <https://w3id.org/aigraph/id/>"},
    {name: "rdfs", line: "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"}
  ]);
});
