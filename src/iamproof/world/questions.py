"""The answers to `iamproof query`: each question of the query language over a world."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iamproof.ast import Effect, Statement
from iamproof.errors import InputError
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS, Semantics
from iamproof.query.solver import Verdict
from iamproof.world.hop import HopResult
from iamproof.world.model import World, unqualified_function_arn
from iamproof.world.paths import INVOKE, Path, Reachability
from iamproof.world.query_ast import (
    BypassQuery,
    CanQuery,
    CompareQuery,
    OnlyThroughQuery,
    Query,
    WhoCanQuery,
)


@dataclass
class Answer:
    question: str  # the query, in words
    answer: str  # yes | no | unknown
    paths: list[Path] = field(default_factory=list)
    principals: list[str] | None = None  # `who can`: every principal with a path
    unknown: list[str] = field(default_factory=list)  # hops the solver could not decide
    notes: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)  # `compare`
    solver_calls: int = 0
    screened: int = 0


@dataclass(frozen=True)
class Difference:
    """`compare`: one caller of the method, what it may do directly and what the integration does for it."""

    caller: str
    method: str
    direct: Path | None  # the caller's own path to the backend, if any
    through_api: Path  # the caller's path through the API
    direct_request: dict[str, Any] | None = None  # the caller's plainest direct request, which is denied
    direct_reason: str = ""  # why the concrete evaluator denies it (or why the solver could not decide)
    denied_by: tuple[tuple[str, Statement], ...] = ()  # the statements that deny it (explicit Deny)


def answer(
    world: World,
    query: Query,
    *,
    semantics: Semantics = DEFAULT_SEMANTICS,
    timeout: float = 30.0,
    reach: Reachability | None = None,
) -> Answer:
    """Answer one query. Several queries over one world may share `reach` (its hops are remembered)."""
    if reach is None:
        reach = Reachability(world, semantics, timeout)
    reach.unknown = []
    calls, screened = reach.checker.solver_calls, reach.checker.screened
    if isinstance(query, WhoCanQuery):
        result = _who_can(reach, query)
    elif isinstance(query, CanQuery):
        result = _can(reach, query)
    elif isinstance(query, BypassQuery):
        text = f"can anyone invoke {query.function} without {query.api_id}"
        result = _bypass(reach, query.function, query.api_id, text)
    elif isinstance(query, OnlyThroughQuery):
        result = _only_through(reach, query)
    else:
        result = _compare(reach, query)
    result.unknown = list(dict.fromkeys(reach.unknown))
    _undetermined(world, query, result)
    result.solver_calls = reach.checker.solver_calls - calls
    result.screened = reach.checker.screened - screened
    return result


PLACEHOLDERS_LISTED = 5


def _undetermined(world: World, query: Query, result: Answer) -> None:
    """Values the source leaves open (unresolved intrinsics, values known after apply) may grant or deny
    anything: the answer that says "nothing is reachable" or "only through the API" is then unknown,
    never a silent pass. An answer that found a path stands, with a note."""
    if not world.placeholders:
        return
    safe = "yes" if isinstance(query, (OnlyThroughQuery, CompareQuery)) else "no"
    listed = [f"{p.span}: {p.text} ({p.reason})" for p in world.placeholders[:PLACEHOLDERS_LISTED]]
    more = len(world.placeholders) - len(listed)
    summary = f"{len(world.placeholders)} value(s) the source does not determine: " + "; ".join(listed)
    summary += f"; and {more} more" if more > 0 else ""
    if result.answer == safe:
        result.answer = "unknown"
        result.unknown.append(summary)
    else:
        result.notes.append(summary)


def _verdict(found: bool, unknown: list[str]) -> str:
    if found:
        return "yes"
    return "unknown" if unknown else "no"


def _where(query: CanQuery | WhoCanQuery) -> dict[str, str]:
    return {w.key: w.value for w in query.where}


def _who_can(reach: Reachability, query: WhoCanQuery) -> Answer:
    paths = reach.paths(query.action, query.resource, _where(query))
    principals = list(dict.fromkeys(p.principal for p in paths))
    text = f"who can do {query.action} on {query.resource}"
    return Answer(text, _verdict(bool(paths), reach.unknown), paths, principals)


def _can(reach: Reachability, query: CanQuery) -> Answer:
    who = query.principal
    paths = reach.paths(query.action, query.resource, _where(query))
    text = f"can {who or 'anyone'} do {query.action} on {query.resource}"
    if who is not None:
        name = _actor_name(reach, who)
        paths = [p for p in paths if p.principal == name]
    return Answer(text, _verdict(bool(paths), reach.unknown), paths)


def _actor_name(reach: Reachability, principal: str) -> str:
    """A query names a world user or role by ARN (a role's sessions count as the role)."""
    if ":assumed-role/" in principal:
        account = principal.split(":")[4]
        name = principal.split(":assumed-role/", 1)[1].split("/", 1)[0]
        principal = f"arn:aws:iam::{account}:role/{name}"
    for actor in reach.actors:
        if actor.name == principal or (actor.role is not None and reach.world.role(principal) is actor.role):
            return actor.name
    known = ", ".join(a.name for a in reach.actors if a.principal is not None and not a.outside)
    raise InputError(f"{principal!r} is not a user or role of this world (it has: {known or 'none'})")


def _function(reach: Reachability, arn: str) -> str:
    function = reach.world.function(arn)
    if function is None:
        known = ", ".join(f.arn for f in reach.world.functions) or "none"
        raise InputError(f"no function {unqualified_function_arn(arn)!r} in this world (it has: {known})")
    return function.arn


def _api(reach: Reachability, api_id: str) -> None:
    if reach.world.api(api_id) is None:
        known = ", ".join(a.id for a in reach.world.apis) or "none"
        raise InputError(f"no API {api_id!r} in this world (it has: {known})")


def _bypass(reach: Reachability, function_arn: str, api_id: str, text: str) -> Answer:
    function = _function(reach, function_arn)
    _api(reach, api_id)
    every = reach.paths(INVOKE, function)
    # A role's own paths count through the principals that can assume it (role-chain paths); the
    # integration role of an API is assumed by API Gateway, which is the path through the API.
    bypasses = [p for p in every if p.through != api_id and reach.world.role(p.principal) is None]
    result = Answer(text, _verdict(bool(bypasses), reach.unknown), bypasses)
    through = [p for p in every if p.through == api_id]
    result.notes.append(f"{len(through)} path(s) go through API {api_id}")
    return result


def _only_through(reach: Reachability, query: OnlyThroughQuery) -> Answer:
    text = f"is {query.function} reachable only through API {query.api_id}"
    bypass = _bypass(reach, query.function, query.api_id, text)
    flipped = {"yes": "no", "no": "yes", "unknown": "unknown"}[bypass.answer]
    result = Answer(text, flipped, bypass.paths, notes=bypass.notes)
    if flipped == "yes" and bypass.notes and bypass.notes[0].startswith("0 path"):
        result.notes.append("no caller reaches the function at all, through the API or otherwise")
    return result


def _compare(reach: Reachability, query: CompareQuery) -> Answer:
    """For each method of the API with a Lambda backend: each caller's direct access to the backend
    against its access through the method."""
    _api(reach, query.api_id)
    api = reach.world.api(query.api_id)
    assert api is not None
    text = f"compare callers and role of API {api.id}" + (f" method {query.method}" if query.method else "")
    differences: list[Difference] = []
    equal = 0
    methods = [m for m in api.methods if query.method is None or f"{m.verb} {m.path}" == _method_key(query.method)]
    if query.method is not None and not methods:
        have = ", ".join(f"{m.verb} {m.path}" for m in api.methods) or "none"
        raise InputError(f"API {api.id} has no method {query.method!r} (it has: {have})")
    for method in methods:
        integration = method.integration
        if integration is None or integration.function_arn is None:
            continue
        function = reach.world.function(integration.function_arn)
        if function is None:
            continue
        label = f"{method.verb} {method.path}"
        through = [p for p in reach.gateway_paths(function) if p.api == api.id and p.method == label]
        for path in through:
            actor = next(a for a in reach.actors if a.name == path.principal)
            own = reach.direct(actor, INVOKE, function.arn) if actor.principal is not None else None
            if own is not None and own.verdict is Verdict.SAT:
                equal += 1
                continue
            differences.append(_difference(reach, path, f"{method.verb} {method.path}", own))
    result = Answer(text, "yes" if not differences and not reach.unknown else ("no" if differences else "unknown"))
    result.differences = differences
    result.paths = [d.through_api for d in differences]
    result.notes.append(
        f"{equal} caller(s) may also invoke the backend directly; {len(differences)} may only through the API"
    )
    return result


def _difference(reach: Reachability, path: Path, method: str, own: HopResult | None) -> Difference:
    """The caller reaches the backend through the method but not directly: the plain direct request and
    the concrete evaluator's reason for denying it (proved for every request when the hop is UNSAT)."""
    if own is None:
        return Difference(path.principal, method, None, path, direct_reason="the caller has no IAM identity")
    if own.verdict is Verdict.UNKNOWN:
        return Difference(path.principal, method, None, path, direct_reason=f"undecided: {own.reason}")
    explained = reach.checker.explain(own.hop)
    if explained is None:
        return Difference(path.principal, method, None, path, direct_reason="no request of this shape is allowed")
    document, result = explained
    denied = tuple((hit.ref.label, hit.statement) for hit in result.deciding if hit.statement.effect is Effect.DENY)
    return Difference(path.principal, method, None, path, document, result.reason, denied)


def _method_key(text: str) -> str:
    verb, _, path = text.strip().partition(" ")
    return f"{verb.upper()} {path.strip()}"
