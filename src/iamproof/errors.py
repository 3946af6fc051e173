"""One root exception for everything iamproof reports to its user."""

from __future__ import annotations

from iamproof.span import Span


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
    """The input (a policy, case file, world, query) is malformed or unsupported. Exit code 2."""

    exit_code = 2


class InternalError(IamproofError):
    """iamproof contradicted itself (for example a witness the evaluator rejects). Exit code 4."""

    exit_code = 4
