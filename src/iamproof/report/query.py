"""Rendering of symbolic query results (can, equiv, diff) as text and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from iamproof.ast import Statement


@dataclass(frozen=True)
class StatementRef:
    """A statement that grants (or decides) a witness, for output."""

    policy: str  # a file path, or a label such as identity[0]
    statement: Statement


@dataclass(frozen=True)
class WitnessView:
    title: str  # e.g. "allowed by NEW, not by OLD"
    request: dict[str, Any]
    statements: tuple[StatementRef, ...] = ()


@dataclass(frozen=True)
class QueryView:
    """Everything a renderer needs: the command, its answer and the witnesses."""

    command: str
    answer: str  # yes / no / unknown; equivalent / less / ...; pass / fail
    summary: str
    witnesses: tuple[WitnessView, ...] = ()
    reason: str = ""
    extra: tuple[tuple[str, Any], ...] = ()


def statement_to_dict(ref: StatementRef) -> dict[str, Any]:
    statement = ref.statement
    return {
        "policy": ref.policy,
        "statement": statement.index,
        "sid": statement.sid,
        "effect": statement.effect.value,
        "file": statement.span.file,
        "line": statement.span.line,
        "column": statement.span.column,
    }


def witness_to_dict(witness: WitnessView) -> dict[str, Any]:
    return {
        "description": witness.title,
        "request": witness.request,
        "statements": [statement_to_dict(ref) for ref in witness.statements],
    }


def render_json(view: QueryView, answer_key: str, witnesses_key: str) -> str:
    body: dict[str, Any] = {answer_key: view.answer}
    body.update(dict(view.extra))
    body[witnesses_key] = [witness_to_dict(w) for w in view.witnesses]
    if view.reason:
        body["reason"] = view.reason
    return json.dumps(body, indent=2) + "\n"


def render_text(view: QueryView) -> str:
    lines = [view.summary]
    if view.reason:
        lines.append(f"  reason: {view.reason}")
    for number, witness in enumerate(view.witnesses, 1):
        lines.append(f"  witness {number}: {witness.title}")
        lines += [f"    {line}" for line in request_lines(witness.request)]
        if witness.statements:
            lines.append("    granted by:")
            lines += [f"      {statement_line(ref)}" for ref in witness.statements]
    return "\n".join(lines) + "\n"


def request_lines(request: dict[str, Any]) -> list[str]:
    principal = request["principal"]
    if isinstance(principal, dict):
        principal = " ".join(f"{k}: {v}" for k, v in principal.items())
    lines = [
        f"principal: {principal}",
        f"action:    {request['action']}",
        f"resource:  {request['resource']}",
        f"resource account: {request.get('resource_account')}",
    ]
    for key, value in request.get("context", {}).items():
        lines.append(f"context:   {key} = {json.dumps(value)}")
    return lines


def statement_line(ref: StatementRef) -> str:
    statement = ref.statement
    sid = f" (Sid {statement.sid!r})" if statement.sid else ""
    return f"{statement.span}: {ref.policy} statement {statement.index}{sid}: {statement.effect.value}"
