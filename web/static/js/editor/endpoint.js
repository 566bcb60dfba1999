/* Talking to the SPARQL endpoint: the query goes as a POST form with an Accept header; an
 * error comes back as JSON {"error": ...} (or plain text), truncation as the
 * AIGraph-Truncated header. */
import {fill} from "./text.js";

export const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";

/* The message to show for a failed answer with this body and status. */
export function errorText(body, status, T) {
  const text = (body || "").trim();
  try {
    const parsed = JSON.parse(text);
    if (parsed && parsed.error) return parsed.error;
  } catch (ignored) { /* plain text */ }
  return text || fill(T.httpStatus, {status});
}

/* Where a syntax error points, as 0-based {line, column}, from "line L, column C" in its message. */
export function errorPosition(message) {
  const where = /line (\d+), column (\d+)/.exec(message);
  if (!where) return null;
  return {line: Math.max(parseInt(where[1], 10) - 1, 0), column: Math.max(parseInt(where[2], 10) - 1, 0)};
}

function formBody(query) {
  const body = new URLSearchParams();
  body.set("query", query);
  return body.toString();
}

/* Send `query`; resolve to {ok, status, media, payload, ms, truncated, rows}. */
export function send(endpoint, query, accept, signal) {
  const started = Date.now();
  return fetch(endpoint, {
    method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    body: formBody(query),
    signal
  }).then(function (response) {
    const media = (response.headers.get("Content-Type") || "").split(";")[0].trim();
    return response.text().then((payload) => ({
      ok: response.ok,
      status: response.status,
      media,
      payload,
      ms: response.headers.get("AIGraph-Time-Ms") || String(Date.now() - started),
      truncated: response.headers.get("AIGraph-Truncated") === "true",
      rows: response.headers.get("AIGraph-Rows")
    }));
  });
}

/* Fetch the answer in format `media` as a Blob (for downloads too long for a URL). */
export function download(endpoint, query, media) {
  return fetch(endpoint, {method: "POST", body: formBody(query),
                          headers: {"Content-Type": "application/x-www-form-urlencoded", Accept: media}})
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.blob();
    });
}
