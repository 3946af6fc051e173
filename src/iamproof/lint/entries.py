"""Redundant entries inside one Action/NotAction or Resource/NotResource list."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from iamproof.ast import Text
from iamproof.patterns import Pattern, has_wildcard

Includes = Callable[[Pattern, Pattern], bool]
MAX_PAIRS = 200_000


def redundant_entries(
    items: Sequence[Text], patterns: Sequence[Pattern], includes: Includes
) -> Iterator[tuple[Text, Text]]:
    """Yield (redundant entry, entry that covers it); of two equal entries the later one is redundant.

    Only a pattern with a wildcard can cover a different pattern, so literal entries are compared by
    equality alone; that keeps long lists of literal actions cheap. Lists needing more than `MAX_PAIRS`
    wildcard comparisons are checked for exact duplicates only.
    """
    first_seen: dict[Pattern, int] = {}
    wild = [index for index, pattern in enumerate(patterns) if has_wildcard(pattern)]
    if len(wild) * len(patterns) > MAX_PAIRS:
        wild = []
    for index, pattern in enumerate(patterns):
        earlier = first_seen.setdefault(pattern, index)
        if earlier != index:
            yield items[index], items[earlier]
            continue
        cover = _covering(index, pattern, patterns, wild, includes)
        if cover is not None:
            yield items[index], items[cover]


def _covering(
    index: int, pattern: Pattern, patterns: Sequence[Pattern], wild: Sequence[int], includes: Includes
) -> int | None:
    for other in wild:
        candidate = patterns[other]
        if other == index or candidate == pattern or not includes(candidate, pattern):
            continue
        if includes(pattern, candidate) and other > index:
            continue  # equivalent spellings: the later one is the redundant one
        return other
    return None
