"""Frozen, typed domain objects shared by every part of htscreen.

No I/O, no YAML, no terminal code lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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


class Named(str, Enum):
    """A closed set of names whose members print, compare and serialise as their text."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every member's text, in declaration order."""
        return tuple(str(member.value) for member in cls)


class Element(Named):
    """Which part of the legal definition an indicator evidences."""

    ACT = "act"
    MEANS = "means"
    PURPOSE = "purpose"
    VULNERABILITY = "vulnerability"
    AGE = "age"
    CONTEXT = "context"


class Dimension(Named):
    """The ILO/EC 2009 dimension an indicator counts in."""

    DECEPTIVE_RECRUITMENT = "deceptive_recruitment"
    COERCIVE_RECRUITMENT = "coercive_recruitment"
    RECRUITMENT_VULNERABILITY = "recruitment_vulnerability"
    EXPLOITATIVE_CONDITIONS = "exploitative_conditions"
    COERCION_AT_DESTINATION = "coercion_at_destination"
    VULNERABILITY_AT_DESTINATION = "vulnerability_at_destination"
    NONE = "none"


class Weight(Named):
    """How much an indicator counts under the ILO rule."""

    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"


class Profile(Named):
    """The ILO weight set in use: adult or child, labour or sexual exploitation."""

    ADULT_LABOUR = "adult_labour"
    ADULT_SEX = "adult_sex"
    CHILD_LABOUR = "child_labour"
    CHILD_SEX = "child_sex"


class Exploitation(Named):
    """The kind of exploitation an indicator points to."""

    SEX = "sex"
    LABOUR = "labour"
    CRIMINALITY = "criminality"
    ANY = "any"


class Trigger(Named):
    """A fact an indicator establishes for the decision layers."""

    EMERGENCY = "emergency"
    MINOR = "minor"
    POSSIBLE_MINOR = "possible_minor"
    COMMERCIAL_SEX = "commercial_sex"
    LABOUR = "labour"
    DOMESTIC_VIOLENCE = "domestic_violence"
    SEXUAL_ASSAULT = "sexual_assault"


class PatternKind(Named):
    """How a pattern is written: a phrase, a proximity group or an expert regex."""

    PHRASE = "phrase"
    NEAR = "near"
    REGEX = "regex"


class CueKind(Named):
    """What a context cue does to a hit in its scope."""

    NEGATION = "negation"
    PSEUDO = "pseudo"
    TERMINATOR = "terminator"
    HYPOTHETICAL = "hypothetical"
    HISTORICAL = "historical"
    OTHER_PERSON = "other_person"


class CueDirection(Named):
    """Which side of a hit a cue reaches."""

    BEFORE = "before"
    AFTER = "after"
    BOTH = "both"


class QuestionType(Named):
    """The kind of answer a question takes."""

    YES_NO = "yes_no"
    CHOICE = "choice"
    NUMBER = "number"
    TEXT = "text"


class Form(Named):
    """The short (core questions) or the full interview."""

    SHORT = "short"
    FULL = "full"


class Level(Named):
    """A recommendation level, L0 (most urgent) to L5."""

    L0 = "L0"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"

    @property
    def rank(self) -> int:
        """0 for L0 up to 5 for L5: lower is more urgent."""
        return int(self.value[1])

    @property
    def refers(self) -> bool:
        """Whether the level is a trafficking referral (L0 to L3)."""
        return self.rank <= 3

    def at_least(self, other: Level) -> bool:
        """Whether this level is ``other`` or more urgent."""
        return self.rank <= other.rank


class Minor(Named):
    """Whether the person screened is under 18."""

    YES = "yes"
    POSSIBLE = "possible"
    NO = "no"


ELEMENTS = Element.names()
DIMENSIONS = Dimension.names()
WEIGHTS = Weight.names()
PROFILES = Profile.names()
EXPLOITATIONS = Exploitation.names()
TRIGGERS = Trigger.names()
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
CUE_KINDS = CueKind.names()
CUE_DIRECTIONS = CueDirection.names()
QUESTION_TYPES = QuestionType.names()
FORMS = Form.names()
SPECIAL_ANSWERS: tuple[str, ...] = ("unknown", "declined", "skip")
LEVELS: tuple[Level, ...] = tuple(Level)

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


class Status(Named):
    """What the context says about one piece of evidence."""

    PRESENT = "present"
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"
    OTHER_PERSON = "other_person"
    HISTORICAL = "historical"
    UNKNOWN = "unknown"
    DECLINED = "declined"
    SUGGESTED = "suggested"
    """Read by the learned layer, not by a rule: shown for review and proposed in an
    interview, never counted toward a level until someone confirms it."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way an indicator shows in text: a phrase, a proximity group or a regex."""

    kind: PatternKind
    parts: tuple[str, ...]  # one phrase or regex; several phrases for "near"
    within: int = 8
    slang: bool = False
    lang: str = ""
    unless: tuple[str, ...] = ()
    """Phrases that cancel a hit when one is found this close to it in its clause."""
    unless_within: int = 3
    """Words allowed between a hit and an ``unless`` phrase for it to cancel the hit."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A red flag of trafficking, with how it counts and how it is found."""

    id: str
    category: str
    title: str
    description: str
    element: Element
    dimension: Dimension
    weight: Weight
    weights: tuple[tuple[Profile, Weight], ...] = ()
    exploitation: Exploitation = Exploitation.ANY
    triggers: frozenset[Trigger] = frozenset()
    offences: tuple[str, ...] = ()
    htcds: str = ""
    sources: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    match_examples: tuple[str, ...] = ()
    no_match_examples: tuple[str, ...] = ()
    counts_with: tuple[str, ...] = ()
    """Categories or indicator ids: the sign counts only when one of them is present too
    (violence is coercion only where someone controls the person's work, sex or movement)."""
    titles: Text = ()
    """The title in each language the rulebook gives it in (``title`` is the English one)."""
    descriptions: Text = ()
    """The description in each language the rulebook gives it in."""

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, else in English."""
        return localise(self.titles, lang) if self.titles else self.title

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, else in English."""
        return localise(self.descriptions, lang) if self.descriptions else self.description

    def weight_for(self, profile: Profile) -> Weight:
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

    kind: CueKind
    direction: CueDirection
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
    type: QuestionType
    form: Form
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
        if self.type is QuestionType.YES_NO:
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
    names: Text = ()
    """The name in each language the rulebook gives it in (``name`` is the English one)."""
    notes: Text = ()
    """The note in each language the rulebook gives it in."""
    contacts: Text = ()
    """The contact in each language the rulebook gives it in."""

    def name_in(self, lang: str) -> str:
        """The name in ``lang``, else in English."""
        return localise(self.names, lang) if self.names else self.name

    def note_in(self, lang: str) -> str:
        """The note in ``lang``, else in English."""
        return localise(self.notes, lang) if self.notes else self.note

    def contact_in(self, lang: str) -> str:
        """The contact in ``lang``, else in English."""
        return localise(self.contacts, lang) if self.contacts else self.contact

    def in_language(self, lang: str) -> Resource:
        """This resource with its name, contact and note in ``lang`` (English where not given)."""
        return replace(
            self, name=self.name_in(lang), contact=self.contact_in(lang), note=self.note_in(lang)
        )


@dataclass(frozen=True, slots=True)
class LevelSpec:
    """What the rulebook calls one recommendation level and what it prints."""

    id: Level
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
class Screening:
    """How a note's screening score is made, and the score that refers it (L3)."""

    strong: float = 3.0
    medium: float = 2.0
    weak: float = 1.0
    vulnerability: float = 0.5
    """Multiplies the points of vulnerability signs."""
    context: float = 0.5
    """Multiplies the points of context signs (emergencies score nothing)."""
    refer_at: float = 5.0
    """A score this high, with at least one sign of means or exploitation, is L3."""

    def points(self, weight: Weight) -> float:
        """The points of one sign of ``weight`` before its element's factor."""
        return {Weight.STRONG: self.strong, Weight.MEDIUM: self.medium}.get(weight, self.weak)


@dataclass(frozen=True, slots=True)
class LearnedSettings:
    """The learned layer a rulebook uses (``learned:``): a model file and how to read it."""

    model: str
    """The model file, relative to the rulebook's folder."""
    sha256: str
    """The model file's sha256: the rulebook's hash then covers the model too."""
    threshold: float = 0.7
    """The probability at which a sentence counts as evidence for an indicator."""
    skip: tuple[str, ...] = ()
    """Indicators the layer never reports (where it reads innocent notes wrongly)."""


@dataclass(frozen=True, slots=True)
class PartnerControl:
    """Control that, by itself, is domestic abuse rather than a sign of trafficking.

    Coercive control (keeping someone in, taking the phone, violence, threats,
    holding the money) is how domestic abuse works. With violence by a partner
    and no sign of work, services or sex for something of value, such signs lead
    to domestic-abuse services (L4), not to a trafficking referral.
    """

    categories: tuple[str, ...] = ()
    """Categories of the means that can be a partner's control (none: the rule is off)."""
    excluded: tuple[str, ...] = ()
    """Indicators of those categories that always count as means (written ``except``)."""

    def covers(self, indicator: Indicator) -> bool:
        """Whether ``indicator`` is control of the kind a partner uses."""
        return indicator.category in self.categories and indicator.id not in self.excluded


@dataclass(frozen=True, slots=True)
class DecisionSettings:
    """Decision data: the dimension rule, jurisdictions, levels and resources."""

    jurisdiction: str
    dimension_rule: tuple[tuple[tuple[str, int], ...], ...]
    jurisdictions: tuple[Jurisdiction, ...]
    levels: tuple[LevelSpec, ...]
    resources: tuple[Resource, ...]
    screening: Screening = Screening()
    partner_control: PartnerControl = PartnerControl()

    def level(self, level_id: Level) -> LevelSpec:
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
    learned: LearnedSettings | None = None
    warnings: tuple[str, ...] = ()
    _by_id: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)
    _questions_by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

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
        return tuple(q for q in self.questions if any(indicator_id in ids for _, ids in q.sets))
