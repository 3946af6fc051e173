"""Patterns that embed other request fields (policy variables such as `${aws:username}`) as Z3 string
constraints, without regular expressions over variables.

`x` matches `P · M · S`, where the prefix P and the suffix S are literal text and field values (no
wildcard) and the middle M holds every wildcard, exactly when
`|x| >= |P| + |S|`, `P` is a prefix of `x`, `S` a suffix, and the text between them is in the
(constant) regular expression of M. This needs no fresh variable, so it is sound under a negation, and Z3
decides it where a regular expression containing `str.to_re` of a variable was measured to time out
(a three-statement equivalence with `arn:aws:s3:::bucket/${aws:username}/*`: unknown after 10 s with the
regular expression, unsat in 0.2 s with prefix and suffix). A field value between two wildcards has no
such form; that pattern keeps the regular expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import z3

from iamproof.patterns import Glob, Wild
from iamproof.smt.regex import string_literal, wildcard_regex


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Field:
    value: z3.SeqRef


@dataclass(frozen=True)
class Wildcard:
    regex: z3.ReRef


Item = Text | Field | Wildcard


def glob_items(glob: Glob, excluded: str, ctx: z3.Context) -> list[Item]:
    """A glob's literal text and wildcards; the wildcards match no character of `excluded`."""
    return [
        Wildcard(wildcard_regex(part, ctx, excluded)) if isinstance(part, Wild) else Text(part) for part in glob if part
    ]


def template_match(value: z3.SeqRef, items: Sequence[Item]) -> z3.BoolRef:
    """`value` matches the items: prefix, suffix and constant middle, or, when a field value lies between
    two wildcards, membership in the regular expression of all the items (`str.to_re` of the fields)."""
    ctx = value.ctx
    start, end = 0, len(items)
    while start < end and not isinstance(items[start], Wildcard):
        start += 1
    while end > start and not isinstance(items[end - 1], Wildcard):
        end -= 1
    if any(isinstance(item, Field) for item in items[start:end]):
        return z3.InRe(value, _regex(items, ctx))
    prefix, suffix = _text(items[:start], ctx), _text(items[end:], ctx)
    length = z3.Length(value)
    parts = [length >= z3.Length(prefix) + z3.Length(suffix), z3.PrefixOf(prefix, value), z3.SuffixOf(suffix, value)]
    if start < end:
        between = z3.SubString(value, z3.Length(prefix), length - z3.Length(prefix) - z3.Length(suffix))
        parts.append(z3.InRe(between, _regex(items[start:end], ctx)))
    else:
        parts.append(length == z3.Length(prefix) + z3.Length(suffix))
    return z3.And(*parts)


def _regex(items: Sequence[Item], ctx: z3.Context) -> z3.ReRef:
    regexes = [item.regex if isinstance(item, Wildcard) else z3.Re(_value(item, ctx)) for item in items]
    if not regexes:
        return z3.Re(z3.StringVal("", ctx))
    return regexes[0] if len(regexes) == 1 else z3.Concat(*regexes)


def _value(item: Text | Field | Wildcard, ctx: z3.Context) -> z3.SeqRef:
    if isinstance(item, Text):
        return string_literal(item.value, ctx)
    assert isinstance(item, Field)
    return item.value


def _text(items: Sequence[Item], ctx: z3.Context) -> z3.SeqRef:
    values = [_value(item, ctx) for item in items]
    if not values:
        return z3.StringVal("", ctx)
    return values[0] if len(values) == 1 else z3.Concat(*values)
