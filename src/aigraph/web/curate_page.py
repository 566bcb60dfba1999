"""Turn a curation draft into plain page data for ``web/templates/curate/form.html``.

The template gets sections (the entity, then each new linked entity), each with groups of
fields, each field with its inputs, current values, choices and the messages that belong next
to it, already in the page language. No rdflib object reaches the template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext

from aigraph.curation.drafts import Draft, Sub
from aigraph.curation.formdata import Problem
from aigraph.curation.forms import Field, Form
from aigraph.curation.linking import Duplicate, Index, Suggestion
from aigraph.namespaces import slug_of
from aigraph.web import i18n

_LANGUAGE_NAMES = {"en": "English", "it": "italiano"}


@dataclass
class Choice:
    value: str
    label: str
    selected: bool = False


@dataclass
class Input:
    """One HTML input: its name and id, its value, and its own label suffix (the language)."""

    name: str
    id: str
    value: str = ""
    lang: str = ""
    lang_name: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class FieldView:
    name: str
    label: str
    help: str
    widget: str
    required: bool
    repeatable: bool
    inputs: list[Input]
    choices: list[Choice] = field(default_factory=list)
    lookup: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def all_errors(self) -> list[str]:
        return self.errors + [e for i in self.inputs for e in i.errors]


@dataclass
class GroupView:
    label: str
    fields: list[FieldView]


@dataclass
class Section:
    """The inputs of one entity: the main one (prefix "") or a new linked one ("new-N.")."""

    prefix: str
    title: str
    kind: str
    slug: str
    slug_errors: list[str]
    groups: list[GroupView]
    hidden: list[tuple[str, str]] = field(default_factory=list)
    creating: bool = True
    #: For a new entity a link may make of several classes: the classes to choose from.
    class_choices: list[Choice] = field(default_factory=list)
    #: Existing entities close to a new one's name, to link instead.
    instead: list[HelpItem] = field(default_factory=list)


@dataclass
class HelpItem:
    label: str
    url: str
    reason: str
    add_name: str = ""
    add_value: str = ""
    edit_url: str = ""


def input_id(name: str) -> str:
    """A safe HTML id for an input name."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def problem_text(problem: Problem, kind_label: str = "") -> str:
    """The message for something the form could not read, in the page language."""
    if problem.code == "ambiguous":
        return gettext("Several entities are called “%(text)s”: pick one from the list.",
                       text=problem.text)
    if problem.code == "url":
        return gettext("“%(text)s” is not a web address (https://…).", text=problem.text)
    if problem.code == "taken":
        return gettext("The identifier %(slug)s is taken by an existing entity: link to it, or "
                       "choose another identifier.", slug=problem.text)
    if problem.code == "malformed":
        return slug_rule()
    if problem.code == "unresolved":
        return gettext("Nothing called “%(text)s” can be linked here.", text=problem.text)
    return gettext("“%(text)s” is not one of the choices.", text=problem.text)


def slug_rule() -> str:
    return gettext("An identifier is lowercase letters and digits, in words joined by single "
                   "hyphens, such as qwen2-5.")


def slug_text(code: str, slug: str) -> str:
    if code == "missing":
        return gettext("Give the name in English, or an identifier.")
    if code == "malformed":
        return slug_rule()
    if code == "taken":
        return gettext("The identifier %(slug)s is taken: the entity exists already. Edit it "
                       "instead, or choose another identifier.", slug=slug)
    return ""


def _field_view(f: Field, prefix: str, values: Mapping[str, Sequence[str]],
                placed: Mapping[str, list[str]], lookup: str, lang: str) -> FieldView:
    full = prefix + f.name
    given = [v for v in values.get(f.name, ()) if v.strip()]
    if f.languages:
        inputs = [Input(full + "@" + code, input_id(full + "@" + code),
                        (list(values.get(f"{f.name}@{code}", ())) or [""])[0], code,
                        _LANGUAGE_NAMES.get(code, code), list(placed.get(f"{full}@{code}", ())))
                  for code in f.languages]
    elif f.widget in ("checkboxes",):
        inputs = [Input(full, input_id(full))]
    else:
        texts = given + ([""] if f.repeatable or not given else [])
        inputs = [Input(full, input_id(full) + (f"-{i}" if i else ""), text)
                  for i, text in enumerate(texts)]
    chosen = set(given)
    choices = [Choice(c.iri, c.label(lang), c.iri in chosen) for c in f.choices]
    if len({c.rank for c in f.choices}) == 1:  # no ranking: alphabetical in the page language
        choices.sort(key=lambda c: c.label.lower())
    if f.widget == "boolean":
        choices = [Choice("true", gettext("yes"), "true" in chosen),
                   Choice("false", gettext("no"), "false" in chosen)]
    label = f.label(lang)
    return FieldView(f.name, label[:1].upper() + label[1:], f.help_text(lang), f.widget,
                     f.required, f.repeatable, inputs, choices,
                     lookup if f.widget == "link" else "",
                     list(placed.get(full, ())))


def section(form: Form, prefix: str, values: Mapping[str, Sequence[str]],
            placed: Mapping[str, list[str]], *, title: str, slug: str, slug_errors: list[str],
            creating: bool, hidden: list[tuple[str, str]] | None = None) -> Section:
    """Build the plain view of one entity's inputs."""
    lang = i18n.current()
    groups = []
    for group in form.groups:
        fields = []
        for f in group.fields:
            lookup = url_for("curate.lookup", kind=",".join(
                c.rsplit("#", 1)[-1] for c in f.link_classes)) if f.widget == "link" else ""
            fields.append(_field_view(f, prefix, values, placed, lookup, lang))
        groups.append(GroupView(group.label(lang) or gettext("Other"), fields))
    return Section(prefix, title, form.key, slug, slug_errors, groups, hidden or [], creating)


def sections(draft: Draft, placed: Mapping[str, list[str]], title: str,
             forms: Mapping[str, Form]) -> list[Section]:
    """The main section and one per new linked entity."""
    main_slug_errors = list(placed.get("slug", ()))
    if draft.slug_problem:
        main_slug_errors.insert(0, slug_text(draft.slug_problem, draft.slug))
    out = [section(draft.form, "", draft.values, placed, title=title, slug=draft.slug,
                   slug_errors=main_slug_errors, creating=draft.creating)]
    lang = i18n.current()
    by_class = {f.cls: f for f in forms.values()}
    for sub in draft.subs:
        link = draft.form.field(sub.field)
        allowed = [by_class[c] for c in (link.link_classes if link else ()) if c in by_class]
        out.append(_sub_section(sub, placed, lang, allowed))
    return out


def _sub_section(sub: Sub, placed: Mapping[str, list[str]], lang: str,
                 allowed: list[Form]) -> Section:
    title = gettext("New entry (%(kind)s): %(name)s", kind=sub.form.label(lang).lower(),
                    name=sub.text)
    hidden = [(sub.prefix + "text", sub.text), (sub.prefix + "field", sub.field)]
    choices = [Choice(f.key, f.label(lang), f.key == sub.form.key) for f in allowed]
    if len(choices) < 2:  # nothing to choose: the class goes with the form
        hidden.insert(0, (sub.prefix + "class", sub.form.key))
        choices = []
    built = section(sub.form, sub.prefix, sub.values, placed, title=title, slug=sub.slug,
                    slug_errors=list(placed.get(sub.prefix + "slug", ())), creating=True,
                    hidden=hidden)
    built.class_choices = choices
    return built


def attach_problems(placed: dict[str, list[str]], draft: Draft) -> None:
    """Add the form's own problems (unreadable values) to the messages by input."""
    for problem in draft.problems:
        placed.setdefault(problem.field, []).append(problem_text(problem))


def new_entity_notes(draft: Draft, lang: str) -> dict[str, list[str]]:
    """Notes under link fields that will create a new entity, by field name."""
    notes: dict[str, list[str]] = {}
    for sub in draft.subs:
        notes.setdefault(sub.field, []).append(gettext(
            "“%(name)s” is not in the graph yet: it will be added as a new entry (%(kind)s), "
            "described below.", name=sub.text, kind=sub.form.label(lang).lower()))
    return notes


def _reason(code: str) -> str:
    return {
        "same-as": gettext("the same Wikidata entity"),
        "same-repo": gettext("the same Hugging Face repository"),
        "slug": gettext("the same identifier"),
        "same-name": gettext("the same name"),
        "similar-name": gettext("a very similar name"),
        "family": gettext("develops other models of the same family"),
        "base": gettext("develops the model it is based on"),
        "name": gettext("named in the label"),
        "previous": gettext("an earlier model of the same family"),
        "same-date": gettext("a milestone on the same date"),
        "release": gettext("on the same date: its release?"),
    }.get(code, code)


def entity_link(index: Index, iri: str, lang: str) -> tuple[str, str]:
    """(label, URL) of an entity."""
    e = index.get(iri)
    slug = slug_of(iri) or ""
    return (e.label(lang) if e else slug), url_for("entities.entity", slug=slug)


def duplicate_items(duplicates: Sequence[Duplicate], lang: str) -> list[HelpItem]:
    return [HelpItem(d.entity.label(lang), url_for("entities.entity", slug=d.entity.slug),
                     _reason(d.reason), edit_url=url_for("curate.edit", slug=d.entity.slug))
            for d in duplicates]


def suggestion_items(suggestions: Sequence[Suggestion], form: Form, lang: str
                     ) -> list[tuple[str, list[HelpItem]]]:
    """Suggested links grouped under the field they go to (with its label)."""
    groups: dict[str, list[HelpItem]] = {}
    for s in suggestions:
        f = form.field(s.field)
        add_value = f"{s.entity.label(lang)} [{s.entity.slug}]" if f is not None else ""
        groups.setdefault(f.label(lang) if f is not None else gettext("Related milestones"),
                          []).append(HelpItem(
            s.entity.label(lang), url_for("entities.entity", slug=s.entity.slug),
            _reason(s.reason), s.field if f is not None else "", add_value))
    return list(groups.items())


def error_links(sections: Sequence[Section]) -> list[tuple[str, str]]:
    """(what, input id) for every input with a message, in page order, for the summary."""
    links = []
    for s in sections:
        where = f"{s.title}: " if s.prefix else ""
        if s.slug_errors:
            links.append((where + gettext("Identifier (slug)"),
                          "f-" + s.prefix.replace(".", "-") + "slug"))
        for group in s.groups:
            for f in group.fields:
                for i in f.inputs:
                    if i.errors or (f.errors and i is f.inputs[0]):
                        name = f"{f.label} ({i.lang_name})" if i.lang else f.label
                        links.append((where + name, i.id))
    return links


def instead_items(sub: Sub, close: Sequence, lang: str) -> list[HelpItem]:
    """Existing entities a new one may stand for, each with a button that links it instead."""
    return [HelpItem(e.label(lang), url_for("entities.entity", slug=e.slug), "", "use",
                     f"{sub.field}\t{sub.text}\t{e.label(lang)} [{e.slug}]") for e in close]
