"""The curation commands of ``aigraph``: user, token, revert and import."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from aigraph.accounts import AccountError, Accounts
from aigraph.settings import Settings
from aigraph.store import open_store


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise AccountError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args, settings: Settings) -> int:
    accounts = Accounts(settings.accounts_file)
    try:
        if args.action == "add":
            accounts.add(args.name, _read_password(), args.role)
            print(f"added {args.name} ({args.role})")
        elif args.action == "remove":
            accounts.remove(args.name)
            print(f"removed {args.name}")
        else:
            for account in accounts.list():
                print(f"{account.name}\t{account.role}\t{len(account.tokens)} token(s)")
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_token(args, settings: Settings) -> int:
    try:
        token = Accounts(settings.accounts_file).create_token(args.name)
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(token)
    print("keep it: it is shown this once and stored only as a digest", file=sys.stderr)
    return 0


def _writable_store(args, settings: Settings):
    spec = args.store if args.store is not None else settings.store
    return open_store(spec, ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
                      update_url=args.update_url or settings.update_url,
                      history_dir=settings.history_dir)


def cmd_revert(args, settings: Settings) -> int:
    from aigraph.curation import changes

    store = _writable_store(args, settings)
    change = changes.revert(store, settings, args.change, user=args.user,
                            comment=args.comment or "", lang=args.lang)
    print(f"reverted {args.change} as {change.id}")
    return 0


def cmd_import(args, settings: Settings) -> int:
    from aigraph.curation import changes, importer
    from aigraph.curation.entity import diff
    from aigraph.namespaces import compact

    entities = importer.read(Path(args.file), settings.ontology_dir)
    store = _writable_store(args, settings)
    candidate = changes.propose_many(store, settings, entities, args.lang)
    by_focus: dict[str, list] = {}
    for violation in candidate.violations:
        by_focus.setdefault(violation.focus, []).append(violation)
    for subject in entities:
        name = compact(str(subject))
        before = candidate.before[subject]
        if by_focus.get(name):
            print(f"{name}: refused")
            for v in by_focus.pop(name):
                print(f"    {v.path or '(entity)'}: {v.message}")
        elif len(before) == 0:
            print(f"{name}: new")
        else:
            plus, minus = diff(before, candidate.after[subject])
            print(f"{name}: " + (f"+{len(plus)} -{len(minus)}" if plus or minus else "unchanged"))
    for focus, problems in by_focus.items():
        print(f"{focus} (linked from the import): refused")
        for v in problems:
            print(f"    {v.path or '(entity)'}: {v.message}")
    if not candidate.conforms:
        print("nothing written: fix the entities above and import again", file=sys.stderr)
        return 1
    if not candidate.added and not candidate.removed:
        print("nothing to change")
        return 0
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    change = changes.apply(store, settings, candidate, user=args.user,
                           comment=args.comment or f"import {Path(args.file).name}",
                           check_preconditions=False)
    print(f"imported {len(entities)} entities as change {change.id}")
    return 0


def add_parsers(sub: argparse._SubParsersAction, default_user: str | None = None) -> None:
    """Add the curation subcommands to the ``aigraph`` parser."""
    user = default_user or getpass.getuser()

    p = sub.add_parser("user", help="manage curator accounts")
    actions = p.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account (password asked, or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=("curator", "admin"), default="curator")
    remove = actions.add_parser("remove", help="delete an account and its tokens")
    remove.add_argument("name")
    actions.add_parser("list", help="list accounts")
    p.set_defaults(func=cmd_user)

    p = sub.add_parser("token", help="manage API tokens")
    actions = p.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="print a new API token for a curator, once")
    create.add_argument("name")
    p.set_defaults(func=cmd_token)

    for name, func, helptext in (
            ("revert", cmd_revert, "undo a recorded change (the revert is recorded too)"),
            ("import", cmd_import, "add or replace entities from a Turtle or CSV file, all or "
                                   "nothing")):
        p = sub.add_parser(name, help=helptext)
        if name == "revert":
            p.add_argument("change", help="the change id, as /changes shows it")
        else:
            p.add_argument("file", help="a .ttl or .csv file (docs/curation.md)")
            p.add_argument("--dry-run", action="store_true", help="validate only")
        p.add_argument("--user", default=user, help="who the history names (default: you)")
        p.add_argument("--comment", default="", help="why, kept in the history")
        p.add_argument("--lang", choices=("en", "it"), default="en")
        p.add_argument("--store", default=None, help="a remote store's query URL")
        p.add_argument("--update-url", default="", help="its SPARQL Update URL")
        p.set_defaults(func=func)
