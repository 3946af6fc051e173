"""The concrete reference evaluator: one fully given request, decided exactly as AWS does (no Z3)."""

from iamproof.evaluate.decision import Decision, EvaluationResult, PolicyKind, PolicySet, evaluate
from iamproof.evaluate.request import PrincipalType, Request, RequestPrincipal
from iamproof.evaluate.semantics import Semantics

__all__ = [
    "Decision",
    "EvaluationResult",
    "PolicyKind",
    "PolicySet",
    "PrincipalType",
    "Request",
    "RequestPrincipal",
    "Semantics",
    "evaluate",
]
