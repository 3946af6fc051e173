"""Policy types, and how a type is inferred from a document when the user does not give one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from iamproof.ast import Policy
from iamproof.lint.elements import is_trust_action
from iamproof.parsing.documents import DocumentShape, PolicyDocument


class PolicyType(Enum):
    IDENTITY = "identity"
    RESOURCE = "resource"
    TRUST = "trust"
    SCP = "scp"
    RCP = "rcp"
    BOUNDARY = "boundary"
    SESSION = "session"

    @property
    def described(self) -> str:
        """The type as messages name it, with its article: "an identity policy", "an SCP"."""
        return _DESCRIBED[self]

    @property
    def identity_based(self) -> bool:
        """Is this an identity-based policy (attached to a principal, or bounding one's permissions)?"""
        return self in (PolicyType.IDENTITY, PolicyType.BOUNDARY, PolicyType.SESSION)

    @property
    def forbids_principal(self) -> bool:
        return self in (PolicyType.IDENTITY, PolicyType.BOUNDARY, PolicyType.SESSION, PolicyType.SCP)

    @property
    def requires_principal(self) -> bool:
        return self in (PolicyType.RESOURCE, PolicyType.TRUST, PolicyType.RCP)

    @property
    def grants_access(self) -> bool:
        """Does an Allow in this policy grant access (rather than set a ceiling, as SCPs, RCPs, permissions
        boundaries and session policies do)?"""
        return self in (PolicyType.IDENTITY, PolicyType.RESOURCE, PolicyType.TRUST)

    @property
    def stored_by_iam(self) -> bool:
        """Is the policy validated by IAM itself (strict Sid rules and the like)?"""
        return self in (PolicyType.IDENTITY, PolicyType.BOUNDARY, PolicyType.SESSION, PolicyType.TRUST)


_DESCRIBED = {
    PolicyType.IDENTITY: "an identity policy",
    PolicyType.RESOURCE: "a resource policy",
    PolicyType.TRUST: "a trust policy",
    PolicyType.SCP: "an SCP",
    PolicyType.RCP: "an RCP",
    PolicyType.BOUNDARY: "a permissions boundary",
    PolicyType.SESSION: "a session policy",
}


@dataclass(frozen=True)
class TypeChoice:
    """The policy type used for a document, and why."""

    policy_type: PolicyType
    inferred: bool
    reason: str


def choose_policy_type(document: PolicyDocument, requested: PolicyType | None) -> TypeChoice:
    """`requested` if given, otherwise the type inferred from the document (see `infer_policy_type`)."""
    if requested is not None:
        return TypeChoice(requested, inferred=False, reason="given with --policy-type")
    return infer_policy_type(document)


def infer_policy_type(document: PolicyDocument) -> TypeChoice:
    """Infer a policy's type from the shape it came in, or from its statements for a bare document.

    `aws iam get-policy-version` and `get-*-policy` outputs hold identity policies, `aws lambda get-policy`
    a resource policy. In a bare document: every statement naming a principal makes a resource policy, or
    a trust policy when all its actions are role-assumption actions; no principal (or a mix) makes an
    identity policy.
    """
    shape = document.shape
    if shape in (DocumentShape.POLICY_VERSION, DocumentShape.INLINE_POLICY):
        return TypeChoice(PolicyType.IDENTITY, inferred=True, reason=f"{shape.value} holds an identity policy")
    if shape is DocumentShape.FUNCTION_POLICY:
        return TypeChoice(PolicyType.RESOURCE, inferred=True, reason=f"{shape.value} holds a resource policy")
    return _infer_from_statements(document.policy)


def _infer_from_statements(policy: Policy) -> TypeChoice:
    statements = policy.statements
    with_principal = [s for s in statements if s.principal is not None]
    if not statements or not with_principal:
        return TypeChoice(PolicyType.IDENTITY, inferred=True, reason="no statement names a principal")
    if len(with_principal) < len(statements):
        return TypeChoice(
            PolicyType.IDENTITY, inferred=True, reason="only some statements name a principal; read as identity"
        )
    trust = all(not s.action.negated and all(is_trust_action(item.text) for item in s.action.items) for s in statements)
    if trust:
        return TypeChoice(
            PolicyType.TRUST, inferred=True, reason="every statement names a principal and assumes a role"
        )
    return TypeChoice(PolicyType.RESOURCE, inferred=True, reason="every statement names a principal")
