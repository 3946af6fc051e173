"""Subjects from files: a policy file read as identity or resource policy, or a case file's policy set."""

from __future__ import annotations

from enum import Enum

from iamproof.ast import Policy
from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import DocumentShape, load_policy_file
from iamproof.query.case_template import load_template_case
from iamproof.query.subjects import Subject


class SubjectKind(Enum):
    AUTO = "auto"
    IDENTITY = "identity"
    RESOURCE = "resource"


def infer_kind(policy: Policy, shape: DocumentShape) -> PolicyKind:
    """A policy whose every statement names a principal is a resource-based policy."""
    if shape is DocumentShape.FUNCTION_POLICY:
        return PolicyKind.RESOURCE
    if shape is DocumentShape.POLICY and policy.statements and all(s.principal for s in policy.statements):
        return PolicyKind.RESOURCE
    return PolicyKind.IDENTITY


def load_subject(path: str, kind: SubjectKind, *, case: bool = False) -> Subject:
    if case:
        return Subject(path, policy_set=load_template_case(path).policies)
    document = load_policy_file(path)
    if kind is SubjectKind.AUTO:
        policy_kind = infer_kind(document.policy, document.shape)
    else:
        policy_kind = PolicyKind(kind.value)
    return Subject(path, policy=document.policy, kind=policy_kind)
