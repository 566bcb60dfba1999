"""Generate a synthetic aigraph-shaped graph of a chosen size, for benchmarks.

The graph has the real vocabulary's shape: organizations, models (developedBy, basedOn,
license, parameter counts), milestones (date, category, importance, involves, buildsOn), with
labels and descriptions in English and Italian. It is deterministic for a given size and seed.

    python bench/synth.py --triples 1000000 --output /tmp/synth.nt
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

AIG = "https://w3id.org/aigraph/ontology#"
ID = "https://w3id.org/aigraph/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DESC = "<http://purl.org/dc/terms/description>"
XSD = "http://www.w3.org/2001/XMLSchema#"
CATEGORIES = ["foundations-and-theory", "symbolic-ai", "neural-networks", "computer-vision",
              "language-models", "open-source-models", "reinforcement-learning-and-games",
              "generative-media", "hardware-and-compute", "datasets-and-benchmarks",
              "policy-and-safety", "products-and-adoption", "reasoning-and-agents"]
LEVELS = ["Landmark", "High", "Medium", "Low"]
WORDS = ["neural", "vision", "language", "open", "model", "deep", "sparse", "expert", "agent",
         "reasoning", "transformer", "diffusion", "policy", "chip", "dataset", "benchmark"]

# Triples written per entity, roughly: used to size the entity counts from a triple budget.
_PER_ORG, _PER_MODEL, _PER_MILESTONE = 6, 10.5, 11.6


def _iri(slug: str) -> str:
    return f"<{ID}{slug}>"


def _p(name: str) -> str:
    return f"<{AIG}{name}>"


def _lit(text: str, lang: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def _typed(value, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def generate(triples: int, seed: int = 7):
    """Yield N-Triples lines until about ``triples`` triples have been produced."""
    rnd = random.Random(seed)
    unit = _PER_ORG + 10 * _PER_MODEL + 10 * _PER_MILESTONE
    groups = max(1, int(triples // unit))
    orgs = [f"org-{i}" for i in range(groups)]
    start = date(1950, 1, 1)
    span = (date(2026, 1, 1) - start).days
    for org in orgs:
        yield f"{_iri(org)} {RDF_TYPE} {_p('Organization')} ."
        yield f"{_iri(org)} {LABEL} {_lit('Lab ' + org, 'en')} ."
        yield f"{_iri(org)} {LABEL} {_lit('Laboratorio ' + org, 'it')} ."
        yield f"{_iri(org)} {DESC} {_lit('A synthetic lab.', 'en')} ."
        yield f"{_iri(org)} {DESC} {_lit('Un laboratorio sintetico.', 'it')} ."
        yield f"{_iri(org)} {_p('organizationType')} {_p('Company')} ."
    models: list[tuple[str, date]] = []
    milestones: list[tuple[str, date]] = []
    for g in range(groups * 10):
        day = start + timedelta(days=rnd.randrange(span))
        name = f"{rnd.choice(WORDS)}-{rnd.choice(WORDS)}-{g}"
        model = f"model-{name}"
        yield f"{_iri(model)} {RDF_TYPE} {_p('Model')} ."
        yield f"{_iri(model)} {LABEL} {_lit(name.replace('-', ' ').title(), 'en')} ."
        yield f"{_iri(model)} {LABEL} {_lit('Modello ' + name, 'it')} ."
        yield f"{_iri(model)} {DESC} {_lit('A synthetic model ' + name + '.', 'en')} ."
        yield f"{_iri(model)} {DESC} {_lit('Un modello sintetico ' + name + '.', 'it')} ."
        yield f"{_iri(model)} {_p('developedBy')} {_iri(rnd.choice(orgs))} ."
        yield f"{_iri(model)} {_p('releaseDate')} {_typed(day.isoformat(), 'date')} ."
        yield f"{_iri(model)} {_p('parameterCount')} {_typed(rnd.randrange(10**6, 10**12), 'integer')} ."
        yield f"{_iri(model)} {_p('openWeights')} {_typed(str(rnd.random() < 0.5).lower(), 'boolean')} ."
        earlier = [m for m, d in models[-50:] if d <= day]
        if earlier:
            yield f"{_iri(model)} {_p('basedOn')} {_iri(rnd.choice(earlier))} ."
        yield f"{_iri(model)} {_p('license')} {_iri('apache-2-0')} ."
        models.append((model, day))
        milestone = f"{model}-release"
        yield f"{_iri(milestone)} {RDF_TYPE} {_p('Milestone')} ."
        yield f"{_iri(milestone)} {LABEL} {_lit(name + ' is released', 'en')} ."
        yield f"{_iri(milestone)} {LABEL} {_lit('Esce ' + name, 'it')} ."
        yield f"{_iri(milestone)} {DESC} {_lit('Release of ' + name + '.', 'en')} ."
        yield f"{_iri(milestone)} {DESC} {_lit('Rilascio di ' + name + '.', 'it')} ."
        yield f"{_iri(milestone)} {_p('date')} {_typed(day.isoformat(), 'date')} ."
        yield f"{_iri(milestone)} {_p('category')} {_iri(rnd.choice(CATEGORIES))} ."
        yield f"{_iri(milestone)} {_p('importance')} {_p(rnd.choice(LEVELS))} ."
        yield f"{_iri(milestone)} {_p('involves')} {_iri(model)} ."
        prior = [m for m, d in milestones[-50:] if d <= day]
        for other in rnd.sample(prior, min(len(prior), 2)):
            yield f"{_iri(milestone)} {_p('buildsOn')} {_iri(other)} ."
        milestones.append((milestone, day))


def write(path: Path, triples: int, seed: int = 7) -> int:
    """Write the synthetic graph as N-Triples to ``path``; return the triple count."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for line in generate(triples, seed):
            out.write(line + "\n")
            count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    count = write(args.output, args.triples, args.seed)
    print(f"wrote {count} triples to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
