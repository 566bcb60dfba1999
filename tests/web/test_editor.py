"""The query editor at /sparql: the page, its vendored assets, the gallery and completion lists."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from aigraph import queries
from aigraph.namespaces import AIG, PREFIXES
from aigraph.settings import PROJECT_ROOT
from aigraph.web.editor import example_text

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
STATIC = PROJECT_ROOT / "web" / "static"
VENDOR = STATIC / "vendor"
VENDOR_SH = PROJECT_ROOT / "web" / "vendor.sh"


class Assets(HTMLParser):
    """Collect script sources, stylesheet links and gallery entries of a page."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.examples: list[dict] = []
        self.ids: set[str] = set()
        self._example: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])
        if tag == "a" and "sq-example" in attrs.get("class", ""):
            self._example = {"name": attrs["data-example"], "view": attrs["data-view"],
                             "href": attrs["href"], "title": ""}

    def handle_data(self, data):
        if self._example is not None:
            self._example["title"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._example is not None:
            self.examples.append(self._example)
            self._example = None


def editor_page(client, **args):
    response = client.get("/sparql", headers=HTML, query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    parser = Assets()
    parser.feed(response.get_data(as_text=True))
    return response, parser


def test_browser_without_query_gets_the_editor(client):
    response, page = editor_page(client)
    assert {"sq", "sq-query", "sq-run", "sq-status", "sq-error", "sq-truncated", "sq-results",
            "sq-download-links", "sq-share", "sq-prefixes"} <= page.ids
    text = response.get_data(as_text=True)
    assert "data-endpoint=" in text and 'name="query"' in text


def test_editor_links_only_local_assets_that_exist_and_are_served(client):
    _, page = editor_page(client)
    own = [url for url in page.scripts + page.styles
           if "/vendor/" in url or url.endswith(("editor/main.js", "editor.css"))]
    assert any(url.endswith("/vendor/codemirror/lib/codemirror.js") for url in own)
    assert any(url.endswith("/vendor/codemirror/mode/sparql/sparql.js") for url in own)
    assert any(url.endswith("/vendor/codemirror/addon/hint/show-hint.js") for url in own)
    assert any(url.endswith("/js/editor/main.js") for url in own)
    assert any(url.endswith("/css/editor.css") for url in own)
    for url in page.scripts + page.styles:
        assert url.startswith("/static/"), f"{url} does not load from this site"
    for url in own:
        assert (STATIC / url.removeprefix("/static/")).is_file(), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content_length or response.data
        response.close()


def test_every_vendored_file_is_used_and_licensed(client):
    _, page = editor_page(client)
    linked = {url.removeprefix("/static/vendor/") for url in page.scripts + page.styles
              if url.startswith("/static/vendor/")}
    shipped = {str(path.relative_to(VENDOR)) for path in VENDOR.rglob("*")
               if path.is_file() and path.suffix in (".js", ".css")}
    # Other pages may use vendored files too; the editor's own must all be shipped.
    assert linked <= shipped
    for folder in {p.split("/", 1)[0] for p in shipped}:
        assert list((VENDOR / folder).glob("LICEN[CS]E*")), f"vendor/{folder} has no license"


def test_versions_list_the_pinned_packages_of_vendor_sh():
    versions = (VENDOR / "VERSIONS").read_text(encoding="utf-8")
    script = VENDOR_SH.read_text(encoding="utf-8")
    pinned = re.findall(r"^vendor (\S+) (\S+) \\\n\s+\"(sha512-[^\"]+)\"", script, re.M)
    assert ("codemirror", "5.65.21") in [(name, version) for name, version, _ in pinned]
    for name, version, integrity in pinned:
        assert re.search(rf"^{re.escape(name)}@{re.escape(version)} \S+ {re.escape(integrity)}$",
                         versions, re.M), f"{name}@{version} missing from VERSIONS"


def test_gallery_lists_every_example_in_the_page_language(client):
    _, english = editor_page(client, lang="en")
    _, italian = editor_page(client, lang="it")
    names = [n.rsplit("/", 1)[-1] for n in queries.names("examples")]
    assert len(english.examples) == len(names) >= 20
    assert [e["name"] for e in english.examples] == names
    for en, it, name in zip(english.examples, italian.examples, queries.names("examples"),
                            strict=True):
        query = queries.get(name)
        assert en["title"].strip() == query.title
        assert it["title"].strip() == query.headers["title_it"]
        assert en["view"] == query.headers["view"]
        assert en["href"].startswith("#query=") and en["href"].endswith("view=" + en["view"])


def test_examples_json_in_english_and_italian(client):
    english = client.get("/sparql/examples.json?lang=en").get_json()
    italian = client.get("/sparql/examples.json?lang=it").get_json()
    assert english["lang"] == "en" and italian["lang"] == "it"
    assert len(english["examples"]) >= 20
    assert len(english["examples"]) == len(italian["examples"])
    differ = 0
    for en, it in zip(english["examples"], italian["examples"], strict=True):
        assert set(en) == {"name", "title", "view", "query"}
        assert en["name"] == it["name"] and en["view"] == it["view"]
        assert en["view"] in {"table", "chart", "timeline"}
        assert en["title"] and it["title"]
        differ += en["title"] != it["title"]
        assert en["query"].startswith(f"# {en['title']}\n")
        assert it["query"].startswith(f"# {it['title']}\n")
        assert "title_it:" not in en["query"] and "# view:" not in en["query"]
        assert "SELECT" in en["query"]
    assert differ >= len(english["examples"]) - 2


def test_examples_json_follows_the_language_cookie_or_header(client):
    data = client.get("/sparql/examples.json", headers={"Accept-Language": "it"}).get_json()
    assert data["lang"] == "it"


def test_example_text_drops_the_headers_and_keeps_the_query():
    text = "# title: T\n# title_it: Ti\n# view: chart\n# a real comment\nSELECT * {}\n"
    assert example_text(text, "Ti") == "# Ti\n# a real comment\nSELECT * {}\n"


def test_vocabulary_completes_aig_terms_with_labels(client):
    data = client.get("/sparql/vocabulary.json?lang=en").get_json()
    terms = {t["name"]: t for t in data["terms"]}
    assert terms["aig:Milestone"]["kind"] == "class"
    assert terms["aig:Milestone"]["label"] == "Milestone"
    assert terms["aig:releaseDate"]["kind"] == "property"
    assert terms["aig:releaseDate"]["comment"]
    assert terms["aig:Landmark"]["kind"] == "value"
    assert "rdfs:label" in terms and "owl:sameAs" in terms
    assert data["prefixes"] == PREFIXES


def test_vocabulary_lists_every_term_of_the_closed_namespace(client):
    data = client.get("/sparql/vocabulary.json").get_json()
    names = {t["name"] for t in data["terms"]}
    assert {f"aig:{name}" for name in AIG.__annotations__} <= names


def test_vocabulary_labels_follow_the_language(client):
    data = client.get("/sparql/vocabulary.json?lang=it").get_json()
    terms = {t["name"]: t for t in data["terms"]}
    assert data["lang"] == "it"
    assert terms["aig:Milestone"]["label"] == "Tappa"
    assert terms["aig:releaseDate"]["label"] == "data di rilascio"


def test_vocabulary_completes_entity_slugs(client):
    data = client.get("/sparql/vocabulary.json?lang=en").get_json()
    entities = {e["name"]: e for e in data["entities"]}
    assert all(re.fullmatch(r"id:[a-z0-9]+(-[a-z0-9]+)*", name) for name in entities)
    assert entities["id:mistral-7b"] == {"name": "id:mistral-7b", "type": "aig:Model",
                                         "label": "Mistral 7B"}
    assert entities["id:meta"]["type"] == "aig:Organization"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_editor_strings_are_in_the_page_language(client, lang):
    response, _ = editor_page(client, lang=lang)
    text = response.get_data(as_text=True)
    assert f'data-lang="{lang}"' in text
    assert f'FILTER(LANG(?title) = "{lang}")' in text


def test_editor_prefills_a_query_given_by_the_endpoint(app):
    from flask import render_template

    with app.test_request_context("/sparql", headers=HTML):
        html = render_template("sparql/editor.html", query="ASK { ?s ?p ?o }", endpoint="/sparql")
    assert "ASK { ?s ?p ?o }</textarea>" in html
    assert 'data-autorun="true"' in html


def test_gallery_data_is_embedded_safely(app):
    from flask import render_template

    with app.test_request_context("/sparql", headers=HTML):
        html = render_template("sparql/editor.html", query="</script><b>x</b>")
    assert "</script><b>" not in html
    assert "&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;</textarea>" in html


def test_editor_modules_resolve_and_are_served_as_javascript(client):
    """Every module main.js imports, directly or not, exists and has a JavaScript media type.

    Browsers refuse a module script served with another type, so a wrong type breaks the page.
    """
    import re

    pending, seen = ["js/editor/main.js"], set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get("/static/" + path)
        assert response.status_code == 200, path
        assert response.mimetype in ("text/javascript", "application/javascript"), (path, response.mimetype)
        folder = path.rsplit("/", 1)[0]
        text = response.get_data(as_text=True)
        response.close()
        for name in re.findall(r'^import .* from "\./([\w-]+\.js)";$', text, re.M):
            pending.append(f"{folder}/{name}")
    assert {"js/editor/completion.js", "js/editor/render.js", "js/editor/terms.js"} <= seen
