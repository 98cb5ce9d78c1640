"""Which questions could still change the level, and the gates that open follow-ups."""

from __future__ import annotations

from screen.interview.flow import asking_order
from screen.interview.focus import Form
from screen.model import Level, Status
from screen.results import Evidence


def form(rulebook, offence: str = "immigration") -> Form:
    return Form(rulebook, asking_order(rulebook, offence, "full"))


def test_a_follow_up_names_its_gate_and_the_opening_answer(minimal) -> None:
    f = form(minimal)
    follow_up = minimal.question("who-holds-documents")
    assert f.gate_for(follow_up, {}) == ("has-documents", "no")
    assert f.gate_for(follow_up, {"has-documents": "no"}) is None  # applies already
    assert f.gate_for(follow_up, {"has-documents": "yes"}) is None  # closed by an answer


def test_a_gate_is_decisive_when_its_follow_up_could_raise_the_level(minimal) -> None:
    ranked = form(minimal).decisive((), {"safety-now": "no", "person-age": "30"})
    by_id = {q.id: q for q in ranked}
    assert "has-documents" in by_id and by_id["has-documents"].answer == "no"
    assert "who-holds-documents" not in by_id  # does not apply yet


def test_nothing_is_decisive_once_the_level_is_an_emergency(minimal) -> None:
    danger = (
        Evidence("immediate-danger", Status.PRESENT, "safety-now", "yes"),
        Evidence("documents-held", Status.PRESENT, "who-holds-documents", "employer"),
    )
    values = {"safety-now": "yes", "has-documents": "no", "who-holds-documents": "employer"}
    assert form(minimal).decisive(danger, values) == ()


def test_most_urgent_first_and_asking_order_on_a_tie(minimal) -> None:
    f = form(minimal, "labour_dispute")
    ranked = f.decisive((), {})
    ranks = [q.would_reach.rank for q in ranked]
    assert ranked and ranks == sorted(ranks)
    order = [q.id for q in f.questions]
    for first, second in zip(ranked, ranked[1:]):
        if first.would_reach is second.would_reach:
            assert order.index(first.id) < order.index(second.id)
    assert all(q.would_reach.rank < Level.L5.rank for q in ranked)
