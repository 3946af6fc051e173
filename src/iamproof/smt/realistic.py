"""Readable members of a cell: a real action name, an ARN with its wildcards filled in plausibly.

The shortest member of a cell (what the automaton walk finds first) is exact but reads badly
(`s3:get`, `arn:aws:s3:::b/`); these helpers look for a member of the same cell that reads like a
real request, and fall back to the shortest member, so no witness is ever lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from iamproof.cells.partition import Cell
from iamproof.patterns import Glob, Wild, split_at_colons
from iamproof.smt.domains import CellDomain

_FILL = {0: "arn", 1: "aws", 2: "service", 3: "us-east-1", 4: "111122223333"}
MAX_CANDIDATES = 400


def signature(domain: CellDomain, text: str) -> frozenset[int]:
    return frozenset(i for i, automaton in enumerate(domain.automata) if automaton.matches(text))


def first_member(domain: CellDomain, cell: Cell, candidates: Iterable[str]) -> str | None:
    for count, candidate in enumerate(candidates):
        if count >= MAX_CANDIDATES:
            return None
        if _in_cell(domain, cell, candidate):
            return candidate
    return None


def _in_cell(domain: CellDomain, cell: Cell, text: str) -> bool:
    automata = enumerate(domain.automata)
    return all(automaton.matches(text) == (index in cell.signature) for index, automaton in automata)


def filled_patterns(domain: CellDomain, cell: Cell, *, arn: bool) -> Iterator[str]:
    """The cell's patterns with their wildcards filled with plausible text, most specific first."""
    globs = [glob for (glob, _), index in domain.index.items() if index in cell.signature]
    globs.sort(key=lambda g: -sum(len(p) for p in g if isinstance(p, str)))
    for glob in globs:
        yield from _fills(glob, arn)


def _fills(glob: Glob, arn: bool) -> Iterator[str]:
    pieces = split_at_colons(glob) if arn else None
    for word in ("example", "Example", "x", ""):
        if pieces is None:
            yield _fill(glob, word)
            continue
        yield ":".join(
            _fill(piece, _FILL.get(i, word) if i < 5 and piece == (Wild.STAR,) else word)
            for i, piece in enumerate(pieces)
        )


def _fill(glob: Glob, word: str) -> str:
    out: list[str] = []
    for part in glob:
        if part is Wild.STAR:
            out.append(word)
        elif part is Wild.QUESTION:
            out.append("x")
        elif part is Wild.SEGMENT:
            out.append("a1b2c3d4e5")
        else:
            assert isinstance(part, str)
            out.append(part)
    return "".join(out)


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_PLACEHOLDER_VALUES = {"partition": "aws", "region": "us-east-1"}


def filled_template(template: str, account: str) -> str:
    """A catalogue ARN template (`arn:${Partition}:s3:::${BucketName}`) with plausible values."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1).lower()
        if name == "account":
            return account
        return _PLACEHOLDER_VALUES.get(name, "example")

    return _PLACEHOLDER.sub(value, template)
