"""Infix features of the resource: patterns such as `arn:aws:s3:::logs/*backup*` kept out of the cells.

A literal between two stars in the resource part (`*backup*`) is a feature a resource may have or not,
independently of the other such features: the cell partition of n of them has up to 2^n combinations,
and its walk visits every partial match of every infix (measured on 300-statement policies: 26,000 to
35,000 automaton states and about 1 s, where the same patterns without their infixes take 3,000 states).
When a resource domain has several of them, each becomes one Boolean ("the resource matches it"), the
cells are computed for the other patterns and for the features' *shapes* (the pattern without its
infixes, `arn:aws:s3:::logs/*`, which every match of the feature matches), and a feature implies its
shape's cells. As for slots without cells (`Encoder.lazy`), the session realizes the proposed
combination of cell and features with the automata search, or adds the search's core as a lemma.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import z3

from iamproof.patterns import Glob, Wild
from iamproof.smt.domains import CellDomain
from iamproof.smt.formula import MatchMode

MIN_FEATURES = 4
"""Fewer infix patterns than this stay in the cells (their partition is small)."""

Key = tuple[Glob, MatchMode]


def infix_shape(glob: Glob) -> Glob | None:
    """The pattern without the literals that stand between two stars after the fifth colon (the resource
    part), or None when it has none. `a:b:c:d:e:logs/*x*y*` gives `a:b:c:d:e:logs/*`."""
    out: list[str | Wild] = []
    colons, changed = 0, False
    for position, part in enumerate(glob):
        if isinstance(part, str):
            between_stars = 0 < position < len(glob) - 1 and glob[position - 1] is glob[position + 1] is Wild.STAR
            if colons >= 5 and between_stars:
                changed = True
                continue
            colons += part.count(":")
        if part is Wild.STAR and out and out[-1] is Wild.STAR:
            continue
        out.append(part)
    return tuple(out) if changed else None


def split_features(globs: Iterable[Key]) -> tuple[frozenset[Key], dict[Key, Key]]:
    """The patterns the cells keep (the others, and each feature's shape) and each feature's shape; no
    features when there are fewer than MIN_FEATURES."""
    shapes: dict[Key, Key] = {}
    kept: set[Key] = set()
    for glob, mode in globs:
        shape = infix_shape(glob) if mode is MatchMode.ARN else None
        if shape is None:
            kept.add((glob, mode))
        else:
            shapes[(glob, mode)] = (shape, mode)
    if len(shapes) < MIN_FEATURES:
        return frozenset(globs), {}
    return frozenset(kept | set(shapes.values())), shapes


@dataclass
class Features:
    """The infix features of one slot: `domain` has the automata of every pattern (cells' and features'),
    unpartitioned, for the automata search and for decoding; `matches` one Boolean per feature."""

    domain: CellDomain
    shapes: dict[Key, Key]
    matches: dict[Key, z3.BoolRef] = field(default_factory=dict)
    from_cells: list[int] = field(default_factory=list)  # automaton of the cells' domain -> of `domain`

    @staticmethod
    def of(cells: CellDomain, domain: CellDomain, shapes: dict[Key, Key], name: str, ctx: z3.Context) -> Features:
        features = Features(domain, shapes)
        for index, key in enumerate(sorted(shapes, key=repr)):
            features.matches[key] = z3.Bool(f"{name}.feature[{index}]", ctx)
        mapping = {0: 0}
        for key, index in cells.index.items():
            mapping[index] = domain.index[key]
        for account, index in cells.accounts.items():
            mapping[index] = domain.accounts[account]
        if cells.twelve_digits is not None and domain.twelve_digits is not None:
            mapping[cells.twelve_digits] = domain.twelve_digits
        features.from_cells = [mapping[index] for index in range(len(cells.automata))]
        return features

    def values(self, model: z3.ModelRef) -> dict[Key, bool]:
        """Each feature's value in a model."""
        return {key: z3.is_true(model.eval(match, model_completion=True)) for key, match in self.matches.items()}

    def proposal(self, cells: CellDomain, cell: int, values: dict[Key, bool]) -> tuple[frozenset[int], frozenset[int]]:
        """The automata of `domain` that a cell and feature values say the value matches, and the others."""
        positive = {self.from_cells[index] for index in cells.cells[cell].signature}
        positive |= {self.domain.index[key] for key, value in values.items() if value}
        return frozenset(positive), frozenset(range(len(self.domain.automata))) - positive

    def known_member(self, cells: CellDomain, cell: int, values: dict[Key, bool]) -> str | None:
        """A member the partition already knows of `cell` with these feature values, if one: its other
        patterns agree with the cell by construction, so only the features' automata are run."""
        wanted = [(self.domain.automata[self.domain.index[key]], value) for key, value in values.items()]
        for text in cells.cells[cell].witnesses:
            if all(automaton.matches(text) == value for automaton, value in wanted):
                return text
        return None

    def refuted(
        self, cells: CellDomain, cell: int, core: frozenset[int], values: dict[Key, bool]
    ) -> tuple[list[int], list[z3.BoolRef]]:
        """What a refuted proposal's core excludes: the cells that agree with `cell` on the core's automata
        of the cells' domain, and the core's features with their proposed values."""
        on_cells = [index for index, full in enumerate(self.from_cells) if full in core]
        mine = cells.cells[cell].signature
        agreeing = [
            other.index
            for other in cells.cells
            if all((index in other.signature) == (index in mine) for index in on_cells)
        ]
        literals = [
            self.matches[key] if value else z3.Not(self.matches[key])
            for key, value in values.items()
            if self.domain.index[key] in core
        ]
        return agreeing, literals
