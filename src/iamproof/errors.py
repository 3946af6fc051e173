"""One root exception for everything iamproof reports to its user, and how such errors are printed."""

from __future__ import annotations

import re

from iamproof.span import Span

MAX_SHOWN = 80
"""Longest quoted value (the text between its quotes) echoed whole in a message."""
MAX_WORD = 200
"""Longest run of characters without spaces or quotes (a path, an ARN) kept whole in a message."""
MAX_MESSAGE = 1000
"""Longest message, in characters, once its values are shortened."""

_PIECE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s'"]+""", re.DOTALL)


def clip_values(message: str) -> str:
    """`message` with every long echoed value shortened to `MAX_SHOWN` characters, an ellipsis and its length.

    Values are echoed as quoted literals (`repr`, or a JSON string token); a quoted literal whose inside is
    longer than `MAX_SHOWN`, or an unquoted run longer than `MAX_WORD`, becomes its first characters, `…`
    and `(N characters)`. A message still longer than `MAX_MESSAGE` is cut to that length. Shortening a
    shortened message changes nothing.
    """
    if len(message) <= MAX_SHOWN:
        return message
    clipped = _PIECE.sub(_clip_piece, message)
    if len(clipped) > MAX_MESSAGE:
        suffix = f"… ({len(clipped)} characters)"
        clipped = clipped[: MAX_MESSAGE - len(suffix)] + suffix
    return clipped


def _clip_piece(match: re.Match[str]) -> str:
    piece = match.group()
    if piece[0] in "'\"":
        inside = piece[1:-1]
        if len(inside) <= MAX_SHOWN:
            return piece
        return f"{piece[0]}{inside[: MAX_SHOWN - 1]}…{piece[0]} ({len(inside)} characters)"
    if len(piece) <= MAX_WORD:
        return piece
    return f"{piece[: MAX_SHOWN - 1]}… ({len(piece)} characters)"


class IamproofError(Exception):
    """Root of every error iamproof raises on purpose; carries a source span when one is known."""

    exit_code = 2

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span

    def __str__(self) -> str:
        if self.span is None:
            return self.message
        return f"{self.span}: {self.message}"


class InputError(IamproofError):
    """The input (a policy, case file, world, query) is malformed or unsupported. Exit code 2.

    The message may echo parts of the input; long ones are shortened (see `clip_values`).
    """

    exit_code = 2

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(clip_values(message), span)


class InternalError(IamproofError):
    """iamproof contradicted itself (for example a witness the evaluator rejects). Exit code 4."""

    exit_code = 4


def error_line(error: IamproofError) -> str:
    """The one line that reports `error`: `file:line:col: message` when it has a position, else
    `iamproof: error: message`."""
    if error.span is None:
        return f"iamproof: error: {error.message}"
    return str(error)
