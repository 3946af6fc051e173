"""Character checks: policy text may contain only TAB, LF, CR and U+0020 to U+00FF (iam-semantics.md §1.1).

Every string of the policy is checked (Id, Sids, actions, resources, principals, condition keys and
values); a string with another character is reported once, at its span. The evaluator accepts such text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iamproof.ast import Policy, Statement, ValueKind
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.findings import Finding
from iamproof.span import Span

_UNSUPPORTED = re.compile(r"[^\t\n\r\u0020-\u00ff]")


def check_characters(ctx: LintContext) -> Iterator[Finding]:
    for what, text, span in _policy_strings(ctx.policy):
        found = _UNSUPPORTED.findall(text)
        if not found:
            continue
        char = found[0]
        more = f" and {len(found) - 1} more such character{'s' if len(found) > 2 else ''}" if len(found) > 1 else ""
        yield finding(
            "UNSUPPORTED_CHARACTER",
            f"{what} {text!r} contains {char!r} (U+{ord(char):04X}){more}; policy text may contain only TAB, LF,"
            " CR and the characters U+0020 to U+00FF",
            span,
        )


def _policy_strings(policy: Policy) -> Iterator[tuple[str, str, Span]]:
    """(what it is, text, span) for every string written in the policy."""
    if policy.id is not None:
        yield "Id", policy.id, policy.id_span or policy.span
    for statement in policy.statements:
        yield from _statement_strings(statement)


def _statement_strings(statement: Statement) -> Iterator[tuple[str, str, Span]]:
    if statement.sid is not None:
        yield "Sid", statement.sid, statement.sid_span or statement.span
    if statement.principal is not None:
        for entry in statement.principal.entries:
            yield "principal", entry.value, entry.span
    for item in statement.action.items:
        yield "action", item.text, item.span
    if statement.resource is not None:
        for item in statement.resource.items:
            yield "resource", item.text, item.span
    for condition in statement.conditions:
        yield "condition key", condition.key, condition.key_span
        for value in condition.values:
            if value.kind is ValueKind.STRING:
                yield "condition value", value.text, value.span
