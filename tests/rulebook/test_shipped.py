"""The shipped indicators.yaml: coverage, and its generated reference page kept in sync."""

from __future__ import annotations

from screen.interview.flow import SHORT_FORM_LIMIT, asking_order
from screen.model import CATEGORIES, OFFENCES
from tests.conftest import ROOT, run_cli


def test_counts_and_categories(shipped) -> None:
    assert len(shipped.indicators) >= 70
    present = {ind.category for ind in shipped.indicators}
    assert present == set(CATEGORIES)


def test_every_indicator_is_sourced_and_has_examples_both_ways(shipped) -> None:
    for ind in shipped.indicators:
        assert ind.sources, ind.id
        assert ind.patterns, ind.id
        assert len(ind.match_examples) >= 2 and len(ind.no_match_examples) >= 2, ind.id


def test_every_offence_has_a_focused_flow_and_a_short_form(shipped) -> None:
    for offence in OFFENCES:
        flow = shipped.flow(offence)
        assert flow.focus, offence
        short = asking_order(shipped, offence, "short")
        assert 0 < len(short) <= SHORT_FORM_LIMIT, offence
        assert short[0].section == "safety", offence
        assert any(q.records == "age" for q in short[:6]), offence


def test_every_question_speaks_english_and_spanish(shipped) -> None:
    for question in shipped.questions:
        assert {lang for lang, _ in question.text} >= {"en", "es"}, question.id
        assert question.help, question.id


def test_hotline_is_printed_at_every_level(shipped) -> None:
    hotline = shipped.decision.resource("nhth")
    assert "1-888-373-7888" in hotline.contact and "233733" in hotline.contact
    assert all("nhth" in level.resources for level in shipped.decision.levels)


def test_minor_gate_and_emergency_are_reachable_by_questions(shipped) -> None:
    opening = [shipped.question(q) for q in shipped.opening]
    assert any(q.records == "age" for q in opening)
    emergency = {i.id for i in shipped.indicators if "emergency" in i.triggers}
    assert any(set(ids) & emergency for q in opening for _, ids in q.sets)
    sex = {i.id for i in shipped.indicators if "commercial_sex" in i.triggers}
    assert any(set(ids) & sex for q in shipped.questions for _, ids in q.sets)


def test_indicator_reference_page_is_in_sync() -> None:
    result = run_cli("rules", "list", "--format", "markdown")
    assert result.code == 0
    page = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert page == result.stdout, (
        "regenerate: htscreen rules list --format markdown > docs/indicators.md"
    )


def test_every_indicator_has_a_spanish_title(shipped) -> None:
    from screen.rulebook.fairness import descriptors_in

    spanish = {}
    for ind in shipped.indicators:
        title = ind.title_in("es")
        assert title != ind.title, f"{ind.id} has no Spanish title"
        assert not descriptors_in(title), f"{ind.id}: the Spanish title names a descriptor"
        spanish[title] = ind.id
    assert len(spanish) == len(shipped.indicators), "two indicators share a Spanish title"
