"""One hop of a path: is some request of this shape allowed by these policies? Checked with the
symbolic engine, with a witness that the concrete evaluator confirms.

A cheap syntactic screen answers `no` first when no Allow statement could apply at all (it ignores
conditions, so it never says `no` wrongly); only the hops that pass it reach the solver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from iamproof.ast import Effect, Policy, Statement
from iamproof.evaluate.decision import Decision, EvaluationResult, PolicySet, evaluate
from iamproof.evaluate.matching import PrincipalMatch, action_matches, principal_match, resource_matches
from iamproof.evaluate.request import PrincipalType, Request, RequestPrincipal
from iamproof.evaluate.semantics import Semantics
from iamproof.gc_pause import pausing_collector
from iamproof.patterns import Glob, Wild, variables_of
from iamproof.query.session import Session, Witness, request_from_document
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject, compile_subject, granting_statements
from iamproof.query.template import RequestTemplate
from iamproof.smt.formula import TRUE, Formula, conj
from iamproof.smt.keys import KeyInfo, Unsupported, collect_keys

CONCRETE_FIRST = True  # try the plainest request concretely before asking the solver (tests switch it off)

ExtraFormula = Callable[[dict[str, KeyInfo]], Formula]


@dataclass(frozen=True)
class Hop:
    """A request shape (`template`, narrowed by `extra`) and the policies that decide it."""

    description: str
    policies: PolicySet
    template: RequestTemplate
    extra: ExtraFormula | None = None  # built once the context keys are known
    extra_check: Callable[[Request], bool] | None = None  # the same restriction, concretely
    action: str = ""  # the literal action and resource, when known, for the screen
    resource: str = ""
    representative: RequestPrincipal | None = None  # a member of the principal class, for the plain request


@dataclass(frozen=True)
class HopResult:
    hop: Hop
    verdict: Verdict
    witness: Witness | None = None
    statements: tuple[tuple[str, Statement], ...] = ()  # (policy label, statement) that grant it
    reason: str = ""


@dataclass
class HopChecker:
    semantics: Semantics
    timeout: float
    solver_calls: int = 0
    screened: int = 0
    concrete: int = 0

    @pausing_collector
    def check(self, hop: Hop) -> HopResult:
        if not could_allow(hop):
            self.screened += 1
            return HopResult(hop, Verdict.UNSAT)
        plain = self._plain_request(hop) if CONCRETE_FIRST else None
        if plain is not None:
            self.concrete += 1
            return plain
        self.solver_calls += 1
        subject = Subject(hop.description, policy_set=hop.policies)
        try:
            keys = collect_keys(subject.policies())
            hop.template.widen_keys(keys)
            compiled = compile_subject(subject, keys, self.semantics)
            extra = hop.extra(keys) if hop.extra is not None else TRUE
            goal = conj([compiled.allowed, hop.template.formula(keys), extra])
            session = Session([goal], keys, self.timeout)
            outcome, witness = session.solve(goal, self._confirm(hop), complete=hop.template.complete)
        except Unsupported as exc:
            return HopResult(hop, Verdict.UNKNOWN, reason=str(exc))
        if witness is None:
            return HopResult(hop, outcome.verdict, reason=outcome.reason)
        grants = tuple(granting_statements(subject, witness.request, self.semantics))
        return HopResult(hop, outcome.verdict, witness, grants)

    def _plain_request(self, hop: Hop) -> HopResult | None:
        """Most hops that are allowed are allowed for the plainest request of their shape (the literal
        action and resource, no context beyond what the hop pins): the concrete evaluator tries that one
        before the solver is asked."""
        explained = self.explain(hop)
        if explained is None:
            return None
        document, result = explained
        request = result.request
        fits = hop.template.fits(request) and (hop.extra_check is None or hop.extra_check(request))
        if result.decision is not Decision.ALLOW or not fits:
            return None
        subject = Subject(hop.description, policy_set=hop.policies)
        grants = tuple(granting_statements(subject, request, self.semantics))
        return HopResult(hop, Verdict.SAT, Witness(request, document), grants)

    def explain(self, hop: Hop) -> tuple[dict[str, Any], EvaluationResult] | None:
        """The plainest request of the hop's shape and the concrete evaluator's decision on it: for a hop
        that is not allowed, the statements (an explicit Deny) or the absence of an Allow that deny it."""
        template = hop.template
        principal = template.principal if template.principal is not None else hop.representative
        if principal is None or not hop.action or not hop.resource:
            return None
        document: dict[str, Any] = {
            "principal": principal_document(principal),
            "action": hop.action,
            "resource": hop.resource,
        }
        if template.resource_account is not None:
            document["resource_account"] = template.resource_account
        document = template.complete(document)
        return document, evaluate(hop.policies, request_from_document(document), self.semantics)

    def _confirm(self, hop: Hop) -> Callable[[Request], bool]:
        def confirm(request: Request) -> bool:
            allowed = evaluate(hop.policies, request, self.semantics).decision is Decision.ALLOW
            fits = hop.template.fits(request)
            return allowed and fits and (hop.extra_check is None or hop.extra_check(request))

        return confirm


def principal_document(principal: RequestPrincipal) -> str | dict[str, str]:
    """A principal as a case file's request writes it."""
    if principal.type is PrincipalType.ANONYMOUS:
        return "anonymous"
    if principal.type is PrincipalType.SERVICE:
        return {"Service": principal.value or ""}
    if principal.type is PrincipalType.WEB_IDENTITY:
        return {"Federated": principal.value or ""}
    if principal.type is PrincipalType.CANONICAL_USER:
        return {"CanonicalUser": principal.value or ""}
    if principal.arn is not None:
        return principal.arn
    return principal.account or ""


def could_allow(hop: Hop) -> bool:
    """False only when no Allow statement of the hop's policies can apply to its action and resource
    (conditions are not looked at, so `True` means "maybe")."""
    if not hop.action or not hop.resource:
        return True
    principal = hop.template.principal
    if any(_may_apply(s, hop, principal, False) for p in hop.policies.identity for s in _allows(p)):
        return True
    resource_policy = hop.policies.resource
    if resource_policy is None:
        return False
    # A resource policy that names only the caller's account delegates to the identity policies (same
    # account or not), which allow nothing here: such statements cannot grant on their own.
    return any(_may_apply(s, hop, principal, True, strong=True) for s in _allows(resource_policy))


def _allows(policy: Policy) -> list[Statement]:
    return [s for s in policy.statements if s.effect is Effect.ALLOW]


def _may_apply(
    statement: Statement, hop: Hop, principal: RequestPrincipal | None, attached: bool, *, strong: bool = False
) -> bool:
    if not action_matches(statement.action, hop.action):
        return False
    block = statement.resource
    literal = block is not None and not any(_has_variable(item.text) for item in block.items)
    if literal and not resource_matches(block, hop.resource, None, attached=attached):
        return False
    if statement.principal is not None and principal is not None and not statement.principal.negated:
        match = principal_match(statement.principal, principal, _SCREEN_SEMANTICS)
        if strong and match is PrincipalMatch.ACCOUNT and principal.type is not PrincipalType.ROOT:
            return False
        return match is not PrincipalMatch.NONE
    return True


def _has_variable(text: str) -> bool:
    return "${" in text


def literal_text(glob: Glob) -> str:
    """The text of a glob without wildcards ("" when it has one)."""
    if any(isinstance(part, Wild) for part in glob) or variables_of(glob):
        return ""
    return "".join(str(part) for part in glob)


_SCREEN_SEMANTICS = Semantics()  # the broadest reading of {"AWS": "*"} (everyone): never screens out a grant
