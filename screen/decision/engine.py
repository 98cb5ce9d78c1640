"""The decision engine: evidence in, an explained referral recommendation out (pure).

Layers, most urgent first (see docs/decision-logic.md): L0 emergency; L1 minor
gate; L2 means and purpose both positive; L3 partial evidence; L4 harm that
needs another referral; L5 no indicators in the information given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from screen.decision.dimensions import DIMENSION_TITLES, Counts, dimension_positive, what_is_missing
from screen.model import Evidence, Indicator, Jurisdiction, Question, Resource, Rulebook, localise

US_MEANS = ("deceptive_recruitment", "coercive_recruitment", "coercion_at_destination")
VULNERABILITY = ("recruitment_vulnerability", "vulnerability_at_destination")
PURPOSE = "exploitative_conditions"
LEVEL_ORDER = ("L0", "L1", "L2", "L3", "L4", "L5")


@dataclass(frozen=True, slots=True)
class Counted:
    """An indicator that counted, with how and why."""

    id: str
    title: str
    weight: str
    dimension: str
    element: str
    provenance: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DimensionResult:
    """One ILO dimension's counts, verdict and what it lacks."""

    name: str
    title: str
    counts: Counts
    positive: bool
    indicators: tuple[str, ...]
    missing: str


@dataclass(frozen=True, slots=True)
class NextQuestion:
    """An unanswered question whose answer could change the level."""

    id: str
    text: str
    answer: str
    would_reach: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The engine's result: a level and everything that explains it."""

    level: str
    name: str
    title: str
    action: str
    reasons: tuple[str, ...]
    minor: str
    profile: str
    jurisdiction: str
    counted: tuple[Counted, ...]
    dimensions: tuple[DimensionResult, ...]
    missing: tuple[str, ...]
    next_questions: tuple[NextQuestion, ...]
    resources: tuple[Resource, ...]
    also: tuple[str, ...]
    rulebook_version: str
    rulebook_hash: str


@dataclass(frozen=True, slots=True)
class _Facts:
    present: tuple[Indicator, ...]
    triggers: frozenset[str]
    minor: str
    ages: tuple[int, ...]
    sex: bool


def decide(
    rulebook: Rulebook,
    evidence: Iterable[Evidence],
    profile: str | None = None,
    jurisdiction: str | None = None,
    candidates: Sequence[Question] = (),
    lang: str = "en",
) -> Recommendation:
    """Decide the recommendation for ``evidence`` under ``rulebook``.

    Args:
        rulebook: the validated rulebook.
        evidence: indicator hits from answers or notes; only ``present`` ones count.
        profile: force a weight profile (adult_labour, adult_sex, child_labour, child_sex);
            by default it is chosen from the evidence.
        jurisdiction: ``us-federal`` or ``palermo`` (default: the rulebook's).
        candidates: unanswered questions to rank as next questions.
        lang: language of titles and question texts.
    """
    evidence = tuple(evidence)
    facts = _facts(rulebook, evidence)
    law = rulebook.decision.jurisdiction_named(jurisdiction or rulebook.decision.jurisdiction)
    chosen = profile or _profile(facts)
    level, reasons, also, dims = _evaluate(rulebook, facts, law, chosen)
    spec = rulebook.decision.level(level)
    return Recommendation(
        level=level,
        name=spec.name,
        title=localise(spec.title, lang),
        action=localise(spec.action, lang),
        reasons=tuple(reasons),
        minor=facts.minor,
        profile=chosen,
        jurisdiction=law.name,
        counted=_counted(facts, evidence, chosen),
        dimensions=dims,
        missing=_missing(dims, law),
        next_questions=_next_questions(rulebook, evidence, law, profile, candidates, level, lang),
        resources=tuple(rulebook.decision.resource(r) for r in spec.resources),
        also=tuple(also),
        rulebook_version=rulebook.version,
        rulebook_hash=rulebook.short_hash,
    )


def level_of(
    rulebook: Rulebook, evidence: Iterable[Evidence], jurisdiction: str | None = None
) -> str:
    """Return only the level for ``evidence`` (fast path, no explanations)."""
    facts = _facts(rulebook, tuple(evidence))
    law = rulebook.decision.jurisdiction_named(jurisdiction or rulebook.decision.jurisdiction)
    return _evaluate(rulebook, facts, law, _profile(facts))[0]


def _facts(rulebook: Rulebook, evidence: tuple[Evidence, ...]) -> _Facts:
    ids = sorted(
        {e.indicator for e in evidence if e.counts and rulebook.has_indicator(e.indicator)}
    )
    present = tuple(rulebook.indicator(i) for i in ids)
    triggers = frozenset(t for ind in present for t in ind.triggers)
    ages = tuple(sorted(e.age for e in evidence if e.counts and e.age is not None))
    minor = "no"
    if "minor" in triggers or (ages and ages[0] < 18):
        minor = "yes"
    elif "possible_minor" in triggers:
        minor = "possible"
    sex = "commercial_sex" in triggers or any(ind.exploitation == "sex" for ind in present)
    return _Facts(present, triggers, minor, ages, sex)


def _profile(facts: _Facts) -> str:
    age = "child" if facts.minor != "no" else "adult"
    return f"{age}_{'sex' if facts.sex else 'labour'}"


def _lower_profiles(profile: str) -> tuple[str, ...]:
    """Profiles whose evidence flags are a subset of ``profile``'s (so results stay monotone)."""
    age, kind = profile.split("_")
    ages = ("adult", "child") if age == "child" else ("adult",)
    kinds = ("labour", "sex") if kind == "sex" else ("labour",)
    return tuple(f"{a}_{k}" for a in ages for k in kinds)


def _evaluate(
    rulebook: Rulebook, facts: _Facts, law: Jurisdiction, profile: str
) -> tuple[str, list[str], list[str], tuple[DimensionResult, ...]]:
    dims = _dimensions(rulebook, facts, profile)
    best = _layers(facts, law, dims, profile)
    for other in _lower_profiles(profile):
        if other != profile:
            alt = _layers(facts, law, _dimensions(rulebook, facts, other), other)
            if LEVEL_ORDER.index(alt[0]) < LEVEL_ORDER.index(best[0]):
                best = (alt[0], [*alt[1], f"(reached with the {other} weights)"], alt[2])
    return best[0], best[1], best[2], dims


def _dimensions(rulebook: Rulebook, facts: _Facts, profile: str) -> tuple[DimensionResult, ...]:
    rule = rulebook.decision.dimension_rule
    results = []
    for name, title in DIMENSION_TITLES.items():
        members = [ind for ind in facts.present if ind.dimension == name]
        counts = Counts()
        for ind in members:
            counts = counts.add(ind.weight_for(profile))
        results.append(
            DimensionResult(
                name,
                title,
                counts,
                dimension_positive(counts, rule),
                tuple(ind.id for ind in members),
                what_is_missing(counts, rule),
            )
        )
    return tuple(results)


def _means_names(law: Jurisdiction) -> tuple[str, ...]:
    return US_MEANS + VULNERABILITY if law.vulnerability_is_means else US_MEANS


def _layers(
    facts: _Facts, law: Jurisdiction, dims: tuple[DimensionResult, ...], profile: str
) -> tuple[str, list[str], list[str]]:
    fired: list[tuple[str, list[str]]] = []
    by_name = {d.name: d for d in dims}
    _emergency(facts, fired)
    _minor_gate(facts, law, fired)
    _elements(facts, law, by_name, profile, fired)
    _other_harm(facts, fired)
    if not fired:
        fired.append(("L5", [_nothing_reason(facts)]))
    fired.sort(key=lambda item: LEVEL_ORDER.index(item[0]))
    level, reasons = fired[0]
    also = [f"{lvl}: {why[0]}" for lvl, why in fired[1:] if lvl != level]
    return level, list(reasons), also


def _titles(indicators: Iterable[Indicator]) -> str:
    return "; ".join(ind.title for ind in indicators)


def _emergency(facts: _Facts, fired: list[tuple[str, list[str]]]) -> None:
    urgent = [ind for ind in facts.present if "emergency" in ind.triggers]
    if urgent:
        fired.append(("L0", [f"Immediate danger or urgent need: {_titles(urgent)}."]))


def _minor_gate(facts: _Facts, law: Jurisdiction, fired: list[tuple[str, list[str]]]) -> None:
    if facts.minor == "no":
        return
    who = _who(facts)
    sex = [ind for ind in facts.present if "commercial_sex" in ind.triggers]
    if sex:
        fired.append(
            (
                "L1",
                [
                    f"{who} with a commercial sex act ({_titles(sex)}). For a minor no "
                    "force, fraud or coercion needs to be shown, and stated consent "
                    "does not matter.",
                    *_verify(facts),
                ],
            )
        )
        return
    exploitation = [ind for ind in facts.present if ind.dimension == "exploitative_conditions"]
    control = [ind for ind in facts.present if ind.element == "means"]
    labour = "labour" in facts.triggers or any(
        ind.exploitation in ("labour", "criminality") for ind in exploitation
    )
    if (labour or not law.child_labour_needs_means) and (exploitation or control):
        signs = _titles([*exploitation, *control])
        note = (
            "Federal law still requires force, fraud or coercion for labour trafficking, so "
            "refer to child protection and a specialist to assess it."
            if law.child_labour_needs_means
            else "Under the Palermo Protocol no means are needed for a child."
        )
        fired.append(
            (
                "L1",
                [
                    f"{who} in labour or services with signs of exploitation or "
                    f"control ({signs}). {note}",
                    *_verify(facts),
                ],
            )
        )


def _who(facts: _Facts) -> str:
    if facts.minor == "yes":
        if facts.ages and facts.ages[0] < 18:
            extra = (
                f"; ages read: {', '.join(map(str, facts.ages))}, lowest used"
                if len(set(facts.ages)) > 1
                else ""
            )
            return f"Under 18 (age {facts.ages[0]}{extra})"
        return "Under 18"
    return "Possibly under 18, age unverified"


def _verify(facts: _Facts) -> list[str]:
    if facts.minor == "possible":
        return ["Treat the person as a minor until the age is verified: verify age."]
    return []


def _elements(
    facts: _Facts,
    law: Jurisdiction,
    dims: dict[str, DimensionResult],
    profile: str,
    fired: list[tuple[str, list[str]]],
) -> None:
    means = [dims[n] for n in _means_names(law) if dims[n].positive]
    purpose = dims[PURPOSE]
    vulnerable = [dims[n] for n in VULNERABILITY if dims[n].positive]
    if means and purpose.positive:
        fired.append(
            (
                "L2",
                [
                    f"Means: {_dim_list(means)} positive; purpose: exploitative conditions "
                    f"positive ({purpose.counts.describe()}), under the {profile} weights.",
                    "Initial consent does not matter once force, fraud or coercion is used.",
                ],
            )
        )
        return
    strong = [
        ind
        for ind in facts.present
        if ind.dimension in _means_names(law) and ind.weight_for(profile) == "strong"
    ]
    reasons = []
    if strong:
        reasons.append(f"A strong sign of force, fraud or coercion: {_titles(strong)}.")
    if means:
        reasons.append(f"Means positive ({_dim_list(means)}) but no clear purpose yet.")
    any_means = [ind for ind in facts.present if ind.dimension in _means_names(law)]
    if purpose.positive and (vulnerable or any_means):
        support = _dim_list(vulnerable) if vulnerable else _titles(any_means)
        reasons.append(f"Exploitative conditions positive together with {support}.")
    elif purpose.positive and "commercial_sex" in facts.triggers:
        reasons.append(
            "Commercial sex exploited by someone else (exploitative conditions positive: "
            f"{purpose.counts.describe()}): assess for force, fraud or coercion."
        )
    if reasons:
        fired.append(("L3", reasons))


def _dim_list(dims: Iterable[DimensionResult]) -> str:
    return ", ".join(f"{d.title} ({d.counts.describe()})" for d in dims)


def _other_harm(facts: _Facts, fired: list[tuple[str, list[str]]]) -> None:
    reasons = []
    labour = [ind for ind in facts.present if ind.dimension == PURPOSE]
    if labour or "labour" in facts.triggers:
        reasons.append(
            "Exploitation or a labour dispute without enough sign of force, fraud "
            "or coercion: refer to labour standards (wage and hour) and keep the "
            "hotline card with the person."
        )
    if "domestic_violence" in facts.triggers:
        reasons.append(
            "Domestic violence without a commercial or labour element: refer to "
            "domestic violence services."
        )
    if "sexual_assault" in facts.triggers:
        reasons.append("Sexual assault: refer to sexual assault services.")
    if "commercial_sex" in facts.triggers and not reasons:
        reasons.append(
            "Commercial sex by an adult with no sign of third-party control: offer "
            "support services and the hotline card."
        )
    means = [ind for ind in facts.present if ind.element == "means"]
    if means and not reasons:
        reasons.append(
            f"Some signs of control ({_titles(means)}), below the referral "
            "threshold: ask the next questions and offer the hotline card."
        )
    if reasons:
        fired.append(("L4", reasons))


def _nothing_reason(facts: _Facts) -> str:
    if facts.present:
        return (
            f"Only context or vulnerability signs ({_titles(facts.present)}), which never "
            "decide a level alone. No indicators of trafficking in the information given."
        )
    return "No indicators in the information given. This is not a clearance."


def _counted(facts: _Facts, evidence: tuple[Evidence, ...], profile: str) -> tuple[Counted, ...]:
    result = []
    for ind in facts.present:
        origins = tuple(
            sorted({e.provenance() for e in evidence if e.indicator == ind.id and e.counts})
        )
        result.append(
            Counted(ind.id, ind.title, ind.weight_for(profile), ind.dimension, ind.element, origins)
        )
    return tuple(result)


def _missing(dims: tuple[DimensionResult, ...], law: Jurisdiction) -> tuple[str, ...]:
    relevant = (*_means_names(law), PURPOSE)
    notes = []
    for dim in dims:
        if dim.name in relevant and not dim.positive and dim.indicators:
            notes.append(
                f"{dim.title}: {dim.counts.describe()}; {dim.missing} would make it positive."
            )
    if not any(d.positive for d in dims if d.name in relevant[:-1]):
        notes.append("No means dimension is positive yet (force, fraud or coercion).")
    if not next(d for d in dims if d.name == PURPOSE).positive:
        notes.append("The purpose dimension (exploitative conditions) is not positive yet.")
    return tuple(notes)


def _next_questions(
    rulebook: Rulebook,
    evidence: tuple[Evidence, ...],
    law: Jurisdiction,
    profile: str | None,
    candidates: Sequence[Question],
    level: str,
    lang: str,
) -> tuple[NextQuestion, ...]:
    ranked: list[tuple[int, int, NextQuestion]] = []
    for order, question in enumerate(candidates):
        best: tuple[str, str] | None = None
        for answer, ids in question.sets:
            extra = tuple(Evidence(i, question=question.id, answer=answer) for i in ids)
            facts = _facts(rulebook, evidence + extra)
            reached = _evaluate(rulebook, facts, law, profile or _profile(facts))[0]
            if best is None or LEVEL_ORDER.index(reached) < LEVEL_ORDER.index(best[0]):
                best = (reached, answer)
        if best and LEVEL_ORDER.index(best[0]) < LEVEL_ORDER.index(level):
            ranked.append(
                (
                    LEVEL_ORDER.index(best[0]),
                    order,
                    NextQuestion(question.id, localise(question.text, lang), best[1], best[0]),
                )
            )
    ranked.sort(key=lambda item: (item[0], item[1]))
    return tuple(item[2] for item in ranked[:5])
