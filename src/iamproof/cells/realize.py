"""One signature at a time: is there a string that exactly these patterns match (and those others do not)?

When the partition of a domain is too large to compute (patterns such as `*5ef*` make the number of
cells exponential), the solver treats each pattern's match as a Boolean and proposes a signature; this
module answers whether some string has it, with the shortest such string, or else with a *core*: a subset
of the proposal's patterns whose values alone are impossible, which the solver then excludes.

Before searching, a few strings are built from the positive patterns' literal pieces (their common head,
then the pieces of each pattern that is not matched yet, then their common tail) and tried: a proposal
of several infix patterns (`s3:*Logging*Data*` and `s3:Table*Associate*`) has a long shortest member
that no breadth-first walk reaches in time, but the joined pieces often match exactly the proposal.
Every candidate is checked against every automaton, so a wrong guess costs a few steps and nothing else.

The search walks the product of the automata breadth first. A positive pattern whose automaton dies, or
a negative one that accepts every continuation, prunes the walk; every string the walk rules out is
ruled out by one recorded pattern, so the recorded patterns form a core when no string is found.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from iamproof.cells.deadline import NO_DEADLINE, Deadline, OutOfTime
from iamproof.cells.glob_automaton import AnyRun, CharSet, GlobAutomaton, Unit, literal_head
from iamproof.cells.partition import PartitionTooLarge, other_char

_DEADLINE_EVERY = 256

State = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Realized:
    text: str | None  # a string with the signature (a built candidate, else a shortest one), or None
    core: frozenset[int] = frozenset()  # when None: patterns whose proposed values cannot hold together


def realize(
    automata: Sequence[GlobAutomaton],
    positive: frozenset[int],
    negative: frozenset[int],
    *,
    alphabet: Callable[[str], bool] | None = None,
    deadline: Deadline = NO_DEADLINE,
    max_states: int = 200_000,
) -> Realized:
    """A string matched by every automaton of `positive` and by none of `negative`; else a small core.

    A first search is cut short at QUICK_STATES; past it, two patterns that contradict each other on
    their own (a positive one inside a negative one, two disjoint positive ones) are looked for before
    the full search: such a proposal has a tiny core but no bound on the strings a search would walk
    (`sqs:*add*untag*delete*` without `sqs:*untag*delete*`).

    Negative patterns whose literal head no member of the positive ones can start with are left out
    first: they match none of the strings searched for, so the answer is the same."""
    chars = alphabet or (lambda _: True)
    negative = _may_match(automata, positive, negative)
    try:
        found = _solve(automata, positive, negative, chars, deadline, min(max_states, QUICK_STATES))
    except PartitionTooLarge:
        pair = _contradicting_pair(automata, positive, negative, chars, deadline)
        if pair is not None:
            return Realized(None, pair)
        found = _Search(automata, positive, negative, chars, deadline, max_states).run()
    if found.text is not None:
        return found
    return Realized(None, _smaller_core(automata, positive, negative, found.core, chars, deadline, max_states))


def _solve(
    automata: Sequence[GlobAutomaton],
    positive: frozenset[int],
    negative: frozenset[int],
    alphabet: Callable[[str], bool],
    deadline: Deadline,
    max_states: int,
) -> Realized:
    """A candidate string built from the positive patterns if one has the signature, else the search."""
    members = positive | negative
    for candidate in _candidates([automata[i] for i in sorted(positive)], alphabet):
        if all(automata[i].matches(candidate) == (i in positive) for i in members):
            return Realized(candidate)
    return _Search(automata, positive, negative, alphabet, deadline, max_states).run()


def _may_match(automata: Sequence[GlobAutomaton], positive: frozenset[int], negative: frozenset[int]) -> frozenset[int]:
    """The negative patterns that some string of the positive ones may match: every such string starts
    with the longest literal head of the positive patterns (when their heads agree), and a pattern whose
    own head diverges from it matches none of them. (A resource proposal of a 300-statement policy: from
    560 patterns to the few dozen that share its service and account.)"""
    heads = [automata[i].head for i in positive]
    longest = max(heads, key=len, default="")
    if not longest or not all(longest.startswith(head) for head in heads):
        return negative
    return frozenset(i for i in negative if automata[i].may_start_with(longest))


QUICK_STATES = 5_000  # product states of the first search
PAIR_STATES = 2_000  # product states of the search for one pair of patterns


def _contradicting_pair(
    automata: Sequence[GlobAutomaton],
    positive: frozenset[int],
    negative: frozenset[int],
    alphabet: Callable[[str], bool],
    deadline: Deadline,
) -> frozenset[int] | None:
    """Two patterns of the proposal that no string satisfies together, if a small search finds them."""
    pairs = [(frozenset({p}), frozenset({n})) for p in sorted(positive) for n in sorted(negative)]
    pairs += [(frozenset({p, q}), frozenset()) for p in sorted(positive) for q in sorted(positive) if p < q]
    for pos, neg in pairs:
        try:
            found = _solve(automata, pos, neg, alphabet, deadline, PAIR_STATES)
        except PartitionTooLarge:
            continue
        if found.text is None:
            return found.core
    return None


def _smaller_core(
    automata: Sequence[GlobAutomaton],
    positive: frozenset[int],
    negative: frozenset[int],
    core: frozenset[int],
    alphabet: Callable[[str], bool],
    deadline: Deadline,
    max_states: int,
) -> frozenset[int]:
    """The core with every pattern left out that it does not need (each left out in turn, kept out if the
    rest is still impossible). The solver's lemma excludes every proposal that contains the core, so a
    small core saves the rounds that a large one would take, one proposal at a time. The searches run on
    subsets of the patterns, and stop at the deadline or the state limit with the core found so far."""
    current = set(core)
    for index in sorted(core, reverse=True):
        if index not in current:
            continue
        trial = frozenset(current - {index})
        try:
            result = _solve(automata, positive & trial, negative & trial, alphabet, deadline, max_states)
        except (PartitionTooLarge, OutOfTime):
            break
        if result.text is None:
            current = set(result.core)
    return frozenset(current)


@dataclass
class _Search:
    automata: Sequence[GlobAutomaton]
    positive: frozenset[int]
    negative: frozenset[int]
    alphabet: Callable[[str], bool]
    deadline: Deadline
    max_states: int
    core: set[int] = field(default_factory=set)

    def run(self) -> Realized:
        members = sorted(self.positive | self.negative)
        start: State = tuple((i, self.automata[i].start) for i in members)
        if self._pruned(start):
            return Realized(None, frozenset(self.core))
        start = self._live(start)
        seen = {start}
        queue: deque[tuple[State, str]] = deque([(start, "")])
        visited = 0
        while queue:
            state, text = queue.popleft()
            visited += 1
            if visited % _DEADLINE_EVERY == 0:
                self.deadline.check("the search for a resource or action")
            if self._accepted(state):
                return Realized(text)
            for char in self._moves(state):
                nxt = tuple((i, self.automata[i].step(mask, char)) for i, mask in state)
                if self._pruned(nxt):
                    continue
                nxt = self._live(nxt)
                if nxt not in seen:
                    if len(seen) >= self.max_states:
                        raise PartitionTooLarge(f"more than {self.max_states} automaton states")
                    seen.add(nxt)
                    queue.append((nxt, text + char))
        return Realized(None, frozenset(self.core))

    def _live(self, state: State) -> State:
        """Negative patterns that died can never match: they leave the state."""
        return tuple((i, mask) for i, mask in state if mask or i in self.positive)

    def _pruned(self, state: State) -> bool:
        for i, mask in state:
            if i in self.positive and not mask:
                return self._blame(i)
        for i, mask in state:
            universal = self.automata[i].universal
            if i in self.negative and universal and mask == universal:
                return self._blame(i)
        return False

    def _blame(self, index: int) -> bool:
        self.core.add(index)
        return True

    def _accepted(self, state: State) -> bool:
        """True for a witness; else one pattern that rules the state out is recorded."""
        reasons = []
        for i, mask in state:
            accepts = self.automata[i].accepts_at(mask)
            if accepts == (i in self.negative):
                reasons.append(i)
        if not reasons:
            return True
        known = [i for i in reasons if i in self.core]
        self.core.add(known[0] if known else reasons[0])
        return False

    def _moves(self, state: State) -> list[str]:
        mentioned: set[str] = set()
        for i, mask in state:
            mentioned |= self.automata[i].mentioned(mask)
        moves = [char for char in sorted(mentioned) if self.alphabet(char)]
        other = other_char(mentioned, self.alphabet)
        if other is not None:
            moves.append(other)
        return moves


def _candidates(positive: Sequence[GlobAutomaton], alphabet: Callable[[str], bool]) -> list[str]:
    """Strings built from the positive automata's literal pieces (see the module docstring)."""
    rendered = [_render(automaton.units, alphabet) for automaton in positive]
    if any(text is None for text in rendered):
        return []
    heads = sorted((automaton.head for automaton in positive), key=len)
    tails = sorted((literal_head(automaton.units[::-1])[::-1] for automaton in positive), key=len)
    head, tail = heads[-1] if heads else "", tails[-1] if tails else ""
    if not all(head.startswith(h) for h in heads) or not all(tail.endswith(t) for t in tails):
        return []
    out = [text for text in rendered if text is not None]
    inner = {id(automaton): _render(_between_head_and_tail(automaton.units), alphabet) for automaton in positive}
    # patterns with the most literal characters first: one made almost only of wildcards (`?*:?*`, the
    # action's shape) is usually matched by the others' pieces, and its filler (`x:x`) would break them
    ranked = sorted(positive, key=lambda a: -sum(isinstance(u, CharSet) for u in a.units))
    literal, rest = ranked[:-1], ranked[-1:]
    orders = [[*literal[k:], *literal[:k], *rest] for k in range(min(len(literal), ROTATIONS))]
    orders += [[*reversed(literal), *rest]] if literal else [ranked]
    # a filler right after the head keeps the text out of negative patterns that share the head
    # (`lambda:auth*state*` against pieces that begin with `auth`), where the positive ones allow it
    for filler, order in itertools.product(("", "x"), orders):
        middle = filler
        for automaton in order:
            if automaton.matches(head + middle + tail):
                continue
            piece = inner[id(automaton)]
            if piece is None:
                break
            middle += piece
        out.append(head + middle + tail)
    return out


def _between_head_and_tail(units: Sequence[Unit]) -> Sequence[Unit]:
    return units[len(literal_head(units)) : len(units) - len(literal_head(units[::-1]))]


_FILLERS = "xabcdefghijklmnopqrstuvwyz0123456789"
ROTATIONS = 8  # orders of the positive patterns tried, each pattern in turn first


def _render(units: Sequence[Unit], alphabet: Callable[[str], bool]) -> str | None:
    """A short string of the units: `*` empty, `?` a plain character it allows; None if none fits."""
    out: list[str] = []
    for unit in units:
        if isinstance(unit, AnyRun):
            continue
        allowed = sorted(unit.chars) if isinstance(unit, CharSet) else [c for c in _FILLERS if c not in unit.excluded]
        chosen = next((c for c in allowed if alphabet(c)), None)
        if chosen is None:
            return None
        out.append(chosen)
    return "".join(out)
