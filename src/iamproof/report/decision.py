"""Rendering of the concrete evaluator's result (`iamproof eval`) as text or JSON."""

from __future__ import annotations

import json
from typing import Any

from iamproof.evaluate.decision import Decision, EvaluationResult, StatementHit


def decision_to_dict(result: EvaluationResult) -> dict[str, Any]:
    request = result.request
    return {
        "decision": result.decision.value,
        "explicit_deny": result.explicit,
        "reason": result.reason,
        "statements": [_hit_to_dict(hit) for hit in result.deciding],
        "notes": list(result.notes),
        "request": {
            "principal": request.principal.display(),
            "action": request.action,
            "resource": request.resource,
            "resource_account": request.resource_account,
            "cross_account": request.cross_account,
        },
        "semantics": result.semantics.describe(),
    }


def _hit_to_dict(hit: StatementHit) -> dict[str, Any]:
    statement = hit.statement
    span = statement.span
    return {
        "policy": hit.ref.label,
        "kind": hit.ref.kind.value,
        "statement": statement.index,
        "sid": statement.sid,
        "effect": statement.effect.value,
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "principal_match": hit.principal.name.lower() if hit.principal is not None else None,
    }


def render_decision_json(result: EvaluationResult) -> str:
    return json.dumps(decision_to_dict(result), indent=2) + "\n"


def render_decision_text(result: EvaluationResult) -> str:
    request = result.request
    if result.decision is Decision.ALLOW:
        verdict = "ALLOW"
    else:
        verdict = "DENY (explicit)" if result.explicit else "DENY (implicit)"
    lines = [
        f"{verdict}: {request.principal.display()} {request.action} on {request.resource}",
        f"  because {result.reason}",
    ]
    if result.deciding:
        lines.append("  decided by:")
        lines += [f"    {_hit_line(hit)}" for hit in result.deciding]
    if result.notes:
        lines.append("  notes:")
        lines += [f"    {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def _hit_line(hit: StatementHit) -> str:
    statement = hit.statement
    sid = f" (Sid {statement.sid!r})" if statement.sid else ""
    return f"{statement.span}: {hit.ref.label} statement {statement.index}{sid}: {statement.effect.value}"
