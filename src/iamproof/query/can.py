"""`can`: is some request that fits a template allowed by a set of policies?"""

from __future__ import annotations

from dataclasses import dataclass

from iamproof.cells.deadline import Deadline
from iamproof.evaluate.decision import Decision, PolicySet, evaluate
from iamproof.evaluate.request import PrincipalType, Request
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS, Semantics
from iamproof.gc_pause import pausing_collector
from iamproof.query.session import Session, Witness
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject, compile_subject
from iamproof.query.template import RequestTemplate
from iamproof.smt.formula import TRUE, Formula, conj
from iamproof.smt.keys import Unsupported, collect_keys
from iamproof.smt.request_terms import is_kind


def _principal_domain(policies: PolicySet, template: RequestTemplate) -> Formula:
    """Identity policies, boundaries and session policies belong to IAM users and role sessions (the root
    user carries none), so with them the principal is one of those, unless the template pins it."""
    if template.principal is not None:
        return TRUE
    if policies.identity or policies.boundary is not None or policies.session is not None:
        return is_kind(PrincipalType.USER, PrincipalType.ROLE_SESSION, PrincipalType.FEDERATED_USER)
    return TRUE


@dataclass(frozen=True)
class CanResult:
    verdict: Verdict  # SAT: yes (with a witness), UNSAT: no, UNKNOWN
    witness: Witness | None = None
    reason: str = ""
    smt2: str = ""


@pausing_collector
def check_can(
    policies: PolicySet,
    template: RequestTemplate,
    *,
    semantics: Semantics = DEFAULT_SEMANTICS,
    timeout: float = 30.0,
    emit_smt2: bool = False,
) -> CanResult:
    subject = Subject("policies", policy_set=policies)
    deadline = Deadline.after(timeout)  # the time limit covers compiling too
    try:
        keys = collect_keys(subject.policies())
        template.widen_keys(keys)
        compiled = compile_subject(subject, keys, semantics)
        goal = conj([compiled.allowed, template.formula(keys), _principal_domain(policies, template)])
        session = Session([goal], keys, timeout, deadline)
    except Unsupported as exc:
        return CanResult(Verdict.UNKNOWN, None, str(exc))

    def confirm(request: Request) -> bool:
        allowed = evaluate(policies, request, semantics).decision is Decision.ALLOW
        return allowed and template.fits(request)

    try:
        outcome, witness = session.solve(goal, confirm, complete=template.complete)
    except Unsupported as exc:
        return CanResult(Verdict.UNKNOWN, None, str(exc))
    return CanResult(outcome.verdict, witness, outcome.reason, session.smt2(goal) if emit_smt2 else "")
