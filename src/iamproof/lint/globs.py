"""A sound, conservative inclusion test between two wildcard patterns.

`pattern_includes(outer, inner)` answers True only if every string `inner` matches is also matched by
`outer`. It matches `outer` *symbolically* against the tokens of `inner`: an outer `*` may absorb any run of
inner tokens (characters, `?`, `*` or a policy variable), an outer `?` one inner character or `?`, an outer
character the same inner character, and a policy variable only the same variable (both stand for the same
value within one request). If this symbolic match succeeds, every instance of `inner` matches `outer`, so a
True answer is always right. It can answer False where inclusion does hold: it compares one pattern with one
pattern, so an inclusion that needs several outer patterns together (`a*` in `a` plus `a?*`) is not seen.
Lint checks built on it therefore under-report, never over-report.

It runs in O(len(outer) * len(inner)) time and memory; pairs of patterns whose product of lengths
exceeds `MAX_WORK` are not compared (the answer is then the conservative one: not included, intersecting).
"""

from __future__ import annotations

from collections.abc import Sequence

from iamproof.patterns import Part, Variable, Wild

MAX_WORK = 1_000_000

Token = str | Wild | Variable
"""A single character, a wildcard or a policy variable."""


def tokens(pattern: Sequence[Part], *, ignore_case: bool = False) -> tuple[Token, ...]:
    """Split a parsed pattern into one token per character, wildcard or variable."""
    out: list[Token] = []
    for part in pattern:
        if isinstance(part, str):
            out.extend(part.lower() if ignore_case else part)
        else:
            out.append(part)
    return tuple(out)


def pattern_includes(outer: Sequence[Part], inner: Sequence[Part], *, ignore_case: bool = False) -> bool:
    """True only if every string matched by `inner` is matched by `outer` (see the module doc)."""
    if not _ends_agree(outer, inner, ignore_case=ignore_case):
        return False
    outer_tokens, inner_tokens = tokens(outer, ignore_case=ignore_case), tokens(inner, ignore_case=ignore_case)
    if len(outer_tokens) * len(inner_tokens) > MAX_WORK:
        return False
    return _includes(outer_tokens, inner_tokens)


def _ends_agree(outer: Sequence[Part], inner: Sequence[Part], *, ignore_case: bool) -> bool:
    """A quick necessary condition: outer's literal head and tail must begin and end inner's literal text."""
    if not outer or not inner:
        return (not outer and not inner) or is_universal(outer)
    first, last = _literal(outer[0], ignore_case), _literal(outer[-1], ignore_case)
    inner_first, inner_last = _literal(inner[0], ignore_case), _literal(inner[-1], ignore_case)
    if len(outer) == 1 and first:
        return len(inner) == 1 and inner_first == first
    return inner_first.startswith(first) and inner_last.endswith(last)


def _literal(part: Part, ignore_case: bool) -> str:
    if not isinstance(part, str):
        return ""
    return part.lower() if ignore_case else part


def is_universal(pattern: Sequence[Part]) -> bool:
    """Does the pattern match every string (it is one or more `*` and nothing else)?"""
    return bool(pattern) and all(part is Wild.STAR for part in pattern)


def _includes(outer: tuple[Token, ...], inner: tuple[Token, ...]) -> bool:
    # reach[j]: the first i outer tokens can absorb the first j inner tokens.
    width = len(inner) + 1
    reach = [j == 0 for j in range(width)]
    for token in outer:
        following = [False] * width
        if token is Wild.STAR:
            seen = False
            for j in range(width):
                seen = seen or reach[j]
                following[j] = seen
        else:
            for j in range(1, width):
                following[j] = reach[j - 1] and _absorbs(token, inner[j - 1])
        reach = following
        if not any(reach):
            return False
    return reach[-1]


def _absorbs(outer: Token, inner: Token) -> bool:
    """Can one non-star outer token stand for one inner token in every instance?"""
    if outer is Wild.QUESTION:
        return isinstance(inner, str) or inner is Wild.QUESTION
    return outer == inner


def patterns_intersect(first: Sequence[Part], second: Sequence[Part]) -> bool:
    """Is there a string both patterns match? Policy variables count as `*` (they may hold anything)."""
    a, b = _starred(tokens(first)), _starred(tokens(second))
    if len(a) * len(b) > MAX_WORK:
        return True
    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        i, j = state
        if i == len(a) and j == len(b):
            return True
        todo.extend(_steps(a, b, i, j))
    return False


def _starred(sequence: tuple[Token, ...]) -> tuple[str | Wild, ...]:
    return tuple(Wild.STAR if isinstance(token, Variable) else token for token in sequence)


def _steps(a: tuple[str | Wild, ...], b: tuple[str | Wild, ...], i: int, j: int) -> list[tuple[int, int]]:
    steps: list[tuple[int, int]] = []
    a_star = i < len(a) and a[i] is Wild.STAR
    b_star = j < len(b) and b[j] is Wild.STAR
    if a_star:
        steps.append((i + 1, j))  # the star produces nothing more
        if j < len(b):
            steps.append((i, j + 1))  # the star absorbs what b[j] produces
    if b_star:
        steps.append((i, j + 1))
        if i < len(a):
            steps.append((i + 1, j))
    both = i < len(a) and j < len(b) and not a_star and not b_star
    if both and (a[i] is Wild.QUESTION or b[j] is Wild.QUESTION or a[i] == b[j]):
        steps.append((i + 1, j + 1))
    return steps
