"""The partition of a string domain into cells, by a breadth-first walk of the patterns' product automaton."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from iamproof.cells.deadline import NO_DEADLINE, Deadline
from iamproof.cells.glob_automaton import GlobAutomaton

ProductState = tuple[tuple[int, int], ...]
"""The live (pattern index, NFA position mask) pairs, sorted by pattern index."""

DEFAULT_MAX_STATES = 200_000
_DEADLINE_EVERY = 256  # product states between two looks at the clock
WITNESSES_PER_CELL = 4
_PREFERRED_OTHERS = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class PartitionTooLarge(Exception):
    """The product automaton has more states than the limit; the query answers unknown."""


@dataclass
class Cell:
    """Strings that every pattern treats alike: `signature` is the set of patterns that match them."""

    index: int
    signature: frozenset[int]
    witnesses: list[str] = field(default_factory=list)
    many: bool = False  # holds more strings than `witnesses` lists (e.g. infinitely many)


@dataclass(frozen=True)
class Partition:
    cells: tuple[Cell, ...]
    patterns: int

    def cells_matching(self, pattern: int) -> list[int]:
        return self._by_pattern().get(pattern, [])

    def _by_pattern(self) -> dict[int, list[int]]:
        index: dict[int, list[int]] | None = self.__dict__.get("_index")
        if index is None:
            index = {}
            for cell in self.cells:
                for pattern in cell.signature:
                    index.setdefault(pattern, []).append(cell.index)
            object.__setattr__(self, "_index", index)
        return index


def partition(
    automata: Sequence[GlobAutomaton],
    *,
    alphabet: Callable[[str], bool] | None = None,
    required: Sequence[int] = (),
    max_states: int = DEFAULT_MAX_STATES,
    deadline: Deadline = NO_DEADLINE,
) -> Partition:
    """All non-empty cells of the strings over `alphabet` (a character predicate; None = any).

    Cells whose signature lacks a pattern of `required` are dropped (a domain restriction, such as
    "an action has the form service:name"). Raises PartitionTooLarge past `max_states` product states
    and OutOfTime past `deadline`.
    """
    walk = _Walk(automata, alphabet or _any_char, frozenset(required), max_states, deadline)
    walk.run()
    cells = tuple(
        Cell(i, signature, found.witnesses, found.many)
        for i, (signature, found) in enumerate(sorted(walk.found.items(), key=lambda item: _order(item[1])))
    )
    return Partition(cells, len(automata))


def _order(found: _Found) -> str:
    """Cells in the order of their shortest members: cells that share a prefix get neighbouring ids,
    so that the cells of a pattern form few runs of consecutive ids."""
    return found.witnesses[0]


def other_char(mentioned: set[str], alphabet: Callable[[str], bool]) -> str | None:
    """A character of the alphabet that no live unit treats specially: it stands for all such characters."""
    for char in _PREFERRED_OTHERS:
        if char not in mentioned and alphabet(char):
            return char
    for code in range(0x21, 0x3000):
        char = chr(code)
        if char not in mentioned and alphabet(char):
            return char
    return None


def _any_char(_: str) -> bool:
    return True


@dataclass
class _Found:
    witnesses: list[str] = field(default_factory=list)
    many: bool = False


@dataclass(frozen=True)
class _Heads:
    """The literal heads of the patterns (the text before their first wildcard), walked as one trie.

    A pattern without wildcards is all head: it matches where the walk's text equals it. A pattern with
    wildcards joins the product state only once the text has read its head (until then its state is
    determined by the text), so that patterns that share a prefix such as `arn:aws:s3:::` cost nothing
    while the walk is in that prefix, and patterns whose head the text left are never stepped.
    """

    next_chars: dict[str, frozenset[str]]  # every prefix of a head -> the characters that extend it
    ends: dict[str, tuple[int, ...]]  # literal text -> the patterns without wildcards that are exactly it
    joins: dict[str, tuple[tuple[int, int], ...]]  # head -> (pattern, NFA mask after the head)

    @staticmethod
    def of(automata: Sequence[GlobAutomaton]) -> _Heads:
        next_chars: dict[str, set[str]] = {"": set()}
        ends: dict[str, list[int]] = {}
        joins: dict[str, list[tuple[int, int]]] = {}
        for index, automaton in enumerate(automata):
            head = automaton.head
            if len(head) == len(automaton.units):
                ends.setdefault(head, []).append(index)
            else:
                mask = automaton.normal(automaton.closures[len(head)])
                joins.setdefault(head, []).append((index, mask))
        previous = ""
        for head in sorted({automaton.head for automaton in automata}):
            # sorted, a head shares its trie nodes up to `common` with the one before, which added them
            common = _common_length(previous, head)
            for length in range(common, len(head)):
                next_chars[head[:length]].add(head[length])
                next_chars[head[: length + 1]] = set()
            previous = head
        return _Heads(
            {prefix: frozenset(chars) for prefix, chars in next_chars.items()},
            {text: tuple(indices) for text, indices in ends.items()},
            {head: tuple(entries) for head, entries in joins.items()},
        )


def _common_length(one: str, other: str) -> int:
    length = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        length += 1
    return length


WalkState = tuple[str | None, ProductState, frozenset[int]]
"""The head prefix read so far (None once the text is a prefix of no head), the joined automata's states,
and the automata that accept every continuation of the text (their state is `universal`; they are in
every signature from here on and need no more steps)."""
NO_AUTOMATA: frozenset[int] = frozenset()


@dataclass
class _Walk:
    automata: Sequence[GlobAutomaton]
    alphabet: Callable[[str], bool]
    required: frozenset[int]
    max_states: int
    deadline: Deadline
    found: dict[frozenset[int], _Found] = field(default_factory=dict)
    heads: _Heads = field(init=False)
    tables: list[dict[tuple[int, str], int]] = field(init=False)
    universal: list[int] = field(init=False)
    accepting: list[int] = field(init=False)
    seen: dict[WalkState, frozenset[int]] = field(init=False, default_factory=dict)
    queue: deque[tuple[WalkState, str, bool]] = field(init=False, default_factory=deque)
    revisited: set[frozenset[int]] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.heads = _Heads.of(self.automata)
        # per automaton, read in the inner loops: its memoized steps, universal mask and accepting bit
        self.tables = [automaton.steps for automaton in self.automata]
        self.universal = [automaton.universal for automaton in self.automata]
        self.accepting = [1 << len(automaton.units) for automaton in self.automata]

    def run(self) -> None:
        start: WalkState = self._joined("", (), NO_AUTOMATA)
        self.seen = {start: self._signature(start)}  # each state's signature, computed once
        self.queue = deque([(start, "", False)])
        visited = 0
        while self.queue:
            state, text, via_other = self.queue.popleft()
            visited += 1
            if visited % _DEADLINE_EVERY == 0:
                self.deadline.check("the cell partition")
            self._record(self.seen[state], text, via_other)
            for char, is_other in self._moves(state):
                nxt, nxt_text = self._step(state, char), text + char
                if not is_other and nxt[0] is not None:
                    nxt, nxt_text = self._through_chain(nxt, nxt_text, via_other)
                self._reach(nxt, nxt_text, via_other or is_other)
        for signature in self.revisited & self.found.keys():
            self.found[signature].many = True

    def _reach(self, state: WalkState, text: str, via_other: bool) -> None:
        """A string reaches `state`: a new state is queued, a known one's cell has more members."""
        signature = self.seen.get(state)
        if signature is None:
            if len(self.seen) >= self.max_states:
                raise PartitionTooLarge(f"more than {self.max_states} automaton states")
            self.seen[state] = self._signature(state)
            self.queue.append((state, text, via_other))
        else:
            self.revisited.add(signature)

    def _through_chain(self, state: WalkState, text: str, via_other: bool) -> tuple[WalkState, str]:
        """Skips the head-trie nodes that only extend the prefix: a node with one continuation, in the
        alphabet, no pattern ending there, whose next character no live automaton mentions or moves on, and
        whose successor no pattern joins at (`_moves` drops a character outside the alphabet). Such a node
        is in the cell of `state` and leaves the trie to the same states as every other node of the chain
        (the live automata do not change along it), so its cell is recorded and its exits are reached once
        per chain; the walk goes on from the first node that differs."""
        exits_done = False
        while True:
            prefix, wild, done = state
            assert prefix is not None
            following = self.heads.next_chars[prefix]
            if len(following) != 1 or prefix in self.heads.ends:
                return state, text
            (char,) = following
            successor = prefix + char
            if successor in self.heads.joins or self._changes(wild, char) or not self.alphabet(char):
                return state, text
            self._record(self._signature(state), text, via_other)
            if not exits_done:
                for exit_char, is_other in self._moves(state):
                    if exit_char != char:
                        self._reach(self._step(state, exit_char), text + exit_char, via_other or is_other)
                exits_done = True
            state, text = (successor, wild, done), text + char

    def _changes(self, wild: ProductState, char: str) -> bool:
        """Does reading `char` change some live automaton (or is `char` one it treats specially)?"""
        for i, mask in wild:
            automaton = self.automata[i]
            if char in automaton.mentioned(mask) or automaton.step(mask, char) != mask:
                return True
        return False

    def _signature(self, state: WalkState) -> frozenset[int]:
        prefix, wild, done = state
        accepting = self.accepting
        accepted = [i for i, mask in wild if mask & accepting[i]]
        if prefix is not None:
            accepted += self.heads.ends.get(prefix, ())
        return done.union(accepted)

    def _record(self, signature: frozenset[int], text: str, via_other: bool) -> None:
        if not self.required <= signature:
            return
        found = self.found.setdefault(signature, _Found())
        if len(found.witnesses) < WITNESSES_PER_CELL:
            found.witnesses.append(text)
        else:
            found.many = True
        if via_other:
            found.many = True

    def _moves(self, state: WalkState) -> list[tuple[str, bool]]:
        prefix, wild, _ = state
        mentioned: set[str] = set(self.heads.next_chars[prefix]) if prefix is not None else set()
        for i, mask in wild:
            mentioned |= self.automata[i].mentioned(mask)
        moves = [(char, False) for char in sorted(mentioned) if self.alphabet(char)]
        other = self._other_char(mentioned)
        if other is not None:
            moves.append((other, True))
        return moves

    def _other_char(self, mentioned: set[str]) -> str | None:
        return other_char(mentioned, self.alphabet)

    def _step(self, state: WalkState, char: str) -> WalkState:
        prefix, wild, done = state
        out: list[tuple[int, int]] = []
        finished: list[int] = []
        tables, universal = self.tables, self.universal
        for i, mask in wild:
            nxt = tables[i].get((mask, char))
            if nxt is None:
                nxt = self.automata[i].step(mask, char)
            if not nxt:
                continue
            if nxt == universal[i]:
                finished.append(i)
            else:
                out.append((i, nxt))
        if finished:
            done = done.union(finished)
        if prefix is None:
            return (None, tuple(out), done)
        return self._joined(prefix + char, out, done)

    def _joined(self, text: str, wild: Sequence[tuple[int, int]], done: frozenset[int]) -> WalkState:
        """The state after reading `text`: the automata whose head is `text` join the product."""
        if text not in self.heads.next_chars:
            return (None, tuple(wild), done)
        joining = self.heads.joins.get(text)
        if joining:
            universal = [i for i, mask in joining if mask == self.automata[i].universal]
            if universal:
                done = done.union(universal)
            joined = ((i, mask) for i, mask in joining if mask and mask != self.automata[i].universal)
            wild = sorted([*wild, *joined])
        return (text, tuple(wild), done)
