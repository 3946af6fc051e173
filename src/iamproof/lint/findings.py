"""What a lint check reports: a finding with a stable code, a severity, a message and a source span."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from iamproof.span import Span


class Severity(Enum):
    """Finding severities, as IAM Access Analyzer's policy validation names them.

    - ERROR: the policy is invalid, or part of it cannot work as written (it matches nothing, AWS rejects it).
    - SECURITY_WARNING: the policy grants more access than its author is likely to intend.
    - WARNING: the policy works, but probably not as intended, or its meaning is undocumented.
    - SUGGESTION: the policy can be written more simply with the same meaning.
    """

    ERROR = "ERROR"
    SECURITY_WARNING = "SECURITY_WARNING"
    WARNING = "WARNING"
    SUGGESTION = "SUGGESTION"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return _RANKS[self]

    @staticmethod
    def from_label(label: str) -> Severity:
        """The severity named by `label`, e.g. `security_warning` (case-insensitive); raises ValueError."""
        try:
            return Severity(label.strip().upper())
        except ValueError:
            raise ValueError(f"unknown severity {label!r}") from None


_RANKS = {
    Severity.ERROR: 4,
    Severity.SECURITY_WARNING: 3,
    Severity.WARNING: 2,
    Severity.SUGGESTION: 1,
}


@dataclass(frozen=True)
class Rule:
    """A lint check: its stable code, its severity, a one-line and a long description."""

    code: str
    severity: Severity
    short: str
    full: str


@dataclass(frozen=True)
class Finding:
    """One problem found in a policy, at the span of the policy text it concerns."""

    code: str
    severity: Severity
    message: str
    span: Span

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.span.file, self.span.line, self.span.column, -self.severity.rank, self.code, self.message)
