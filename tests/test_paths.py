"""The pure path engine: ordering, tie-breaks, determinism, cycles, lineage, next, between."""

import random

import pytest

from aigraph.errors import NotFound
from aigraph.paths import engine
from aigraph.paths.graph import MILESTONE, MODEL, ORGANIZATION, Edge, Node, NoPath, build_graph

M, X, ORG = MILESTONE, MODEL, ORGANIZATION


def ms(iri, date, rank=3):
    return Node(iri, M, date, rank)


def model(iri, date=None):
    return Node(iri, X, date)


def org(iri):
    return Node(iri, ORG)


def graph(nodes, edges):
    return build_graph(nodes, [Edge(*e) for e in edges])


def iris(steps):
    return [s.iri for s in steps]


# A small history: two lineages of models joined by buildsOn, and an organization.
NODES = [
    ms("neo-release", "2021-03-21"), model("neo", "2021-03-21"),
    ms("bloom-release", "2022-07-12"), model("bloom", "2022-07-12"),
    ms("llama-release", "2023-02-24"), model("llama", "2023-02-24"),
    ms("alpaca-release", "2023-03-13", 2), model("alpaca", "2023-03-13"),
    ms("mistral-release", "2023-09-27"), model("mistral", "2023-09-27"),
    ms("mixtral-release", "2023-12-08", 4), model("mixtral", "2023-12-08"),
    ms("gemma-release", "2024-02-21"), model("gemma", "2024-02-21"),
    org("meta"), org("google"), org("mistral-ai"),
]
EDGES = [
    ("neo-release", "involves", "neo"), ("bloom-release", "involves", "bloom"),
    ("bloom-release", "buildsOn", "neo-release"),
    ("llama-release", "involves", "llama"), ("llama-release", "involves", "meta"),
    ("llama", "developedBy", "meta"),
    ("alpaca-release", "involves", "alpaca"), ("alpaca", "basedOn", "llama"),
    ("mistral-release", "involves", "mistral"), ("mistral-release", "buildsOn", "llama-release"),
    ("mistral", "developedBy", "mistral-ai"),
    ("mixtral-release", "involves", "mixtral"), ("mixtral", "basedOn", "mistral"),
    ("mixtral", "developedBy", "mistral-ai"),
    ("gemma-release", "involves", "gemma"), ("gemma", "developedBy", "google"),
]
MILESTONES = [n.iri for n in NODES if n.kind == M]


@pytest.fixture
def g():
    return graph(NODES, EDGES)


# --- ordering ------------------------------------------------------------------------------

def test_order_follows_dependencies_then_dates(g):
    steps = engine.order(g, MILESTONES)
    assert iris(steps) == ["neo-release", "bloom-release", "llama-release", "alpaca-release",
                           "mistral-release", "mixtral-release", "gemma-release"]
    assert [s.position for s in steps] == list(range(1, 8))
    assert steps[1].depends_on == ("neo-release",)


def test_dependency_wins_over_date():
    g = graph([ms("a", "2020-01-01"), ms("b", "2021-01-01"), ms("c", "2019-01-01")],
              [("a", "buildsOn", "b")])
    assert iris(engine.order(g, ["a", "b", "c"])) == ["c", "b", "a"]
    assert iris(engine.order(g, ["a", "b", "c"], engine.CHRONOLOGICAL)) == ["c", "a", "b"]


def test_ties_broken_by_date_then_importance_then_iri():
    g = graph([ms("z-low", "2020-01-01", 1), ms("y-landmark", "2020-01-01", 4),
               ms("b-high", "2020-01-01", 3), ms("a-high", "2020-01-01", 3),
               ms("early", "2019-05-05", 1)], [])
    assert iris(engine.order(g, ["z-low", "y-landmark", "b-high", "a-high", "early"])) == \
        ["early", "y-landmark", "a-high", "b-high", "z-low"]


def test_dependencies_through_non_members_count():
    # c depends on a through b (not a member) and through a model's basedOn edge.
    g = graph([ms("a", "2022-01-01"), ms("b", "2018-01-01"), ms("c", "2015-01-01"),
               model("ma"), model("md"), ms("d", "2010-01-01")],
              [("c", "buildsOn", "b"), ("b", "buildsOn", "a"),
               ("a", "involves", "ma"), ("d", "involves", "md"), ("md", "basedOn", "ma")])
    steps = engine.order(g, ["a", "c", "d"])
    assert iris(steps) == ["a", "d", "c"]
    assert steps[1].depends_on == ("a",)
    assert steps[2].depends_on == ("a",)


def test_model_lineage_orders_releases(g):
    # alpaca is based on llama: its release comes after llama's even without buildsOn.
    steps = engine.order(g, ["alpaca-release", "llama-release"], engine.DEPENDENCY)
    assert iris(steps) == ["llama-release", "alpaca-release"]
    assert steps[1].depends_on == ("llama-release",)


def test_unknown_members_are_left_out(g):
    assert iris(engine.order(g, ["neo-release", "nope"])) == ["neo-release"]


def test_unknown_ordering_is_refused(g):
    with pytest.raises(ValueError):
        engine.order(g, MILESTONES, "random")


@pytest.mark.parametrize("seed", range(5))
def test_order_is_deterministic_whatever_the_input_order(g, seed):
    rnd = random.Random(seed)
    nodes, edges = NODES[:], EDGES[:]
    rnd.shuffle(nodes)
    rnd.shuffle(edges)
    other = graph(nodes, edges)
    members = MILESTONES[:]
    rnd.shuffle(members)
    assert engine.order(other, members) == engine.order(g, MILESTONES)
    assert engine.lineage(other, "mixtral") == engine.lineage(g, "mixtral")
    assert engine.following(other, "llama") == engine.following(g, "llama")
    assert engine.between(other, "alpaca", "mixtral") == engine.between(g, "alpaca", "mixtral")


def test_cycles_are_reported_and_ordered_by_date():
    g = graph([ms("a", "2021-01-01"), ms("b", "2020-01-01"), ms("c", "2022-01-01")],
              [("a", "buildsOn", "b"), ("b", "buildsOn", "a"), ("c", "buildsOn", "a")])
    steps = engine.order(g, ["a", "b", "c"])
    assert iris(steps) == ["b", "a", "c"]
    assert g.cycles() == [["a", "b"]]
    assert engine.in_cycles(g, ["c"]) == []
    assert engine.in_cycles(g, ["a"]) == [["a", "b"]]
    # Generated paths on a cycle end too.
    assert set(iris(engine.lineage(g, "c").steps)) == {"a", "b", "c"}


def test_self_loop_is_a_cycle():
    g = graph([ms("a", "2021-01-01")], [("a", "buildsOn", "a")])
    assert iris(engine.order(g, ["a"])) == ["a"]
    assert g.cycles() == [["a"]]


def test_backward_dates_are_found():
    g = graph([ms("new", "2024-01-01"), ms("old", "2020-01-01")], [("old", "buildsOn", "new")])
    steps = engine.order(g, ["new", "old"])
    assert iris(steps) == ["new", "old"]
    assert engine.backward_dates(g, steps) == [("old", "new")]


def test_release_is_the_earliest_milestone_then_the_named_one():
    g = graph([model("m"), ms("m-release", "2021-01-01"), ms("m-preview", "2020-01-01"),
               model("n"), ms("a-n", "2021-01-01"), ms("n-release", "2021-01-01")],
              [("m-preview", "involves", "m"), ("m-release", "involves", "m"),
               ("a-n", "involves", "n"), ("n-release", "involves", "n")])
    assert g.release == {"m": "m-preview", "n": "n-release"}
    # The later release builds on the announcement, not the other way round.
    assert iris(engine.lineage(g, "m-release").steps) == ["m-preview", "m-release"]


def test_a_family_released_with_its_derivative_makes_no_cycle():
    # One milestone releases a model and its chat version, which is based on it.
    g = graph([model("base"), model("chat"), ms("base-release", "2023-07-18"),
               model("old"), ms("old-release", "2023-02-24")],
              [("base-release", "involves", "base"), ("base-release", "involves", "chat"),
               ("chat", "basedOn", "base"), ("base", "basedOn", "old"),
               ("old-release", "involves", "old")])
    assert g.cycles() == []
    assert iris(engine.lineage(g, "chat").steps) == ["old-release", "base-release", "chat"]


# --- lineage and next ----------------------------------------------------------------------

def test_lineage_of_a_model_runs_through_releases(g):
    walk = engine.lineage(g, "mixtral")
    assert iris(walk.steps) == ["llama-release", "mistral-release", "mixtral-release", "mixtral"]
    reasons = [(s.reason.subject, s.reason.via, s.reason.object, s.reason.step)
               for s in walk.steps[:-1]]
    assert reasons == [
        ("mistral-release", "buildsOn", "llama-release", "mistral-release"),
        ("mixtral", "basedOn", "mistral", "mixtral-release"),
        ("mixtral-release", "involves", "mixtral", "mixtral"),
    ]
    assert walk.steps[-1].reason is None
    assert not walk.truncated


def test_lineage_of_a_milestone_and_of_a_root(g):
    assert iris(engine.lineage(g, "bloom-release").steps) == ["neo-release", "bloom-release"]
    assert iris(engine.lineage(g, "neo-release").steps) == ["neo-release"]
    assert iris(engine.lineage(g, "meta").steps) == ["meta"]


def test_lineage_limit_keeps_the_closest_steps(g):
    walk = engine.lineage(g, "mixtral", limit=2)
    assert iris(walk.steps) == ["mixtral-release", "mixtral"]
    assert [s.position for s in walk.steps] == [1, 2]
    assert walk.truncated


def test_next_of_a_model_starts_from_its_release(g):
    walk = engine.following(g, "llama")
    assert iris(walk.steps) == ["llama-release", "alpaca-release", "mistral-release",
                                "mixtral-release"]
    assert walk.steps[0].reason is None
    alpaca = walk.steps[1].reason
    assert (alpaca.subject, alpaca.via, alpaca.object, alpaca.step) == \
        ("alpaca", "basedOn", "llama", "llama-release")
    assert walk.steps[3].reason.via == "basedOn"


def test_next_limit(g):
    walk = engine.following(g, "llama-release", limit=2)
    assert iris(walk.steps) == ["llama-release", "alpaca-release"]
    assert walk.truncated


def test_generated_paths_refuse_unknown_entities(g):
    with pytest.raises(NotFound):
        engine.lineage(g, "nope")
    with pytest.raises(NotFound):
        engine.between(g, "neo", "nope")


# --- between -------------------------------------------------------------------------------

def test_between_follows_edges_in_either_direction(g):
    walk = engine.between(g, "alpaca", "mixtral")
    assert iris(walk.steps) == ["alpaca", "llama", "llama-release", "mistral-release",
                                "mistral", "mixtral"]
    assert walk.steps[0].reason is None
    second = walk.steps[1].reason
    assert (second.subject, second.via, second.object, second.step) == \
        ("alpaca", "basedOn", "llama", "alpaca")
    assert not walk.through_organizations


def test_between_prefers_important_milestones():
    nodes = [ms("start", "2020-01-01"), ms("end", "2022-01-01"),
             ms("a-low", "2021-01-01", 1), ms("b-landmark", "2021-01-01", 4)]
    edges = [("a-low", "buildsOn", "start"), ("end", "buildsOn", "a-low"),
             ("b-landmark", "buildsOn", "start"), ("end", "buildsOn", "b-landmark")]
    assert iris(engine.between(graph(nodes, edges), "start", "end").steps) == \
        ["start", "b-landmark", "end"]


def test_between_prefers_fewer_steps_over_importance():
    nodes = [ms("s", "2020-01-01"), ms("e", "2023-01-01"), ms("low", "2021-06-01", 1),
             ms("l1", "2021-01-01", 4), ms("l2", "2022-01-01", 4)]
    edges = [("low", "buildsOn", "s"), ("e", "buildsOn", "low"),
             ("l1", "buildsOn", "s"), ("l2", "buildsOn", "l1"), ("e", "buildsOn", "l2")]
    assert iris(engine.between(graph(nodes, edges), "s", "e").steps) == ["s", "low", "e"]


def test_between_uses_organizations_only_when_nothing_else_links(g):
    walk = engine.between(g, "mistral", "mixtral")
    assert "mistral-ai" not in iris(walk.steps)
    with pytest.raises(NoPath):
        engine.between(g, "llama", "gemma")
    weak = engine.between(graph(NODES, EDGES + [("gemma-release", "involves", "meta")]),
                         "llama", "gemma")
    assert weak.through_organizations
    assert iris(weak.steps) == ["llama", "meta", "gemma-release", "gemma"]


def test_between_with_no_path_says_so(g):
    with pytest.raises(NoPath, match="no path links neo and gemma") as caught:
        engine.between(g, "neo", "gemma")
    assert isinstance(caught.value, NotFound)
    assert caught.value.status == 404


def test_between_an_entity_and_itself(g):
    assert iris(engine.between(g, "neo", "neo").steps) == ["neo"]


def test_depth_bounds_lineage_and_next(g):
    assert iris(engine.lineage(g, "mixtral", depth=0).steps) == ["mixtral-release", "mixtral"]
    assert iris(engine.lineage(g, "mixtral", depth=1).steps) == \
        ["mistral-release", "mixtral-release", "mixtral"]
    assert iris(engine.following(g, "llama", depth=1).steps) == \
        ["llama-release", "alpaca-release", "mistral-release"]
    with pytest.raises(ValueError):
        engine.lineage(g, "mixtral", depth=-1)


def test_reason_prefers_the_shortest_link():
    # d depends on a directly and through b; b depends on a: a's reason is its direct link.
    g = graph([ms("a", "2020-01-01"), ms("b", "2021-01-01"), ms("d", "2022-01-01")],
              [("b", "buildsOn", "a"), ("d", "buildsOn", "b"), ("d", "buildsOn", "a")])
    steps = engine.lineage(g, "d").steps
    assert iris(steps) == ["a", "b", "d"]
    assert (steps[0].reason.subject, steps[0].reason.step) == ("b", "b")
