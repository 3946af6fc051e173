"""Placeholders: values a template or plan does not determine, written as recognisable literals.

A placeholder literal looks like `{{unresolved-ImportValue-SharedBucketArn}}`. It has no `:`, `*`,
`?` or `$`, so it never shifts the segments of an ARN it stands in, never acts as a wildcard and never
reads as a policy variable. Every literal put into a value is also recorded (text, reason, span) so
nothing a loader could not determine is silently dropped.
"""

from __future__ import annotations

import re

from iamproof.span import Span
from iamproof.world.model import Placeholder

MARK = "{{unresolved-"
_UNSAFE = re.compile(r"[^A-Za-z0-9._/\-\[\]]+")


def placeholder_text(kind: str, name: str) -> str:
    """The literal standing for an unresolved `kind` (Ref, ImportValue, after-apply...) of `name`."""
    return f"{MARK}{_safe(kind)}-{_safe(name)}}}}}"


def _safe(text: str) -> str:
    return _UNSAFE.sub(".", text).strip(".") or "value"


def has_placeholder(text: str) -> bool:
    return MARK in text


class PlaceholderLog:
    """The placeholders a load put into its values, each recorded once."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, Span], Placeholder] = {}

    def add(self, kind: str, name: str, reason: str, span: Span) -> str:
        """Record a placeholder for `name` at `span` and return its literal."""
        text = placeholder_text(kind, name)
        self._items.setdefault((text, span), Placeholder(text, reason, span))
        return text

    def items(self) -> tuple[Placeholder, ...]:
        return tuple(sorted(self._items.values(), key=lambda p: (p.span, p.text)))
