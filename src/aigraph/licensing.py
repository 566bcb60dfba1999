"""License lineage and license history of models: the rules are data, this module applies them.

Each ``aig:License`` says whether it permits derivatives (``aig:permitsDerivatives``), whether
it permits commercial use (``aig:permitsCommercialUse``) and what it asks of a derivative's
license (``aig:derivativeTerms``: any license, the same license, or any license that keeps its
restrictions). ``compare`` classifies one derived license against one base license, and
``classify`` an ``aig:basedOn`` edge whose sides may list several licenses (a family whose
sizes differ). Both are pure. ``lineage`` and ``history`` read a model's edges and license
changes from a store (``queries/licensing/``); ``format_text`` and ``to_json`` render a lineage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from aigraph import queries
from aigraph.errors import BadRequest, NotFound
from aigraph.i18n import LANGUAGES, translate
from aigraph.namespaces import AIG, entity_iri, is_slug, slug_of
from aigraph.store import Store


class Relation(StrEnum):
    """How a derived model's license relates to its base's, from best to worst."""

    SAME = "same"
    COMPATIBLE = "compatible"
    MORE_RESTRICTIVE = "more-restrictive"
    UNKNOWN = "unknown"
    CONFLICTING = "conflicting"


#: Order used to pick the most favourable pair when a side lists several licenses: a family
#: may have been fine-tuned from the size whose license fits. An unknown pair outranks a
#: conflict, since nothing proves the conflict then.
_RANK = {relation: rank for rank, relation in enumerate(Relation)}

TERMS = {str(AIG.AnyLicense): "any", str(AIG.SameLicense): "same",
         str(AIG.KeepsRestrictions): "keeps"}

def N_(message: str) -> str:  # noqa: N802 - Babel's marker for messages translated later
    """Mark ``message`` for the catalog; ``translate`` gives it in a language when shown."""
    return message


#: Names of the relations and the reasons behind them (English; Italian in the catalog).
TEXTS: dict[str, str] = {
    "same": N_("same license"), "compatible": N_("compatible"),
    "more-restrictive": N_("more restrictive"), "unknown": N_("unknown"),
    "conflicting": N_("conflicting"),
    "why-same": N_("Both carry the same license."),
    "why-missing": N_("One of the two models has no recorded weights license."),
    "why-no-rules": N_("The rules of one of the two licenses are not recorded."),
    "why-permissive": N_("The base license lets derivatives use any license."),
    "why-adds": N_("The derivative adds restrictions of its own on top of the base's."),
    "why-removes-commercial": N_("The derivative forbids commercial use, which the base allows."),
    "why-no-derivatives": N_("The base license does not permit derivatives."),
    "why-share-alike": N_("The base license requires derivatives to keep the same license."),
    "why-drops": N_("The base license's restrictions must carry over, but the derivative's "
                    "license is permissive."),
    "why-commercial": N_("The derivative allows commercial use, which the base forbids."),
    "why-licensor": N_("The same developer released both, so it could relicense its own work."),
    "root": N_("no base model recorded"),
}


def text(key: str, lang: str) -> str:
    """Return the text of a relation or reason in ``lang``."""
    return translate(lang, TEXTS[key])


@dataclass(frozen=True)
class LicenseRules:
    """What one license allows a derivative; ``None`` where the data says nothing."""

    iri: str
    commercial: bool | None = None
    derivatives: bool | None = None
    terms: str | None = None  # "any", "same" or "keeps"

    @property
    def known(self) -> bool:
        return None not in (self.commercial, self.derivatives, self.terms)


@dataclass(frozen=True)
class Verdict:
    """A classification with the reason for it and the pair of licenses it rests on."""

    relation: Relation
    reason: str
    derived: str | None = None
    base: str | None = None


def compare(derived: LicenseRules | None, base: LicenseRules | None,
            same_developer: bool = False) -> Verdict:
    """Classify the license of a derived model against the license of its base."""
    if derived is None or base is None:
        return Verdict(Relation.UNKNOWN, "why-missing", _iri(derived), _iri(base))
    pair = (derived.iri, base.iri)
    if derived.iri == base.iri:
        return Verdict(Relation.SAME, "why-same", *pair)
    if not (derived.known and base.known):
        return Verdict(Relation.UNKNOWN, "why-no-rules", *pair)
    conflict = _conflict(derived, base)
    if conflict:
        # The holder of the rights in the base may release a derivative on any terms.
        if same_developer:
            return Verdict(Relation.COMPATIBLE, "why-licensor", *pair)
        return Verdict(Relation.CONFLICTING, conflict, *pair)
    if base.commercial and not derived.commercial:
        return Verdict(Relation.MORE_RESTRICTIVE, "why-removes-commercial", *pair)
    if derived.terms != "any":
        return Verdict(Relation.MORE_RESTRICTIVE, "why-adds", *pair)
    return Verdict(Relation.COMPATIBLE, "why-permissive", *pair)


def _conflict(derived: LicenseRules, base: LicenseRules) -> str | None:
    """Return the reason a derivative under ``derived`` breaks ``base``, if it does."""
    if not base.derivatives:
        return "why-no-derivatives"
    if base.terms == "same":
        return "why-share-alike"
    if not base.commercial and derived.commercial:
        return "why-commercial"
    if base.terms == "keeps" and derived.terms == "any":
        return "why-drops"
    return None


def _iri(rules: LicenseRules | None) -> str | None:
    return rules.iri if rules is not None else None


def classify(derived: list[LicenseRules], base: list[LicenseRules],
             same_developer: bool = False) -> Verdict:
    """Classify an aig:basedOn edge whose sides may each list several licenses.

    Every pair is compared and the most favourable verdict wins (see ``_RANK``).
    """
    verdicts = [compare(d, b, same_developer) for d in derived or [None]
                for b in base or [None]]
    return min(verdicts, key=lambda v: (_RANK[v.relation], v.derived or "", v.base or ""))


# --- reading a model's lineage and history from a store ---------------------------------

@dataclass(frozen=True)
class Ref:
    """An entity named in one language."""

    id: str
    title: str


@dataclass(frozen=True)
class Comparison:
    """One aig:basedOn edge seen from the derived model."""

    base: Ref
    relation: str
    relation_text: str
    reason: str


@dataclass
class LineageStep:
    """One model on the lineage, with its licenses and how they relate to each base's."""

    position: int
    model: Ref
    licenses: list[Ref]
    comparisons: list[Comparison] = field(default_factory=list)


@dataclass
class LicenseLineage:
    """The licenses along the lineage of a model, from its earliest base to the model."""

    model: Ref
    lang: str
    steps: list[LineageStep]

    @property
    def conflicts(self) -> int:
        return sum(c.relation == Relation.CONFLICTING.value
                   for s in self.steps for c in s.comparisons)


def _check(slug: str, lang: str) -> None:
    if lang not in LANGUAGES:
        raise BadRequest(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    if not is_slug(slug):
        raise NotFound(f"no model {slug!r}")


def _pick(labels: dict[str, str], lang: str, fallback: str) -> str:
    return labels.get(lang) or labels.get("en") or fallback


def license_rules(store: Store) -> tuple[dict[str, LicenseRules], dict[str, dict[str, str]]]:
    """Return every license's rules and labels (by language), keyed by IRI."""
    rules: dict[str, LicenseRules] = {}
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in queries.select(store, "licensing/rules"):
        iri = str(row["license"])
        if "label" in row:
            labels[iri][row["label"].language or "en"] = str(row["label"])
        rules[iri] = LicenseRules(iri, _flag(row, "commercial"), _flag(row, "derivatives"),
                                  TERMS.get(str(row["terms"])) if "terms" in row else None)
    return rules, labels


def _flag(row, key: str) -> bool | None:
    return bool(row[key].toPython()) if key in row else None


def lineage(store: Store, slug: str, lang: str = "en") -> LicenseLineage:
    """Return the licenses along the lineage of model ``slug``, earliest base first.

    Each step lists the model's weights licenses and, for each of its bases, the
    classification of its license against the base's. Raises NotFound for an unknown model.
    """
    _check(slug, lang)
    iri = entity_iri(slug)
    found = queries.select(store, "licensing/model", model=iri).rows
    if not found:
        raise NotFound(f"no model {slug!r}")
    rules, license_labels = license_rules(store)
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for row in found:
        if "label" in row:
            names[str(iri)].setdefault(row["label"].language or "en", str(row["label"]))
    own: dict[str, set[str]] = defaultdict(set)
    bases: dict[str, set[str]] = defaultdict(set)
    shared: dict[tuple[str, str], bool] = {}
    for row in queries.select(store, "licensing/lineage", model=iri):
        derived, base = str(row["derived"]), str(row["base"])
        bases[derived].add(base)
        shared[(derived, base)] = bool(row["sharedDeveloper"].toPython())
        for side, key, label in ((derived, "derivedLicense", "derivedLabel"),
                                 (base, "baseLicense", "baseLabel")):
            own[side]  # every model on the lineage gets an entry, licensed or not
            if key in row:
                own[side].add(str(row[key]))
            if label in row:
                names[side].setdefault(row[label].language or "en", str(row[label]))
    if not own:
        own[str(iri)] = _current_licenses(store, iri)

    def ref(node: str) -> Ref:
        return Ref(slug_of(node) or node, _pick(names[node], lang, slug_of(node) or node))

    def lic(node: str) -> Ref:
        return Ref(slug_of(node) or node, _pick(license_labels[node], lang, slug_of(node) or node))

    steps = []
    for position, node in enumerate(_order(str(iri), bases), start=1):
        step = LineageStep(position, ref(node), [lic(x) for x in sorted(own[node])])
        for base in sorted(bases[node]):
            verdict = classify([rules.get(x, LicenseRules(x)) for x in sorted(own[node])],
                               [rules.get(x, LicenseRules(x)) for x in sorted(own[base])],
                               shared[(node, base)])
            step.comparisons.append(Comparison(ref(base), verdict.relation.value,
                                               text(verdict.relation.value, lang),
                                               text(verdict.reason, lang)))
        steps.append(step)
    return LicenseLineage(steps[-1].model, lang, steps)


def _current_licenses(store: Store, iri) -> set[str]:
    rows = queries.select(store, "licensing/history", model=iri)
    return {str(r["license"]) for r in rows if str(r["kind"]) == "current"}


def _order(model: str, bases: dict[str, set[str]]) -> list[str]:
    """Order the lineage so every base comes before what was derived from it."""
    seen: set[str] = set()
    ordered: list[str] = []

    def visit(node: str) -> None:  # the shapes keep aig:basedOn acyclic
        if node in seen:
            return
        seen.add(node)
        for base in sorted(bases.get(node, ())):
            visit(base)
        ordered.append(node)

    visit(model)
    return ordered


@dataclass(frozen=True)
class LicenseChange:
    """One dated change of a model's weights license."""

    date: str
    precision: str  # "day", "month" or "year"
    previous: Ref | None
    new: Ref
    sources: tuple[str, ...]


@dataclass
class LicenseHistory:
    """A model's current weights licenses, its code licenses and the changes, oldest first."""

    current: list[Ref]
    code: list[Ref]
    changes: list[LicenseChange]


def history(store: Store, slug: str, lang: str = "en") -> LicenseHistory:
    """Return the license history of model ``slug`` (empty lists for an unknown entity)."""
    _check(slug, lang)
    _, labels = license_rules(store)

    def lic(node) -> Ref:
        text = str(node)
        return Ref(slug_of(text) or text, _pick(labels[text], lang, slug_of(text) or text))

    current, code = set(), set()
    changes: dict[tuple, set[str]] = defaultdict(set)
    for row in queries.select(store, "licensing/history", model=entity_iri(slug)):
        kind = str(row["kind"])
        if kind == "current":
            current.add(str(row["license"]))
        elif kind == "code":
            code.add(str(row["license"]))
        else:
            precision = str(row["precision"]).rsplit("#", 1)[-1] if "precision" in row else ""
            key = (str(row["date"]), precision.removesuffix("Precision").lower() or "day",
                   str(row["previous"]) if "previous" in row else None, str(row["license"]))
            changes[key] |= {str(row["source"])} if "source" in row else set()
    return LicenseHistory(
        current=[lic(x) for x in sorted(current)], code=[lic(x) for x in sorted(code)],
        changes=[LicenseChange(date, precision, lic(prev) if prev else None, lic(new),
                               tuple(sorted(sources)))
                 for (date, precision, prev, new), sources in sorted(changes.items())])


# --- output ------------------------------------------------------------------------------

def to_json(path: LicenseLineage) -> dict:
    """Return the lineage as JSON-ready data."""
    return {
        "model": path.model.id, "title": path.model.title, "lang": path.lang,
        "conflicts": path.conflicts,
        "steps": [{"position": s.position, "id": s.model.id, "title": s.model.title,
                   "licenses": [{"id": x.id, "title": x.title} for x in s.licenses],
                   "bases": [{"id": c.base.id, "title": c.base.title, "relation": c.relation,
                              "relation_text": c.relation_text, "reason": c.reason}
                             for c in s.comparisons]}
                  for s in path.steps],
    }


def format_text(path: LicenseLineage) -> str:
    """Render the lineage for a terminal, one block per model."""
    lang = path.lang
    lines = [translate(lang, "Licenses along the lineage of %(model)s", model=path.model.title),
             ""]
    for step in path.steps:
        names = ", ".join(x.title for x in step.licenses) or text("unknown", lang)
        lines.append(f"{step.position}. {step.model.title} ({step.model.id}): {names}")
        for comparison in step.comparisons:
            against = translate(lang, "compared with %(base)s", base=comparison.base.title)
            lines.append(f"   {against}: {comparison.relation_text}. {comparison.reason}")
        if not step.comparisons:
            lines.append(f"   {text('root', lang)}")
    return "\n".join(lines) + "\n"
