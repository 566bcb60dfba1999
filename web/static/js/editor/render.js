/* Drawing a SELECT result as a sortable table, a bar chart or a timeline (SVG), into the
 * results element. `view` carries what every drawing needs:
 *   {state, names, T, results, pageSize, onSort(index), onMore(), onMeasure(index)}
 * where `state` is the editor's result state and `names` the naming context of terms.js.
 */
import {make, svg} from "./dom.js";
import {fill} from "./text.js";
import {CHART_MAX, BAR, TIMELINE, barLayout, timelineLayout} from "./layout.js";
import {XSD, columns, dateOf, isNumber, labelColumn} from "./terms.js";

function cell(term, names) {
  const td = make("td");
  if (!term) { td.className = "sq-unbound"; return td; }
  if (term.type === "uri") {
    const href = names.href(term.value);
    const text = names.compact(term.value);
    const node = href ? make("a", {href, title: term.value}, text) : make("span", {title: term.value}, text);
    if (href && !names.isOwnPage(href)) node.setAttribute("rel", "noopener");
    td.appendChild(node);
    return td;
  }
  td.appendChild(document.createTextNode(names.display(term)));
  if (term["xml:lang"]) td.appendChild(make("span", {"class": "sq-lang"}, "@" + term["xml:lang"]));
  if (isNumber(term)) td.className = "sq-num";
  else if (term.datatype && term.datatype !== XSD + "string") td.title = names.compact(term.datatype);
  return td;
}

function headerCell(view, name, index) {
  const {state, T} = view;
  const th = make("th", {scope: "col", "data-col": String(index)});
  const sorted = state.sortCol === index;
  th.setAttribute("aria-sort", sorted ? (state.sortDir > 0 ? "ascending" : "descending") : "none");
  const button = make("button", {type: "button", "class": "sq-sort", title: fill(T.sortBy, {column: "?" + name})});
  button.appendChild(make("span", null, "?" + name));
  button.appendChild(make("span", {"class": "sq-sort-mark", "aria-hidden": "true"},
                          sorted ? (state.sortDir > 0 ? "▲" : "▼") : "↕"));
  button.addEventListener("click", () => view.onSort(index));
  th.appendChild(button);
  return th;
}

export function renderTable(view) {
  const {state, T, results} = view;
  const wrap = make("div", {"class": "sq-table-wrap"});
  const table = make("table", {"class": "sq-table"});
  table.appendChild(make("caption", {"class": "sq-caption"},
                         fill(T.caption, {rows: state.rows.length.toLocaleString()})));
  const head = make("tr");
  state.vars.forEach((name, index) => head.appendChild(headerCell(view, name, index)));
  table.appendChild(make("thead")).appendChild(head);
  const body = make("tbody");
  const limit = Math.min(state.shown, state.order.length);
  for (let k = 0; k < limit; k++) {
    const row = state.rows[state.order[k]];
    const tr = make("tr");
    state.vars.forEach((name) => tr.appendChild(cell(row[name], view.names)));
    body.appendChild(tr);
  }
  table.appendChild(body);
  wrap.appendChild(table);
  results.appendChild(wrap);
  if (limit < state.order.length) {
    const more = Math.min(view.pageSize, state.order.length - limit);
    const button = make("button", {type: "button", "class": "sq-secondary sq-more"},
                        fill(T.showMore, {count: more.toLocaleString()}));
    button.addEventListener("click", () => view.onMore());
    results.appendChild(button);
  }
}

/* The first column of the row that links to one of our own entity pages, if any. */
function rowLink(view, row, cols) {
  for (const index of cols.uris) {
    const term = row[view.state.vars[index]];
    if (term && term.type === "uri") {
      const href = view.names.href(term.value);
      if (view.names.isOwnPage(href)) return href;
    }
  }
  return null;
}

function measureChooser(view, numeric, measure) {
  const p = make("p", {"class": "sq-measure"});
  const select = make("select", {id: "sq-measure"});
  numeric.forEach(function (index) {
    const option = make("option", {value: String(index)}, "?" + view.state.vars[index]);
    if (index === measure) option.selected = true;
    select.appendChild(option);
  });
  select.addEventListener("change", () => view.onMeasure(parseInt(select.value, 10)));
  p.appendChild(make("label", {"for": "sq-measure"}, view.T.measure + " "));
  p.appendChild(select);
  return p;
}

function figure(chart, caption) {
  const node = make("figure", {"class": "sq-figure"});
  node.appendChild(chart);
  node.appendChild(make("figcaption", null, caption));
  return node;
}

export function renderChart(view) {
  const {state, T, results, names} = view;
  const cols = columns(state.vars, state.rows);
  if (!cols.numeric.length) { results.appendChild(make("p", {"class": "sq-note"}, T.chartNone)); return; }
  if (cols.numeric.indexOf(state.measure) < 0) state.measure = cols.numeric[cols.numeric.length - 1];
  const measure = state.measure;
  const label = labelColumn(cols, [measure]);
  if (cols.numeric.length > 1) results.appendChild(measureChooser(view, cols.numeric, measure));
  const measureName = state.vars[measure];
  const labelName = label >= 0 ? state.vars[label] : null;
  let rows = state.order.map((i) => state.rows[i]).filter((row) => row[measureName]);
  const cut = rows.length > CHART_MAX;
  rows = rows.slice(0, CHART_MAX);
  const values = rows.map((row) => Number(row[measureName].value));
  const geometry = barLayout(values);
  const title = fill(T.chartTitle, {measure: "?" + measureName, label: labelName ? "?" + labelName : "#"});
  const chart = svg("svg", {"class": "sq-chart", viewBox: "0 0 " + geometry.width + " " + geometry.height,
                            width: String(geometry.width), role: "img", "aria-labelledby": "sq-chart-title"});
  chart.appendChild(svg("title", {id: "sq-chart-title"}, title));
  rows.forEach(function (row, k) {
    const {x, y, w} = geometry.bars[k];
    const text = labelName ? names.display(row[labelName]) : String(k + 1);
    const short = text.length > 34 ? text.slice(0, 33) + "…" : text;
    const group = svg("g", {"class": "sq-bar-row"});
    const labelNode = svg("text", {x: String(BAR.labelWidth - 8), y: String(y + BAR.height * 0.7),
                                   "text-anchor": "end", "class": "sq-bar-label"}, short);
    const href = rowLink(view, row, cols);
    if (href) group.appendChild(svg("a", {href})).appendChild(labelNode);
    else group.appendChild(labelNode);
    const bar = svg("rect", {x: String(x), y: String(y), width: String(w), height: String(BAR.height),
                             rx: "2", "class": "sq-bar"});
    bar.appendChild(svg("title", null, text + ": " + row[measureName].value));
    group.appendChild(bar);
    group.appendChild(svg("text", {x: String(x + w + 6), y: String(y + BAR.height * 0.7), "class": "sq-bar-value"},
                          Number(values[k]).toLocaleString()));
    chart.appendChild(group);
  });
  chart.appendChild(svg("line", {x1: String(geometry.zero), x2: String(geometry.zero), y1: "0",
                                 y2: String(geometry.height), "class": "sq-axis"}));
  results.appendChild(figure(chart, title + (cut ? " — " + fill(T.chartCut, {count: CHART_MAX}) : "")));
}

function timelineAxis(geometry, title) {
  const t = TIMELINE;
  const chart = svg("svg", {"class": "sq-timeline-axis", viewBox: "0 0 " + t.width + " " + t.height,
                            role: "img", "aria-labelledby": "sq-timeline-title"});
  chart.appendChild(svg("title", {id: "sq-timeline-title"}, title));
  chart.appendChild(svg("line", {x1: String(t.left), x2: String(t.width - t.right), y1: String(t.axisY),
                                 y2: String(t.axisY), "class": "sq-axis"}));
  geometry.ticks.forEach(function ({year, x}) {
    chart.appendChild(svg("line", {x1: String(x), x2: String(x), y1: String(t.axisY), y2: String(t.axisY + 6),
                                   "class": "sq-axis"}));
    chart.appendChild(svg("text", {x: String(x), y: String(t.axisY + 20), "text-anchor": "middle",
                                   "class": "sq-tick"}, String(year)));
  });
  return chart;
}

export function renderTimeline(view) {
  const {state, T, results, names} = view;
  const cols = columns(state.vars, state.rows);
  if (!cols.dates.length) { results.appendChild(make("p", {"class": "sq-note"}, T.timelineNone)); return; }
  const dateName = state.vars[cols.dates[0]];
  const label = labelColumn(cols, [cols.dates[0]]);
  const labelName = label >= 0 ? state.vars[label] : null;
  const events = [];
  state.rows.forEach(function (row) {
    const when = dateOf(row[dateName]);
    if (when) events.push({when, row});
  });
  events.sort((a, b) => a.when.at - b.when.at);
  const geometry = timelineLayout(events.map((event) => event.when.at));
  const title = fill(T.timelineTitle, {column: "?" + dateName});
  const chart = timelineAxis(geometry, title);
  events.forEach(function (event, k) {
    const dot = svg("circle", {cx: String(geometry.dots[k].x), cy: String(geometry.dots[k].y), r: "4",
                               "class": "sq-dot"});
    dot.appendChild(svg("title", null, event.when.text + (labelName ? " " + names.display(event.row[labelName]) : "")));
    chart.appendChild(dot);
  });
  results.appendChild(figure(chart, title));

  const list = make("ol", {"class": "sq-timeline"});
  let currentYear = null;
  events.forEach(function (event) {
    const li = make("li", {"class": "sq-event"});
    if (event.when.year !== currentYear) {
      currentYear = event.when.year;
      li.classList.add("sq-event-year");
      li.setAttribute("data-year", String(currentYear));
    }
    li.appendChild(make("time", {datetime: event.when.text}, event.when.text));
    const text = labelName ? names.display(event.row[labelName]) : "";
    const href = rowLink(view, event.row, cols);
    li.appendChild(href ? make("a", {href}, text || href) : make("span", null, text));
    list.appendChild(li);
  });
  results.appendChild(list);
}
