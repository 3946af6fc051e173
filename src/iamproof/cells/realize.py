"""One signature at a time: is there a string that exactly these patterns match (and those others do not)?

When the partition of a domain is too large to compute (patterns such as `*5ef*` make the number of
cells exponential), the solver treats each pattern's match as a Boolean and proposes a signature; this
module answers whether some string has it, with the shortest such string, or else with a *core*: a subset
of the proposal's patterns whose values alone are impossible, which the solver then excludes.

The search walks the product of the automata breadth first. A positive pattern whose automaton dies, or
a negative one that accepts every continuation, prunes the walk; every string the walk rules out is
ruled out by one recorded pattern, so the recorded patterns form a core when no string is found.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from iamproof.cells.deadline import NO_DEADLINE, Deadline
from iamproof.cells.glob_automaton import GlobAutomaton
from iamproof.cells.partition import PartitionTooLarge, other_char

_DEADLINE_EVERY = 256

State = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Realized:
    text: str | None  # a shortest string with the signature, or None
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
    """A string matched by every automaton of `positive` and by none of `negative`."""
    search = _Search(automata, positive, negative, alphabet or (lambda _: True), deadline, max_states)
    return search.run()


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
