// Geometry of the editor's bar chart and timeline, and its address and error helpers.
import {test} from "node:test";
import assert from "node:assert/strict";
import {BAR, barLayout, niceStep, timelineLayout} from "../../web/static/js/editor/layout.js";
import {downloadLinks, fragment, readQuery, LONG_URL} from "../../web/static/js/editor/address.js";
import {errorPosition, errorText} from "../../web/static/js/editor/endpoint.js";
import {fill} from "../../web/static/js/editor/text.js";

test("bars are proportional and start at zero", () => {
  const layout = barLayout([10, 5]);
  assert.equal(layout.zero, BAR.labelWidth);
  assert.equal(layout.bars[0].x, BAR.labelWidth);
  assert.equal(layout.bars[0].w, BAR.plotWidth);
  assert.equal(layout.bars[1].w, BAR.plotWidth / 2);
  assert.equal(layout.bars[1].y, BAR.top + BAR.height + BAR.gap);
  assert.equal(layout.height, BAR.top + 2 * (BAR.height + BAR.gap));
});

test("negative values are drawn left of zero", () => {
  const layout = barLayout([-5, 5]);
  assert.equal(layout.zero, BAR.labelWidth + BAR.plotWidth / 2);
  assert.equal(layout.bars[0].x + layout.bars[0].w, layout.zero);
  assert.equal(layout.bars[1].x, layout.zero);
});

test("a zero value still gets a visible bar", () => {
  assert.equal(barLayout([0]).bars[0].w, 1);
});

test("tick steps are round and few", () => {
  assert.equal(niceStep(5), 1);
  assert.equal(niceStep(30), 5);
  assert.equal(niceStep(80), 10);
  assert.equal(niceStep(5000), 500);
  assert.equal(niceStep(50000), 1000);
});

test("the timeline spans whole steps and stacks close events", () => {
  const layout = timelineLayout([1950.5, 2020.1, 2020.11, 2020.12]);
  assert.equal(layout.step, 10);
  assert.equal(layout.first, 1950);
  assert.equal(layout.last, 2030);
  assert.deepEqual(layout.ticks.map((t) => t.year), [1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020, 2030]);
  assert.deepEqual(layout.dots.map((d) => d.lane), [0, 0, 1, 2]);
  assert.ok(layout.dots[2].y < layout.dots[1].y, "a stacked dot sits higher");
});

test("a single event still gets an axis", () => {
  const layout = timelineLayout([2023.4]);
  assert.ok(layout.last > layout.first);
  assert.equal(layout.dots.length, 1);
});

test("the shareable fragment round-trips the query and the view", () => {
  const query = "SELECT * WHERE { ?s ?p \"a&b#c\" }";
  assert.deepEqual(readQuery(fragment(query, "chart"), ""), {query, view: "chart"});
  assert.deepEqual(readQuery(fragment(query, "table"), ""), {query, view: null});
  assert.equal(fragment(query, "table").includes("view="), false);
  assert.deepEqual(readQuery("", "?qtext=ASK%20%7B%7D&view=timeline"), {query: "ASK {}", view: "timeline"});
  assert.deepEqual(readQuery("#query=x&view=bogus", ""), {query: "x", view: null});
  assert.equal(readQuery("#view=chart", ""), null);
});

const FORMATS = [
  {name: "json", kind: "results", media_type: "application/sparql-results+json", label: "JSON"},
  {name: "csv", kind: "results", media_type: "text/csv", label: "CSV"},
  {name: "ttl", kind: "graph", media_type: "text/turtle", label: "Turtle"},
  {name: "jsonld", kind: "graph", media_type: "application/ld+json", label: "JSON-LD"}
];

test("downloads offer the registry's result formats for SELECT and graph formats for CONSTRUCT", () => {
  const links = downloadLinks("http://h/sparql", "SELECT * {}", "results", FORMATS);
  assert.deepEqual(links.map((l) => l.format), ["json", "csv"]);
  assert.equal(links[1].href, "http://h/sparql?query=SELECT%20*%20%7B%7D&format=csv");
  assert.equal(links[1].name, "aigraph-results.csv");
  assert.equal(links[1].label, "CSV");
  assert.equal(links[1].post, false);
  assert.deepEqual(downloadLinks("/s", "CONSTRUCT {}", "graph", FORMATS).map((l) => l.media),
    ["text/turtle", "application/ld+json"]);
  const long = downloadLinks("/s", "#".repeat(LONG_URL), "results", FORMATS);
  assert.ok(long.length && long.every((l) => l.post), "a query too long for a URL is posted");
});

test("endpoint errors are read from JSON or text, and their position found", () => {
  const T = {httpStatus: "status {status}"};
  assert.equal(errorText('{"error": "bad query"}', 400, T), "bad query");
  assert.equal(errorText("plain words", 400, T), "plain words");
  assert.equal(errorText("", 502, T), "status 502");
  assert.deepEqual(errorPosition("Syntax error at line 3, column 14: expected }"), {line: 2, column: 13});
  assert.equal(errorPosition("the query was stopped"), null);
});

test("templates fill known names and keep unknown ones", () => {
  assert.equal(fill("{rows} rows in {ms} ms, {other}", {rows: 3, ms: 12}), "3 rows in 12 ms, {other}");
});
