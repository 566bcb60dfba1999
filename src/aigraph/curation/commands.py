"""The curation commands of ``aigraph``: user, token, revert and import."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from aigraph.accounts import AccountError, Accounts
from aigraph.i18n import DEFAULT, LANGUAGES, translate
from aigraph.settings import Settings
from aigraph.store import open_store


def _lang(args, settings: Settings) -> str:
    lang = getattr(args, "lang", None) or settings.default_language
    return lang if lang in LANGUAGES else DEFAULT


def _read_password(lang: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(translate(lang, "password: "))
        if getpass.getpass(translate(lang, "again: ")) != first:
            raise AccountError(translate(lang, "the two passwords differ"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(args, settings: Settings) -> int:
    accounts = Accounts(settings.accounts_file)
    lang = _lang(args, settings)
    try:
        if args.action == "add":
            accounts.add(args.name, _read_password(lang), args.role)
            print(translate(lang, "added %(name)s (%(role)s)", name=args.name, role=args.role))
        elif args.action == "remove":
            accounts.remove(args.name)
            print(translate(lang, "removed %(name)s", name=args.name))
        else:
            for account in accounts.list():
                print(f"{account.name}\t{account.role}\t{len(account.tokens)} token(s)")
    except AccountError as error:
        print(translate(lang, "error: %(error)s", error=error), file=sys.stderr)
        return 1
    return 0


def cmd_token(args, settings: Settings) -> int:
    lang = _lang(args, settings)
    try:
        token = Accounts(settings.accounts_file).create_token(args.name)
    except AccountError as error:
        print(translate(lang, "error: %(error)s", error=error), file=sys.stderr)
        return 1
    print(token)
    print(translate(lang, "keep it: it is shown this once and stored only as a digest"),
          file=sys.stderr)
    return 0


def _writable_store(args, settings: Settings):
    spec = args.store if args.store is not None else settings.store
    return open_store(spec, ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
                      update_url=args.update_url or settings.update_url,
                      history_dir=settings.history_dir, timeout=settings.remote_timeout)


def cmd_revert(args, settings: Settings) -> int:
    from aigraph.curation import changes

    store = _writable_store(args, settings)
    change = changes.revert(store, settings, args.change, user=args.user,
                            comment=args.comment or "", lang=args.lang)
    print(translate(args.lang, "reverted %(change)s as %(id)s", change=args.change, id=change.id))
    return 0


def _report(candidate, entities, lang: str) -> None:
    """Print one line per imported entity, and the problems of each refused one."""
    from aigraph.curation.entity import diff
    from aigraph.namespaces import compact

    by_focus: dict[str, list] = {}
    for violation in candidate.violations:
        by_focus.setdefault(violation.focus, []).append(violation)
    for subject in entities:
        name = compact(str(subject))
        before = candidate.before[subject]
        if by_focus.get(name):
            print(translate(lang, "%(name)s: refused", name=name))
            for v in by_focus.pop(name):
                print(f"    {v.path or translate(lang, '(entity)')}: {v.message}")
        elif len(before) == 0:
            print(translate(lang, "%(name)s: new", name=name))
        else:
            plus, minus = diff(before, candidate.after[subject])
            print(translate(lang, "%(name)s: +%(added)d -%(removed)d", name=name,
                            added=len(plus), removed=len(minus)) if plus or minus
                  else translate(lang, "%(name)s: unchanged", name=name))
    for focus, problems in by_focus.items():
        print(translate(lang, "%(name)s (linked from the import): refused", name=focus))
        for v in problems:
            print(f"    {v.path or translate(lang, '(entity)')}: {v.message}")


def cmd_import(args, settings: Settings) -> int:
    from aigraph.curation import changes, importer

    lang = args.lang
    entities = importer.read(Path(args.file), settings.ontology_dir)
    store = _writable_store(args, settings)
    candidate = changes.propose_many(store, settings, entities, lang)
    _report(candidate, entities, lang)
    if not candidate.conforms:
        print(translate(lang, "nothing written: fix the entities above and import again"),
              file=sys.stderr)
        return 1
    if not candidate.added and not candidate.removed:
        print(translate(lang, "nothing to change"))
        return 0
    if args.dry_run:
        print(translate(lang, "dry run: nothing written"))
        return 0
    change = changes.apply(store, settings, candidate, user=args.user,
                           comment=args.comment or f"import {Path(args.file).name}",
                           check_preconditions=False)
    print(translate(lang, "imported %(count)d entities as change %(id)s", count=len(entities),
                    id=change.id))
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
