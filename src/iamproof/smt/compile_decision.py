"""The decision logic of iam-semantics.md §4 as one formula (the same logic as evaluate.decision)."""

from __future__ import annotations

from dataclasses import dataclass, field

from iamproof.ast import Effect, Policy
from iamproof.errors import InputError
from iamproof.evaluate.decision import PolicyKind, PolicySet
from iamproof.evaluate.request import PrincipalType
from iamproof.evaluate.semantics import RcpScope, Semantics
from iamproof.evaluate.service_support import rcp_services
from iamproof.patterns import Wild, literal_glob, parse_glob
from iamproof.smt.compile_conditions import ConditionCompiler
from iamproof.smt.compile_statements import CompiledStatement, StatementCompiler
from iamproof.smt.formula import (
    FALSE,
    TRUE,
    AwsManagedKey,
    Formula,
    Match,
    MatchMode,
    PrincipalIs,
    Slot,
    StrEq,
    StrTerm,
    conj,
    disj,
    ite,
    neg,
)
from iamproof.smt.keys import KeyInfo
from iamproof.smt.request_terms import is_iam

P = PrincipalType


@dataclass(frozen=True)
class CompiledPolicy:
    kind: PolicyKind
    policy: Policy
    statements: tuple[CompiledStatement, ...]
    index: int = 0
    level: int = 0

    def hits(self, effect: Effect) -> list[Formula]:
        return [s.applies_to_anyone_named() for s in self.statements if s.effect is effect]


@dataclass
class CompiledPolicySet:
    """Every policy of a set, compiled, and the formula "the request is allowed"."""

    policies: list[CompiledPolicy] = field(default_factory=list)
    allowed: Formula = FALSE


def compile_policy_set(policies: PolicySet, keys: dict[str, KeyInfo], semantics: Semantics) -> CompiledPolicySet:
    compiler = StatementCompiler(ConditionCompiler(keys), semantics)
    has_boundary = policies.boundary is not None

    def compiled(kind: PolicyKind, policy: Policy, index: int = 0, level: int = 0) -> CompiledPolicy:
        attached = kind is PolicyKind.RESOURCE
        statements = tuple(
            compiler.compile(s, policy.variables_enabled, has_boundary, attached) for s in policy.statements
        )
        for statement in statements:
            if kind is PolicyKind.RESOURCE and statement.naming is None:
                raise InputError("a resource-based policy statement needs a Principal", statement.statement.span)
        return CompiledPolicy(kind, policy, statements, index, level)

    identity = [compiled(PolicyKind.IDENTITY, p, i) for i, p in enumerate(policies.identity)]
    resource = compiled(PolicyKind.RESOURCE, policies.resource) if policies.resource else None
    boundary = compiled(PolicyKind.BOUNDARY, policies.boundary) if policies.boundary else None
    session = compiled(PolicyKind.SESSION, policies.session) if policies.session else None
    scps = [[compiled(PolicyKind.SCP, p, i, lv) for i, p in enumerate(ps)] for lv, ps in enumerate(policies.scps)]
    rcps = [[compiled(PolicyKind.RCP, p, i, lv) for i, p in enumerate(ps)] for lv, ps in enumerate(policies.rcps)]
    logic = _Logic(identity, resource, boundary, session, scps, rcps, semantics)
    everything = identity + [p for p in (resource, boundary, session) if p] + [p for lv in scps + rcps for p in lv]
    return CompiledPolicySet(everything, logic.allowed())


@dataclass(frozen=True)
class _Logic:
    identity: list[CompiledPolicy]
    resource: CompiledPolicy | None
    boundary: CompiledPolicy | None
    session: CompiledPolicy | None
    scps: list[list[CompiledPolicy]]
    rcps: list[list[CompiledPolicy]]
    semantics: Semantics

    def allowed(self) -> Formula:
        principal_side = [p for p in self.identity] + [p for p in (self.boundary, self.session) if p]
        scp_policies = [p for level in self.scps for p in level]
        rcp_policies = [p for level in self.rcps for p in level]
        deny = disj(
            [
                conj([is_iam(), disj(h for p in principal_side + scp_policies for h in p.hits(Effect.DENY))]),
                conj([self.rcps_apply(), disj(h for p in rcp_policies for h in p.hits(Effect.DENY))]),
                disj(self.resource.hits(Effect.DENY)) if self.resource else FALSE,
            ]
        )
        levels_ok = conj(
            [
                disj([neg(self.rcps_apply()), _every_level_allows(self.rcps)]),
                disj([neg(is_iam()), _every_level_allows(self.scps)]),
            ]
        )
        return conj([neg(deny), levels_ok, self.grant()])

    def rcps_apply(self) -> Formula:
        if not self.rcps:
            return FALSE
        managed_key = conj([AwsManagedKey(), _action_of("kms")])
        if self.semantics.rcp_scope is RcpScope.ALL:
            return neg(managed_key)
        return conj([disj(_action_of(service) for service in rcp_services()), neg(managed_key)])

    def grant(self) -> Formula:
        external = neg(is_iam())
        cross = disj([external, neg(_same_account())])
        return ite(external, self.external_grant(), ite(cross, self.cross_account_grant(), self.same_account_grant()))

    def _resource_allows(self, pick: str) -> Formula:
        if self.resource is None:
            return FALSE
        out = []
        for statement in self.resource.statements:
            if statement.effect is not Effect.ALLOW or statement.naming is None:
                continue
            naming = statement.naming
            chosen = {
                "direct": disj([naming.exact, naming.everyone]),
                "role": naming.role,
                "any": disj([naming.account, naming.role, naming.exact, naming.everyone]),
                "external": disj([naming.everyone, naming.external]),
            }[pick]
            out.append(conj([statement.applies, chosen]))
        return disj(out)

    def external_grant(self) -> Formula:
        return self._resource_allows("external")

    def side_ok(self) -> Formula:
        boundary = disj(self.boundary.hits(Effect.ALLOW)) if self.boundary else TRUE
        if self.session is not None:
            session = disj(self.session.hits(Effect.ALLOW))
        else:
            session = neg(PrincipalIs(P.FEDERATED_USER.value))
        return conj([boundary, session])

    def identity_allows(self) -> Formula:
        allows = disj(h for p in self.identity for h in p.hits(Effect.ALLOW))
        return disj([allows, PrincipalIs(P.ROOT.value)])

    def same_account_grant(self) -> Formula:
        side = self.side_ok()
        # role trust policies and KMS key policies must name the principal themselves
        trusted = disj([neg(required_resource_policy()), self._resource_allows("any")])
        return disj(
            [
                self._resource_allows("direct"),
                conj([self._resource_allows("role"), side]),
                conj([trusted, self.identity_allows(), side]),
            ]
        )

    def cross_account_grant(self) -> Formula:
        return conj([self._resource_allows("any"), self.identity_allows(), self.side_ok()])


def required_resource_policy() -> Formula:
    """The request is to a role (sts:*) or a KMS key (kms:*): cf. service_support.required_resource_policy."""
    resource = StrTerm.of(Slot.RESOURCE)

    def on(service: str, arn: str) -> Formula:
        return conj([_action_of(service), Match(resource, parse_glob(arn), MatchMode.ARN)])

    return disj([on("sts", "arn:?*:iam::*:role/*"), on("kms", "arn:?*:kms:*:*:key/*")])


def _action_of(service: str) -> Formula:
    """The action is one of `service`'s."""
    return Match(StrTerm.of(Slot.ACTION), (*literal_glob(f"{service}:"), Wild.STAR), MatchMode.IGNORE_CASE)


def _every_level_allows(levels: list[list[CompiledPolicy]]) -> Formula:
    return conj(disj(h for p in level for h in p.hits(Effect.ALLOW)) for level in levels)


def _same_account() -> Formula:
    return StrEq(StrTerm.of(Slot.PRINCIPAL_ACCOUNT), StrTerm.of(Slot.RESOURCE_ACCOUNT))
