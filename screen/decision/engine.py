"""The decision engine: evidence in, an explained referral recommendation out (pure).

Layers, most urgent first (see docs/decision-logic.md): L0 emergency; L1 minor
gate; L2 means and purpose both positive; L3 partial evidence; L4 harm that
needs another referral; L5 no indicators in the information given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from screen.decision.dimensions import (
    DIMENSION_TITLES,
    Rule,
    dimension_positive,
    missing_needs,
    what_is_missing,
)
from screen.decision.wording import Say
from screen.model import (
    Dimension,
    Element,
    Exploitation,
    Indicator,
    Jurisdiction,
    Level,
    Minor,
    PartnerControl,
    Profile,
    Question,
    Rulebook,
    Screening,
    Trigger,
    Weight,
    localise,
)
from screen.results import (
    Counted,
    Counts,
    DimensionResult,
    Evidence,
    NextQuestion,
    Recommendation,
)

US_MEANS = (
    Dimension.DECEPTIVE_RECRUITMENT,
    Dimension.COERCIVE_RECRUITMENT,
    Dimension.COERCION_AT_DESTINATION,
)
VULNERABILITY = (Dimension.RECRUITMENT_VULNERABILITY, Dimension.VULNERABILITY_AT_DESTINATION)
PURPOSE = Dimension.EXPLOITATIVE_CONDITIONS
Fired = list[tuple[Level, list[str]]]


@dataclass(frozen=True, slots=True)
class _Facts:
    present: tuple[Indicator, ...]
    """The signs that count."""
    held: tuple[Indicator, ...]
    """Signs found but not counted: their ``counts_with`` is missing (violence with no
    sign that anyone controls the person's work, sex or movement)."""
    triggers: frozenset[Trigger]
    minor: Minor
    ages: tuple[int, ...]
    sex: bool
    safety: tuple[Indicator, ...]
    """Signs of immediate danger or urgent need: a flag, shown at once."""
    partner_only: tuple[Indicator, ...] = ()
    """The means found, when they are all a partner's control and nothing shows work, services
    or sex for something of value (see :class:`~screen.model.PartnerControl`); else empty."""


def decide(
    rulebook: Rulebook,
    evidence: Iterable[Evidence],
    profile: Profile | None = None,
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
    say = Say(lang)
    level, reasons, also, dims = _evaluate(rulebook, facts, law, chosen, say)
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
        counted=_counted(facts, evidence, chosen, lang),
        dimensions=dims,
        missing=_missing(dims, law, rulebook.decision.dimension_rule, say),
        next_questions=_next_questions(rulebook, evidence, law, profile, candidates, level, lang),
        resources=tuple(rulebook.decision.resource(r).in_language(lang) for r in spec.resources),
        also=tuple(also),
        rulebook_version=rulebook.version,
        rulebook_hash=rulebook.short_hash,
        safety=tuple(ind.id for ind in facts.safety),
        score=score_of(facts, rulebook.decision.screening, chosen),
        held=tuple(ind.id for ind in facts.held),
    )


def level_of(
    rulebook: Rulebook, evidence: Iterable[Evidence], jurisdiction: str | None = None
) -> Level:
    """Return only the level for ``evidence`` (fast path, no explanations)."""
    facts = _facts(rulebook, tuple(evidence))
    law = rulebook.decision.jurisdiction_named(jurisdiction or rulebook.decision.jurisdiction)
    return _evaluate(rulebook, facts, law, _profile(facts))[0]


def _facts(rulebook: Rulebook, evidence: tuple[Evidence, ...]) -> _Facts:
    ids = sorted(
        {e.indicator for e in evidence if e.counts and rulebook.has_indicator(e.indicator)}
    )
    found = tuple(rulebook.indicator(i) for i in ids)
    held = tuple(ind for ind in found if ind.counts_with and not _has_company(ind, found))
    present = tuple(ind for ind in found if ind not in held)
    triggers = frozenset(t for ind in found for t in ind.triggers)
    safety = tuple(ind for ind in found if Trigger.EMERGENCY in ind.triggers)
    ages = tuple(sorted(e.age for e in evidence if e.counts and e.age is not None))
    minor = Minor.NO
    if Trigger.MINOR in triggers or (ages and ages[0] < 18):
        minor = Minor.YES
    elif Trigger.POSSIBLE_MINOR in triggers:
        minor = Minor.POSSIBLE
    sex = Trigger.COMMERCIAL_SEX in triggers or any(
        ind.exploitation is Exploitation.SEX for ind in present
    )
    partner = _partner_only(rulebook.decision.partner_control, present, triggers, safety)
    return _Facts(present, held, triggers, minor, ages, sex, safety, partner)


def _partner_only(
    rule: PartnerControl,
    present: tuple[Indicator, ...],
    triggers: frozenset[Trigger],
    safety: tuple[Indicator, ...],
) -> tuple[Indicator, ...]:
    """The means, when violence by a partner explains them all and nothing shows exploitation."""
    if Trigger.DOMESTIC_VIOLENCE not in triggers or triggers & {
        Trigger.COMMERCIAL_SEX,
        Trigger.LABOUR,
    }:
        return ()
    if any(ind.dimension is PURPOSE and ind.element is not Element.CONTEXT for ind in present):
        return ()
    means = tuple(ind for ind in present if ind.element is Element.MEANS and ind not in safety)
    return means if means and all(rule.covers(ind) for ind in means) else ()


def _has_company(indicator: Indicator, found: tuple[Indicator, ...]) -> bool:
    """Whether a sign that ``indicator`` counts with is there (not itself conditional)."""
    wanted = set(indicator.counts_with)
    return any(
        other is not indicator
        and not other.counts_with
        and (other.id in wanted or other.category in wanted)
        for other in found
    )


_PROFILES = {
    (False, False): Profile.ADULT_LABOUR,
    (False, True): Profile.ADULT_SEX,
    (True, False): Profile.CHILD_LABOUR,
    (True, True): Profile.CHILD_SEX,
}


def _profile(facts: _Facts) -> Profile:
    return _PROFILES[(facts.minor is not Minor.NO, facts.sex)]


def _lower_profiles(profile: Profile) -> tuple[Profile, ...]:
    """Profiles whose evidence flags are a subset of ``profile``'s (so results stay monotone)."""
    child = profile in (Profile.CHILD_LABOUR, Profile.CHILD_SEX)
    sex = profile in (Profile.ADULT_SEX, Profile.CHILD_SEX)
    return tuple(
        _PROFILES[(c, s)]
        for c in ((False, True) if child else (False,))
        for s in ((False, True) if sex else (False,))
    )


_ENGLISH = Say("en")


def _evaluate(
    rulebook: Rulebook, facts: _Facts, law: Jurisdiction, profile: Profile, say: Say = _ENGLISH
) -> tuple[Level, list[str], list[str], tuple[DimensionResult, ...]]:
    dims = _dimensions(rulebook, facts, profile)
    settings = rulebook.decision.screening
    best = _layers(facts, law, dims, profile, settings, say)
    for other in _lower_profiles(profile):
        if other != profile:
            alt = _layers(facts, law, _dimensions(rulebook, facts, other), other, settings, say)
            if alt[0].rank < best[0].rank:
                reached = say("reached_with", profile=say.profile(other))
                best = (alt[0], [*alt[1], reached], alt[2])
    return best[0], best[1], best[2], dims


def _dimensions(rulebook: Rulebook, facts: _Facts, profile: Profile) -> tuple[DimensionResult, ...]:
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


def _means_names(law: Jurisdiction) -> tuple[Dimension, ...]:
    return US_MEANS + VULNERABILITY if law.vulnerability_is_means else US_MEANS


def _layers(
    facts: _Facts,
    law: Jurisdiction,
    dims: tuple[DimensionResult, ...],
    profile: Profile,
    settings: Screening,
    say: Say = _ENGLISH,
) -> tuple[Level, list[str], list[str]]:
    fired: Fired = []
    by_name = {d.name: d for d in dims}
    _minor_gate(facts, law, fired, say)
    _elements(facts, law, by_name, profile, fired, say)
    _score_rule(facts, settings, profile, fired, say)
    _other_harm(facts, fired, say)
    _emergency(facts, fired, say)
    if not fired:
        fired.append((Level.L5, [_nothing_reason(facts, say)]))
    fired.sort(key=lambda item: item[0].rank)
    level, reasons = fired[0]
    also = [f"{lvl}: {why[0]}" for lvl, why in fired[1:] if lvl != level]
    return level, list(reasons), also


def _emergency(facts: _Facts, fired: Fired, say: Say) -> None:
    """Danger with a sign of trafficking is L0; danger alone is a safety flag only."""
    if not facts.safety:
        return
    referred = any(level.refers for level, _ in fired)
    signs = [
        ind
        for ind in facts.present
        if ind not in facts.safety
        and ind not in facts.partner_only
        and ind.element in (Element.MEANS, Element.PURPOSE, Element.ACT)
    ]
    if referred or signs:
        fired.append((Level.L0, [say("emergency", signs=say.titles(facts.safety))]))


def score_of(facts: _Facts, settings: Screening, profile: Profile) -> float:
    """The note's screening score: points of the signs that count, for ranking."""
    total = 0.0
    for ind in facts.present:
        if ind in facts.safety or ind.element is Element.AGE:
            continue
        points = settings.points(ind.weight_for(profile))
        if ind.element is Element.VULNERABILITY:
            points *= settings.vulnerability
        elif ind.element is Element.CONTEXT:
            points *= settings.context
        total += points
    return round(total, 1)


def _score_rule(
    facts: _Facts, settings: Screening, profile: Profile, fired: Fired, say: Say
) -> None:
    """Many signs together refer for assessment even when no single rule does (L3)."""
    score = score_of(facts, settings, profile)
    signs = [
        ind for ind in facts.present if ind not in facts.safety and ind.element is Element.MEANS
    ]
    if score >= settings.refer_at and signs and not facts.partner_only:
        fired.append(
            (
                Level.L3,
                [
                    say(
                        "score",
                        score=f"{score:g}",
                        refer_at=f"{settings.refer_at:g}",
                        signs=say.titles(facts.present),
                    )
                ],
            )
        )


def _minor_gate(facts: _Facts, law: Jurisdiction, fired: Fired, say: Say) -> None:
    if facts.minor is Minor.NO:
        return
    who = _who(facts, say)
    sex = [ind for ind in facts.present if Trigger.COMMERCIAL_SEX in ind.triggers]
    if sex:
        fired.append(
            (
                Level.L1,
                [say("minor_sex", who=who, signs=say.titles(sex)), *_verify(facts, say)],
            )
        )
        return
    # the call's own context (a wage dispute) is not itself a sign of exploitation
    exploitation = [
        ind
        for ind in facts.present
        if ind.dimension is PURPOSE and ind.element is not Element.CONTEXT
    ]
    control = [
        ind for ind in facts.present if ind.element is Element.MEANS and ind not in facts.safety
    ]
    if exploitation or (control and not facts.partner_only):
        signs = say.titles([*exploitation, *control])
        note = say(
            "federal_child_labour" if law.child_labour_needs_means else "palermo_child_labour"
        )
        fired.append(
            (
                Level.L1,
                [say("minor_labour", who=who, signs=signs, note=note), *_verify(facts, say)],
            )
        )


def _who(facts: _Facts, say: Say) -> str:
    if facts.minor is Minor.YES:
        if facts.ages and facts.ages[0] < 18:
            extra = (
                say("ages_read", ages=", ".join(map(str, facts.ages)))
                if len(set(facts.ages)) > 1
                else ""
            )
            return say("under_18_age", age=facts.ages[0], extra=extra)
        return say("under_18")
    return say("possibly_under_18")


def _verify(facts: _Facts, say: Say) -> list[str]:
    if facts.minor is Minor.POSSIBLE:
        return [say("verify_age")]
    return []


def _elements(
    facts: _Facts,
    law: Jurisdiction,
    dims: dict[Dimension, DimensionResult],
    profile: Profile,
    fired: Fired,
    say: Say,
) -> None:
    if facts.partner_only:
        return  # a partner's control with nothing exploited: domestic abuse (L4)
    means = [dims[n] for n in _means_names(law) if dims[n].positive]
    purpose = dims[PURPOSE]
    vulnerable = [dims[n] for n in VULNERABILITY if dims[n].positive]
    if means and purpose.positive:
        fired.append(
            (
                Level.L2,
                [
                    say(
                        "l2_elements",
                        means=_dim_list(means, say),
                        counts=say.counts(purpose.counts),
                        profile=say.profile(profile),
                    ),
                    say("consent"),
                ],
            )
        )
        return
    strong = [
        ind
        for ind in facts.present
        if ind.dimension in _means_names(law) and ind.weight_for(profile) is Weight.STRONG
    ]
    reasons = []
    if strong:
        reasons.append(say("strong_means", signs=say.titles(strong)))
    if means:
        reasons.append(say("means_no_purpose", means=_dim_list(means, say)))
    any_means = [ind for ind in facts.present if ind.dimension in _means_names(law)]
    if purpose.positive and (vulnerable or any_means):
        support = _dim_list(vulnerable, say) if vulnerable else say.titles(any_means)
        reasons.append(say("purpose_with", support=support))
    elif purpose.positive and Trigger.COMMERCIAL_SEX in facts.triggers:
        reasons.append(say("sex_exploited", counts=say.counts(purpose.counts)))
    if reasons:
        fired.append((Level.L3, reasons))


def _dim_list(dims: Iterable[DimensionResult], say: Say) -> str:
    return ", ".join(f"{say.dimension(d.name)} ({say.counts(d.counts)})" for d in dims)


def _other_harm(facts: _Facts, fired: Fired, say: Say) -> None:
    """L4: harm that needs another service, named for the kind of harm found."""
    reasons = []
    labour = [
        ind
        for ind in facts.present
        if ind.dimension is PURPOSE
        and ind.exploitation in (Exploitation.LABOUR, Exploitation.CRIMINALITY)
    ]
    if labour or Trigger.LABOUR in facts.triggers:
        reasons.append(say("labour"))
    if facts.minor is not Minor.NO:
        reasons.append(say("minor_other"))
    if facts.partner_only:
        reasons.append(say("partner_control", signs=say.titles(facts.partner_only)))
    elif Trigger.DOMESTIC_VIOLENCE in facts.triggers:
        reasons.append(say("domestic_violence"))
    if Trigger.SEXUAL_ASSAULT in facts.triggers:
        reasons.append(say("sexual_assault"))
    if facts.held and not reasons:
        reasons.append(say("held", signs=say.titles(facts.held)))
    if Trigger.COMMERCIAL_SEX in facts.triggers and not reasons:
        reasons.append(say("adult_sex"))
    means = [
        ind for ind in facts.present if ind.element is Element.MEANS and ind not in facts.safety
    ]
    if means and not reasons:
        reasons.append(say("some_control", signs=say.titles(means)))
    if reasons:
        fired.append((Level.L4, reasons))


def _nothing_reason(facts: _Facts, say: Say) -> str:
    if facts.present:
        return say("only_context", signs=say.titles(facts.present))
    return say("nothing")


def _counted(
    facts: _Facts, evidence: tuple[Evidence, ...], profile: Profile, lang: str
) -> tuple[Counted, ...]:
    result = []
    for ind in facts.present:
        origins = tuple(
            sorted({e.provenance() for e in evidence if e.indicator == ind.id and e.counts})
        )
        result.append(
            Counted(
                ind.id,
                ind.title_in(lang),
                ind.weight_for(profile),
                ind.dimension,
                ind.element,
                origins,
            )
        )
    return tuple(result)


def _missing(
    dims: tuple[DimensionResult, ...], law: Jurisdiction, rule: Rule, say: Say
) -> tuple[str, ...]:
    relevant = (*_means_names(law), PURPOSE)
    notes = []
    for dim in dims:
        if dim.name in relevant and not dim.positive and dim.indicators:
            notes.append(
                say(
                    "dim_missing",
                    dimension=say.dimension(dim.name),
                    counts=say.counts(dim.counts),
                    missing=say.needs(missing_needs(dim.counts, rule)),
                )
            )
    if not any(d.positive for d in dims if d.name in relevant[:-1]):
        notes.append(say("no_means"))
    if not next(d for d in dims if d.name == PURPOSE).positive:
        notes.append(say("no_purpose"))
    return tuple(notes)


def rank_questions(
    rulebook: Rulebook,
    evidence: Iterable[Evidence],
    candidates: Sequence[Question],
    jurisdiction: str | None = None,
    lang: str = "en",
) -> tuple[NextQuestion, ...]:
    """Every candidate whose best answer would reach a more urgent level, most decisive first.

    Ties keep the candidates' order. An empty result means no answer to any of them
    can change the level (evidence only ever adds, so levels only become more urgent).
    """
    evidence = tuple(evidence)
    facts = _facts(rulebook, evidence)
    law = rulebook.decision.jurisdiction_named(jurisdiction or rulebook.decision.jurisdiction)
    level = _evaluate(rulebook, facts, law, _profile(facts))[0]
    return _next_questions(rulebook, evidence, law, None, candidates, level, lang, limit=None)


def _next_questions(
    rulebook: Rulebook,
    evidence: tuple[Evidence, ...],
    law: Jurisdiction,
    profile: Profile | None,
    candidates: Sequence[Question],
    level: Level,
    lang: str,
    limit: int | None = 5,
) -> tuple[NextQuestion, ...]:
    ranked: list[tuple[int, int, NextQuestion]] = []
    for order, question in enumerate(candidates):
        best: tuple[Level, str] | None = None
        for answer, ids in question.sets:
            extra = tuple(Evidence(i, question=question.id, answer=answer) for i in ids)
            facts = _facts(rulebook, evidence + extra)
            reached = _evaluate(rulebook, facts, law, profile or _profile(facts))[0]
            if best is None or reached.rank < best[0].rank:
                best = (reached, answer)
        if best and best[0].rank < level.rank:
            ranked.append(
                (
                    best[0].rank,
                    order,
                    NextQuestion(question.id, localise(question.text, lang), best[1], best[0]),
                )
            )
    ranked.sort(key=lambda item: (item[0], item[1]))
    return tuple(item[2] for item in ranked[:limit])
