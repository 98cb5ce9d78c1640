"""Phrases compiled a second time: to expressions over one code character per token (pure).

The matcher reads a note as *tokens* (runs of ASCII letters and digits in its
ASCII view) and clause breaks. Every word a pattern names becomes a *slot*: a
whole word (``passport``) or a prefix (``threaten*``). Each token gets one code
character, fixed when the plan is built:

- a token that is itself a slot word gets that word's code;
- any other token gets the code of the longest prefix slot it starts with;
- every other token is ``.`` and a clause break is ``|``.

A slot is then a small character class (a prefix's class holds the codes of
every word and longer prefix that starts with it), and a phrase becomes a
regular expression over code strings: ``took (her|his)? @documents`` is the
class of ``took``, an optional class of ``her`` or ``his``, and the union of the
list's classes, side by side. Gaps, money and words that cannot be placed
become "any tokens in the clause". So every match of the phrase in a clause is a
match of its code expression in that clause: the code test never drops a real
match, and it drops nearly all the clauses where the phrase does not match.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from screen.patterns.syntax import (
    Gap,
    Group,
    HashedOnce,
    Item,
    ListRef,
    Money,
    PatternSyntaxError,
    Phrase,
    Word,
    hash_slot,
    parse,
)

FIRST_CODE = 0x100
"""Code characters start above Latin-1, so they never collide with ``.`` or ``|``."""
BREAK = "|"
FILLER = "."
_PIECES = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The slot words and prefixes of a rulebook, and the code of each."""

    words: tuple[str, ...]
    """Whole words, sorted; word ``i`` has code ``chr(FIRST_CODE + i)``."""
    prefixes: tuple[str, ...]
    """Prefixes, sorted; prefix ``j`` has code ``chr(FIRST_CODE + len(words) + j)``."""

    def word_code(self, index: int) -> str:
        """The code of whole word number ``index``."""
        return chr(FIRST_CODE + index)

    def prefix_code(self, index: int) -> str:
        """The code of prefix number ``index``."""
        return chr(FIRST_CODE + len(self.words) + index)

    @property
    def number_code(self) -> str:
        """The code of any other token that starts with a digit (amounts, times, ids)."""
        return chr(FIRST_CODE + len(self.words) + len(self.prefixes))


def vocabulary(phrases: Iterable[Phrase], lexicon: Mapping[str, tuple[str, ...]]) -> Vocabulary:
    """Every slot word and prefix in ``phrases`` and in the lexicon lists."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for phrase in phrases:
        slots(phrase, words, prefixes)
    for terms in lexicon.values():
        list_slots(terms, words, prefixes)
    return Vocabulary(tuple(sorted(words)), tuple(sorted(prefixes)))


def slots(phrase: Phrase, words: set[str], prefixes: set[str]) -> None:
    """Add the slot words and prefixes of ``phrase`` (not of the lists it names)."""
    for unit in phrase.units:
        item = unit.item
        if isinstance(item, Word):
            for variant in _variants(item):
                for piece, is_prefix in variant:
                    if piece:
                        (prefixes if is_prefix else words).add(piece)
        elif isinstance(item, Group):
            for alternative in item.alternatives:
                slots(alternative, words, prefixes)


def list_slots(terms: Iterable[str], words: set[str], prefixes: set[str]) -> None:
    """Add the slot words and prefixes of a lexicon list's terms (bad terms are skipped)."""
    for term in terms:
        try:
            slots(parse(term), words, prefixes)
        except PatternSyntaxError:
            continue


class TokenTable:
    """Token -> code, and slot -> character class, for one vocabulary."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.word_codes = {w: vocab.word_code(i) for i, w in enumerate(vocab.words)}
        self.prefix_codes = {p: vocab.prefix_code(i) for i, p in enumerate(vocab.prefixes)}
        self.longest = max((len(p) for p in vocab.prefixes), default=0)
        self._prefix_tuple = tuple(vocab.prefixes)
        self._classes: dict[tuple[str, bool], str] = {}

    def code(self, token: str) -> str:
        """The code of one token (a run of ASCII letters and digits)."""
        code = self.word_codes.get(token)
        if code is not None:
            return code
        if token.startswith(self._prefix_tuple):
            for end in range(min(len(token), self.longest), 0, -1):
                code = self.prefix_codes.get(token[:end])
                if code is not None:
                    return code
        return self.vocab.number_code if token[0].isdigit() else FILLER

    def number_codes(self) -> str:
        """The codes a token starting with a digit can have (an amount of money starts so)."""
        found = {self.vocab.number_code}
        found |= {c for w, c in self.word_codes.items() if w[0].isdigit()}
        found |= {c for p, c in self.prefix_codes.items() if p[0].isdigit()}
        return "".join(sorted(found))

    def slot_codes(self, word: str, prefix: bool) -> str:
        """The codes of every token that fills a slot (sorted, no repeats).

        Words and prefixes are numbered in sorted order, so those that start with
        a prefix are one run of each and their codes are two runs of characters.
        """
        key = (word, prefix)
        found = self._classes.get(key)
        if found is None:
            if not prefix:
                found = self.word_codes.get(word, "")
            else:
                vocab = self.vocab
                found = "".join(
                    [
                        *map(vocab.word_code, _starting_with(vocab.words, word)),
                        *map(vocab.prefix_code, _starting_with(vocab.prefixes, word)),
                    ]
                )
            self._classes[key] = found
        return found


def _starting_with(sorted_words: tuple[str, ...], prefix: str) -> range:
    """The numbers of the words in ``sorted_words`` that start with ``prefix``.

    Slot pieces are runs of ``[a-z0-9]``, so every word starting with ``prefix``
    sorts before ``prefix + "{"``.
    """
    start = bisect.bisect_left(sorted_words, prefix)
    return range(start, bisect.bisect_left(sorted_words, prefix + "{", start))


@dataclass(frozen=True, slots=True)
class Cls:
    """One token whose code is one of ``codes``."""

    codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Seq(HashedOnce):
    """Tokens one after the other."""

    items: tuple[Node, ...]
    _hash: int = hash_slot()
    __hash__ = HashedOnce.__hash__


@dataclass(frozen=True, slots=True)
class Alt(HashedOnce):
    """One of several sequences."""

    options: tuple[Node, ...]
    _hash: int = hash_slot()
    __hash__ = HashedOnce.__hash__


@dataclass(frozen=True, slots=True)
class Opt(HashedOnce):
    """A sequence, or nothing."""

    item: Node
    _hash: int = hash_slot()
    __hash__ = HashedOnce.__hash__


@dataclass(frozen=True, slots=True)
class Loose:
    """Any tokens inside the clause: ``many`` (any number) or at most one."""

    many: bool


Node = Cls | Seq | Alt | Opt | Loose
EMPTY = Seq(())
NEVER = Alt(())
ANY = Loose(True)


def seq(items: Iterable[Node]) -> Node:
    """A sequence, flattened and simplified."""
    out: list[Node] = []
    for item in items:
        parts = item.items if isinstance(item, Seq) else (item,)
        for part in parts:
            if part == NEVER:
                return NEVER
            if part == ANY and out and out[-1] == ANY:
                continue
            out.append(part)
    return out[0] if len(out) == 1 else Seq(tuple(out))


def alt(options: Iterable[Node]) -> Node:
    """One of ``options``: single tokens merged into one class, shared first tokens factored."""
    flat: list[Node] = []
    for option in options:
        flat.extend(option.options if isinstance(option, Alt) else (option,))
    flat = [o for o in flat if o != NEVER]
    if EMPTY in flat:
        rest = [o for o in flat if o != EMPTY]
        return opt(alt(rest)) if rest else EMPTY
    if any(o == ANY for o in flat):
        return ANY
    singles: frozenset[str] = frozenset().union(*(o.codes for o in flat if isinstance(o, Cls)))
    groups: dict[Cls, list[Node]] = {}
    others: list[Node] = []
    for option in flat:
        if isinstance(option, Seq) and isinstance(option.items[0], Cls):
            groups.setdefault(option.items[0], []).append(seq(option.items[1:]))
        elif not isinstance(option, Cls):
            others.append(option)
    merged: list[Node] = [seq((head, alt(tails))) for head, tails in groups.items()]
    if singles:
        merged.append(Cls(singles))
    merged += others
    merged = sorted(dict.fromkeys(merged), key=emit)
    if not merged:
        return NEVER
    return merged[0] if len(merged) == 1 else Alt(tuple(merged))


def opt(item: Node) -> Node:
    """``item`` or nothing."""
    if item in (EMPTY, ANY) or isinstance(item, Opt):
        return item
    if item == NEVER:
        return EMPTY
    return Opt(item)


@functools.lru_cache(maxsize=1 << 16)
def emit(node: Node) -> str:
    """The node as a regular expression over code strings (remembered: trees are shared)."""
    if isinstance(node, Cls):
        codes = "".join(sorted(node.codes))
        return codes if len(codes) == 1 else f"[{codes}]"
    if isinstance(node, Seq):
        return "".join(emit(item) for item in node.items)
    if isinstance(node, Alt):
        return "(?:" + "|".join(emit(o) for o in node.options) + ")" if node.options else "(?!)"
    if isinstance(node, Opt):
        return f"(?:{emit(node.item)})?"
    return "[^|]*" if node.many else "[^|]?"


def emit_search(node: Node) -> str:
    """The node as an expression that starts with one character class when it can.

    Python's ``re`` skips quickly to where a match can begin only when an expression
    starts with a literal or a class; an alternation of sequences is rewritten as
    the union of their first classes, then a look-behind choosing the sequence.
    """
    items = node.items if isinstance(node, Seq) else (node,)
    first, rest = items[0], items[1:]
    if (
        isinstance(first, Alt)
        and first.options
        and all(
            isinstance(o, Cls) or (isinstance(o, Seq) and isinstance(o.items[0], Cls))
            for o in first.options
        )
    ):
        heads = [o if isinstance(o, Cls) else _head(o) for o in first.options]
        union = Cls(frozenset().union(*(h.codes for h in heads)))
        branches = []
        for head, option in zip(heads, first.options, strict=True):
            tail = "" if isinstance(option, Cls) else emit(seq(_tail(option)))
            branches.append(f"(?<={emit(head)}){tail}")
        return emit(union) + "(?:" + "|".join(branches) + ")" + "".join(emit(r) for r in rest)
    return emit(node)


def _head(node: Node) -> Cls:
    assert isinstance(node, Seq) and isinstance(node.items[0], Cls)
    return node.items[0]


def _tail(node: Node) -> tuple[Node, ...]:
    assert isinstance(node, Seq)
    return node.items[1:]


class TokenCompiler:
    """Writes parsed phrases as expressions over code strings."""

    def __init__(self, table: TokenTable, lexicon: Mapping[str, tuple[str, ...]]) -> None:
        self.table = table
        self.lexicon = lexicon
        self._lists: dict[str, Node] = {}
        self._active: set[str] = set()
        self._phrases: dict[Phrase, Node] = {}
        self._words: dict[Word, Node] = {}

    def test(self, phrase: Phrase) -> str:
        """The search expression of a phrase: where in a clause it may match.

        The units at either end that may match nothing or anything (optional units,
        gaps, money) are left out: a search for the rest finds every clause the whole
        phrase can match in, and never has to backtrack over them.
        """
        nodes = [self._unit_node(unit.item, unit.optional) for unit in phrase.units]
        while nodes and _loose(nodes[0]):
            nodes.pop(0)
        while nodes and _loose(nodes[-1]):
            nodes.pop()
        node = seq(nodes)
        if isinstance(node, Seq):  # loose ends inside the first or last unit go too
            items = list(node.items)
            while items and _loose(items[-1]):
                items.pop()
            while items and _loose(items[0]):
                items.pop(0)
            node = seq(items) if items else EMPTY
        return "" if node == EMPTY or _loose(node) else emit_search(node)

    def phrase(self, phrase: Phrase) -> Node:
        """The code tree of a phrase (units side by side: separators hold no tokens)."""
        node = self._phrases.get(phrase)
        if node is None:
            node = seq(self._unit_node(unit.item, unit.optional) for unit in phrase.units)
            self._phrases[phrase] = node
        return node

    def _unit_node(self, item: Item, optional: bool) -> Node:
        node = self._item(item)
        return opt(node) if optional else node

    def _item(self, item: Item) -> Node:
        if isinstance(item, Money):  # starts with a number; what follows is left loose
            return seq((Cls(frozenset(self.table.number_codes())), ANY))
        if isinstance(item, Gap):
            return ANY
        if isinstance(item, Group):
            return alt(self.phrase(alternative) for alternative in item.alternatives)
        if isinstance(item, ListRef):
            return self._list(item.name)
        assert isinstance(item, Word)
        node = self._words.get(item)
        if node is None:
            node = alt(seq(self._slot(w, p) for w, p in variant) for variant in _variants(item))
            self._words[item] = node
        return node

    def _slot(self, word: str, prefix: bool) -> Node:
        if not word:  # the suffix of a prefix word that ends in a mark: any one token or none
            return Loose(False)
        codes = self.table.slot_codes(word, prefix)
        return Cls(frozenset(codes)) if codes else NEVER

    def _list(self, name: str) -> Node:
        if name in self._lists:
            return self._lists[name]
        if name in self._active:
            return ANY  # a loop (refused by the validator): stay sound
        self._active.add(name)
        options: list[Node] = []
        for term in self.lexicon.get(name, ()):
            try:
                options.append(self.phrase(parse(term)))
            except PatternSyntaxError:
                continue
        self._active.discard(name)
        node = alt(options)
        self._lists[name] = node
        return node


def _loose(node: Node) -> bool:
    """Whether a unit may match nothing or anything (so a search can leave it out)."""
    return node in (EMPTY, ANY) or isinstance(node, (Opt, Loose))


def _variants(item: Word) -> list[tuple[tuple[str, bool], ...]]:
    """The token sequences a word can be: its pieces, with and without each apostrophe.

    ``won't`` is ``won t`` or ``wont``. In a prefix word the last piece is a prefix;
    if the word ends in a mark, the suffix may be one more token, written as an
    empty prefix piece.
    """
    text = item.text
    quotes = [i for i, ch in enumerate(text) if ch == "'"]
    found: list[tuple[tuple[str, bool], ...]] = []
    for keep in itertools.product((True, False), repeat=min(len(quotes), 4)):
        chars = list(text)
        for position, kept in zip(quotes, keep):
            if not kept:
                chars[position] = ""
        pieces = _PIECES.findall("".join(chars))
        if item.prefix and text[-1].isalnum() and pieces:
            variant = tuple((p, False) for p in pieces[:-1]) + ((pieces[-1], True),)
        elif item.prefix:
            variant = tuple((p, False) for p in pieces) + (("", True),)
        else:
            variant = tuple((p, False) for p in pieces)
        if variant not in found:
            found.append(variant)
    return found
