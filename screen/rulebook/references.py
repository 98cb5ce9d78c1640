"""Cross-reference checks over a structurally valid rulebook.

Runs after every section has been read: patterns compile and name existing
lexicon lists, answers set existing indicators, ``when:`` conditions parse and
name earlier questions and possible values, flows and levels are complete.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from screen import conditions
from screen.errors import ConditionError
from screen.interview.flow import SHORT_FORM_LIMIT, asking_order
from screen.matching.scanner import expert_regex_problems
from screen.model import OFFENCES, SPECIAL_ANSWERS, Question, Rulebook
from screen.patterns.anchors import AnchorFinder
from screen.patterns.compile import PatternSyntaxError, PhraseCompiler
from screen.patterns.memo import Forgetful, Keys, Memo, experts_key, remembered
from screen.patterns.shared import compilers
from screen.rulebook import fairness
from screen.rulebook.fields import Reader, by_id
from screen.rulebook.yaml_nodes import Node


def check_references(
    reader: Reader, root: Node, rulebook: Rulebook, memo: Memo | None = None
) -> None:
    """Record a located problem for every broken reference in ``rulebook``.

    ``memo`` holds the results of checks made before on the same words (see
    :mod:`screen.patterns.memo`); without one every check runs.
    """
    top = root.value
    lexicon = {entry.name: entry.terms for entry in rulebook.lexicon}
    compiler, _ = compilers(lexicon)
    checks = _Checks(memo if memo is not None else Forgetful(), Keys(lexicon))
    _check_lexicon(reader, top.get("lexicon"), rulebook, compiler, checks)
    _check_cues(reader, top.get("cues"), rulebook, compiler)
    _check_patterns(reader, top.get("indicators"), rulebook, compiler, checks)
    declared = frozenset(by_id(top.get("indicators")))
    _check_questions(reader, top.get("questions"), rulebook, declared)
    _check_interview(reader, top.get("interview"), root, rulebook)
    _check_decision(reader, top["decision"], rulebook)
    if "indicators" in top:  # fairness.check reads that section unguarded
        fairness.check(reader, top, rulebook)
    if "indicators" in top:
        _check_cost(reader, top["indicators"], rulebook, checks)
        _check_counts_with(reader, top["indicators"], rulebook)
        decision = top["decision"]
        _check_named_indicators(
            reader, decision, ("partner_control", "except"), rulebook, "decision "
        )
    _check_named_indicators(reader, root, ("learned", "skip"), rulebook)


def _check_named_indicators(
    reader: Reader, node: Node, path: tuple[str, str], rulebook: Rulebook, prefix: str = ""
) -> None:
    """Every entry of the list at ``path`` (section, key) under ``node`` names an indicator."""
    section, key = path
    block = node.value.get(section) if isinstance(node.value, dict) else None
    if block is None or not isinstance(block.value, dict):
        return
    listed = block.value.get(key)
    if listed is None or not isinstance(listed.value, list):
        return
    where = f"{prefix}{section} {key}"
    for item in listed.value:
        name = item.value
        if isinstance(name, str) and not rulebook.has_indicator(name):
            reader.error(
                item,
                f"{where} names '{name}', which is not an indicator",
                "name an indicator id, or remove it",
            )


def _check_counts_with(reader: Reader, node: Node, rulebook: Rulebook) -> None:
    """Every ``counts_with`` entry names a category or an indicator."""
    from screen.model import CATEGORIES

    nodes = by_id(node)
    for indicator in rulebook.indicators:
        for name in indicator.counts_with:
            if name not in CATEGORIES and not rulebook.has_indicator(name):
                item = nodes.get(indicator.id)
                reader.error(
                    item if item is not None else (1, 1),
                    f"indicator '{indicator.id}': counts_with names '{name}', which is neither "
                    "a category nor an indicator",
                    "name a category (such as movement_control) or an indicator id",
                )


class _Checks:
    """A memo and its keys, with the one way every phrase check uses them."""

    def __init__(self, memo: Memo, keys: Keys) -> None:
        self.memo = memo
        self.keys = keys

    def problem(self, key: str, compile_it: Callable[[], object]) -> str:
        """The syntax problem of what ``key`` names ('' when it compiles), worked out once."""
        return remembered(self.memo, key, str, partial(_syntax_problem, compile_it))


def _syntax_problem(compile_it: Callable[[], object]) -> str:
    try:
        compile_it()
    except PatternSyntaxError as exc:
        return str(exc)
    return ""


def _check_lexicon(
    reader: Reader,
    node: Node | None,
    rulebook: Rulebook,
    compiler: PhraseCompiler,
    checks: _Checks,
) -> None:
    for entry in rulebook.lexicon:
        key = f"lexicon-{checks.keys.lexicon_list(entry.name)}"
        found = checks.problem(key, partial(compiler.lexicon_expression, entry.name))
        if found:
            assert node is not None
            reader.error(
                node.value[entry.name],
                f"lexicon list '{entry.name}': {found}",
                "fix the term; see the pattern language in docs/rulebook.md",
            )


def _check_cues(
    reader: Reader, node: Node | None, rulebook: Rulebook, compiler: PhraseCompiler
) -> None:
    if node is None or len(node.value) != len(rulebook.cues):
        return
    for index, group in enumerate(rulebook.cues):
        for term in group.terms:
            try:
                compiler.compile(term)
            except PatternSyntaxError as exc:
                assert node is not None
                reader.error(
                    node.value[index], f"cue group {index + 1} term '{term}': {exc}", "fix the term"
                )


def _aligned(item: Node, key: str, count: int) -> list[Node]:
    """The list under ``key`` when it matches ``count`` model entries, else nothing."""
    child = item.value.get(key)
    if child is None or not isinstance(child.value, list) or len(child.value) != count:
        return []
    nodes: list[Node] = child.value
    return nodes


def _check_patterns(
    reader: Reader,
    node: Node | None,
    rulebook: Rulebook,
    compiler: PhraseCompiler,
    checks: _Checks,
) -> None:
    nodes = by_id(node)
    experts: list[tuple[str, Node, str]] = []
    for indicator in rulebook.indicators:
        item = nodes.get(indicator.id)
        if item is None:
            continue
        pattern_nodes = _aligned(item, "patterns", len(indicator.patterns))
        for pattern_node, pattern in zip(pattern_nodes, indicator.patterns):
            where = f"indicator '{indicator.id}'"
            if pattern.kind == "regex":
                experts.append((where, pattern_node, pattern.parts[0]))
                continue
            for part in (*pattern.parts, *pattern.unless):
                key = checks.keys.phrases("phrase", (part,))
                found = checks.problem(key, partial(compiler.compile, part))
                if found:
                    reader.error(
                        pattern_node,
                        f"{where}: {found}",
                        "fix the phrase; see the pattern language in docs/rulebook.md",
                    )
                    break
    for number, refused in sorted(_expert_problems(experts, checks.memo).items()):
        where, pattern_node, _ = experts[number]
        reader.error(
            pattern_node,
            f"{where}: the regex is refused: {refused}",
            "write a phrase instead, or a regex Hyperscan accepts",
        )


def _check_questions(
    reader: Reader, node: Node | None, rulebook: Rulebook, declared: frozenset[str]
) -> None:
    """Check sets and when; ids declared in the file but invalid were reported already."""
    if node is None:
        return
    orders = {
        offence: [q.id for q in asking_order(rulebook, offence, "full")] for offence in OFFENCES
    }
    nodes = by_id(node)
    for question in rulebook.questions:
        fields = nodes[question.id].value
        if "sets" in fields:
            _check_sets(reader, fields["sets"], question, rulebook, declared)
        if question.when:
            _check_when(reader, fields["when"], question, rulebook, orders)


def _check_sets(
    reader: Reader,
    node: Node,
    question: Question,
    rulebook: Rulebook,
    declared: frozenset[str] = frozenset(),
) -> None:
    allowed = question.allowed_values()
    for answer, ids in question.sets:
        where = f"question '{question.id}' sets '{answer}'"
        if answer not in allowed:
            reader.error(
                node.keys[answer],
                f"{where}: '{answer}' is not an answer this question can get",
                "allowed: " + ", ".join(allowed or ("(none)",)),
            )
        for position, indicator_id in enumerate(ids):
            if not rulebook.has_indicator(indicator_id) and indicator_id not in declared:
                reader.error(
                    node.value[answer].value[position],
                    f"{where}: there is no indicator '{indicator_id}'",
                    "use an id from the indicators list",
                )


def _check_when(
    reader: Reader,
    node: Node,
    question: Question,
    rulebook: Rulebook,
    orders: dict[str, list[str]],
) -> None:
    try:
        tree = conditions.parse(question.when)
    except ConditionError as exc:
        reader.error(
            (node.line, node.column + exc.position),
            f"question '{question.id}' when: {exc}",
            "see the when-condition language in docs/rulebook.md",
        )
        return
    known = {q.id: q for q in rulebook.questions}
    for name, literals in conditions.references(tree):
        if name not in known:
            reader.error(
                node,
                f"question '{question.id}' when: no question '{name}'",
                "name a question asked earlier",
            )
            continue
        _check_order(reader, node, question, name, orders)
        _check_literals(reader, node, question, known[name], literals)


def _check_order(
    reader: Reader, node: Node, question: Question, name: str, orders: dict[str, list[str]]
) -> None:
    for offence, order in orders.items():
        if question.id in order and (
            name not in order or order.index(name) > order.index(question.id)
        ):
            reader.error(
                node,
                f"question '{question.id}' when: '{name}' is not asked before "
                f"it in the {offence} interview",
                f"move the question after '{name}' or give both the same offences",
            )
            return


def _check_literals(
    reader: Reader,
    node: Node,
    question: Question,
    other: Question,
    literals: tuple[conditions.Literal, ...],
) -> None:
    allowed = other.allowed_values()
    for literal in literals:
        if other.type == "number" and not literal.numeric:
            reader.error(
                node,
                f"question '{question.id}' when: '{other.id}' is a number "
                f"question, compared with '{literal.value}'",
                "compare it with a number",
            )
        elif allowed and not literal.numeric and literal.value not in (*allowed, *SPECIAL_ANSWERS):
            reader.error(
                node,
                f"question '{question.id}' when: '{other.id}' never has the "
                f"answer '{literal.value}'",
                "allowed: " + ", ".join(allowed),
            )


def _listed(node: Node | None, key: str) -> list[tuple[str, Node]]:
    """The text items of the list under ``key`` with their own nodes (as Reader.strings reads them).

    Pairs each value with the node it was written at even when some items of the list
    were refused, so a problem is always located at the right item (or not at all).
    """
    if node is None or not isinstance(node.value, dict):
        return []
    child = node.value.get(key)
    if child is None or not isinstance(child.value, list):
        return []
    return [
        (str(item.value), item)
        for item in child.value
        if isinstance(item.value, (str, int, float))
        and not isinstance(item.value, bool)
        and str(item.value).strip()
    ]


def _check_interview(reader: Reader, node: Node | None, root: Node, rulebook: Rulebook) -> None:
    if node is None:
        reader.error(root, "the rulebook has no 'interview' section", "add opening and offences")
        return
    known = {q.id for q in rulebook.questions}
    fields = node.value
    if not isinstance(fields, dict) or "opening" not in fields:
        return
    offences_node = fields.get("offences")
    if offences_node is None or not isinstance(offences_node.value, dict):
        return
    for qid, item in _listed(node, "opening"):
        if qid not in known:
            reader.error(item, f"interview opening: no question '{qid}'", "name a question id")
    flows = {flow.offence: flow for flow in rulebook.flows}
    for offence in OFFENCES:
        if offence not in flows:
            reader.error(
                offences_node,
                f"interview has no entry for the offence '{offence}'",
                f"add '{offence}:' with a title and focus questions",
            )
            continue
        flow_node = offences_node.value[offence]
        for indicator_id, item in _listed(flow_node, "context"):
            if not rulebook.has_indicator(indicator_id):
                reader.error(
                    item,
                    f"interview {offence} context: no indicator '{indicator_id}'",
                    "name an indicator id",
                )
        for qid, item in _listed(flow_node, "focus"):
            if qid not in known:
                reader.error(
                    item, f"interview {offence} focus: no question '{qid}'", "name a question id"
                )
        short = asking_order(rulebook, offence, "short")
        if len(short) > SHORT_FORM_LIMIT:
            focus_node = flow_node.value.get("focus", flow_node)
            reader.error(
                focus_node,
                f"the short form for '{offence}' has {len(short)} "
                f"questions, over the limit of {SHORT_FORM_LIMIT}",
                "mark some of them 'form: full'",
            )


def _check_decision(reader: Reader, node: Node, rulebook: Rulebook) -> None:
    decision = rulebook.decision
    fields = node.value
    names = [j.name for j in decision.jurisdictions]
    if decision.jurisdiction not in names and "jurisdiction" in fields:
        reader.error(
            fields["jurisdiction"],
            f"decision jurisdiction '{decision.jurisdiction}' is not defined",
            "allowed: " + ", ".join(names),
        )
    resources = {r.id for r in decision.resources}
    level_nodes = _aligned(node, "levels", len(decision.levels))
    for level, item in zip(decision.levels, level_nodes):
        for index, res in enumerate(level.resources):
            if res not in resources:
                level_node = item.value["resources"].value[index]
                reader.error(
                    level_node,
                    f"level {level.id}: no resource '{res}'",
                    "define it under decision resources",
                )
    if not decision.dimension_rule and "dimension_rule" in fields:
        reader.error(
            fields["dimension_rule"], "the dimension rule has no lines", "add e.g. '- {strong: 2}'"
        )


EXPENSIVE = 150
"""A pattern whose rarest required words cost more than this is checked on most notes."""


def _expert_problems(experts: list[tuple[str, Node, str]], memo: Memo) -> dict[int, str]:
    """Hyperscan's refusals of the expert expressions, by position (asked once per set)."""
    expressions = tuple(expression for _, _, expression in experts)

    def ask() -> dict[str, str]:
        found = expert_regex_problems(expressions)
        return {str(number): str(refused) for number, refused in found.items()}

    kept = remembered(memo, experts_key(expressions), dict, ask)
    return {int(number): str(message) for number, message in kept.items()}


def _check_cost(reader: Reader, node: Node, rulebook: Rulebook, checks: _Checks) -> None:
    """Warn about patterns that require only common words: they slow batch screening."""
    _, finder = compilers({entry.name: entry.terms for entry in rulebook.lexicon})
    nodes = by_id(node)
    for indicator in rulebook.indicators:
        if indicator.id not in nodes:
            continue
        pattern_nodes = _aligned(nodes[indicator.id], "patterns", len(indicator.patterns))
        for pattern_node, pattern in zip(pattern_nodes, indicator.patterns):
            if pattern.kind == "regex":
                continue
            key = checks.keys.phrases("cost", pattern.parts)
            if remembered(checks.memo, key, bool, partial(_cheap, finder, pattern.parts)):
                continue
            reader.warn(
                pattern_node,
                f"indicator '{indicator.id}': the words this pattern requires are common "
                "(or very many), so it is checked on most notes and slows batch screening",
                "add a specific word, or split the pattern",
            )


def _cheap(finder: AnchorFinder, parts: tuple[str, ...]) -> bool:
    """Whether a pattern requires a word rare enough to skip most notes (or cannot say)."""
    from screen.patterns.anchors import cost

    try:
        sets = [s for part in parts for s in finder.components(part)]
    except PatternSyntaxError:
        return True  # already reported by _check_patterns
    return bool(sets) and min(cost(s) for s in sets) <= EXPENSIVE
