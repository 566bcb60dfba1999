"""How `aigraph query` reads its argument and ends what it writes (kept out of cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from aigraph.i18n import translate


def read_query(args, lang: str) -> str | None:
    """Return the query text of ``aigraph query`` (argument or --file), or None after saying why."""
    if args.file:
        return Path(args.file).read_text(encoding="utf-8")
    if args.query and looks_like_a_query_file(args.query):
        print(translate(lang, "%(name)s is a file: read it with --file %(name)s", name=args.query),
              file=sys.stderr)
        return None
    if args.query:
        return args.query
    print(translate(lang, "give a query, or --file F"), file=sys.stderr)
    return None


def looks_like_a_query_file(text: str) -> bool:
    """Tell whether the query argument is in fact the name of an existing query file.

    Query text never is such a name; a researcher who typed ``aigraph query q.rq`` meant
    ``--file``, and would otherwise get a syntax error about the file name.
    """
    name = text.strip()
    return name.endswith((".rq", ".sparql")) and Path(name).is_file()


def write_line_ended(out: BinaryIO, data: bytes) -> None:
    """Write ``data``, adding a final newline when it has none.

    JSON, XML and an ASK's CSV come without one; ending the output lets the shell prompt (or
    the next command in a pipeline) start on its own line.
    """
    out.write(data if not data or data.endswith(b"\n") else data + b"\n")
