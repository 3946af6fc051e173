"""What the gate reports: findings with a stable id, a rule, a severity (as `validate` names them), the
statement they point at and, for new access, the example requests that show it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from iamproof.ast import Statement
from iamproof.lint.findings import Severity
from iamproof.report.query import WitnessView
from iamproof.span import Span


@dataclass(frozen=True)
class GateRule:
    code: str
    severity: Severity
    short: str
    full: str


GATE_RULES = {
    rule.code: rule
    for rule in (
        GateRule(
            "NEW_ACCESS",
            Severity.ERROR,
            "The changed policy grants access its base version did not",
            "Some request is allowed by the new version of the policy and not by its version at the base "
            "revision (a policy added since the base is compared with no policy). The finding shows example "
            "requests, each confirmed by the concrete evaluator, and the statements that grant them.",
        ),
        GateRule(
            "NEW_ATTACHMENT",
            Severity.ERROR,
            "A principal has a policy or group it did not have",
            "A user, group or role of the file now has a managed policy attached, or a user is now in a group, "
            "that it did not have at the base revision: it gains whatever that policy or group allows.",
        ),
        GateRule(
            "BOUNDARY_REMOVED",
            Severity.ERROR,
            "A principal lost its permissions boundary",
            "A user or role had a permissions boundary at the base revision and has none now: its identity "
            "policies are no longer capped.",
        ),
        GateRule(
            "UNRESOLVED_VALUE",
            Severity.WARNING,
            "A changed policy holds a value the file does not determine",
            "An intrinsic function the template does not resolve (a parameter without a value, an import from "
            "another stack, a managed policy defined elsewhere) or a plan value known only after apply. The "
            "comparison treats it as an opaque string: the same placeholder in both versions stands for the "
            "same value. Give its value (`--parameter`, `--account`, `--region`) to decide it exactly.",
        ),
        GateRule(
            "DELETED_POLICY",
            Severity.SUGGESTION,
            "A policy was removed",
            "A policy present at the base revision is no longer in the file. Removing a policy can only "
            "remove the access it granted, unless it was a permissions boundary or held a Deny.",
        ),
    )
}


@dataclass(frozen=True)
class GateFinding:
    id: str
    rule: str
    message: str
    file: str
    span: Span
    policy_id: str
    witnesses: tuple[WitnessView, ...] = ()
    accepted: str | None = None  # the baseline's reason, when the finding is accepted

    @property
    def severity(self) -> Severity:
        return GATE_RULES[self.rule].severity

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.span.line, self.span.column, self.rule, self.id)


def finding_id(rule: str, file: str, policy_id: str, *parts: str) -> str:
    """`RULE:file:policy:digest`: stable across runs and line moves; it changes when what it is about changes."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:10]
    return f"{rule}:{file}:{policy_id}:{digest}"


def statements_digest(statements: tuple[Statement, ...] | list[Statement]) -> str:
    """The statements' content without positions or indexes: equal for the same statements anywhere."""
    return json.dumps([_plain(s) for s in statements], sort_keys=True)


def _plain(value: Any) -> Any:
    if isinstance(value, Span):
        return None
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.name not in ("span", "index")}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return _plain(value.value)
    return value
