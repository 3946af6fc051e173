"""What a query is about: one policy on its own, or a set of policies under the full decision logic."""

from __future__ import annotations

from dataclasses import dataclass

from iamproof.ast import Effect, Policy, Statement
from iamproof.errors import InputError
from iamproof.evaluate.decision import Decision, PolicyKind, PolicySet, evaluate
from iamproof.evaluate.request import Request
from iamproof.evaluate.semantics import Semantics
from iamproof.evaluate.single_policy import policy_allows, policy_hits
from iamproof.smt.compile_conditions import ConditionCompiler
from iamproof.smt.compile_decision import compile_policy_set
from iamproof.smt.compile_statements import CompiledStatement, StatementCompiler
from iamproof.smt.formula import Formula, conj, disj, neg
from iamproof.smt.keys import KeyInfo


@dataclass(frozen=True)
class Subject:
    """One policy read as `kind` (`policy_set` None), or a policy set (`policy` None)."""

    label: str
    policy: Policy | None = None
    kind: PolicyKind = PolicyKind.IDENTITY
    policy_set: PolicySet | None = None

    def policies(self) -> list[Policy]:
        if self.policy is not None:
            return [self.policy]
        assert self.policy_set is not None
        s = self.policy_set
        extra = [p for p in (s.resource, s.boundary, s.session) if p is not None]
        return [*s.identity, *extra, *(p for level in s.scps + s.rcps for p in level)]

    def allows(self, request: Request, semantics: Semantics) -> bool:
        """The concrete evaluator's answer: does this subject allow the request?"""
        if self.policy is not None:
            return policy_allows(self.policy, self.kind, request, semantics)
        assert self.policy_set is not None
        return evaluate(self.policy_set, request, semantics).decision is Decision.ALLOW


@dataclass(frozen=True)
class CompiledSubject:
    subject: Subject
    allowed: Formula
    statements: tuple[CompiledStatement, ...]  # of a single policy (for naming granting statements)


def compile_subject(subject: Subject, keys: dict[str, KeyInfo], semantics: Semantics) -> CompiledSubject:
    if subject.policy_set is not None:
        compiled = compile_policy_set(subject.policy_set, keys, semantics)
        return CompiledSubject(subject, compiled.allowed, ())
    policy = subject.policy
    assert policy is not None
    compiler = StatementCompiler(ConditionCompiler(keys), semantics)
    statements = tuple(compiler.compile(s, policy.variables_enabled, False) for s in policy.statements)
    if subject.kind is PolicyKind.RESOURCE:
        for statement in statements:
            if statement.naming is None:
                raise InputError("a resource-based policy statement needs a Principal", statement.statement.span)
    allow = disj(s.applies_to_anyone_named() for s in statements if s.effect is Effect.ALLOW)
    deny = disj(s.applies_to_anyone_named() for s in statements if s.effect is Effect.DENY)
    return CompiledSubject(subject, conj([allow, neg(deny)]), statements)


def granting_statements(subject: Subject, request: Request, semantics: Semantics) -> list[tuple[str, Statement]]:
    """The statements of a subject that allow a request: (policy label, statement)."""
    if subject.policy is not None:
        hits = policy_hits(subject.policy, subject.kind, request, semantics)
        return [(subject.label, h.statement) for h in hits if h.statement.effect is Effect.ALLOW]
    assert subject.policy_set is not None
    result = evaluate(subject.policy_set, request, semantics)
    return [(h.ref.label, h.statement) for h in result.deciding]
