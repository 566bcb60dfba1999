/* The shareable address of a query, /sparql#query=<text>&view=<view>, and the download links.
 * The fragment never reaches the server, so it cannot clash with the protocol's ?query=.
 */

export const VIEWS = ["table", "chart", "timeline"];

/* Longest download URL followed as a link; a longer query is posted instead. */
export const LONG_URL = 7000;

export const DOWNLOADS = {
  select: [["csv", "CSV", "text/csv"], ["tsv", "TSV", "text/tab-separated-values"],
           ["json", "JSON", "application/sparql-results+json"],
           ["xml", "XML", "application/sparql-results+xml"]],
  graph: [["ttl", "Turtle", "text/turtle"], ["nt", "N-Triples", "application/n-triples"],
          ["jsonld", "JSON-LD", "application/ld+json"], ["rdf", "RDF/XML", "application/rdf+xml"]]
};

/* The fragment for a query and the view to show it in (the table needs no mention). */
export function fragment(query, view) {
  let hash = "#query=" + encodeURIComponent(query);
  if (view && view !== "table") hash += "&view=" + view;
  return hash;
}

/* Read {query, view} from a page address: the fragment, or the older ?qtext= parameter. */
export function readQuery(hash, search) {
  let params = hash.length > 1 ? new URLSearchParams(hash.slice(1)) : null;
  if (!params || !params.get("query")) {
    const old = new URLSearchParams(search);
    if (old.get("qtext")) params = new URLSearchParams({query: old.get("qtext"), view: old.get("view") || ""});
  }
  if (!params || !params.get("query")) return null;
  const view = params.get("view");
  return {query: params.get("query"), view: VIEWS.indexOf(view) >= 0 ? view : null};
}

/* The download links for a result: [{format, name, label, media, href, post}], `post` true
 * when the URL would be too long and the query must be sent in a POST body. */
export function downloadLinks(endpoint, query, kind) {
  const formats = kind === "graph" ? DOWNLOADS.graph : DOWNLOADS.select;
  return formats.map(function ([format, label, media]) {
    const href = endpoint + "?query=" + encodeURIComponent(query) + "&format=" + format;
    return {format, label, media, href, name: "aigraph-results." + format, post: href.length > LONG_URL};
  });
}
