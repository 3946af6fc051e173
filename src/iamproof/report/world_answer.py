"""Rendering of `iamproof query` answers (paths over a world) as text and JSON."""

from __future__ import annotations

import json
from typing import Any

from iamproof.ast import Statement
from iamproof.report.query import StatementRef, request_lines, statement_to_dict
from iamproof.world.hop import HopResult
from iamproof.world.model import World
from iamproof.world.paths import Path
from iamproof.world.questions import Answer


def statement_names(world: World) -> dict[int, str]:
    """Each statement of the world (by identity) to the name of the policy that holds it."""
    names: dict[int, str] = {}

    def add(policy_statements: tuple[Statement, ...], name: str) -> None:
        for statement in policy_statements:
            names.setdefault(id(statement), name)

    for user in world.users:
        for named in user.policies:
            add(named.policy.statements, f"{named.name} (user {user.name})")
        if user.boundary is not None:
            add(user.boundary.policy.statements, f"boundary {user.boundary.name} (user {user.name})")
    for group in world.groups:
        for named in group.policies:
            add(named.policy.statements, f"{named.name} (group {group.name})")
    for role in world.roles:
        for named in role.policies:
            add(named.policy.statements, f"{named.name} (role {role.name})")
        if role.trust is not None:
            add(role.trust.statements, f"trust policy of role {role.name}")
        if role.boundary is not None:
            add(role.boundary.policy.statements, f"boundary {role.boundary.name} (role {role.name})")
    for function in world.functions:
        if function.policy is not None:
            add(function.policy.statements, f"policy of function {function.name}")
    for api in world.apis:
        if api.policy is not None:
            add(api.policy.statements, f"resource policy of API {api.id}")
    return names


def _statement(statement: Statement, label: str, names: dict[int, str]) -> dict[str, Any]:
    return statement_to_dict(StatementRef(names.get(id(statement), label), statement))


def step_to_dict(step: HopResult, names: dict[int, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"description": step.hop.description}
    if step.witness is not None:
        body["request"] = step.witness.document
    body["statements"] = [_statement(s, label, names) for label, s in step.statements]
    return body


def path_to_dict(path: Path, names: dict[int, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": path.kind, "principal": path.principal}
    if path.api is not None:
        body["api"] = path.api
        body["method"] = path.method
    body["steps"] = [step_to_dict(step, names) for step in path.steps]
    return body


def render_json(result: Answer, world: World) -> str:
    names = statement_names(world)
    body: dict[str, Any] = {"answer": result.answer, "question": result.question}
    if result.principals is not None:
        body["principals"] = result.principals
    body["paths"] = [path_to_dict(p, names) for p in result.paths]
    if result.differences:
        body["differences"] = [
            {
                "caller": d.caller,
                "method": d.method,
                "direct": False,
                "direct_request": d.direct_request,
                "direct_reason": d.direct_reason,
                "denied_by": [_statement(statement, label, names) for label, statement in d.denied_by],
                "through_api": path_to_dict(d.through_api, names),
            }
            for d in result.differences
        ]
    body["unknown"] = result.unknown
    body["notes"] = result.notes
    body["skipped"] = [{"file": s.path, "reason": s.reason} for s in world.skipped]
    body["stats"] = {"solver_calls": result.solver_calls, "screened": result.screened}
    return json.dumps(body, indent=2) + "\n"


def render_text(result: Answer, world: World) -> str:
    names = statement_names(world)
    lines = [f"{result.answer.upper()}: {result.question}"]
    if result.principals is not None:
        lines.append(f"  principals ({len(result.principals)}): " + (", ".join(result.principals) or "none"))
    for number, path in enumerate(result.paths, 1):
        via = f" via API {path.api} {path.method}" if path.api is not None else ""
        lines.append(f"  path {number}: {path.kind}{via}, principal {path.principal}")
        for index, step in enumerate(path.steps, 1):
            lines.append(f"    step {index}: {step.hop.description}")
            if step.witness is not None:
                lines += [f"      {line}" for line in request_lines(step.witness.document)]
            for label, statement in step.statements:
                sid = f" (Sid {statement.sid!r})" if statement.sid else ""
                policy = names.get(id(statement), label)
                lines.append(
                    f"      granted by {statement.span}: {policy} statement {statement.index}{sid}: "
                    f"{statement.effect.value}"
                )
    for difference in result.differences:
        lines.append(
            f"  difference: {difference.caller} may reach the backend of {difference.method} only through the API"
        )
        if difference.direct_request is not None:
            lines.append("    directly, no request is allowed (proved); for example this one is denied:")
            lines += [f"      {line}" for line in request_lines(difference.direct_request)]
        if difference.direct_reason:
            lines.append(f"      reason: {difference.direct_reason}")
        for label, statement in difference.denied_by:
            sid = f" (Sid {statement.sid!r})" if statement.sid else ""
            policy = names.get(id(statement), label)
            lines.append(f"      denied by {statement.span}: {policy} statement {statement.index}{sid}: Deny")
    for reason in result.unknown:
        lines.append(f"  undecided: {reason}")
    for note in result.notes:
        lines.append(f"  note: {note}")
    for skipped in world.skipped:
        lines.append(f"  skipped {skipped.path}: {skipped.reason}")
    return "\n".join(lines) + "\n"
