/* What the editor offers as you type: SPARQL keywords, declared prefixes, the vocabulary's
 * terms, entities by name or label, and the query's own variables. Pure functions over the
 * text before the cursor; main.js adapts the answer to CodeMirror's hint pop-up.
 */

export const KEYWORDS = ["SELECT", "DISTINCT", "REDUCED", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS",
  "GRAPH", "BIND", "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASC", "DESC",
  "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "AS", "NOT EXISTS", "EXISTS", "IN", "NOT IN",
  "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "STR", "LANG",
  "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "BNODE", "STRLEN", "SUBSTR", "UCASE", "LCASE",
  "STRSTARTS", "STRENDS", "CONTAINS", "STRBEFORE", "STRAFTER", "CONCAT", "REPLACE", "REGEX",
  "YEAR", "MONTH", "DAY", "NOW", "ABS", "ROUND", "CEIL", "FLOOR", "COALESCE", "IF", "ISIRI",
  "ISLITERAL", "ISBLANK", "ISNUMERIC", "SAMETERM", "true", "false", "a"];

/* The most entities one pop-up lists (the completion list would be unusable beyond it). */
export const MAX_ENTITIES = 200;

function entry(text, note, title) {
  return {text, note: note || "", title: title || ""};
}

/* Entries named "prefix:local..." first, then those whose local name or label contains the
 * typed local part (so "id:llama" also offers "id:meta-llama-3", and "id:turing" a title). */
export function rank(list, prefix, local) {
  const head = (prefix + ":" + local).toLowerCase();
  const needle = local.toLowerCase();
  const starts = [];
  const contains = [];
  list.forEach(function (item) {
    const name = item.name.toLowerCase();
    if (name.indexOf(prefix.toLowerCase() + ":") !== 0) return;
    if (name.indexOf(head) === 0) starts.push(item);
    else if (needle && (name.indexOf(needle, prefix.length + 1) > 0 ||
             (item.label || "").toLowerCase().indexOf(needle) >= 0)) contains.push(item);
  });
  return starts.concat(contains);
}

/* The variables a query mentions, in order of first use, comments left out. */
export function variablesIn(text) {
  const seen = new Set();
  const out = [];
  for (const match of text.replace(/#[^\n]*/g, "").matchAll(/[?$]([A-Za-z_]\w*)/g)) {
    if (!seen.has(match[1])) { seen.add(match[1]); out.push(match[1]); }
  }
  return out;
}

/* Suggestions for the cursor at the end of `line` in a query whose whole text is `text`.
 * `vocab` holds {prefixes, terms, entities}; `notes` the words shown beside keywords,
 * variables and prefixes. Returns {items, start} (start: the column the replaced word starts
 * at), or null when nothing fits. */
export function suggest(line, text, vocab, notes) {
  const at = line.length;
  let match;
  if ((match = /\bPREFIX\s+([\w-]*:?)$/i.exec(line))) {
    const typed = match[1];
    const items = Object.keys(vocab.prefixes)
      .filter((name) => (name + ":").indexOf(typed) === 0)
      .map((name) => entry(name + ": <" + vocab.prefixes[name] + ">", ""));
    return answer(items, at - typed.length);
  }
  if ((match = /[?$](\w*)$/.exec(line))) {
    const own = match[1];
    const items = variablesIn(text)
      .filter((name) => name.indexOf(own) === 0 && name !== own)
      .map((name) => entry(name, notes.variable));
    return answer(items, at - own.length);
  }
  if ((match = /([A-Za-z][\w-]*)?:([\w-]*)$/.exec(line))) {
    const prefix = match[1] || "";
    const local = match[2];
    const items = prefix === "id"
      ? rank(vocab.entities, prefix, local).slice(0, MAX_ENTITIES)
        .map((e) => entry(e.name, e.label + (e.type ? " · " + e.type : "")))
      : rank(vocab.terms, prefix, local).map((t) => entry(t.name, t.label, t.comment));
    return answer(items, at - match[0].length);
  }
  match = /[A-Za-z_][\w-]*$/.exec(line);
  const word = match ? match[0] : "";
  const lower = word.toLowerCase();
  const items = KEYWORDS.filter((k) => k.toLowerCase().indexOf(lower) === 0)
    .map((k) => entry(k, notes.keyword));
  Object.keys(vocab.prefixes).forEach(function (name) {
    if (name.indexOf(lower) === 0) items.push(entry(name + ":", notes.prefix));
  });
  if (word) {
    vocab.terms.forEach(function (t) {
      const localName = t.name.slice(t.name.indexOf(":") + 1).toLowerCase();
      if (localName.indexOf(lower) === 0) items.push(entry(t.name, t.label, t.comment));
    });
  }
  return answer(items, at - word.length);
}

function answer(items, start) {
  return items.length ? {items, start} : null;
}

/* The prefixes a query uses, found outside comments, strings and <IRIs>. */
export function usedPrefixes(text) {
  const stripped = text.replace(/#[^\n]*/g, " ")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ")
    .replace(/<[^<>\s]*>/g, " ");
  const used = new Set();
  for (const match of stripped.matchAll(/(^|[^\w:?$.-])([A-Za-z][\w-]*):/g)) used.add(match[2]);
  return Array.from(used);
}

/* PREFIX lines for the known prefixes a query uses without declaring, sorted by name. */
export function missingPrefixes(text, prefixes) {
  const declared = new Set();
  for (const match of text.matchAll(/PREFIX\s+([\w-]*):/gi)) declared.add(match[1]);
  return usedPrefixes(text).filter((name) => !declared.has(name) && prefixes[name]).sort()
    .map((name) => ({name, line: "PREFIX " + name + ": <" + prefixes[name] + ">"}));
}
