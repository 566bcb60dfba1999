/* The SPARQL query editor at /sparql: wires CodeMirror, the example gallery and the result
 * views (render.js) to the page. The pure parts live in their own modules: completion.js,
 * terms.js, layout.js, address.js, endpoint.js.
 */
import {fill} from "./text.js";
import {make} from "./dom.js";
import {missingPrefixes} from "./completion.js";
import {hintOptions} from "./hints.js";
import {availableViews, comparer, namer, sortedOrder} from "./terms.js";
import {downloadLinks, fragment, readQuery} from "./address.js";
import {ACCEPT, download, errorPosition, errorText, send} from "./endpoint.js";
import {renderChart, renderTable, renderTimeline} from "./render.js";

const PAGE_SIZE = 500;
const root = document.getElementById("sq");
const CodeMirror = window.CodeMirror;

if (root && CodeMirror) start();

function start() {
  const el = (id) => document.getElementById(id);
  const data = (id) => JSON.parse(el(id).textContent);
  const T = data("sq-texts");
  const GALLERY = data("sq-gallery-data");
  const FORMATS = data("sq-formats-data");
  const ENDPOINT = root.getAttribute("data-endpoint");
  const vocab = {prefixes: data("sq-prefixes-data"), terms: [], entities: []};
  const names = namer(vocab.prefixes, root.getAttribute("data-entity-base"), root.getAttribute("data-entity-page"));
  const collator = typeof Intl !== "undefined"
    ? new Intl.Collator(root.getAttribute("data-lang"), {numeric: true, sensitivity: "base"}) : null;
  const compareTerms = comparer(names.display, collator);
  const state = {
    vars: [], rows: [], order: [], kind: "none", shown: 0, sortCol: -1, sortDir: 1,
    view: "table", preferred: null, measure: -1, controller: null
  };
  const statusEl = el("sq-status");
  const errorBox = el("sq-error");
  const errorGoto = el("sq-error-goto");
  const truncatedEl = el("sq-truncated");
  const output = el("sq-output");
  const results = el("sq-results");
  const cancelButton = el("sq-cancel");
  const viewButtons = Array.from(root.querySelectorAll(".sq-view"));
  const say = (text) => { statusEl.textContent = text; };

  // --- the editor and completion ------------------------------------------------------------

  const editor = CodeMirror.fromTextArea(el("sq-query"), {
    mode: "application/sparql-query",
    lineNumbers: true,
    matchBrackets: true,
    autoCloseBrackets: true,
    indentUnit: 2,
    tabSize: 2,
    viewportMargin: Infinity,
    inputStyle: "contenteditable",
    screenReaderLabel: el("sq-query-label").textContent,
    extraKeys: {
      "Ctrl-Enter": () => run(),
      "Cmd-Enter": () => run(),
      "Ctrl-Space": (cm) => cm.showHint(hints),
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
  const hints = hintOptions(CodeMirror, vocab, T);

  // Pop the completion list up by itself inside prefixed names and variables.
  editor.on("inputRead", function (cm, change) {
    if (cm.state.completionActive || change.origin !== "+input") return;
    if (!/^[\w:?$-]$/.test(change.text.join(""))) return;
    const before = cm.getLine(change.from.line).slice(0, change.from.ch + 1);
    if (/(^|[^\w<])[A-Za-z][\w-]*:[\w-]*$/.test(before) || /[?$]\w*$/.test(before)) {
      cm.showHint(hints);
    }
  });

  function loadVocabulary() {
    fetch(root.getAttribute("data-vocabulary"), {headers: {Accept: "application/json"}})
      .then((response) => (response.ok ? response.json() : null))
      .then(function (answer) {
        if (!answer) return;
        Object.assign(vocab.prefixes, answer.prefixes || {});
        vocab.terms = answer.terms || [];
        vocab.entities = answer.entities || [];
      })
      .catch(function () { /* completion falls back to keywords and variables */ });
  }

  function setQuery(text) {
    editor.setValue(text);
    editor.clearHistory();
    editor.setCursor(editor.lineCount(), 0);
  }

  function addPrefixes() {
    const missing = missingPrefixes(editor.getValue(), vocab.prefixes);
    if (!missing.length) { say(T.prefixesNone); return; }
    // Put the declarations after the leading comment lines (the query's title).
    let at = 0;
    while (at < editor.lineCount() && /^\s*#/.test(editor.getLine(at))) at++;
    editor.replaceRange(missing.map((m) => m.line).join("\n") + "\n", CodeMirror.Pos(at, 0));
    say(fill(T.prefixesAdded, {prefixes: missing.map((m) => m.name + ":").join(", ")}));
  }

  // --- running --------------------------------------------------------------------------------

  function setBusy(busy) {
    root.classList.toggle("sq-busy", busy);
    results.setAttribute("aria-busy", busy ? "true" : "false");
    cancelButton.hidden = !busy;
  }

  function run() {
    const text = editor.getValue();
    hideError();
    if (!text.trim()) { showError(T.empty); return; }
    if (state.controller) state.controller.abort();
    const controller = typeof AbortController !== "undefined" ? new AbortController() : null;
    state.controller = controller;
    setBusy(true);
    say(T.running);
    send(ENDPOINT, text, ACCEPT, controller ? controller.signal : undefined).then(function (answer) {
      if (state.controller !== controller) return;
      state.controller = null;
      setBusy(false);
      if (!answer.ok) { showError(errorText(answer.payload, answer.status, T)); return; }
      if (answer.media.indexOf("json") >= 0) showJson(JSON.parse(answer.payload), answer.ms, answer.truncated);
      else showGraph(answer.payload, answer.ms, answer.rows, answer.truncated);
      updateDownloads(text);
      updateAddress();
    }).catch(function (error) {
      if (state.controller !== controller) return;
      state.controller = null;
      setBusy(false);
      if (error && error.name === "AbortError") say(T.cancelled);
      else showError(T.network);
    });
  }

  function cancel() {
    if (!state.controller) return;
    state.controller.abort();
    state.controller = null;
    setBusy(false);
    say(T.cancelled);
  }

  // --- errors ---------------------------------------------------------------------------------

  let errorMarks = [];
  let errorLine = -1;

  function clearErrorMarks() {
    errorMarks.forEach((mark) => mark.clear());
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
    el("sq-error-message").textContent = message;
    errorBox.hidden = false;
    output.hidden = true;
    truncatedEl.hidden = true;
    say("");
    const where = errorPosition(message);
    if (!where) return;
    const line = Math.min(where.line, editor.lineCount() - 1);
    const length = editor.getLine(line).length;
    const from = Math.min(where.column, length);
    errorLine = line;
    editor.addLineClass(line, "background", "sq-error-line");
    errorMarks.push(editor.markText(CodeMirror.Pos(line, from), CodeMirror.Pos(line, Math.max(from + 1, length)),
                                    {className: "sq-error-mark"}));
    errorGoto.textContent = fill(T.gotoError, {line: line + 1, column: where.column + 1});
    errorGoto.hidden = false;
    errorGoto.onclick = function () {
      editor.focus();
      editor.setCursor(CodeMirror.Pos(line, from));
    };
  }

  // --- showing results ------------------------------------------------------------------------

  function showTruncated(truncated, rows) {
    truncatedEl.hidden = !truncated;
    truncatedEl.textContent = truncated ? fill(T.truncated, {rows: Number(rows).toLocaleString()}) : "";
  }

  function showJson(answer, ms, truncated) {
    errorBox.hidden = true;
    output.hidden = false;
    if (typeof answer["boolean"] === "boolean") {
      const text = answer["boolean"] ? T.askTrue : T.askFalse;
      Object.assign(state, {kind: "ask", vars: [], rows: [], order: []});
      say(text);
      truncatedEl.hidden = true;
      results.textContent = "";
      results.appendChild(make("p", {"class": "sq-ask sq-ask-" + answer["boolean"]}, text));
      setViews();
      return;
    }
    const rows = (answer.results && answer.results.bindings) || [];
    Object.assign(state, {kind: "select", vars: (answer.head && answer.head.vars) || [], rows,
                          order: rows.map((row, i) => i), sortCol: -1, sortDir: 1, measure: -1});
    const count = rows.length;
    say(count === 0 ? fill(T.noRows, {ms}) :
        fill(count === 1 ? T.oneRow : T.rows, {rows: count.toLocaleString(), ms}));
    showTruncated(truncated, count);
    const views = setViews();
    state.view = state.preferred && views[state.preferred] ? state.preferred : "table";
    state.shown = PAGE_SIZE;
    render();
  }

  function showGraph(text, ms, count, truncated) {
    errorBox.hidden = true;
    output.hidden = false;
    Object.assign(state, {kind: "graph", vars: [], rows: [], order: []});
    say(count !== null && count !== "" ? fill(T.triples, {triples: Number(count).toLocaleString(), ms}) : T.graph);
    showTruncated(truncated, count);
    setViews();
    results.textContent = "";
    results.appendChild(make("p", {"class": "sq-note"}, T.graph));
    results.appendChild(make("pre", {"class": "sq-turtle"}, text));
  }

  function setViews() {
    const available = availableViews(state.kind, state.vars, state.rows);
    viewButtons.forEach(function (button) {
      const view = button.getAttribute("data-view");
      button.hidden = !available.table;
      button.disabled = !available[view];
      button.title = view === "chart" && !available.chart ? T.chartNone :
                     view === "timeline" && !available.timeline ? T.timelineNone : "";
    });
    return available;
  }

  const drawing = {
    state, names, T, results, pageSize: PAGE_SIZE,
    onSort: sortBy,
    onMore: function () { state.shown += PAGE_SIZE; render(); },
    onMeasure: function (index) {
      state.measure = index;
      render();
      const again = el("sq-measure");
      if (again) again.focus();
    }
  };

  function render() {
    viewButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-view") === state.view));
    });
    results.textContent = "";
    if (state.view === "chart") renderChart(drawing);
    else if (state.view === "timeline") renderTimeline(drawing);
    else renderTable(drawing);
  }

  function sortBy(column) {
    if (state.sortCol === column) state.sortDir = -state.sortDir;
    else { state.sortCol = column; state.sortDir = 1; }
    state.order = sortedOrder(state.order, state.rows, state.vars[column], state.sortDir, compareTerms);
    render();
    const button = results.querySelector('th[data-col="' + column + '"] button');
    if (button) button.focus();
    say(fill(state.sortDir > 0 ? T.sortedAsc : T.sortedDesc, {column: "?" + state.vars[column]}));
  }

  function switchView(view) {
    if (state.kind !== "select") return;
    state.view = view;
    state.preferred = view;
    render();
    updateAddress();
    const button = viewButtons.find((b) => b.getAttribute("data-view") === view);
    say(fill(T.viewShown, {view: button ? button.textContent : view}));
  }

  // --- downloads and the shareable address ------------------------------------------------

  function updateDownloads(text) {
    const box = el("sq-download-links");
    box.textContent = "";
    const absolute = new URL(ENDPOINT, location.href).href;
    downloadLinks(absolute, text, state.kind === "graph" ? "graph" : "results", FORMATS).forEach(function (link, i) {
      if (i) box.appendChild(document.createTextNode(" · "));
      const a = make("a", {href: link.href, download: link.name, "data-format": link.format,
                           "class": "sq-download"}, link.label);
      // A very long query does not fit in a URL: post it and save the answer instead.
      if (link.post) a.addEventListener("click", function (event) {
        event.preventDefault();
        download(ENDPOINT, text, link.media).then(function (blob) {
          const url = URL.createObjectURL(blob);
          const save = make("a", {href: url, download: link.name});
          document.body.appendChild(save);
          save.click();
          save.remove();
          setTimeout(() => URL.revokeObjectURL(url), 1000);
        }).catch(() => showError(T.network));
      });
      box.appendChild(a);
    });
  }

  function shownView() {
    if (state.kind === "select" && state.view !== "table") return state.view;
    return state.preferred;
  }

  let lastHash = "";
  function updateAddress() {
    lastHash = fragment(editor.getValue(), shownView());
    if (history.replaceState) history.replaceState(null, "", lastHash);
    el("sq-share-url").value = location.origin + location.pathname + lastHash;
  }

  function share() {
    updateAddress();
    const box = el("sq-share-url");
    el("sq-share-box").hidden = false;
    const fallback = function () {
      box.focus();
      box.select();
      say(T.copyHere);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(box.value).then(() => say(T.copied), fallback);
    } else {
      fallback();
    }
  }

  function readAddress() {
    const found = readQuery(location.hash, location.search);
    if (!found) return false;
    state.preferred = found.view;
    setQuery(found.query);
    return true;
  }

  // --- the gallery ----------------------------------------------------------------------------

  function loadExample(name) {
    const example = GALLERY.find((e) => e.name === name);
    if (!example) return;
    hideError();
    setQuery(example.query);
    state.preferred = example.view;
    lastHash = fragment(example.query, example.view);
    if (history.replaceState) history.replaceState(null, "", lastHash);
    root.querySelectorAll(".sq-example[aria-current]").forEach((a) => a.removeAttribute("aria-current"));
    const link = root.querySelector('.sq-example[data-example="' + name + '"]');
    if (link) link.setAttribute("aria-current", "true");
    say(fill(T.loaded, {title: example.title}));
    editor.focus();
  }

  // --- wiring ---------------------------------------------------------------------------------

  el("sq-form").addEventListener("submit", function (event) { event.preventDefault(); run(); });
  cancelButton.addEventListener("click", cancel);
  el("sq-prefixes").addEventListener("click", addPrefixes);
  el("sq-share").addEventListener("click", share);
  viewButtons.forEach(function (button) {
    button.addEventListener("click", () => switchView(button.getAttribute("data-view")));
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
}
