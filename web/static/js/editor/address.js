/* The shareable address of a query, /sparql#query=<text>&view=<view>, and the download links.
 * The fragment never reaches the server, so it cannot clash with the protocol's ?query=.
 */

export const VIEWS = ["table", "chart", "timeline"];

/* Longest download URL followed as a link; a longer query is posted instead. */
export const LONG_URL = 7000;

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

/* The download links for a result of `kind` ("results" or "graph"), one per format of that
 * kind in `formats` (the server's registry: [{name, kind, media_type, label}]), as
 * [{format, name, label, media, href, post}]; `post` is true when the URL would be too long
 * and the query must be sent in a POST body instead. */
export function downloadLinks(endpoint, query, kind, formats) {
  return formats.filter((f) => f.kind === kind).map(function (f) {
    const href = endpoint + "?query=" + encodeURIComponent(query) + "&format=" + f.name;
    return {format: f.name, label: f.label, media: f.media_type, href,
            name: "aigraph-results." + f.name, post: href.length > LONG_URL};
  });
}
