"""Globs compiled to small NFAs over positions, with `*`/`?` that may exclude some characters.

Three kinds of unit: a character set (a literal, or both cases of a letter), one character not in an
excluded set (`?`), and a run of characters not in an excluded set (`*`). ARN patterns (Resource
elements, Arn* operators) are compiled so that the first five colons are literal separators and the
wildcards of the first five components cannot match `:`; that is exactly the per-component matching
of `iamproof.evaluate`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from iamproof.patterns import Glob, Wild, split_at_colons

NO_CHARS: frozenset[str] = frozenset()
COLON = frozenset(":")
SLASH_COLON = frozenset("/:")


@dataclass(frozen=True)
class CharSet:
    chars: frozenset[str]


@dataclass(frozen=True)
class AnyChar:
    excluded: frozenset[str] = NO_CHARS


@dataclass(frozen=True)
class AnyRun:
    excluded: frozenset[str] = NO_CHARS


Unit = CharSet | AnyChar | AnyRun


@dataclass(frozen=True)
class GlobAutomaton:
    """An NFA whose states are positions 0..len(units); position len(units) accepts.

    A state is a bit mask of positions. Once a mask holds a trailing unrestricted `*` the automaton
    accepts every continuation; such masks are all replaced by one canonical mask (`universal`), so
    that product states differing only there coincide. Steps are memoized per (mask, character).
    """

    units: tuple[Unit, ...]
    closures: tuple[int, ...] = field(init=False, repr=False, compare=False)
    universal: int = field(init=False, repr=False, compare=False)  # 0: no such mask
    _universal_bits: int = field(init=False, repr=False, compare=False)
    steps: dict[tuple[int, str], int] = field(init=False, repr=False, compare=False, default_factory=dict)
    """The memoized steps (read directly by loops that step many automata; `step` fills it)."""
    _mentioned: dict[int, frozenset[str]] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        size = len(self.units)
        closures = [0] * (size + 1)
        closures[size] = 1 << size
        for position in range(size - 1, -1, -1):
            closures[position] = 1 << position
            if isinstance(self.units[position], AnyRun):
                closures[position] |= closures[position + 1]
        object.__setattr__(self, "closures", tuple(closures))
        bits, universal = 0, 0
        for position, unit in enumerate(self.units):
            if isinstance(unit, AnyRun) and not unit.excluded and closures[position] >> size & 1:
                bits |= 1 << position
                universal = closures[position]  # the last one: its closure is a fixpoint of step
        object.__setattr__(self, "_universal_bits", bits)
        object.__setattr__(self, "universal", universal)

    @cached_property
    def head(self) -> str:
        """The literal text every match starts with (`literal_head` of the units)."""
        return literal_head(self.units)

    def may_start_with(self, prefix: str) -> bool:
        """Could a match start with `prefix`, as far as the literal head tells (it agrees with `prefix`
        on their common length)?"""
        return self.head.startswith(prefix) or prefix.startswith(self.head)

    @property
    def start(self) -> int:
        return self.normal(self.closures[0])

    def normal(self, mask: int) -> int:
        return self.universal if mask & self._universal_bits else mask

    def accepts_at(self, mask: int) -> bool:
        return bool(mask >> len(self.units) & 1)

    def step(self, mask: int, char: str) -> int:
        key = (mask, char)
        out = self.steps.get(key)
        if out is None:
            out = self.normal(self._step(mask, char))
            self.steps[key] = out
        return out

    def _step(self, mask: int, char: str) -> int:
        out = 0
        units, closures = self.units, self.closures
        for position in _positions(mask, len(units)):
            unit = units[position]
            if isinstance(unit, CharSet):
                if char in unit.chars:
                    out |= closures[position + 1]
            elif char not in unit.excluded:
                out |= closures[position + 1] if isinstance(unit, AnyChar) else closures[position]
        return out

    def mentioned(self, mask: int) -> frozenset[str]:
        """Characters that units at live positions treat specially."""
        found = self._mentioned.get(mask)
        if found is None:
            chars: set[str] = set()
            for position in _positions(mask, len(self.units)):
                unit = self.units[position]
                chars |= unit.chars if isinstance(unit, CharSet) else unit.excluded
            found = self._mentioned[mask] = frozenset(chars)
        return found

    @cached_property
    def _after_head(self) -> int:
        mask = self.start
        for char in self.head:
            mask = self.step(mask, char)
        return mask

    def matches(self, text: str) -> bool:
        """Does the whole of `text` match? Text that does not start with the literal head is decided
        without stepping (callers test one text against hundreds of patterns, most of another head)."""
        head = self.head
        if not text.startswith(head):
            return False
        mask = self._after_head
        for char in text[len(head) :]:
            mask = self.step(mask, char)
            if not mask:
                return False
        return self.accepts_at(mask)


def _positions(mask: int, below: int) -> Iterator[int]:
    """The set bits of `mask` under `below` (a mask's live positions; the accepting one is not a unit),
    visited directly rather than shifting past the unset ones (live positions lie deep in long patterns)."""
    while mask:
        low = mask & -mask
        position = low.bit_length() - 1
        if position >= below:
            return
        yield position
        mask ^= low


@dataclass(frozen=True)
class HeadIndex:
    """Automata grouped by literal head: a text can only match those whose head is a prefix of it, so its
    signature runs a few automata instead of all of a domain's hundreds."""

    automata: tuple[GlobAutomaton, ...]
    by_head: dict[str, tuple[int, ...]]
    lengths: tuple[int, ...]  # the heads' distinct lengths, ascending

    @staticmethod
    def of(automata: Sequence[GlobAutomaton]) -> HeadIndex:
        by_head: dict[str, list[int]] = {}
        for index, automaton in enumerate(automata):
            by_head.setdefault(automaton.head, []).append(index)
        heads = {head: tuple(indices) for head, indices in by_head.items()}
        return HeadIndex(tuple(automata), heads, tuple(sorted({len(head) for head in heads})))

    def signature(self, text: str) -> frozenset[int]:
        """The indices of the automata that match `text`."""
        matched: list[int] = []
        for length in self.lengths:
            if length > len(text):
                break
            for index in self.by_head.get(text[:length], ()):
                if self.automata[index].matches(text):
                    matched.append(index)
        return frozenset(matched)


def literal_head(units: Sequence[Unit]) -> str:
    """The text of the leading units that each allow one character only."""
    chars: list[str] = []
    for unit in units:
        if not isinstance(unit, CharSet) or len(unit.chars) != 1:
            break
        chars.extend(unit.chars)
    return "".join(chars)


@lru_cache(maxsize=1 << 13)
def compile_glob(glob: Glob, *, ignore_case: bool = False, arn: bool = False) -> GlobAutomaton:
    """The automaton of a glob; `arn` for per-component ARN matching, `ignore_case` for actions etc.

    Cached: queries over the same policies share automata and their memoized steps."""
    if arn:
        pieces = split_at_colons(glob)
        if pieces is not None:
            units: list[Unit] = []
            for index, piece in enumerate(pieces):
                if index:
                    units.append(CharSet(COLON))
                units += _units(piece, ignore_case, COLON if index < 5 else NO_CHARS)
            return GlobAutomaton(tuple(units))
    return GlobAutomaton(tuple(_units(glob, ignore_case, NO_CHARS)))


def _units(glob: Sequence[str | Wild], ignore_case: bool, excluded: frozenset[str]) -> list[Unit]:
    units: list[Unit] = []
    for part in glob:
        if part is Wild.STAR:
            if not (units and isinstance(units[-1], AnyRun)):
                units.append(AnyRun(excluded))
        elif part is Wild.QUESTION:
            units.append(AnyChar(excluded))
        elif part is Wild.SEGMENT:
            units += [AnyChar(excluded | SLASH_COLON), AnyRun(excluded | SLASH_COLON)]
        else:
            assert isinstance(part, str)
            units += [_char_set(char, ignore_case) for char in part]
    return units


@lru_cache(maxsize=1 << 12)
def _char_set(char: str, ignore_case: bool) -> CharSet:
    """The unit of one literal character (shared: patterns repeat the same few characters)."""
    if not ignore_case:
        return CharSet(frozenset(char))
    cases = {char, char.lower(), char.upper()} if len(char.upper()) == 1 else {char, char.lower()}
    return CharSet(frozenset(cases))
