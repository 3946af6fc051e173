"""Wildcards and policy variables: the one module that knows the pattern alphabet.

A pattern is what a policy writes for an action, a resource, a principal or a condition value. It is
parsed once into parts: literal text, `*` (any run of characters, `/` and `:` included), `?` (exactly
one character) and policy variables `${key}` / `${key, 'default'}`; `${*}`, `${?}` and `${$}` are
literal `*`, `?` and `$`. Matching is a linear-time scan (no regular expressions, no backtracking
blow-up on patterns such as `a*a*a*a*b`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import TypeVar


class Wild(Enum):
    STAR = "*"
    QUESTION = "?"
    # Never written in a policy: one or more characters other than "/" and ":" (an API Gateway API ID
    # in the expansion of the `execute-api:/...` shorthand). Only the symbolic engine builds it.
    SEGMENT = "+"


@dataclass(frozen=True)
class Variable:
    key: str
    default: str | None

    @property
    def key_lower(self) -> str:
        return self.key.lower()


Part = str | Wild | Variable
Pattern = tuple[Part, ...]
"""Parsed pattern; str parts are literal text."""

Glob = tuple[str | Wild, ...]
"""A pattern whose variables are resolved."""


class PatternSyntaxError(ValueError):
    """A malformed policy variable; the message says what is wrong, the offset where."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


_VARIABLE_BODY = re.compile(r"^\s*([^\s{}',$][^{}',$]*?)\s*(?:,\s*'([^']*)'\s*)?$")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@lru_cache(maxsize=1 << 16)
def parse_pattern(text: str, *, wildcards: bool = True, variables: bool = False) -> Pattern:
    """Parse `text`; `wildcards` makes `*`/`?` special, `variables` makes `${...}` special.

    Cached: the evaluator and the compiler read the same policy strings many times (patterns are tuples
    of immutable parts; a malformed one raises each time)."""
    parts: list[Part] = []
    literal: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if variables and text.startswith("${", index):
            end = text.find("}", index + 2)
            if end < 0:
                raise PatternSyntaxError("unterminated policy variable: '${' without a closing '}'", index)
            part = _parse_variable(text[index + 2 : end], index)
            if isinstance(part, str):
                literal.append(part)
            else:
                _flush(literal, parts)
                parts.append(part)
            index = end + 1
            continue
        if wildcards and char in "*?":
            _flush(literal, parts)
            parts.append(Wild.STAR if char == "*" else Wild.QUESTION)
        else:
            literal.append(char)
        index += 1
    _flush(literal, parts)
    return tuple(parts)


def _parse_variable(body: str, offset: int) -> str | Variable:
    if body in _ESCAPES:
        return _ESCAPES[body]
    match = _VARIABLE_BODY.match(body)
    if match is None:
        raise PatternSyntaxError(f"invalid policy variable '${{{body}}}'", offset)
    return Variable(match.group(1), match.group(2))


def _flush(literal: list[str], parts: list[Part]) -> None:
    if literal:
        parts.append("".join(literal))
        literal.clear()


@lru_cache(maxsize=1 << 16)
def parse_glob(text: str, *, wildcards: bool = True) -> Glob:
    """Parse a pattern in which `${...}` has no meaning (actions, or policies before 2012-10-17)."""
    return tuple(part for part in parse_pattern(text, wildcards=wildcards) if not isinstance(part, Variable))


def literal_glob(text: str) -> Glob:
    """A glob that matches exactly `text`."""
    return (text,) if text else ()


def has_wildcard(pattern: Sequence[Part]) -> bool:
    return any(isinstance(part, Wild) for part in pattern)


def variables_of(pattern: Sequence[Part]) -> list[Variable]:
    return [part for part in pattern if isinstance(part, Variable)]


def resolve(pattern: Pattern, lookup: Callable[[Variable], str | None]) -> Glob | None:
    """Substitute variables (their values match literally); None if one has no value and no default."""
    out: list[str | Wild] = []
    for part in pattern:
        if isinstance(part, Variable):
            value = lookup(part)
            if value is None:
                value = part.default
            if value is None:
                return None
            out.append(value)
        else:
            out.append(part)
    return tuple(out)


def variable_outside_resource_part(pattern: Pattern) -> bool:
    """A Resource/NotResource entry with a policy variable before the fifth colon of its ARN (or anywhere,
    in an entry with fewer than five colons). AWS substitutes variables only in the resource part; such an
    entry matches nothing (a choice: the documentation does not say what AWS does with it)."""
    pieces = split_at_colons(pattern)
    head = pattern if pieces is None else tuple(part for piece in pieces[:5] for part in piece)
    return any(isinstance(part, Variable) for part in head)


def pattern_text(pattern: Sequence[Part]) -> str:
    """Render a pattern back to policy syntax."""
    rendered: list[str] = []
    for part in pattern:
        if isinstance(part, Wild):
            rendered.append(part.value)
        elif isinstance(part, Variable):
            default = f", '{part.default}'" if part.default is not None else ""
            rendered.append(f"${{{part.key}{default}}}")
        else:
            rendered.append(part.replace("${", "${$}{").replace("*", "${*}").replace("?", "${?}"))
    return "".join(rendered)


_P = TypeVar("_P", Part, str | Wild)


def split_at_colons(pattern: Sequence[_P], pieces: int = 6) -> list[tuple[_P, ...]] | None:
    """Split at the first `pieces - 1` colons of literal text; None if there are fewer colons."""
    out: list[list[_P]] = [[]]
    for part in pattern:
        if isinstance(part, str) and len(out) < pieces:
            chunks = part.split(":", pieces - len(out))
            for position, chunk in enumerate(chunks):
                if position > 0:
                    out.append([])
                if chunk:
                    out[-1].append(chunk)
        else:
            out[-1].append(part)
    if len(out) < pieces:
        return None
    return [tuple(piece) for piece in out]


# --- matching -------------------------------------------------------------------------------------

Segment = tuple[str | int, ...]
"""Text between two stars: literal chunks and runs of `?` (their count)."""


def _segments(glob: Sequence[str | Wild]) -> tuple[list[Segment], bool]:
    segments: list[list[str | int]] = [[]]
    for part in glob:
        if part is Wild.STAR:
            segments.append([])
        elif part is Wild.QUESTION:
            current = segments[-1]
            if current and isinstance(current[-1], int):
                current[-1] += 1
            else:
                current.append(1)
        elif isinstance(part, str) and part:
            current = segments[-1]
            if current and isinstance(current[-1], str):
                current[-1] += part
            else:
                current.append(part)
    return [tuple(seg) for seg in segments], len(segments) > 1


def _length(segment: Segment) -> int:
    return sum(chunk if isinstance(chunk, int) else len(chunk) for chunk in segment)


def _match_at(segment: Segment, text: str, pos: int) -> bool:
    for chunk in segment:
        if isinstance(chunk, int):
            pos += chunk
            if pos > len(text):
                return False
        else:
            if not text.startswith(chunk, pos):
                return False
            pos += len(chunk)
    return True


def _find(segment: Segment, length: int, text: str, start: int, limit: int) -> int:
    """Leftmost position >= start where segment (of `length` characters) matches and ends at or before limit;
    -1 if none."""
    if len(segment) == 1 and isinstance(segment[0], str):
        found = text.find(segment[0], start, limit)
        return found
    for pos in range(start, limit - length + 1):
        if _match_at(segment, text, pos):
            return pos
    return -1


@dataclass(frozen=True)
class _Compiled:
    """A glob cut at its stars, with each segment's length (computed once per glob and case mode)."""

    segments: tuple[Segment, ...]
    lengths: tuple[int, ...]
    starred: bool


@lru_cache(maxsize=1 << 14)
def _compile(glob: tuple[str | Wild, ...], ignore_case: bool) -> _Compiled:
    if ignore_case:
        glob = tuple(part.lower() if isinstance(part, str) else part for part in glob)
    segments, starred = _segments(glob)
    return _Compiled(tuple(segments), tuple(_length(segment) for segment in segments), starred)


def glob_match(glob: Sequence[str | Wild], text: str, *, ignore_case: bool = False) -> bool:
    """Does `text` match the glob (`*` any run, `?` exactly one character)?"""
    compiled = _compile(tuple(glob), ignore_case)
    if ignore_case:
        text = text.lower()
    segments, lengths = compiled.segments, compiled.lengths
    if not compiled.starred:
        return lengths[0] == len(text) and _match_at(segments[0], text, 0)
    head, tail = lengths[0], lengths[-1]
    if head + tail > len(text) or not _match_at(segments[0], text, 0):
        return False
    if not _match_at(segments[-1], text, len(text) - tail):
        return False
    pos, limit = head, len(text) - tail
    for index in range(1, len(segments) - 1):
        segment = segments[index]
        if not segment:
            continue
        found = _find(segment, lengths[index], text, pos, limit)
        if found < 0:
            return False
        pos = found + lengths[index]
    return True
