"""The ``aigraph`` commands about the data's licenses and versions: ``licenses``, ``diff`` and
``release``. ``aigraph.cli`` registers them with ``add_commands``; the work is done by
``aigraph.licensing``, ``aigraph.datadiff`` and ``aigraph.releases``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from aigraph.settings import Settings
from aigraph.store import Store, data_files, open_store


def _store(settings: Settings, spec: str | None) -> Store:
    return open_store(spec if spec is not None else settings.store,
                      ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
                      update_url=settings.update_url, timeout=settings.remote_timeout)


def cmd_licenses(args, settings: Settings) -> int:
    from aigraph import licensing

    store = _store(settings, args.store)
    path = licensing.lineage(store, args.model, args.lang)
    found = licensing.history(store, args.model, args.lang)
    if args.format == "json":
        data = licensing.to_json(path)
        data["history"] = [{"date": c.date, "precision": c.precision,
                            "previous": c.previous.id if c.previous else None,
                            "new": c.new.id, "sources": list(c.sources)} for c in found.changes]
        data["code"] = [x.id for x in found.code]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    sys.stdout.write(licensing.format_text(path))
    for change in found.changes:
        before = change.previous.title if change.previous else "?"
        print(f"\n{change.date}: {before} -> {change.new.title}  {' '.join(change.sources)}")
    return 0


def cmd_diff(args, settings: Settings) -> int:
    from aigraph import datadiff
    from aigraph.settings import PROJECT_ROOT

    root = Path(settings.data_dir).resolve().parent
    root = root if (root / ".git").exists() else PROJECT_ROOT
    old = datadiff.load_version(args.old, root, settings.releases_dir)
    new = datadiff.load_version(args.new, root, settings.releases_dir)
    result = datadiff.diff(old, new)
    if args.format == "json":
        print(json.dumps(datadiff.to_json(result, args.old, args.new), indent=2,
                         ensure_ascii=False))
    else:
        sys.stdout.write(datadiff.format_text(result, args.old, args.new))
    return 0


def cmd_release(args, settings: Settings) -> int:
    from aigraph import releases
    from aigraph.validate import ParseError, load_graph, load_shapes, validate

    files = data_files(settings.ontology_dir, settings.data_dir)
    try:
        graph = load_graph(files)
    except ParseError as error:
        print(f"parse error: {error}", file=sys.stderr)
        return 2
    if not validate(graph, shapes=load_shapes(settings.ontology_dir)).conforms:
        print("nothing released: the data does not conform (run `aigraph validate`)",
              file=sys.stderr)
        return 1
    # The dump holds the curated data; the vocabulary is versioned with the code.
    release = releases.cut(settings.releases_dir, args.version, load_graph(files[1:]), files,
                           args.date)
    print(f"released {release.version} ({release.date}): {release.dump}, {release.size} bytes")
    return 0


def add_commands(sub) -> None:
    """Add the licenses, diff and release subcommands to the ``aigraph`` parser."""
    p = sub.add_parser("licenses", help="show the licenses along a model's lineage",
                       description="Show each model on the lineage of ID with its weights "
                                   "license, how it relates to each base's license, and the "
                                   "model's license changes.")
    p.add_argument("model", metavar="ID", help="the model's slug")
    p.add_argument("--lang", choices=("en", "it"), default="en")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--store", default=None)
    p.set_defaults(func=cmd_licenses)

    p = sub.add_parser("diff", help="list the facts added, changed and removed between versions",
                       description="Compare two versions of the data, each a file, a folder, "
                                   "a release number or a git revision (such as v0.1 or HEAD).")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("release", help="record a numbered release of the data with its dump")
    p.add_argument("version", help="MAJOR.MINOR.PATCH, above the latest release")
    p.add_argument("--date", default=None, help="the release date (default: today)")
    p.set_defaults(func=cmd_release)
