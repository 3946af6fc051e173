"""What one policy on its own allows: some Allow statement applies and no Deny statement does.

This is the meaning `equiv` and `diff` give to a single policy (the requests it allows), as
IAM Access Analyzer's policy checks do; the full decision logic applies to case files.
"""

from __future__ import annotations

from iamproof.ast import Effect, Policy
from iamproof.evaluate.decision import PolicyKind, PolicyRef, StatementHit, _Run
from iamproof.evaluate.request import Request
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS, Semantics


def policy_hits(
    policy: Policy, kind: PolicyKind, request: Request, semantics: Semantics = DEFAULT_SEMANTICS
) -> list[StatementHit]:
    """The statements of `policy` that apply to `request` (its Principal element included)."""
    run = _Run(request, semantics, has_boundary=False)
    return run.hits(PolicyRef(kind, policy))


def policy_allows(policy: Policy, kind: PolicyKind, request: Request, semantics: Semantics = DEFAULT_SEMANTICS) -> bool:
    hits = policy_hits(policy, kind, request, semantics)
    return any(h.statement.effect is Effect.ALLOW for h in hits) and not any(
        h.statement.effect is Effect.DENY for h in hits
    )
