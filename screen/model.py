"""Frozen, typed domain objects shared by every part of htscreen.

No I/O, no YAML, no terminal code lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

OFFENCES: tuple[str, ...] = (
    "prostitution",
    "domestic_abuse",
    "assault",
    "labour_dispute",
    "immigration",
    "traffic_stop",
    "other",
)

CATEGORIES: tuple[str, ...] = (
    "safety",
    "age",
    "deceptive_recruitment",
    "coercive_recruitment",
    "debt",
    "documents",
    "movement_control",
    "violence_threats",
    "commercial_sex",
    "labour_exploitation",
    "third_party_control",
    "vulnerability",
    "forced_criminality",
    "presentation",
    "movement_circuit",
    "cover_context",
)

ELEMENTS: tuple[str, ...] = ("act", "means", "purpose", "vulnerability", "age", "context")

DIMENSIONS: tuple[str, ...] = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "recruitment_vulnerability",
    "exploitative_conditions",
    "coercion_at_destination",
    "vulnerability_at_destination",
    "none",
)

WEIGHTS: tuple[str, ...] = ("strong", "medium", "weak")
PROFILES: tuple[str, ...] = ("adult_labour", "adult_sex", "child_labour", "child_sex")
EXPLOITATIONS: tuple[str, ...] = ("sex", "labour", "criminality", "any")
TRIGGERS: tuple[str, ...] = (
    "emergency",
    "minor",
    "possible_minor",
    "commercial_sex",
    "labour",
    "domestic_violence",
    "sexual_assault",
)
HTCDS: tuple[str, ...] = (
    "debt_bondage",
    "takes_earnings",
    "restricts_financial_access",
    "threats",
    "psychological_abuse",
    "physical_abuse",
    "sexual_abuse",
    "false_promises",
    "psychoactive_substances",
    "restricts_movement",
    "restricts_medical_care",
    "excessive_working_hours",
    "uses_children",
    "threat_of_law_enforcement",
    "withholds_necessities",
    "withholds_documents",
    "other",
)
CUE_KINDS: tuple[str, ...] = (
    "negation",
    "pseudo",
    "terminator",
    "hypothetical",
    "historical",
    "other_person",
)
CUE_DIRECTIONS: tuple[str, ...] = ("before", "after", "both")
QUESTION_TYPES: tuple[str, ...] = ("yes_no", "choice", "number", "text")
FORMS: tuple[str, ...] = ("short", "full")
SPECIAL_ANSWERS: tuple[str, ...] = ("unknown", "declined", "skip")
LEVEL_IDS: tuple[str, ...] = ("L0", "L1", "L2", "L3", "L4", "L5")

Text = tuple[tuple[str, str], ...]
"""A localised text: (language, string) pairs, the rulebook's default language first."""

MAX_RULEBOOK_BYTES = 8 * 1024 * 1024
"""A rulebook file is refused, unread, above this size."""


def localise(text: Text, lang: str) -> str:
    """Return the text in ``lang``, falling back to the first language given."""
    for code, value in text:
        if code == lang:
            return value
    return text[0][1] if text else ""


class Status(str, Enum):
    """What the context says about one piece of evidence."""

    PRESENT = "present"
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"
    OTHER_PERSON = "other_person"
    HISTORICAL = "historical"
    UNKNOWN = "unknown"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way an indicator shows in text: a phrase, a proximity group or a regex."""

    kind: str  # "phrase" | "near" | "regex"
    parts: tuple[str, ...]  # one phrase or regex; several phrases for "near"
    within: int = 8
    slang: bool = False
    lang: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A red flag of trafficking, with how it counts and how it is found."""

    id: str
    category: str
    title: str
    description: str
    element: str
    dimension: str
    weight: str
    weights: tuple[tuple[str, str], ...] = ()
    exploitation: str = "any"
    triggers: frozenset[str] = frozenset()
    offences: tuple[str, ...] = ()
    htcds: str = ""
    sources: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    match_examples: tuple[str, ...] = ()
    no_match_examples: tuple[str, ...] = ()

    def weight_for(self, profile: str) -> str:
        """Return the weight this indicator carries under ``profile``."""
        for name, weight in self.weights:
            if name == profile:
                return weight
        return self.weight


@dataclass(frozen=True, slots=True)
class LexiconList:
    """A named list of terms that patterns refer to as ``@name``."""

    name: str
    description: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CueGroup:
    """A group of context cues of one kind and direction."""

    kind: str
    direction: str
    lang: str
    window: int
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed answer of a choice question."""

    value: str
    text: Text


@dataclass(frozen=True, slots=True)
class Question:
    """An interview question and what its answers set."""

    id: str
    section: str
    type: str
    form: str
    offences: tuple[str, ...]
    text: Text
    help: Text
    when: str = ""
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    records: str = ""
    sets: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def indicators_set_by(self, value: str) -> tuple[str, ...]:
        """Return the indicator ids that answering ``value`` makes present."""
        for answer, ids in self.sets:
            if answer == value:
                return ids
        return ()

    def asked_for(self, offence: str) -> bool:
        """Return whether this question belongs to ``offence``'s interview."""
        return "all" in self.offences or offence in self.offences

    def allowed_values(self) -> tuple[str, ...]:
        """Return the answer values this question accepts besides the special ones."""
        if self.type == "yes_no":
            return ("yes", "no")
        return tuple(choice.value for choice in self.choices)


@dataclass(frozen=True, slots=True)
class OffenceFlow:
    """The interview order for one cover offence."""

    offence: str
    title: Text
    focus: tuple[str, ...]
    context: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resource:
    """A referral resource printed with a recommendation."""

    id: str
    name: str
    contact: str
    note: str = ""
    verified: str = ""


@dataclass(frozen=True, slots=True)
class LevelSpec:
    """What the rulebook calls one recommendation level and what it prints."""

    id: str
    name: str
    title: Text
    action: Text
    resources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """How the law of one jurisdiction bends the decision."""

    name: str
    title: str
    vulnerability_is_means: bool
    child_labour_needs_means: bool


@dataclass(frozen=True, slots=True)
class DecisionSettings:
    """Decision data: the dimension rule, jurisdictions, levels and resources."""

    jurisdiction: str
    dimension_rule: tuple[tuple[tuple[str, int], ...], ...]
    jurisdictions: tuple[Jurisdiction, ...]
    levels: tuple[LevelSpec, ...]
    resources: tuple[Resource, ...]

    def level(self, level_id: str) -> LevelSpec:
        """Return the level called ``level_id``."""
        return next(spec for spec in self.levels if spec.id == level_id)

    def resource(self, resource_id: str) -> Resource:
        """Return the resource called ``resource_id``."""
        return next(res for res in self.resources if res.id == resource_id)

    def jurisdiction_named(self, name: str) -> Jurisdiction:
        """Return the jurisdiction called ``name``."""
        return next(j for j in self.jurisdictions if j.name == name)


@dataclass(frozen=True, slots=True)
class Rulebook:
    """A validated rulebook: the single source of knowledge for a run."""

    source: str
    sha256: str
    version: str
    title: str
    languages: tuple[str, ...]
    lexicon: tuple[LexiconList, ...]
    cues: tuple[CueGroup, ...]
    indicators: tuple[Indicator, ...]
    questions: tuple[Question, ...]
    opening: tuple[str, ...]
    flows: tuple[OffenceFlow, ...]
    decision: DecisionSettings
    warnings: tuple[str, ...] = ()
    _by_id: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)
    _questions_by_id: dict[str, Question] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self._by_id.update({ind.id: ind for ind in self.indicators})
        self._questions_by_id.update({q.id: q for q in self.questions})

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the content hash."""
        return self.sha256[:12]

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator called ``indicator_id`` (KeyError if unknown)."""
        return self._by_id[indicator_id]

    def has_indicator(self, indicator_id: str) -> bool:
        """Return whether an indicator called ``indicator_id`` exists."""
        return indicator_id in self._by_id

    def question(self, question_id: str) -> Question:
        """Return the question called ``question_id`` (KeyError if unknown)."""
        return self._questions_by_id[question_id]

    def flow(self, offence: str) -> OffenceFlow:
        """Return the interview flow of ``offence``."""
        return next(flow for flow in self.flows if flow.offence == offence)

    def questions_setting(self, indicator_id: str) -> tuple[Question, ...]:
        """Return the questions whose answers can set ``indicator_id``."""
        return tuple(
            q for q in self.questions if any(indicator_id in ids for _, ids in q.sets)
        )


@dataclass(frozen=True, slots=True)
class Cue:
    """The context cue that set a finding's status."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """One indicator hit, from an interview answer or from a note, with its provenance."""

    indicator: str
    status: Status = Status.PRESENT
    question: str = ""
    answer: str = ""
    note_id: str = ""
    start: int = -1
    end: int = -1
    snippet: str = ""
    cue: Cue | None = None
    age: int | None = None
    slang: bool = False

    @property
    def counts(self) -> bool:
        """Whether this evidence counts toward a recommendation."""
        return self.status is Status.PRESENT

    def provenance(self) -> str:
        """A short human-readable origin: the question answered or the span in the note."""
        if self.question:
            return f"answer '{self.answer}' to {self.question}"
        if self.start >= 0:
            return f"note {self.note_id} chars {self.start}-{self.end}".replace("note  ", "note ")
        return "given"
