"""The sentences the engine explains a level with, in each language (pure data).

Rulebook content inside them (indicator titles) comes from the rulebook; a
language or a sentence missing here falls back to English, never to an error.
"""

from __future__ import annotations

from collections.abc import Iterable

from screen.decision.dimensions import DIMENSION_TITLES
from screen.model import Dimension, Indicator, Profile
from screen.results import Counts

SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        "reached_with": "(reached with the {profile} weights)",
        "only_context": "Only context or vulnerability signs ({signs}), which never decide a "
        "level alone. No indicators of trafficking in the information given.",
        "nothing": "No indicators in the information given. This is not a clearance.",
        "emergency": "Immediate danger or urgent need ({signs}) together with signs of "
        "trafficking: act now, then refer.",
        "score": "Several signs together (screening score {score}, referral from {refer_at}): "
        "{signs}.",
        "minor_sex": "{who} with a commercial sex act ({signs}). For a minor no force, fraud or "
        "coercion needs to be shown, and stated consent does not matter.",
        "minor_labour": "{who} in labour or services with signs of exploitation or control "
        "({signs}). {note}",
        "federal_child_labour": "Federal law still requires force, fraud or coercion for labour "
        "trafficking, so refer to child protection and a specialist to assess it.",
        "palermo_child_labour": "Under the Palermo Protocol no means are needed for a child.",
        "under_18_age": "Under 18 (age {age}{extra})",
        "ages_read": "; ages read: {ages}, lowest used",
        "under_18": "Under 18",
        "possibly_under_18": "Possibly under 18, age unverified",
        "verify_age": "Treat the person as a minor until the age is verified: verify age.",
        "l2_elements": "Means: {means} positive; purpose: exploitative conditions positive "
        "({counts}), under the {profile} weights.",
        "consent": "Initial consent does not matter once force, fraud or coercion is used.",
        "strong_means": "A strong sign of force, fraud or coercion: {signs}.",
        "means_no_purpose": "Means positive ({means}) but no clear purpose yet.",
        "purpose_with": "Exploitative conditions positive together with {support}.",
        "sex_exploited": "Commercial sex exploited by someone else (exploitative conditions "
        "positive: {counts}): assess for force, fraud or coercion.",
        "labour": "Exploitation or a labour dispute without enough sign of force, fraud or "
        "coercion: refer to labour standards (wage and hour) and keep the hotline card with "
        "the person.",
        "minor_other": "A person who may be under 18: refer to child protection.",
        "domestic_violence": "Domestic violence without a commercial or labour element: refer "
        "to domestic violence services.",
        "partner_control": "Control by a partner ({signs}) with no sign that anyone profits "
        "from the person's work or from sex for something of value: this is domestic abuse; "
        "refer to domestic violence services and ask whether the person must hand over money, "
        "work for anyone or have sex for money.",
        "sexual_assault": "Sexual assault: refer to sexual assault services.",
        "held": "Violence or threats ({signs}) with no sign that anyone controls the person's "
        "work, sex or movement: refer to victim services.",
        "adult_sex": "Commercial sex by an adult with no sign of third-party control: offer "
        "support services and the hotline card.",
        "some_control": "Some signs of control ({signs}), below the referral threshold: ask "
        "the next questions and offer the hotline card.",
        "dim_missing": "{dimension}: {counts}; {missing} would make it positive.",
        "no_means": "No means dimension is positive yet (force, fraud or coercion).",
        "no_purpose": "The purpose dimension (exploitative conditions) is not positive yet.",
        "no_indicators": "no indicators",
        "strong": "strong",
        "medium": "medium",
        "weak": "weak",
        "strong_many": "strong",
        "medium_many": "medium",
        "weak_many": "weak",
        "supporting": "medium or weak",
        "indicator": "indicator",
        "indicators": "indicators",
        "one_more": "one more",
        "n_more": "{n} more",
        "need": "{amount} {weight} {noun}",
        "and": " and ",
        "or": " or ",
        "adult_labour": "adult labour",
        "adult_sex_profile": "adult sex",
        "child_labour": "child labour",
        "child_sex": "child sex",
    },
    "es": {
        "reached_with": "(alcanzado con los pesos de {profile})",
        "only_context": "Solo señales de contexto o de vulnerabilidad ({signs}), que nunca "
        "deciden un nivel por sí solas. No hay indicadores de trata en la información "
        "disponible.",
        "nothing": "Sin indicadores en la información disponible. Esto no descarta nada.",
        "emergency": "Peligro inmediato o necesidad urgente ({signs}) junto con señales de "
        "trata: actúe ahora y después derive.",
        "score": "Varias señales juntas (puntuación {score}; se deriva desde {refer_at}): {signs}.",
        "minor_sex": "{who} con un acto sexual comercial ({signs}). Con un menor no hace falta "
        "demostrar fuerza, fraude ni coerción, y su consentimiento no cuenta.",
        "minor_labour": "{who} en trabajo o servicios con señales de explotación o de control "
        "({signs}). {note}",
        "federal_child_labour": "La ley federal exige fuerza, fraude o coerción para la trata "
        "laboral: derive a protección infantil y a un especialista para que lo evalúe.",
        "palermo_child_labour": "Según el Protocolo de Palermo, con un menor no hacen falta "
        "medios.",
        "under_18_age": "Menor de 18 años (edad {age}{extra})",
        "ages_read": "; edades leídas: {ages}, se usa la menor",
        "under_18": "Menor de 18 años",
        "possibly_under_18": "Posiblemente menor de 18 años, edad sin verificar",
        "verify_age": "Trate a la persona como menor hasta verificar su edad: verifique la edad.",
        "l2_elements": "Medios: {means} positivos; finalidad: condiciones de explotación "
        "positivas ({counts}), con los pesos de {profile}.",
        "consent": "El consentimiento inicial no cuenta una vez que se usa fuerza, fraude o "
        "coerción.",
        "strong_means": "Una señal fuerte de fuerza, fraude o coerción: {signs}.",
        "means_no_purpose": "Medios positivos ({means}), pero aún sin una finalidad clara.",
        "purpose_with": "Condiciones de explotación positivas junto con {support}.",
        "sex_exploited": "Sexo comercial explotado por otra persona (condiciones de "
        "explotación positivas: {counts}): evalúe si hay fuerza, fraude o coerción.",
        "labour": "Explotación o conflicto laboral sin señales suficientes de fuerza, fraude o "
        "coerción: derive a la inspección de trabajo (salarios y horarios) y deje a la "
        "persona la tarjeta de la línea directa.",
        "minor_other": "Una persona que puede ser menor de 18 años: derive a protección infantil.",
        "domestic_violence": "Violencia doméstica sin elemento comercial ni laboral: derive a "
        "los servicios de violencia doméstica.",
        "partner_control": "Control por parte de la pareja ({signs}) sin señales de que alguien "
        "se beneficie del trabajo de la persona ni de sexo a cambio de algo: es violencia "
        "doméstica; derive a los servicios de violencia doméstica y pregunte si la persona debe "
        "entregar dinero, trabajar para alguien o tener sexo por dinero.",
        "sexual_assault": "Agresión sexual: derive a los servicios de atención a la agresión "
        "sexual.",
        "held": "Violencia o amenazas ({signs}) sin señales de que alguien controle el "
        "trabajo, la actividad sexual o los movimientos de la persona: derive a servicios "
        "para víctimas.",
        "adult_sex": "Sexo comercial de una persona adulta sin señales de control por "
        "terceros: ofrezca servicios de apoyo y la tarjeta de la línea directa.",
        "some_control": "Algunas señales de control ({signs}), por debajo del umbral de "
        "derivación: haga las siguientes preguntas y ofrezca la tarjeta de la línea directa.",
        "dim_missing": "{dimension}: {counts}; {missing} la haría positiva.",
        "no_means": "Todavía no hay ninguna dimensión de medios positiva (fuerza, fraude o "
        "coerción).",
        "no_purpose": "La dimensión de finalidad (condiciones de explotación) aún no es positiva.",
        "no_indicators": "sin indicadores",
        "strong": "fuerte",
        "medium": "medio",
        "weak": "débil",
        "strong_many": "fuertes",
        "medium_many": "medios",
        "weak_many": "débiles",
        "supporting": "medio o débil",
        "indicator": "indicador",
        "indicators": "indicadores",
        "one_more": "un",
        "n_more": "{n}",
        "need": "{amount} {noun} {weight} más",
        "and": " y ",
        "or": " o ",
        "adult_labour": "persona adulta, trabajo",
        "adult_sex_profile": "persona adulta, sexo",
        "child_labour": "menor, trabajo",
        "child_sex": "menor, sexo",
    },
}

DIMENSIONS: dict[str, dict[Dimension, str]] = {
    "en": DIMENSION_TITLES,
    "es": {
        Dimension.DECEPTIVE_RECRUITMENT: "captación engañosa",
        Dimension.COERCIVE_RECRUITMENT: "captación coercitiva",
        Dimension.RECRUITMENT_VULNERABILITY: "captación abusando de la vulnerabilidad",
        Dimension.EXPLOITATIVE_CONDITIONS: "condiciones de explotación",
        Dimension.COERCION_AT_DESTINATION: "coerción en el destino",
        Dimension.VULNERABILITY_AT_DESTINATION: "abuso de la vulnerabilidad en el destino",
    },
}


class Say:
    """The engine's sentences in one language, English where a sentence is missing."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self._own = SENTENCES.get(lang, {})

    def __call__(self, key: str, **fields: object) -> str:
        """The sentence ``key`` with ``fields`` filled in."""
        text = self._own.get(key) or SENTENCES["en"][key]
        return text.format(**fields) if fields else text

    def titles(self, indicators: Iterable[Indicator]) -> str:
        """Indicators by their titles in this language (English where the rulebook has none)."""
        return "; ".join(ind.title_in(self.lang) for ind in indicators)

    def dimension(self, name: Dimension) -> str:
        """A dimension's name."""
        return DIMENSIONS.get(self.lang, {}).get(name) or DIMENSIONS["en"].get(name, str(name))

    def profile(self, profile: Profile) -> str:
        """A weight profile in words (``adult labour``, not ``adult_labour``)."""
        key = "adult_sex_profile" if profile is Profile.ADULT_SEX else str(profile)
        return self(key)

    def counts(self, counts: Counts) -> str:
        """Counts in words, e.g. '1 strong, 2 medium'."""
        if self.lang == "en":
            return counts.describe()
        parts = [
            f"{n} {self(w + '_many') if n > 1 else self(w)}"
            for n, w in (
                (counts.strong, "strong"),
                (counts.medium, "medium"),
                (counts.weak, "weak"),
            )
            if n
        ]
        return ", ".join(parts) if parts else self("no_indicators")

    def needs(self, needs: tuple[tuple[tuple[str, int], ...], ...]) -> str:
        """The fewest additional indicators that would make a dimension positive, in words.

        ``needs`` holds the cheapest options, each a tuple of (weight key, how many more).
        """
        options = sorted({self("and").join(self._need(k, n) for k, n in opt) for opt in needs})
        return self("or").join(options)

    def _need(self, key: str, number: int) -> str:
        noun = self("indicator") if number == 1 else self("indicators")
        amount = self("one_more") if number == 1 else self("n_more", n=number)
        return self("need", amount=amount, weight=self(key), noun=noun)
