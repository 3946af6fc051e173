"""The decision logic of iam-semantics.md §4: explicit deny, RCPs, SCPs, resource-based policy,
identity-based policies, permissions boundary, session policy, same- and cross-account."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from iamproof.ast import Effect, Policy, Statement
from iamproof.errors import InputError
from iamproof.evaluate.conditions import ConditionContext, conditions_hold
from iamproof.evaluate.matching import (
    PrincipalMatch,
    action_matches,
    not_principal_exempts,
    not_principal_lists_caller,
    principal_match,
    resource_matches,
)
from iamproof.evaluate.request import PrincipalType, Request
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS, RcpScope, Semantics
from iamproof.evaluate.service_support import rcp_supported, required_resource_policy


class PolicyKind(Enum):
    IDENTITY = "identity"
    RESOURCE = "resource"
    BOUNDARY = "boundary"
    SESSION = "session"
    SCP = "scp"
    RCP = "rcp"


class Decision(Enum):
    ALLOW = "allow"
    DENY = "deny"


@dataclass(frozen=True)
class PolicySet:
    """The policies that bear on one request (the `policies` member of a case file)."""

    identity: tuple[Policy, ...] = ()
    resource: Policy | None = None
    boundary: Policy | None = None
    session: Policy | None = None
    scps: tuple[tuple[Policy, ...], ...] = ()
    rcps: tuple[tuple[Policy, ...], ...] = ()


@dataclass(frozen=True)
class PolicyRef:
    kind: PolicyKind
    policy: Policy
    index: int = 0  # position in the identity list, or within an SCP/RCP level
    level: int = 0  # SCP/RCP level, from the root down

    @property
    def label(self) -> str:
        if self.kind is PolicyKind.IDENTITY:
            return f"identity[{self.index}]"
        if self.kind in (PolicyKind.SCP, PolicyKind.RCP):
            return f"{self.kind.value}s[{self.level}][{self.index}]"
        return str(self.kind.value)


@dataclass(frozen=True)
class StatementHit:
    """A statement that applies to the request."""

    ref: PolicyRef
    statement: Statement
    principal: PrincipalMatch | None = None


@dataclass(frozen=True)
class EvaluationResult:
    decision: Decision
    explicit: bool  # an explicit Deny decided (only with Decision.DENY)
    reason: str
    deciding: tuple[StatementHit, ...]
    notes: tuple[str, ...]
    request: Request
    semantics: Semantics


@dataclass
class _Run:
    request: Request
    semantics: Semantics
    has_boundary: bool
    notes: list[str] = field(default_factory=list)

    def hits(self, ref: PolicyRef) -> list[StatementHit]:
        ctx = ConditionContext(self.request, ref.policy.variables_enabled, self.notes)
        found: list[StatementHit] = []
        for statement in ref.policy.statements:
            hit = self._statement_hit(ref, statement, ctx)
            if hit is not None:
                found.append(hit)
        return found

    def _statement_hit(self, ref: PolicyRef, statement: Statement, ctx: ConditionContext) -> StatementHit | None:
        request = self.request
        matched: PrincipalMatch | None = None
        if statement.principal is not None:
            matched = self._principal(statement)
            if matched is PrincipalMatch.NONE:
                return None
        elif ref.kind is PolicyKind.RESOURCE:
            raise InputError("a resource-based policy statement needs a Principal", statement.span)
        if not action_matches(statement.action, request.action):
            return None
        lookup = ctx.lookup_variable if ctx.variables else None
        attached = ref.kind is PolicyKind.RESOURCE
        if not resource_matches(statement.resource, request.resource, lookup, attached=attached):
            return None
        if not conditions_hold(statement.conditions, ctx):
            return None
        return StatementHit(ref, statement, matched)

    def _principal(self, statement: Statement) -> PrincipalMatch:
        block = statement.principal
        assert block is not None
        principal = self.request.principal
        if not block.negated:
            return principal_match(block, principal, self.semantics)
        if statement.effect is Effect.DENY and self.has_boundary and principal.type.is_iam:
            self.notes.append(
                f"NotPrincipal with Deny (statement {statement.index}) applies to every principal that has a"
                " permissions boundary"
            )
            return PrincipalMatch.EVERYONE
        if not_principal_exempts(block, principal, self.semantics):
            return PrincipalMatch.NONE
        if not_principal_lists_caller(block, principal, self.semantics):
            self.notes.append(
                f"[AMBIG §4.3] NotPrincipal (statement {statement.index}) lists the caller but not its whole"
                " hierarchy (account, role): the statement applies to the caller"
            )
        return PrincipalMatch.EVERYONE


def evaluate(policies: PolicySet, request: Request, semantics: Semantics = DEFAULT_SEMANTICS) -> EvaluationResult:
    """Decide one request exactly as AWS does (iam-semantics.md §4)."""
    _check_consistency(policies, request)
    run = _Run(request, semantics, policies.boundary is not None)
    refs = _applicable_refs(policies, request, semantics, run.notes)
    hits = {kind: [hit for ref in refs if ref.kind is kind for hit in run.hits(ref)] for kind in PolicyKind}
    levels = _applicable_levels(policies, request, semantics)
    decision, explicit, reason, deciding = _decide(request, hits, levels, policies)
    if decision is Decision.ALLOW:
        deciding += [
            h for kind in (PolicyKind.SCP, PolicyKind.RCP) for h in hits[kind] if h.statement.effect is Effect.ALLOW
        ]
    if request.resource_account_assumed:
        run.notes.append(f"resource account taken to be the principal's ({request.resource_account})")
    return EvaluationResult(
        decision, explicit, reason, tuple(deciding), tuple(dict.fromkeys(run.notes)), request, semantics
    )


def _check_consistency(policies: PolicySet, request: Request) -> None:
    principal = request.principal
    if principal.type.is_iam:
        return
    for present, name in (
        (policies.identity[0] if policies.identity else None, "identity"),
        (policies.boundary, "boundary"),
        (policies.session, "session"),
    ):
        if present is not None:
            raise InputError(
                f"a {principal.type.value} principal has no {name} policies; remove them from the case", present.span
            )


def _applicable_refs(policies: PolicySet, request: Request, semantics: Semantics, notes: list[str]) -> list[PolicyRef]:
    refs: list[PolicyRef] = [PolicyRef(PolicyKind.IDENTITY, p, i) for i, p in enumerate(policies.identity)]
    for kind, policy in ((PolicyKind.RESOURCE, policies.resource), (PolicyKind.BOUNDARY, policies.boundary)):
        if policy is not None:
            refs.append(PolicyRef(kind, policy))
    if policies.session is not None:
        refs.append(PolicyRef(PolicyKind.SESSION, policies.session))
    levels = _applicable_levels(policies, request, semantics)
    if policies.scps and PolicyKind.SCP not in levels:
        notes.append("SCPs do not apply to a principal outside the organization's accounts (service, anonymous)")
    elif policies.scps:
        refs += _level_refs(PolicyKind.SCP, policies.scps)
    if policies.rcps and request.aws_managed_key:
        notes.append("RCPs do not apply to an AWS-managed KMS key")
    elif policies.rcps and PolicyKind.RCP not in levels:
        notes.append(f"RCPs do not apply: the service {request.service!r} does not support them")
    elif policies.rcps:
        refs += _level_refs(PolicyKind.RCP, policies.rcps)
    return refs


def _applicable_levels(policies: PolicySet, request: Request, semantics: Semantics) -> dict[PolicyKind, int]:
    """How many SCP and RCP levels must each allow the request (a level without policies allows nothing)."""
    levels: dict[PolicyKind, int] = {}
    if policies.scps and request.principal.type.is_iam:
        levels[PolicyKind.SCP] = len(policies.scps)
    supported = semantics.rcp_scope is RcpScope.ALL or rcp_supported(request.service)
    if policies.rcps and supported and not request.aws_managed_key:
        levels[PolicyKind.RCP] = len(policies.rcps)
    return levels


def _level_refs(kind: PolicyKind, levels: tuple[tuple[Policy, ...], ...]) -> list[PolicyRef]:
    return [PolicyRef(kind, p, i, level) for level, ps in enumerate(levels) for i, p in enumerate(ps)]


_Outcome = tuple[Decision, bool, str, list[StatementHit]]


def _decide(
    request: Request,
    hits: dict[PolicyKind, list[StatementHit]],
    levels: dict[PolicyKind, int],
    policies: PolicySet,
) -> _Outcome:
    denies = [hit for kind_hits in hits.values() for hit in kind_hits if hit.statement.effect is Effect.DENY]
    if denies:
        return Decision.DENY, True, "an explicit Deny applies", denies
    allows = {kind: [h for h in kind_hits if h.statement.effect is Effect.ALLOW] for kind, kind_hits in hits.items()}
    for kind in (PolicyKind.RCP, PolicyKind.SCP):
        for level in range(levels.get(kind, 0)):
            if not any(hit.ref.level == level for hit in allows[kind]):
                return (
                    Decision.DENY,
                    False,
                    f"no {kind.value.upper()} at level {level} allows the request",
                    [],
                )
    if not request.principal.type.is_iam:
        return _decide_external(allows[PolicyKind.RESOURCE])
    if request.cross_account:
        return _decide_cross_account(policies, request, allows)
    return _decide_same_account(policies, request, allows)


def _decide_external(resource_allows: list[StatementHit]) -> _Outcome:
    granting = [h for h in resource_allows if h.principal is not None and h.principal >= PrincipalMatch.EVERYONE]
    if granting:
        return Decision.ALLOW, False, "the resource-based policy allows this principal", granting
    return Decision.DENY, False, "no resource-based policy statement allows this principal", []


def _side_checks(
    policies: PolicySet, request: Request, allows: dict[PolicyKind, list[StatementHit]]
) -> tuple[str | None, list[StatementHit]]:
    """Boundary and session policy: the reason they block (or None), and the allows they contribute."""
    used: list[StatementHit] = []
    if policies.boundary is not None:
        if not allows[PolicyKind.BOUNDARY]:
            return "the permissions boundary does not allow the request", []
        used += allows[PolicyKind.BOUNDARY]
    if policies.session is not None:
        if not allows[PolicyKind.SESSION]:
            return "the session policy does not allow the request", []
        used += allows[PolicyKind.SESSION]
    elif request.principal.type is PrincipalType.FEDERATED_USER:
        return "a federated-user session without a session policy has no permissions", []
    return None, used


def _identity_grant(request: Request, allows: dict[PolicyKind, list[StatementHit]]) -> list[StatementHit] | None:
    """The identity-based allows, or None if none (the root user needs none)."""
    if allows[PolicyKind.IDENTITY]:
        return allows[PolicyKind.IDENTITY]
    return [] if request.principal.type is PrincipalType.ROOT else None


def _names_principal(resource_allows: list[StatementHit]) -> bool:
    """Does some resource-based Allow name the principal at all (its account, role, ARN, or "*")?"""
    return any(h.principal is not None and h.principal > PrincipalMatch.NONE for h in resource_allows)


def _decide_same_account(
    policies: PolicySet, request: Request, allows: dict[PolicyKind, list[StatementHit]]
) -> _Outcome:
    resource = allows[PolicyKind.RESOURCE]
    direct = [h for h in resource if h.principal in (PrincipalMatch.EXACT, PrincipalMatch.EVERYONE)]
    if direct:
        return Decision.ALLOW, False, 'the resource-based policy names the caller (or "*")', direct
    blocked, side = _side_checks(policies, request, allows)
    role_grants = [h for h in resource if h.principal is PrincipalMatch.ROLE]
    if role_grants and blocked is None:
        reason = "the resource-based policy names the caller's role (or the IAM user behind its federated session)"
        return Decision.ALLOW, False, reason, role_grants + side
    required = required_resource_policy(request.service, request.resource)
    if required is not None and not _names_principal(resource):
        return Decision.DENY, False, f"the {required} does not allow the principal (an identity policy cannot)", []
    identity = _identity_grant(request, allows)
    if identity is None:
        return Decision.DENY, False, "no identity-based or resource-based policy allows the request", []
    if blocked is not None:
        return Decision.DENY, False, blocked, []
    reason = "the root user is allowed by default" if not identity else "an identity-based policy allows the request"
    return Decision.ALLOW, False, reason, identity + side


def _decide_cross_account(
    policies: PolicySet, request: Request, allows: dict[PolicyKind, list[StatementHit]]
) -> _Outcome:
    resource = [h for h in allows[PolicyKind.RESOURCE] if h.principal is not None and h.principal > PrincipalMatch.NONE]
    if not _names_principal(resource):
        return (
            Decision.DENY,
            False,
            (
                f"cross-account request (principal in {request.principal.account}, resource in"
                f" {request.resource_account}): no resource-based policy statement allows it"
            ),
            [],
        )
    identity = _identity_grant(request, allows)
    if identity is None:
        return (
            Decision.DENY,
            False,
            "cross-account request: no identity-based policy in the caller's account allows it",
            [],
        )
    blocked, side = _side_checks(policies, request, allows)
    if blocked is not None:
        return Decision.DENY, False, blocked, []
    return (
        Decision.ALLOW,
        False,
        "cross-account: both the resource-based and the identity-based policies allow it",
        (resource + identity + side),
    )
