"""The ``when:`` condition language: a tiny parser and evaluator (never ``eval``).

Grammar::

    expr    := or
    or      := and ("or" and)*
    and     := unary ("and" unary)*
    unary   := "not" unary | primary
    primary := "(" expr ")" | "answered" "(" ID ")" | operand tail?
    tail    := OP operand | ["not"] "in" "(" operand ("," operand)* ")"
    operand := ID | STRING | NUMBER

A bare operand is true when it names a question with a real answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from screen.errors import ConditionError

SPECIAL = frozenset({"unknown", "declined", "skip"})
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d+)?)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|,)
      | (?P<id>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)
_SPACE = re.compile(r"\s*")
_KEYWORDS = frozenset({"and", "or", "not", "in"})
MAX_DEPTH = 32
"""Deepest nesting of parentheses and ``not`` a condition may use (keeps parsing bounded)."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to the answer of a question."""

    name: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A quoted string or a number."""

    value: str
    numeric: bool


Operand = Ref | Literal


@dataclass(frozen=True, slots=True)
class Compare:
    """``left OP right``."""

    left: Operand
    op: str
    right: Operand


@dataclass(frozen=True, slots=True)
class InSet:
    """``operand [not] in (a, b, ...)``."""

    operand: Operand
    options: tuple[Operand, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Answered:
    """``answered(id)``: the question has a real answer."""

    name: str


@dataclass(frozen=True, slots=True)
class Truthy:
    """A bare operand."""

    operand: Operand


@dataclass(frozen=True, slots=True)
class Not:
    """``not expr``."""

    operand: Node


@dataclass(frozen=True, slots=True)
class BoolOp:
    """``a and b and ...`` or ``a or b or ...``."""

    op: str
    operands: tuple[Node, ...]


Node = Compare | InSet | Answered | Truthy | Not | BoolOp


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(source):
        where = _SPACE.match(source, pos).end()  # type: ignore[union-attr]
        if where == len(source):
            break
        match = _TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            raise ConditionError(f"unexpected character {source[where]!r}", where)
        group = match.lastgroup or ""
        text = match.group(group)
        kind = "kw" if group == "id" and text in _KEYWORDS else group
        tokens.append(_Tok(kind, text, match.start(group)))
        pos = match.end()
    tokens.append(_Tok("end", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    def nest(self, tok: _Tok) -> None:
        """Enter one level of nesting; refuse conditions nested deeper than MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(
                f"the condition is nested more than {MAX_DEPTH} levels deep", tok.pos
            )

    def peek(self) -> _Tok:
        return self.tokens[self.index]

    def take(self) -> _Tok:
        tok = self.tokens[self.index]
        self.index += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            found = tok.text or "end of condition"
            raise ConditionError(f"expected {text!r} but found {found!r}", tok.pos)

    def parse(self) -> Node:
        node = self.parse_or()
        tok = self.peek()
        if tok.kind != "end":
            raise ConditionError(f"unexpected {tok.text!r}", tok.pos)
        return node

    def parse_or(self) -> Node:
        return self._chain("or", self.parse_and)

    def parse_and(self) -> Node:
        return self._chain("and", self.parse_unary)

    def _chain(self, keyword: str, inner: Callable[[], Node]) -> Node:
        operands = [inner()]
        while self.peek().kind == "kw" and self.peek().text == keyword:
            self.take()
            operands.append(inner())
        return operands[0] if len(operands) == 1 else BoolOp(keyword, tuple(operands))

    def parse_unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "kw" and tok.text == "not":
            self.take()
            self.nest(tok)
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
        return self.parse_primary()

    def parse_primary(self) -> Node:
        tok = self.peek()
        if tok.text == "(":
            self.take()
            self.nest(tok)
            node = self.parse_or()
            self.expect(")")
            self.depth -= 1
            return node
        if tok.kind == "id" and tok.text == "answered" and self.tokens[self.index + 1].text == "(":
            self.take()
            self.take()
            name = self.take()
            if name.kind != "id":
                raise ConditionError("answered() takes a question id", name.pos)
            self.expect(")")
            return Answered(name.text)
        left = self.parse_operand()
        return self.parse_tail(left)

    def parse_tail(self, left: Operand) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text in {"==", "!=", "<", "<=", ">", ">="}:
            self.take()
            return Compare(left, tok.text, self.parse_operand())
        negated = False
        if tok.kind == "kw" and tok.text == "not" and self.tokens[self.index + 1].text == "in":
            self.take()
            negated = True
            tok = self.peek()
        if tok.kind == "kw" and tok.text == "in":
            self.take()
            return InSet(left, self.parse_options(), negated)
        return Truthy(left)

    def parse_options(self) -> tuple[Operand, ...]:
        self.expect("(")
        options = [self.parse_operand()]
        while self.peek().text == ",":
            self.take()
            options.append(self.parse_operand())
        self.expect(")")
        return tuple(options)

    def parse_operand(self) -> Operand:
        tok = self.take()
        if tok.kind == "id":
            return Ref(tok.text)
        if tok.kind == "str":
            return Literal(tok.text[1:-1], False)
        if tok.kind == "num":
            return Literal(tok.text, True)
        found = tok.text or "end of condition"
        raise ConditionError(
            f"expected a question id, a quoted value or a number, found {found!r}", tok.pos
        )


def parse(source: str) -> Node:
    """Parse a condition into a tree; raise ConditionError with a position if it is invalid."""
    if not source.strip():
        raise ConditionError("empty condition", 0)
    return _Parser(source).parse()


def references(node: Node) -> list[tuple[str, tuple[Literal, ...]]]:
    """Return every question id the condition reads, with the literals it is compared to."""
    found: list[tuple[str, tuple[Literal, ...]]] = []
    _collect(node, found)
    return found


def _collect(node: Node, found: list[tuple[str, tuple[Literal, ...]]]) -> None:
    if isinstance(node, BoolOp):
        for child in node.operands:
            _collect(child, found)
    elif isinstance(node, Not):
        _collect(node.operand, found)
    elif isinstance(node, Answered):
        found.append((node.name, ()))
    elif isinstance(node, Truthy):
        if isinstance(node.operand, Ref):
            found.append((node.operand.name, ()))
    elif isinstance(node, Compare):
        _collect_pair(node.left, (node.right,), found)
        _collect_pair(node.right, (node.left,), found)
    else:
        _collect_pair(node.operand, node.options, found)


def _collect_pair(
    operand: Operand, others: tuple[Operand, ...], found: list[tuple[str, tuple[Literal, ...]]]
) -> None:
    if isinstance(operand, Ref):
        found.append((operand.name, tuple(o for o in others if isinstance(o, Literal))))


def evaluate(node: Node, answers: Mapping[str, str]) -> bool:
    """Evaluate ``node`` against ``answers`` (question id to answer value)."""
    if isinstance(node, BoolOp):
        results = (evaluate(child, answers) for child in node.operands)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not evaluate(node.operand, answers)
    if isinstance(node, Answered):
        return _value(Ref(node.name), answers) is not None
    if isinstance(node, Truthy):
        return _value(node.operand, answers) is not None
    if isinstance(node, Compare):
        return _compare(node, answers)
    value = _value(node.operand, answers)
    if value is None:
        return False
    hit = any(_equal(value, _value(opt, answers)) for opt in node.options)
    return hit != node.negated


def _value(operand: Operand, answers: Mapping[str, str]) -> str | None:
    if isinstance(operand, Literal):
        return operand.value
    value = answers.get(operand.name)
    if value is None or value in SPECIAL or value == "":
        return None
    return value


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _equal(left: str, right: str | None) -> bool:
    if right is None:
        return False
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        return a == b
    return left.casefold() == right.casefold()


def _compare(node: Compare, answers: Mapping[str, str]) -> bool:
    left, right = _value(node.left, answers), _value(node.right, answers)
    if left is None or right is None:
        return False
    if node.op == "==":
        return _equal(left, right)
    if node.op == "!=":
        return not _equal(left, right)
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[node.op]
