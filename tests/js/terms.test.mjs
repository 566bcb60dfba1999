// How the editor shows, links, sorts and classifies SPARQL JSON terms.
import {test} from "node:test";
import assert from "node:assert/strict";
import {XSD, availableViews, columns, comparer, dateOf, isNumber, labelColumn, namer, sortedOrder} from
  "../../web/static/js/editor/terms.js";

const BASE = "https://w3id.org/aigraph/id/";
const names = namer({aig: "https://w3id.org/aigraph/ontology#"}, BASE, "/id/");
const uri = (value) => ({type: "uri", value});
const lit = (value, datatype) => (datatype ? {type: "literal", value, datatype: XSD + datatype} : {type: "literal", value});

test("IRIs are shown with a declared prefix, entities as id:", () => {
  assert.equal(names.display(uri("https://w3id.org/aigraph/ontology#Model")), "aig:Model");
  assert.equal(names.display(uri(BASE + "mistral-7b")), "id:mistral-7b");
  assert.equal(names.display(uri("https://example.org/a/b")), "https://example.org/a/b");
  assert.equal(names.display({type: "bnode", value: "b0"}), "_:b0");
  assert.equal(names.display(undefined), "");
});

test("entity IRIs link to our pages, web IRIs to themselves, anything else to nothing", () => {
  assert.equal(names.href(BASE + "mistral-7b"), "/id/mistral-7b");
  assert.equal(names.href(BASE + "Not_A_Slug"), BASE + "Not_A_Slug", "not a slug: linked as a web address");
  assert.equal(names.href("https://www.wikidata.org/entity/Q1"), "https://www.wikidata.org/entity/Q1");
  assert.equal(names.href("urn:isbn:123"), null);
  assert.ok(names.isOwnPage("/id/x"));
  assert.ok(!names.isOwnPage("https://www.wikidata.org/"));
});

test("numbers and dates are recognised by datatype", () => {
  assert.ok(isNumber(lit("7", "integer")));
  assert.ok(!isNumber(lit("7")));
  assert.ok(!isNumber(uri("http://x/7")));
  assert.deepEqual(dateOf(lit("2023-09-27", "date")).text, "2023-09-27");
  assert.equal(dateOf(lit("2023-09-27", "date")).year, 2023);
  assert.equal(dateOf(lit("2023", "gYear")).at, 2023);
  assert.equal(dateOf(lit("2023")), null, "a plain year string is not taken for a date");
  assert.equal(dateOf(lit("2023-05")).text, "2023-05");
  assert.equal(dateOf(lit("5", "integer")), null);
  assert.ok(dateOf(lit("2023-07-01", "date")).at > dateOf(lit("2023-06-30", "date")).at);
});

test("sorting puts numbers in numeric order and unbound values last both ways", () => {
  const compare = comparer(names.display, null);
  const rows = [{n: lit("10", "integer")}, {}, {n: lit("9", "integer")}, {n: lit("100", "integer")}];
  assert.deepEqual(sortedOrder([0, 1, 2, 3], rows, "n", 1, compare), [2, 0, 3, 1]);
  assert.deepEqual(sortedOrder([0, 1, 2, 3], rows, "n", -1, compare), [3, 0, 2, 1]);
});

test("columns are classified and views offered from them", () => {
  const vars = ["model", "label", "date", "size"];
  const rows = [
    {model: uri(BASE + "a"), label: lit("A"), date: lit("2020-01-01", "date"), size: lit("7", "integer")},
    {model: uri(BASE + "b"), label: lit("B"), date: lit("2021-01-01", "date")}
  ];
  const cols = columns(vars, rows);
  assert.deepEqual(cols, {numeric: [3], dates: [2], literal: [1], uris: [0]});
  assert.equal(labelColumn(cols, [3]), 1);
  assert.equal(labelColumn({numeric: [0], dates: [], literal: [], uris: []}, [0]), -1);
  assert.deepEqual(availableViews("select", vars, rows), {table: true, chart: true, timeline: true});
  assert.deepEqual(availableViews("select", ["label"], [{label: lit("x")}]), {table: true, chart: false, timeline: false});
  assert.deepEqual(availableViews("ask", [], []), {table: false, chart: false, timeline: false});
});
