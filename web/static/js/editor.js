/* The SPARQL query editor at /sparql: CodeMirror with completion of the aigraph vocabulary,
 * the example gallery, and results as a sortable table, a bar chart or a timeline.
 *
 * Queries go to the endpoint (the same /sparql URL) as a POST form with an Accept header;
 * errors come back as JSON {"error": ...}, truncation as the AIGraph-Truncated header.
 * The shareable address of a query is /sparql#query=<text>&view=<view>: the fragment never
 * reaches the server, so it cannot clash with the protocol's own ?query= parameter.
 * Every piece of data is put in the page with textContent or attributes, never as HTML.
 */
(function () {
  "use strict";

  var root = document.getElementById("sq");
  if (!root || typeof CodeMirror === "undefined") return;

  var T = JSON.parse(document.getElementById("sq-texts").textContent);
  var GALLERY = JSON.parse(document.getElementById("sq-gallery-data").textContent);
  var ENDPOINT = root.getAttribute("data-endpoint");
  var ENTITY_BASE = root.getAttribute("data-entity-base");
  var ENTITY_PAGE = root.getAttribute("data-entity-page");
  var VOCABULARY_URL = root.getAttribute("data-vocabulary");
  var PAGE_SIZE = 500;
  var CHART_MAX = 60;
  var LONG_URL = 7000;
  var SVG = "http://www.w3.org/2000/svg";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map(function (n) { return XSD + n; });
  var DATES = ["date", "dateTime", "gYear", "gYearMonth", "dateTimeStamp"].map(function (n) { return XSD + n; });
  var KEYWORDS = ["SELECT", "DISTINCT", "REDUCED", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS",
    "GRAPH", "BIND", "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASC", "DESC",
    "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "AS", "NOT EXISTS", "EXISTS", "IN", "NOT IN",
    "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "STR", "LANG",
    "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "BNODE", "STRLEN", "SUBSTR", "UCASE", "LCASE",
    "STRSTARTS", "STRENDS", "CONTAINS", "STRBEFORE", "STRAFTER", "CONCAT", "REPLACE", "REGEX",
    "YEAR", "MONTH", "DAY", "NOW", "ABS", "ROUND", "CEIL", "FLOOR", "COALESCE", "IF", "ISIRI",
    "ISLITERAL", "ISBLANK", "ISNUMERIC", "SAMETERM", "true", "false", "a"];

  var vocab = {prefixes: JSON.parse(document.getElementById("sq-prefixes-data").textContent),
               terms: [], entities: [], loaded: false};
  var state = {
    vars: [], rows: [], order: [], kind: "none", shown: 0, sortCol: -1, sortDir: 1,
    view: "table", preferred: null, measure: -1, controller: null, text: "", media: ""
  };

  var el = function (id) { return document.getElementById(id); };
  var form = el("sq-form");
  var statusEl = el("sq-status");
  var errorBox = el("sq-error");
  var errorMessage = el("sq-error-message");
  var errorGoto = el("sq-error-goto");
  var truncatedEl = el("sq-truncated");
  var output = el("sq-output");
  var results = el("sq-results");
  var downloads = el("sq-download-links");
  var cancelButton = el("sq-cancel");
  var viewButtons = Array.prototype.slice.call(root.querySelectorAll(".sq-view"));

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function say(text) { statusEl.textContent = text; }

  // --- the editor ---------------------------------------------------------------------------

  var editor = CodeMirror.fromTextArea(el("sq-query"), {
    mode: "application/sparql-query",
    lineNumbers: true,
    matchBrackets: true,
    autoCloseBrackets: true,
    indentUnit: 2,
    tabSize: 2,
    viewportMargin: Infinity,
    inputStyle: "contenteditable",
    screenReaderLabel: document.getElementById("sq-query-label").textContent,
    extraKeys: {
      "Ctrl-Enter": function () { run(); },
      "Cmd-Enter": function () { run(); },
      "Ctrl-Space": function (cm) { cm.showHint(hintOptions()); },
      "Ctrl-/": "toggleComment",
      "Cmd-/": "toggleComment",
      // Tab and Shift-Tab move the focus out of the editor, so the page works by keyboard
      // alone; Ctrl-] and Ctrl-[ indent instead.
      "Tab": false,
      "Shift-Tab": false
    }
  });
  editor.getWrapperElement().setAttribute("aria-describedby", "sq-keys");
  editor.getInputField().setAttribute("aria-describedby", "sq-keys");
  editor.on("change", clearErrorMarks);

  // Pop the completion list up by itself inside prefixed names and variables.
  editor.on("inputRead", function (cm, change) {
    if (cm.state.completionActive || change.origin !== "+input") return;
    var typed = change.text.join("");
    if (!/^[\w:?$-]$/.test(typed)) return;
    var before = cm.getLine(change.from.line).slice(0, change.from.ch + 1);
    if (/(^|[^\w<])[A-Za-z][\w-]*:[\w-]*$/.test(before) || /[?$]\w*$/.test(before)) {
      cm.showHint(hintOptions());
    }
  });

  function hintOptions() {
    return {hint: hint, completeSingle: false, extraKeys: {
      // Enter on a name already typed in full ends the line instead of picking it again.
      Enter: function (cm, handle) {
        var active = cm.state.completionActive;
        var widget = active && active.widget;
        var chosen = widget && handle.data.list[widget.selectedHint];
        if (chosen && chosen.text === cm.getRange(handle.data.from, cm.getCursor())) {
          handle.close();
          return CodeMirror.Pass;
        }
        handle.pick();
      }
    }};
  }

  function setQuery(text) {
    editor.setValue(text);
    editor.clearHistory();
    editor.setCursor(editor.lineCount(), 0);
  }

  // --- completion ---------------------------------------------------------------------------

  function loadVocabulary() {
    fetch(VOCABULARY_URL, {headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        vocab.prefixes = data.prefixes || vocab.prefixes;
        vocab.terms = data.terms || [];
        vocab.entities = data.entities || [];
        vocab.loaded = true;
      })
      .catch(function () { /* completion falls back to keywords and variables */ });
  }

  function renderHint(node, self, item) {
    node.appendChild(make("span", {"class": "sq-hint-name"}, item.text));
    if (item.note) node.appendChild(make("span", {"class": "sq-hint-note"}, item.note));
  }

  function item(text, note, title) {
    return {text: text, note: note || "", render: renderHint, title: title || ""};
  }

  // Entries named "prefix:local..." first, then those whose local name or label contains the
  // typed local part (so "id:llama" also offers "id:meta-llama-3", and "id:turing" a title).
  function rank(list, prefix, local) {
    var head = (prefix + ":" + local).toLowerCase(), needle = local.toLowerCase();
    var starts = [], contains = [];
    list.forEach(function (entry) {
      var name = entry.name.toLowerCase();
      if (name.indexOf(prefix.toLowerCase() + ":") !== 0) return;
      if (name.indexOf(head) === 0) starts.push(entry);
      else if (needle && (name.indexOf(needle, prefix.length + 1) > 0 ||
               (entry.label || "").toLowerCase().indexOf(needle) >= 0)) contains.push(entry);
    });
    return starts.concat(contains);
  }

  function variablesIn(text) {
    var seen = {}, out = [];
    text.replace(/#[^\n]*/g, "").replace(/[?$]([A-Za-z_][\w]*)/g, function (all, name) {
      if (!seen[name]) { seen[name] = true; out.push(name); }
      return all;
    });
    return out;
  }

  function hint(cm) {
    var cur = cm.getCursor();
    var token = cm.getTokenAt(cur);
    if (token.type && /comment|string/.test(token.type)) return null;
    if (token.type === "atom" && token.string.charAt(0) === "<") return null;
    var line = cm.getLine(cur.line).slice(0, cur.ch);
    var list = [], start = cur.ch, match;

    if ((match = /\bPREFIX\s+([\w-]*:?)$/i.exec(line))) {
      start = cur.ch - match[1].length;
      Object.keys(vocab.prefixes).forEach(function (name) {
        if ((name + ":").indexOf(match[1]) === 0) {
          list.push(item(name + ": <" + vocab.prefixes[name] + ">", ""));
        }
      });
    } else if ((match = /[?$](\w*)$/.exec(line))) {
      start = cur.ch - match[1].length;
      var own = match[1];
      variablesIn(cm.getValue()).forEach(function (name) {
        if (name.indexOf(own) === 0 && name !== own) list.push(item(name, T.variable));
      });
    } else if ((match = /([A-Za-z][\w-]*)?:([\w-]*)$/.exec(line))) {
      var prefix = match[1] || "";
      var local = match[2];
      start = cur.ch - match[0].length;
      if (prefix === "id") {
        rank(vocab.entities, prefix, local).slice(0, 200).forEach(function (e) {
          list.push(item(e.name, e.label + (e.type ? " · " + e.type : "")));
        });
      } else {
        rank(vocab.terms, prefix, local).forEach(function (t) {
          list.push(item(t.name, t.label, t.comment));
        });
      }
    } else {
      match = /[A-Za-z_][\w-]*$/.exec(line);
      var word = match ? match[0] : "";
      start = cur.ch - word.length;
      var lower = word.toLowerCase();
      KEYWORDS.forEach(function (k) {
        if (k.toLowerCase().indexOf(lower) === 0) list.push(item(k, T.keyword));
      });
      Object.keys(vocab.prefixes).forEach(function (name) {
        if (name.indexOf(lower) === 0) list.push(item(name + ":", T.prefix));
      });
      if (word) {
        vocab.terms.forEach(function (t) {
          var localName = t.name.slice(t.name.indexOf(":") + 1).toLowerCase();
          if (localName.indexOf(lower) === 0) list.push(item(t.name, t.label, t.comment));
        });
      }
    }
    if (!list.length) return null;
    var result = {list: list, from: CodeMirror.Pos(cur.line, start), to: CodeMirror.Pos(cur.line, cur.ch)};
    CodeMirror.on(result, "select", function (entry, node) {
      if (entry.title) node.title = entry.title;
    });
    return result;
  }

  // --- prefixes -------------------------------------------------------------------------------

  function usedPrefixes(text) {
    var stripped = text.replace(/#[^\n]*/g, " ")
      .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
      .replace(/<[^<>\s]*>/g, " ");
    var used = {};
    stripped.replace(/(^|[^\w:?$.-])([A-Za-z][\w-]*):/g, function (all, lead, name) {
      used[name] = true;
      return all;
    });
    return Object.keys(used);
  }

  function addPrefixes() {
    var text = editor.getValue();
    var declared = {};
    text.replace(/PREFIX\s+([\w-]*):/gi, function (all, name) { declared[name] = true; return all; });
    var missing = usedPrefixes(text).filter(function (name) {
      return !declared[name] && vocab.prefixes[name];
    }).sort();
    if (!missing.length) { say(T.prefixesNone); return; }
    var lines = missing.map(function (name) {
      return "PREFIX " + name + ": <" + vocab.prefixes[name] + ">";
    }).join("\n") + "\n";
    // Put the declarations after the leading comment lines (the query's title).
    var at = 0;
    while (at < editor.lineCount() && /^\s*#/.test(editor.getLine(at))) at++;
    editor.replaceRange(lines, CodeMirror.Pos(at, 0));
    say(fill(T.prefixesAdded, {prefixes: missing.map(function (n) { return n + ":"; }).join(", ")}));
  }

  // --- running --------------------------------------------------------------------------------

  function setBusy(busy) {
    root.classList.toggle("sq-busy", busy);
    results.setAttribute("aria-busy", busy ? "true" : "false");
    cancelButton.hidden = !busy;
  }

  function errorText(body, status) {
    var text = (body || "").trim();
    try {
      var parsed = JSON.parse(text);
      if (parsed && parsed.error) return parsed.error;
    } catch (ignored) { /* plain text */ }
    return text || fill(T.httpStatus, {status: status});
  }

  function run() {
    var text = editor.getValue();
    hideError();
    if (!text.trim()) { showError(T.empty); return; }
    if (state.controller) state.controller.abort();
    var controller = typeof AbortController !== "undefined" ? new AbortController() : null;
    state.controller = controller;
    setBusy(true);
    say(T.running);
    var started = Date.now();
    var body = new URLSearchParams();
    body.set("query", text);
    fetch(ENDPOINT, {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: body.toString(),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      var media = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      return response.text().then(function (payload) {
        if (state.controller !== controller) return;
        state.controller = null;
        setBusy(false);
        if (!response.ok) { showError(errorText(payload, response.status)); return; }
        var ms = response.headers.get("AIGraph-Time-Ms") || String(Date.now() - started);
        var truncated = response.headers.get("AIGraph-Truncated") === "true";
        state.text = text;
        state.media = media;
        if (media.indexOf("json") >= 0) showJson(JSON.parse(payload), ms, truncated);
        else showGraph(payload, ms, response.headers.get("AIGraph-Rows"), truncated);
        updateDownloads(text);
        updateAddress();
      });
    }).catch(function (error) {
      if (state.controller !== controller) return;
      state.controller = null;
      setBusy(false);
      if (error && error.name === "AbortError") say(T.cancelled);
      else showError(T.network);
    });
  }

  function cancel() {
    if (state.controller) {
      state.controller.abort();
      state.controller = null;
      setBusy(false);
      say(T.cancelled);
    }
  }

  // --- errors ---------------------------------------------------------------------------------

  var errorMarks = [];
  var errorLine = -1;

  function clearErrorMarks() {
    errorMarks.forEach(function (mark) { mark.clear(); });
    errorMarks = [];
    if (errorLine >= 0) editor.removeLineClass(errorLine, "background", "sq-error-line");
    errorLine = -1;
  }

  function hideError() {
    errorBox.hidden = true;
    errorGoto.hidden = true;
    clearErrorMarks();
  }

  function showError(message) {
    errorMessage.textContent = message;
    errorBox.hidden = false;
    output.hidden = true;
    truncatedEl.hidden = true;
    say("");
    var where = /line (\d+), column (\d+)/.exec(message);
    if (where) {
      var line = Math.min(Math.max(parseInt(where[1], 10) - 1, 0), editor.lineCount() - 1);
      var column = Math.max(parseInt(where[2], 10) - 1, 0);
      errorLine = line;
      editor.addLineClass(line, "background", "sq-error-line");
      var length = editor.getLine(line).length;
      var from = Math.min(column, length);
      errorMarks.push(editor.markText(CodeMirror.Pos(line, from),
                                      CodeMirror.Pos(line, Math.max(from + 1, length)),
                                      {className: "sq-error-mark"}));
      errorGoto.textContent = fill(T.gotoError, {line: line + 1, column: column + 1});
      errorGoto.hidden = false;
      errorGoto.onclick = function () {
        editor.focus();
        editor.setCursor(CodeMirror.Pos(line, from));
      };
    }
  }

  // --- values ---------------------------------------------------------------------------------

  function compact(iri) {
    var names = Object.keys(vocab.prefixes);
    for (var i = 0; i < names.length; i++) {
      var base = vocab.prefixes[names[i]];
      if (iri.indexOf(base) === 0 && /^[\w-]*$/.test(iri.slice(base.length))) {
        return names[i] + ":" + iri.slice(base.length);
      }
    }
    if (iri.indexOf(ENTITY_BASE) === 0) return "id:" + iri.slice(ENTITY_BASE.length);
    return iri;
  }

  function isNumber(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" && NUMERIC.indexOf(term.datatype) >= 0;
  }

  function dateOf(term) {
    if (!term || term.type === "uri" || term.type === "bnode") return null;
    if (term.datatype && DATES.indexOf(term.datatype) < 0) return null;
    var m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(term.value);
    if (!m || (!term.datatype && !m[2])) return null;
    var year = parseInt(m[1], 10), month = m[2] ? parseInt(m[2], 10) : 1, day = m[3] ? parseInt(m[3], 10) : 1;
    return {year: year, text: term.value.slice(0, m[0].length), at: year + ((month - 1) * 30.4 + day - 1) / 365.25};
  }

  function display(term) {
    if (!term) return "";
    if (term.type === "uri") return compact(term.value);
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }

  function entityHref(iri) {
    if (iri.indexOf(ENTITY_BASE) === 0) {
      var slug = iri.slice(ENTITY_BASE.length);
      if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) return ENTITY_PAGE + slug;
    }
    return /^https?:\/\//.test(iri) ? iri : null;
  }

  function cell(term) {
    var td = make("td");
    if (!term) { td.className = "sq-unbound"; return td; }
    if (term.type === "uri") {
      var href = entityHref(term.value);
      var node = href ? make("a", {href: href, title: term.value}, compact(term.value))
                      : make("span", {title: term.value}, compact(term.value));
      if (href && href.indexOf(ENTITY_PAGE) !== 0) node.setAttribute("rel", "noopener");
      td.appendChild(node);
      return td;
    }
    td.appendChild(document.createTextNode(display(term)));
    if (term["xml:lang"]) td.appendChild(make("span", {"class": "sq-lang"}, "@" + term["xml:lang"]));
    if (isNumber(term)) td.className = "sq-num";
    else if (term.datatype && term.datatype !== XSD + "string") {
      td.title = compact(term.datatype);
    }
    return td;
  }

  // --- sorting --------------------------------------------------------------------------------

  var collator = typeof Intl !== "undefined" ? new Intl.Collator(root.getAttribute("data-lang"), {numeric: true, sensitivity: "base"}) : null;

  function compareTerms(a, b) {
    if (!a && !b) return 0;
    if (!a) return 1;
    if (!b) return -1;
    if (isNumber(a) && isNumber(b)) return Number(a.value) - Number(b.value);
    var x = display(a), y = display(b);
    return collator ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0);
  }

  function sortBy(column) {
    if (state.sortCol === column) state.sortDir = -state.sortDir;
    else { state.sortCol = column; state.sortDir = 1; }
    var name = state.vars[column], dir = state.sortDir;
    state.order = state.order.slice().sort(function (i, j) {
      var a = state.rows[i][name], b = state.rows[j][name];
      // Unbound values stay last in both directions.
      if (!a || !b) return compareTerms(a, b) || i - j;
      return dir * compareTerms(a, b) || i - j;
    });
    render();
    var button = results.querySelector('th[data-col="' + column + '"] button');
    if (button) button.focus();
    say(fill(dir > 0 ? T.sortedAsc : T.sortedDesc, {column: "?" + name}));
  }

  // --- showing results ------------------------------------------------------------------------

  function showJson(data, ms, truncated) {
    errorBox.hidden = true;
    output.hidden = false;
    if (typeof data["boolean"] === "boolean") {
      state.kind = "ask";
      state.vars = []; state.rows = []; state.order = [];
      say(data["boolean"] ? T.askTrue : T.askFalse);
      truncatedEl.hidden = true;
      results.textContent = "";
      results.appendChild(make("p", {"class": "sq-ask sq-ask-" + data["boolean"]},
                               data["boolean"] ? T.askTrue : T.askFalse));
      setViews();
      return;
    }
    state.kind = "select";
    state.vars = (data.head && data.head.vars) || [];
    state.rows = (data.results && data.results.bindings) || [];
    state.order = state.rows.map(function (row, i) { return i; });
    state.sortCol = -1;
    state.sortDir = 1;
    state.measure = -1;
    var count = state.rows.length;
    say(count === 0 ? fill(T.noRows, {ms: ms}) :
        fill(count === 1 ? T.oneRow : T.rows, {rows: count.toLocaleString(), ms: ms}));
    truncatedEl.hidden = !truncated;
    truncatedEl.textContent = truncated ? fill(T.truncated, {rows: count.toLocaleString()}) : "";
    var views = setViews();
    state.view = state.preferred && views[state.preferred] ? state.preferred : "table";
    state.shown = PAGE_SIZE;
    render();
  }

  function showGraph(text, ms, count, truncated) {
    errorBox.hidden = true;
    output.hidden = false;
    state.kind = "graph";
    state.vars = []; state.rows = []; state.order = [];
    say(count !== null && count !== "" ? fill(T.triples, {triples: Number(count).toLocaleString(), ms: ms})
                                       : T.graph);
    truncatedEl.hidden = !truncated;
    truncatedEl.textContent = truncated ? fill(T.truncated, {rows: Number(count).toLocaleString()}) : "";
    setViews();
    results.textContent = "";
    results.appendChild(make("p", {"class": "sq-note"}, T.graph));
    results.appendChild(make("pre", {"class": "sq-turtle"}, text));
  }

  function columns() {
    var numeric = [], dates = [], literal = [], uris = [];
    state.vars.forEach(function (name, index) {
      var values = state.rows.map(function (row) { return row[name]; }).filter(Boolean);
      if (!values.length) return;
      if (values.every(isNumber)) numeric.push(index);
      else if (values.every(function (v) { return dateOf(v) !== null; })) dates.push(index);
      else if (values.every(function (v) { return v.type === "uri"; })) uris.push(index);
      else literal.push(index);
    });
    return {numeric: numeric, dates: dates, literal: literal, uris: uris};
  }

  function setViews() {
    var available = {table: state.kind === "select", chart: false, timeline: false};
    if (state.kind === "select" && state.rows.length) {
      var cols = columns();
      available.chart = cols.numeric.length > 0;
      available.timeline = cols.dates.length > 0;
    }
    viewButtons.forEach(function (button) {
      var view = button.getAttribute("data-view");
      button.hidden = !available.table;
      button.disabled = !available[view];
      button.title = view === "chart" && !available.chart ? T.chartNone :
                     view === "timeline" && !available.timeline ? T.timelineNone : "";
    });
    return available;
  }

  function render() {
    viewButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-view") === state.view));
    });
    results.textContent = "";
    if (state.view === "chart") renderChart();
    else if (state.view === "timeline") renderTimeline();
    else renderTable();
  }

  function switchView(view) {
    if (state.kind !== "select") return;
    state.view = view;
    state.preferred = view;
    render();
    updateAddress();
    say(fill(T.viewShown, {view: (viewButtons.filter(function (b) {
      return b.getAttribute("data-view") === view;
    })[0] || {}).textContent || view}));
  }

  function renderTable() {
    var wrap = make("div", {"class": "sq-table-wrap"});
    var table = make("table", {"class": "sq-table"});
    table.appendChild(make("caption", {"class": "sq-caption"},
                           fill(T.caption, {rows: state.rows.length.toLocaleString()})));
    var head = make("tr");
    state.vars.forEach(function (name, index) {
      var th = make("th", {scope: "col", "data-col": String(index)});
      var sorted = state.sortCol === index;
      th.setAttribute("aria-sort", sorted ? (state.sortDir > 0 ? "ascending" : "descending") : "none");
      var button = make("button", {type: "button", "class": "sq-sort",
                                   title: fill(T.sortBy, {column: "?" + name})});
      button.appendChild(make("span", null, "?" + name));
      button.appendChild(make("span", {"class": "sq-sort-mark", "aria-hidden": "true"},
                              sorted ? (state.sortDir > 0 ? "▲" : "▼") : "↕"));
      button.addEventListener("click", function () { sortBy(index); });
      th.appendChild(button);
      head.appendChild(th);
    });
    table.appendChild(make("thead")).appendChild(head);
    var body = make("tbody");
    var limit = Math.min(state.shown, state.order.length);
    for (var k = 0; k < limit; k++) {
      var row = state.rows[state.order[k]];
      var tr = make("tr");
      state.vars.forEach(function (name) { tr.appendChild(cell(row[name])); });
      body.appendChild(tr);
    }
    table.appendChild(body);
    wrap.appendChild(table);
    results.appendChild(wrap);
    if (limit < state.order.length) {
      var more = Math.min(PAGE_SIZE, state.order.length - limit);
      var button = make("button", {type: "button", "class": "sq-secondary sq-more"},
                        fill(T.showMore, {count: more.toLocaleString()}));
      button.addEventListener("click", function () {
        state.shown += PAGE_SIZE;
        render();
      });
      results.appendChild(button);
    }
  }

  function rowLink(row, cols) {
    for (var i = 0; i < cols.uris.length; i++) {
      var term = row[state.vars[cols.uris[i]]];
      if (term && term.type === "uri") {
        var href = entityHref(term.value);
        if (href && href.indexOf(ENTITY_PAGE) === 0) return href;
      }
    }
    return null;
  }

  function labelColumn(cols, exclude) {
    var pool = cols.literal.concat(cols.uris, cols.dates, cols.numeric);
    for (var i = 0; i < pool.length; i++) if (exclude.indexOf(pool[i]) < 0) return pool[i];
    return -1;
  }

  function renderChart() {
    var cols = columns();
    if (!cols.numeric.length) { results.appendChild(make("p", {"class": "sq-note"}, T.chartNone)); return; }
    if (cols.numeric.indexOf(state.measure) < 0) state.measure = cols.numeric[cols.numeric.length - 1];
    var measure = state.measure;
    var label = labelColumn(cols, [measure]);
    if (cols.numeric.length > 1) {
      var p = make("p", {"class": "sq-measure"});
      var select = make("select", {id: "sq-measure"});
      cols.numeric.forEach(function (index) {
        var option = make("option", {value: String(index)}, "?" + state.vars[index]);
        if (index === measure) option.selected = true;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        state.measure = parseInt(select.value, 10);
        render();
        var again = el("sq-measure");
        if (again) again.focus();
      });
      p.appendChild(make("label", {"for": "sq-measure"}, T.measure + " "));
      p.appendChild(select);
      results.appendChild(p);
    }
    var measureName = state.vars[measure];
    var labelName = label >= 0 ? state.vars[label] : null;
    var rows = state.order.map(function (i) { return state.rows[i]; })
      .filter(function (row) { return row[measureName]; });
    var cut = rows.length > CHART_MAX;
    rows = rows.slice(0, CHART_MAX);
    var values = rows.map(function (row) { return Number(row[measureName].value); });
    var low = Math.min(0, Math.min.apply(null, values)), high = Math.max(0, Math.max.apply(null, values));
    var span = high - low || 1;
    var barH = 22, gap = 6, labelW = 240, plotW = 520, valueW = 90, top = 4;
    var width = labelW + plotW + valueW, height = top + rows.length * (barH + gap);
    var title = fill(T.chartTitle, {measure: "?" + measureName, label: labelName ? "?" + labelName : "#"});
    var chart = svg("svg", {"class": "sq-chart", viewBox: "0 0 " + width + " " + height,
                            width: String(width), role: "img", "aria-labelledby": "sq-chart-title"});
    chart.appendChild(svg("title", {id: "sq-chart-title"}, title));
    var zero = labelW + (0 - low) / span * plotW;
    rows.forEach(function (row, k) {
      var y = top + k * (barH + gap);
      var value = values[k];
      var text = labelName ? display(row[labelName]) : String(k + 1);
      var short = text.length > 34 ? text.slice(0, 33) + "…" : text;
      var x0 = labelW + (Math.min(value, 0) - low) / span * plotW;
      var w = Math.max(Math.abs(value) / span * plotW, 1);
      var group = svg("g", {"class": "sq-bar-row"});
      var labelNode = svg("text", {x: String(labelW - 8), y: String(y + barH * 0.7), "text-anchor": "end",
                                   "class": "sq-bar-label"}, short);
      var href = rowLink(row, cols);
      if (href) {
        var link = svg("a", {href: href});
        link.appendChild(labelNode);
        group.appendChild(link);
      } else {
        group.appendChild(labelNode);
      }
      var bar = svg("rect", {x: String(x0), y: String(y), width: String(w), height: String(barH),
                             rx: "2", "class": "sq-bar"});
      bar.appendChild(svg("title", null, text + ": " + row[measureName].value));
      group.appendChild(bar);
      group.appendChild(svg("text", {x: String(x0 + w + 6), y: String(y + barH * 0.7), "class": "sq-bar-value"},
                            Number(value).toLocaleString()));
      chart.appendChild(group);
    });
    chart.appendChild(svg("line", {x1: String(zero), x2: String(zero), y1: "0", y2: String(height), "class": "sq-axis"}));
    var figure = make("figure", {"class": "sq-figure"});
    figure.appendChild(chart);
    figure.appendChild(make("figcaption", null, title + (cut ? " — " + fill(T.chartCut, {count: CHART_MAX}) : "")));
    results.appendChild(figure);
  }

  function niceStep(span) {
    var steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000];
    for (var i = 0; i < steps.length; i++) if (span / steps[i] <= 12) return steps[i];
    return 1000;
  }

  function renderTimeline() {
    var cols = columns();
    if (!cols.dates.length) { results.appendChild(make("p", {"class": "sq-note"}, T.timelineNone)); return; }
    var dateCol = cols.dates[0];
    var dateName = state.vars[dateCol];
    var label = labelColumn(cols, [dateCol]);
    var labelName = label >= 0 ? state.vars[label] : null;
    var events = [];
    state.rows.forEach(function (row) {
      var when = dateOf(row[dateName]);
      if (when) events.push({when: when, row: row});
    });
    events.sort(function (a, b) { return a.when.at - b.when.at; });
    var first = Math.floor(events[0].when.at), last = Math.floor(events[events.length - 1].when.at) + 1;
    var step = niceStep(last - first);
    first = Math.floor(first / step) * step;
    last = Math.ceil(last / step) * step;
    if (last === first) last = first + step;
    var width = 860, left = 20, right = 20, axisY = 46, height = 70;
    var scale = function (at) { return left + (at - first) / (last - first) * (width - left - right); };
    var title = fill(T.timelineTitle, {column: "?" + dateName});
    var chart = svg("svg", {"class": "sq-timeline-axis", viewBox: "0 0 " + width + " " + height,
                            role: "img", "aria-labelledby": "sq-timeline-title"});
    chart.appendChild(svg("title", {id: "sq-timeline-title"}, title));
    chart.appendChild(svg("line", {x1: String(left), x2: String(width - right), y1: String(axisY), y2: String(axisY), "class": "sq-axis"}));
    for (var year = first; year <= last; year += step) {
      var x = scale(year);
      chart.appendChild(svg("line", {x1: String(x), x2: String(x), y1: String(axisY), y2: String(axisY + 6), "class": "sq-axis"}));
      chart.appendChild(svg("text", {x: String(x), y: String(axisY + 20), "text-anchor": "middle", "class": "sq-tick"}, String(year)));
    }
    // Events close in time are stacked upwards so each dot stays visible.
    var lanes = [];
    events.forEach(function (event) {
      var x = scale(event.when.at), lane = 0;
      while (lanes[lane] !== undefined && x - lanes[lane] < 7 && lane < 4) lane++;
      lanes[lane] = x;
      var dot = svg("circle", {cx: String(x), cy: String(axisY - 8 - lane * 9), r: "4", "class": "sq-dot"});
      dot.appendChild(svg("title", null, event.when.text + (labelName ? " " + display(event.row[labelName]) : "")));
      chart.appendChild(dot);
    });
    var figure = make("figure", {"class": "sq-figure"});
    figure.appendChild(chart);
    figure.appendChild(make("figcaption", null, title));
    results.appendChild(figure);

    var list = make("ol", {"class": "sq-timeline"});
    var currentYear = null;
    events.forEach(function (event) {
      var li = make("li", {"class": "sq-event"});
      if (event.when.year !== currentYear) {
        currentYear = event.when.year;
        li.classList.add("sq-event-year");
        li.setAttribute("data-year", String(currentYear));
      }
      li.appendChild(make("time", {datetime: event.when.text}, event.when.text));
      var text = labelName ? display(event.row[labelName]) : "";
      var href = rowLink(event.row, cols);
      li.appendChild(href ? make("a", {href: href}, text || href) : make("span", null, text));
      list.appendChild(li);
    });
    results.appendChild(list);
  }

  // --- downloads and the shareable address ------------------------------------------------

  function downloadUrl(text, format) {
    return ENDPOINT + "?query=" + encodeURIComponent(text) + "&format=" + format;
  }

  function updateDownloads(text) {
    var formats = state.kind === "graph" ?
      [["ttl", "Turtle", "text/turtle"], ["nt", "N-Triples", "application/n-triples"],
       ["jsonld", "JSON-LD", "application/ld+json"], ["rdf", "RDF/XML", "application/rdf+xml"]] :
      [["csv", "CSV", "text/csv"], ["tsv", "TSV", "text/tab-separated-values"],
       ["json", "JSON", "application/sparql-results+json"], ["xml", "XML", "application/sparql-results+xml"]];
    downloads.textContent = "";
    formats.forEach(function (format, i) {
      if (i) downloads.appendChild(document.createTextNode(" · "));
      var name = "aigraph-results." + format[0];
      var link = make("a", {href: downloadUrl(text, format[0]), download: name,
                            "data-format": format[0], "class": "sq-download"}, format[1]);
      link.addEventListener("click", function (event) {
        // A very long query does not fit in a URL: post it and save the answer instead.
        if (link.href.length <= LONG_URL) return;
        event.preventDefault();
        var body = new URLSearchParams();
        body.set("query", text);
        fetch(ENDPOINT, {method: "POST", body: body.toString(),
                         headers: {"Content-Type": "application/x-www-form-urlencoded", Accept: format[2]}})
          .then(function (response) {
            if (!response.ok) throw new Error(String(response.status));
            return response.blob();
          })
          .then(function (blob) {
            var url = URL.createObjectURL(blob);
            var a = make("a", {href: url, download: name});
            document.body.appendChild(a);
            a.click();
            a.remove();
            setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
          })
          .catch(function () { showError(T.network); });
      });
      downloads.appendChild(link);
    });
  }

  function shareUrl() {
    var hash = "#query=" + encodeURIComponent(editor.getValue());
    if (state.view !== "table" && state.kind === "select") hash += "&view=" + state.view;
    else if (state.preferred && state.preferred !== "table") hash += "&view=" + state.preferred;
    return location.origin + location.pathname + hash;
  }

  var lastHash = "";
  function updateAddress() {
    var url = shareUrl();
    lastHash = url.slice(url.indexOf("#"));
    if (history.replaceState) history.replaceState(null, "", lastHash);
    var box = el("sq-share-url");
    if (box) box.value = url;
  }

  function share() {
    updateAddress();
    var url = el("sq-share-url").value;
    el("sq-share-box").hidden = false;
    var fallback = function () {
      el("sq-share-url").focus();
      el("sq-share-url").select();
      say(T.copyHere);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { say(T.copied); }, fallback);
    } else {
      fallback();
    }
  }

  function readAddress() {
    var params = null;
    if (location.hash.length > 1) params = new URLSearchParams(location.hash.slice(1));
    if (!params || !params.get("query")) {
      var search = new URLSearchParams(location.search);
      if (search.get("qtext")) params = new URLSearchParams({query: search.get("qtext"), view: search.get("view") || ""});
    }
    if (!params || !params.get("query")) return false;
    var view = params.get("view");
    state.preferred = view === "chart" || view === "timeline" || view === "table" ? view : null;
    setQuery(params.get("query"));
    return true;
  }

  // --- the gallery ----------------------------------------------------------------------------

  function loadExample(name) {
    var example = GALLERY.filter(function (e) { return e.name === name; })[0];
    if (!example) return;
    hideError();
    setQuery(example.query);
    state.preferred = example.view;
    var hash = "#query=" + encodeURIComponent(example.query) + (example.view !== "table" ? "&view=" + example.view : "");
    lastHash = hash;
    if (history.replaceState) history.replaceState(null, "", hash);
    root.querySelectorAll(".sq-example[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
    var link = root.querySelector('.sq-example[data-example="' + name + '"]');
    if (link) link.setAttribute("aria-current", "true");
    say(fill(T.loaded, {title: example.title}));
    editor.focus();
  }

  // --- wiring ---------------------------------------------------------------------------------

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  cancelButton.addEventListener("click", cancel);
  el("sq-prefixes").addEventListener("click", addPrefixes);
  el("sq-share").addEventListener("click", share);
  viewButtons.forEach(function (button) {
    button.addEventListener("click", function () { switchView(button.getAttribute("data-view")); });
  });
  root.querySelectorAll(".sq-example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) return;
      event.preventDefault();
      loadExample(link.getAttribute("data-example"));
    });
  });
  // Ctrl+Enter runs from anywhere in the editor's area (the editor itself handles its own).
  root.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      event.preventDefault();
      run();
    }
  });
  window.addEventListener("hashchange", function () {
    if (location.hash === lastHash) return;
    lastHash = location.hash;
    if (readAddress()) run();
  });

  loadVocabulary();
  lastHash = location.hash;
  if (readAddress() || root.getAttribute("data-autorun") === "true") run();
  root.classList.add("sq-ready");
})();
