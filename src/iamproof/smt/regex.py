"""Globs as Z3 regular expressions (for string variables that are not abstracted into cells).

`?` and `*` use an explicit character range rather than `z3.AllChar`: with `AllChar` small queries
containing `?` were measured to time out on z3-solver 5.4, with the range they do not.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from iamproof.patterns import Glob, Wild, split_at_colons

_MAX_CHAR = 0x2FFFF


def string_literal(text: str) -> z3.SeqRef:
    """A Z3 string constant holding exactly `text` (z3.StringVal reads `\\u{..}` as an escape)."""
    return z3.StringVal(text.replace("\\", "\\u{5c}"))


def _any_char(excluded: str = "") -> z3.ReRef:
    if not excluded:
        return z3.Range(chr(0), chr(_MAX_CHAR))
    pieces: list[z3.ReRef] = []
    start = 0
    for code in sorted(ord(c) for c in set(excluded)):
        if code > start:
            pieces.append(z3.Range(chr(start), chr(code - 1)))
        start = code + 1
    pieces.append(z3.Range(chr(start), chr(_MAX_CHAR)))
    return pieces[0] if len(pieces) == 1 else z3.Union(*pieces)


def _literal(text: str, ignore_case: bool) -> z3.ReRef:
    if not ignore_case:
        return z3.Re(string_literal(text))
    chars = [
        z3.Re(string_literal(c))
        if c.lower() == c.upper()
        else z3.Union(z3.Re(string_literal(c.lower())), z3.Re(string_literal(c.upper())))
        for c in text
    ]
    return chars[0] if len(chars) == 1 else z3.Concat(*chars)


def _either_case(char: str) -> z3.ReRef:
    variants = sorted({char, char.lower(), char.upper()} - {""})
    variants = [v for v in variants if len(v) == 1]
    if len(variants) == 1:
        return z3.Re(string_literal(variants[0]))
    return z3.Union(*[z3.Re(string_literal(v)) for v in variants])


def _sequence(parts: Sequence[str | Wild], ignore_case: bool, excluded: str) -> list[z3.ReRef]:
    out: list[z3.ReRef] = []
    for part in parts:
        if part is Wild.STAR:
            out.append(z3.Star(_any_char(excluded)))
        elif part is Wild.QUESTION:
            out.append(_any_char(excluded))
        elif part is Wild.SEGMENT:
            out.append(z3.Plus(_any_char(excluded + "/:")))
        elif isinstance(part, str) and part:
            out.append(_literal(part, ignore_case))
    return out


def _concat(items: list[z3.ReRef]) -> z3.ReRef:
    if not items:
        return z3.Re(z3.StringVal(""))
    return items[0] if len(items) == 1 else z3.Concat(*items)


def glob_regex(glob: Glob, *, ignore_case: bool = False, arn: bool = False) -> z3.ReRef:
    """The regular expression of a glob; `arn` for per-component ARN matching."""
    if arn:
        pieces = split_at_colons(glob)
        if pieces is not None:
            items: list[z3.ReRef] = []
            for index, piece in enumerate(pieces):
                if index:
                    items.append(z3.Re(z3.StringVal(":")))
                items += _sequence(piece, False, ":" if index < 5 else "")
            return _concat(items)
    return _concat(_sequence(glob, ignore_case, ""))


def arn_prefix_regex(pieces: Sequence[Glob]) -> z3.ReRef:
    """The first five ARN components and their colons, for templates whose variables come later."""
    items: list[z3.ReRef] = []
    for piece in pieces:
        items += _sequence(piece, False, ":")
        items.append(z3.Re(z3.StringVal(":")))
    return _concat(items)
