"""The ``aigraph`` command line: serve, validate, query, path, export and stats (the curation commands
user, token, revert and import live in aigraph.curation.commands).

Commands import the heavier parts they need (Flask, pySHACL, the paths) when they run, so that a
quick ``aigraph query`` loads none of them. Messages come from the Babel catalog in the language
of ``--lang``, or of the ``default_language`` setting for commands without it.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from aigraph import cli_data, formats, queries
from aigraph.cli_query_io import read_query, write_line_ended
from aigraph.errors import AigraphError, QuerySyntaxError
from aigraph.guard import check_query, locate
from aigraph.i18n import DEFAULT, LANGUAGES, translate
from aigraph.namespaces import compact
from aigraph.production import add_serve_options, run_production
from aigraph.settings import Settings
from aigraph.store import Rows, Store, data_files, open_store

#: ``--format`` choices of ``query`` and ``export`` (in the order ``--help`` has always shown),
#: with their media types from the format registry.
QUERY_FORMATS = {name: formats.get(name).media_type for name in ("json", "csv", "tsv", "xml")}
EXPORT_FORMATS = {name: formats.get(name).media_type for name in ("ttl", "nt", "jsonld", "rdf")}


def _lang(args, settings: Settings) -> str:
    """The language of a command's messages: its ``--lang``, else the default language."""
    lang = getattr(args, "lang", None) or settings.default_language
    return lang if lang in LANGUAGES else DEFAULT


def _store(settings: Settings, spec: str | None) -> Store:
    return open_store(spec if spec is not None else settings.store,
                      ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
                      update_url=settings.update_url, history_dir=settings.history_dir,
        timeout=settings.remote_timeout)


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact(term)
    if isinstance(term, Literal) and term.language:
        return f"{term}@{term.language}"
    return str(term)


def format_table(rows: Rows, max_width: int = 60) -> str:
    """Render rows as an aligned plain-text table with compact IRIs."""
    header = list(rows.variables)
    body = [[_cell(row.get(v)) for v in header] for row in rows.rows]
    body = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in body]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(lines)




# --- commands ------------------------------------------------------------------------------

def cmd_serve(args, settings: Settings) -> int:
    from aigraph import serving
    from aigraph.web import create_app

    overrides = {}
    if args.store is not None:
        overrides["store"] = args.store
    if args.update_url:
        overrides["update_url"] = args.update_url
    settings = settings.replace(**overrides)
    problem = serving.check_data(settings)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if not args.dev:
        return run_production(settings, args)
    app = create_app({"AIGRAPH": settings})
    # Start the query workers now, so the first visitor does not wait for them, and stop them
    # (removing their copy of the store) however the server ends.
    executor = app.extensions["aigraph_executor"]
    executor.start()
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url = f"http://{args.host}:{args.port}/"
    print(translate(_lang(args, settings), "aigraph serving on %(url)s (%(kind)s store)",
                    url=url, kind=app.extensions["aigraph"].store.kind), file=sys.stderr)
    try:
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False,
                request_handler=serving.request_handler(settings))
    finally:
        executor.close()
        signal.signal(signal.SIGTERM, previous)
    return 0


def cmd_validate(args, settings: Settings) -> int:
    from aigraph.paths.checks import check_paths
    from aigraph.store import EmbeddedStore
    from aigraph.validate import ParseError, load_graph, load_shapes, validate

    files = [Path(f) for f in args.files] or data_files(settings.ontology_dir, settings.data_dir)
    ontology = Path(settings.ontology_dir) / "aigraph.ttl"
    if args.files and ontology not in files:
        files = [ontology, *files]
    try:
        graph = load_graph(files)
    except ParseError as error:
        print(translate(args.lang, "parse error: %(error)s", error=error), file=sys.stderr)
        return 2
    except OSError as error:
        print(translate(args.lang, "cannot read: %(error)s", error=error), file=sys.stderr)
        return 2
    report = validate(graph, shapes=load_shapes(settings.ontology_dir))
    # Reading paths are rules: what they select is only known by running them on the data.
    problems = check_paths(EmbeddedStore.from_files(files))
    path_errors = [p for p in problems if p.severity == "error"]
    if args.format == "json":
        data = report.to_json()
        data["paths"] = [{"path": p.path, "severity": p.severity, "code": p.code,
                          "message": p.message(args.lang), "focus": list(p.focus)}
                         for p in problems]
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(report.format_text(lang=args.lang))
        if problems:
            print("\n" + translate(args.lang, "Reading paths:"))
            for problem in problems:
                print(f"  [{problem.severity}] {problem.message(args.lang)}")
    return 0 if report.conforms and not path_errors else 1


def cmd_format(args, settings: Settings) -> int:
    from aigraph.datafile import StaleData, canonical_files, snapshot, write_data
    from aigraph.validate import ParseError, load_graph, load_ontology, load_shapes, validate

    lang = _lang(args, settings)
    data_dir = Path(settings.data_dir)
    read = snapshot(data_dir)  # taken before reading: an edit made from now on is kept
    try:
        graph = load_graph(sorted(data_dir.glob("*.ttl")))
    except ParseError as error:
        print(translate(lang, "parse error: %(error)s", error=error), file=sys.stderr)
        return 2
    if args.check:
        wanted = canonical_files(graph)
        present = {p.name: p.read_text(encoding="utf-8") for p in data_dir.glob("*.ttl")}
        if present == wanted:
            print(translate(lang, "data files are in canonical form"))
            return 0
        changed = sorted(set(wanted) ^ set(present)
                         | {n for n in wanted if present.get(n) != wanted[n]})
        print(translate(lang, "not in canonical form (run `aigraph format`): %(files)s",
                        files=", ".join(changed)))
        return 1

    def conforming(data):
        ontology = load_ontology(settings.ontology_dir)
        report = validate(data + ontology, shapes=load_shapes(settings.ontology_dir),
                          ontology=ontology)
        if not report.conforms:
            raise ValueError(report.format_text())

    try:
        written = write_data(graph, data_dir, check=conforming, read=read)
    except StaleData as error:
        print(f"nothing written: {error}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(translate(lang, "nothing written: the data does not conform") + f"\n{error}",
              file=sys.stderr)
        return 1
    print(translate(lang, "wrote %(files)s", files=", ".join(p.name for p in written)))
    return 0


def cmd_query(args, settings: Settings) -> int:
    lang = _lang(args, settings)
    text = read_query(args, lang)
    if text is None:
        return 2
    checked = check_query(text)
    try:
        return _run_query(args, settings, lang, checked)
    except QuerySyntaxError as error:
        # The engine counts columns from the predeclared prefixes; point at the user's text.
        raise QuerySyntaxError(locate(str(error), checked)) from error


def _run_query(args, settings: Settings, lang: str, checked) -> int:
    text, form = checked.text, checked.form
    store = _store(settings, args.store)
    out = sys.stdout.buffer
    if form in ("CONSTRUCT", "DESCRIBE"):
        # A graph shows as Turtle for "table", and "json" means JSON-LD.
        media = EXPORT_FORMATS.get({"table": "ttl", "json": "jsonld"}.get(args.format, args.format))
        if media is None:
            print(translate(lang, "a %(form)s query gives a graph: use --format table, json, "
                                  "ttl, nt, jsonld or rdf", form=form), file=sys.stderr)
            return 2
        write_line_ended(out, store.serialize_query(text, media))
    elif args.format == "table":
        if form == "ASK":
            print(translate(lang, "yes") if store.ask(text) else translate(lang, "no"))
        else:
            print(format_table(store.select(text)))
    elif args.format in QUERY_FORMATS:
        write_line_ended(out, store.serialize_query(text, QUERY_FORMATS[args.format]))
    else:
        print(translate(lang, "a %(form)s query gives a table: use --format table, json, csv, "
                              "tsv or xml", form=form), file=sys.stderr)
        return 2
    out.flush()
    return 0


def cmd_export(args, settings: Settings) -> int:
    store = _store(settings, args.store)
    data = store.export(EXPORT_FORMATS[args.format])
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def cmd_stats(args, settings: Settings) -> int:
    store = _store(settings, args.store)
    lang = Literal(args.lang)
    sections = [
        ("Entities per class", queries.select(store, "core/class_counts"), ("name", "count")),
        ("Milestones per decade", queries.select(store, "core/per_decade"), ("decade", "count")),
        ("Milestones per category", queries.select(store, "core/per_category", lang=lang),
         ("label", "count")),
    ]
    if args.format == "json":
        data = {title: {str(r[k]): int(r[v]) for r in rows.rows} for title, rows, (k, v)
                in sections}
        data["triples"] = store.triple_count()
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(translate(args.lang, "Triples: %(count)s", count=store.triple_count()))
    titles = {"Entities per class": translate(args.lang, "Entities per class"),
              "Milestones per decade": translate(args.lang, "Milestones per decade"),
              "Milestones per category": translate(args.lang, "Milestones per category")}
    for title, rows, (key, value) in sections:
        print("\n" + titles[title])
        for row in rows.rows:
            label = str(row[key])
            if key == "decade":
                label = f"{int(float(label))}s"
            print(f"  {label:<40} {int(row[value]):>6}")
    return 0


def cmd_path(args, settings: Settings) -> int:
    from aigraph.paths import render, service

    lang = args.lang
    chosen = [bool(args.slug), bool(args.lineage), bool(args.next),
              bool(args.source or args.target)]
    if sum(chosen) != 1 or bool(args.source) != bool(args.target):
        print(translate(lang, "give one of: a path SLUG, --lineage ID, --next ID, or --from ID "
                              "--to ID"), file=sys.stderr)
        return 2
    if args.limit is not None and args.limit < 1 or args.depth is not None and args.depth < 0:
        print(translate(lang, "--limit must be at least 1 and --depth at least 0"),
              file=sys.stderr)
        return 2
    store = _store(settings, args.store)
    if args.slug:
        path = service.reading_path(store, args.slug, args.lang)
    elif args.lineage:
        path = service.lineage_path(store, args.lineage, args.lang, args.limit, args.depth)
    elif args.next:
        path = service.next_path(store, args.next, args.lang, args.limit, args.depth)
    else:
        path = service.between_path(store, args.source, args.target, args.lang)
    if args.format == "json":
        print(json.dumps(render.to_json(path), indent=2, ensure_ascii=False))
    elif args.format == "ttl":
        sys.stdout.write(render.format_ttl(path))
    else:
        sys.stdout.write(render.format_text(path))
    return 0


# --- parser --------------------------------------------------------------------------------

# Long, but a flat table of subcommands and their options, read top to bottom.
def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="aigraph", description="The open, queryable history of AI.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the web site and the SPARQL endpoint")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--store", default=None,
                   help="empty for the embedded store, or the URL of a SPARQL query endpoint")
    p.add_argument("--update-url", default="",
                   help="SPARQL 1.1 Update URL of a remote store, where curators' changes go")
    add_serve_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("validate", help="check the graph against the SHACL shapes")
    p.add_argument("files", nargs="*", help="Turtle files (default: the shipped data)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("format", help="rewrite data/ in the canonical, reviewable layout")
    p.add_argument("--check", action="store_true",
                   help="only report whether the files are already canonical (exit 1 if not)")
    p.set_defaults(func=cmd_format)

    p = sub.add_parser("query", help="run a SPARQL query against the graph")
    p.add_argument("query", nargs="?", help="the SPARQL query text")
    p.add_argument("--file", "-f", help="read the query from this file")
    p.add_argument("--format", default="table",
                   choices=("table", *QUERY_FORMATS, *EXPORT_FORMATS))
    p.add_argument("--store", default=None)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", help="write the whole graph")
    p.add_argument("--format", choices=tuple(EXPORT_FORMATS), default="ttl")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.add_argument("--store", default=None)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="count what the graph holds")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT)
    p.add_argument("--store", default=None)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "path", help="show a reading path, or a path generated from the graph",
        description="Show the reading path SLUG, what led to an entity (--lineage), what came "
                    "after it (--next), or a chain linking two entities (--from, --to).")
    p.add_argument("slug", nargs="?", help="the slug of a reading path")
    p.add_argument("--lineage", metavar="ID", help="what led to this milestone, model or "
                                                   "organization")
    p.add_argument("--next", metavar="ID", help="what came after this entity")
    p.add_argument("--from", dest="source", metavar="ID", help="start of a chain (with --to)")
    p.add_argument("--to", dest="target", metavar="ID", help="end of a chain (with --from)")
    p.add_argument("--limit", type=int, default=None,
                   help="at most this many steps for --lineage and --next")
    p.add_argument("--depth", type=int, default=None,
                   help="for --lineage and --next, only what lies within this many "
                        "dependency links")
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT)
    p.add_argument("--format", choices=("text", "json", "ttl"), default="text")
    p.add_argument("--store", default=None)
    p.set_defaults(func=cmd_path)

    cli_data.add_commands(sub)

    from aigraph.curation.commands import add_parsers
    add_parsers(sub)  # user, token, revert, import
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    # rdflib logs a traceback for each ill-typed literal it parses; the SHACL report already
    # names those values, so the traceback is noise on a terminal.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    settings = Settings.load()
    try:
        return args.func(args, settings)
    except AigraphError as error:
        print(translate(_lang(args, settings), "error: %(message)s", message=error.message),
              file=sys.stderr)
        return 2 if 400 <= error.status < 500 else 1
    except BrokenPipeError:
        return 0
