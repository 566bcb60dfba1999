/* Pure helpers over SPARQL JSON terms ({type, value, datatype, "xml:lang"}): how a term is
 * shown, linked, compared and classified. No DOM here, so Node's test runner covers it all.
 */

export const XSD = "http://www.w3.org/2001/XMLSchema#";

const NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "byte",
  "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
  "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map((n) => XSD + n);
const DATES = ["date", "dateTime", "gYear", "gYearMonth", "dateTimeStamp"].map((n) => XSD + n);
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/* Naming context: the prefixes the page declares, where entity IRIs start, where their pages live. */
export function namer(prefixes, entityBase, entityPage) {
  function compact(iri) {
    for (const name of Object.keys(prefixes)) {
      const base = prefixes[name];
      if (iri.indexOf(base) === 0 && /^[\w-]*$/.test(iri.slice(base.length))) {
        return name + ":" + iri.slice(base.length);
      }
    }
    if (iri.indexOf(entityBase) === 0) return "id:" + iri.slice(entityBase.length);
    return iri;
  }

  function display(term) {
    if (!term) return "";
    if (term.type === "uri") return compact(term.value);
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }

  /* The page to open for an IRI: our own entity page, an outside http(s) address, or null. */
  function href(iri) {
    if (iri.indexOf(entityBase) === 0) {
      const slug = iri.slice(entityBase.length);
      if (SLUG.test(slug)) return entityPage + slug;
    }
    return /^https?:\/\//.test(iri) ? iri : null;
  }

  function isOwnPage(link) {
    return !!link && link.indexOf(entityPage) === 0;
  }

  return {compact, display, href, isOwnPage};
}

export function isNumber(term) {
  return !!term && term.type !== "uri" && term.type !== "bnode" && NUMERIC.indexOf(term.datatype) >= 0;
}

/* A date-like literal as {year, text, at}, `at` a fractional year for plotting; else null. */
export function dateOf(term) {
  if (!term || term.type === "uri" || term.type === "bnode") return null;
  if (term.datatype && DATES.indexOf(term.datatype) < 0) return null;
  const m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(term.value);
  if (!m || (!term.datatype && !m[2])) return null;
  const year = parseInt(m[1], 10);
  const month = m[2] ? parseInt(m[2], 10) : 1;
  const day = m[3] ? parseInt(m[3], 10) : 1;
  return {year, text: term.value.slice(0, m[0].length), at: year + ((month - 1) * 30.4 + day - 1) / 365.25};
}

/* Order two terms: unbound last, numbers by value, the rest by their shown text. */
export function comparer(display, collator) {
  return function compareTerms(a, b) {
    if (!a && !b) return 0;
    if (!a) return 1;
    if (!b) return -1;
    if (isNumber(a) && isNumber(b)) return Number(a.value) - Number(b.value);
    const x = display(a);
    const y = display(b);
    if (collator) return collator.compare(x, y);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/* Row indexes sorted on one column; unbound values stay last whichever the direction. */
export function sortedOrder(order, rows, name, dir, compareTerms) {
  return order.slice().sort(function (i, j) {
    const a = rows[i][name];
    const b = rows[j][name];
    if (!a || !b) return compareTerms(a, b) || i - j;
    return dir * compareTerms(a, b) || i - j;
  });
}

/* Classify the columns of a result: all numbers, all dates, all IRIs, or other literals. */
export function columns(vars, rows) {
  const out = {numeric: [], dates: [], literal: [], uris: []};
  vars.forEach(function (name, index) {
    const values = rows.map((row) => row[name]).filter(Boolean);
    if (!values.length) return;
    if (values.every(isNumber)) out.numeric.push(index);
    else if (values.every((v) => dateOf(v) !== null)) out.dates.push(index);
    else if (values.every((v) => v.type === "uri")) out.uris.push(index);
    else out.literal.push(index);
  });
  return out;
}

/* The column that best names a row, other than those in `exclude`; -1 when none is left. */
export function labelColumn(cols, exclude) {
  const pool = cols.literal.concat(cols.uris, cols.dates, cols.numeric);
  for (const index of pool) if (exclude.indexOf(index) < 0) return index;
  return -1;
}

/* Which result views make sense: a table for any SELECT, a chart with numbers, a timeline with dates. */
export function availableViews(kind, vars, rows) {
  const available = {table: kind === "select", chart: false, timeline: false};
  if (kind === "select" && rows.length) {
    const cols = columns(vars, rows);
    available.chart = cols.numeric.length > 0;
    available.timeline = cols.dates.length > 0;
  }
  return available;
}
