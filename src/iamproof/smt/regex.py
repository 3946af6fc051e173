"""Globs as Z3 regular expressions (for string variables that are not abstracted into cells).

`?` and `*` use an explicit character range rather than `z3.AllChar`: with `AllChar` small queries
containing `?` were measured to time out on z3-solver 5.4, with the range they do not.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from iamproof.patterns import Glob, Wild, split_at_colons

_MAX_CHAR = 0x2FFFF


def string_literal(text: str, ctx: z3.Context) -> z3.SeqRef:
    """A Z3 string constant holding exactly `text` (z3.StringVal reads `\\u{..}` as an escape)."""
    return z3.StringVal(text.replace("\\", "\\u{5c}"), ctx)


def char_range(low: str, high: str, ctx: z3.Context) -> z3.ReRef:
    return z3.Range(low, high, ctx)


def any_char(ctx: z3.Context, excluded: str = "") -> z3.ReRef:
    """One character, other than those in `excluded`."""
    pieces: list[z3.ReRef] = []
    start = 0
    for code in sorted(ord(c) for c in set(excluded)):
        if code > start:
            pieces.append(char_range(chr(start), chr(code - 1), ctx))
        start = code + 1
    pieces.append(char_range(chr(start), chr(_MAX_CHAR), ctx))
    return pieces[0] if len(pieces) == 1 else z3.Union(*pieces)


def _literal(text: str, ignore_case: bool, ctx: z3.Context) -> z3.ReRef:
    if not ignore_case:
        return z3.Re(string_literal(text, ctx))
    chars = [_either_case(c, ctx) for c in text]
    return chars[0] if len(chars) == 1 else z3.Concat(*chars)


def _either_case(char: str, ctx: z3.Context) -> z3.ReRef:
    variants = sorted(v for v in {char, char.lower(), char.upper()} if len(v) == 1)
    if len(variants) == 1:
        return z3.Re(string_literal(variants[0], ctx))
    return z3.Union(*[z3.Re(string_literal(v, ctx)) for v in variants])


def wildcard_regex(part: Wild, ctx: z3.Context, excluded: str = "") -> z3.ReRef:
    """The regular expression of one wildcard; it matches no character of `excluded`."""
    if part is Wild.STAR:
        return z3.Star(any_char(ctx, excluded))
    if part is Wild.QUESTION:
        return any_char(ctx, excluded)
    return z3.Plus(any_char(ctx, excluded + "/:"))  # Wild.SEGMENT


def _sequence(parts: Sequence[str | Wild], ignore_case: bool, excluded: str, ctx: z3.Context) -> list[z3.ReRef]:
    out: list[z3.ReRef] = []
    for part in parts:
        if isinstance(part, Wild):
            out.append(wildcard_regex(part, ctx, excluded))
        elif part:
            out.append(_literal(part, ignore_case, ctx))
    return out


def _concat(items: list[z3.ReRef], ctx: z3.Context) -> z3.ReRef:
    if not items:
        return z3.Re(z3.StringVal("", ctx))
    return items[0] if len(items) == 1 else z3.Concat(*items)


def glob_regex(glob: Glob, ctx: z3.Context, *, ignore_case: bool = False, arn: bool = False) -> z3.ReRef:
    """The regular expression of a glob; `arn` for per-component ARN matching."""
    if arn:
        pieces = split_at_colons(glob)
        if pieces is not None:
            items: list[z3.ReRef] = []
            for index, piece in enumerate(pieces):
                if index:
                    items.append(z3.Re(z3.StringVal(":", ctx)))
                items += _sequence(piece, False, ":" if index < 5 else "", ctx)
            return _concat(items, ctx)
    return _concat(_sequence(glob, ignore_case, "", ctx), ctx)
