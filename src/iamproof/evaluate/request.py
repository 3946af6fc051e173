"""The request model: principal, action, resource, context; and the context keys derived from them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

from iamproof.errors import InputError
from iamproof.span import Span


class PrincipalType(Enum):
    USER = "user"
    ROLE_SESSION = "assumed-role"
    FEDERATED_USER = "federated-user"
    ROOT = "root"
    SERVICE = "service"
    ANONYMOUS = "anonymous"
    WEB_IDENTITY = "federated"  # a SAML/OIDC identity provider (AssumeRoleWithSAML/WebIdentity)
    CANONICAL_USER = "canonical-user"

    @property
    def is_iam(self) -> bool:
        """Principals that belong to an account and carry identity policies and SCPs."""
        return self in (
            PrincipalType.USER,
            PrincipalType.ROLE_SESSION,
            PrincipalType.FEDERATED_USER,
            PrincipalType.ROOT,
        )


@dataclass(frozen=True)
class RequestPrincipal:
    type: PrincipalType
    partition: str = "aws"
    account: str | None = None
    name: str | None = None  # user name, role name, federated-user name
    session: str | None = None  # role session name
    arn: str | None = None  # the principal's own ARN (session ARN for a role session)
    value: str | None = None  # service principal, identity provider or canonical user id
    parent: str | None = None  # federated user: the ARN of the IAM user that called GetFederationToken

    @property
    def role_arn(self) -> str | None:
        """For a role session: the role's ARN as aws:PrincipalArn reports it (no path: see README)."""
        if self.type is PrincipalType.ROLE_SESSION:
            return f"arn:{self.partition}:iam::{self.account}:role/{self.name}"
        return None

    @property
    def account_root_arn(self) -> str | None:
        return f"arn:{self.partition}:iam::{self.account}:root" if self.account else None

    def display(self) -> str:
        if self.arn:
            return self.arn
        if self.type is PrincipalType.ANONYMOUS:
            return "anonymous"
        return f"{self.type.value}:{self.value}"


USER_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):user/(?:.+/)?([^/]+)$")
_ROOT = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):root$")
_SESSION = re.compile(r"^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/([^/]+)$")
_FEDERATED = re.compile(r"^arn:(aws[a-z-]*):sts::(\d{12}):federated-user/([^/]+)$")
_ROLE = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/")
_ACCOUNT = re.compile(r"^\d{12}$")


def with_parent_user(principal: RequestPrincipal, value: object, span: Span) -> RequestPrincipal:
    """The request's `parent_user`: the IAM user behind a federated-user session (same partition and account)."""
    if principal.type is not PrincipalType.FEDERATED_USER:
        raise InputError("'parent_user' is only for a federated-user principal (arn:aws:sts::A:federated-user/N)", span)
    m = USER_ARN.match(value) if isinstance(value, str) else None
    if m is None:
        raise InputError("'parent_user' must be an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME)", span)
    if (m.group(1), m.group(2)) != (principal.partition, principal.account):
        raise InputError("'parent_user' must be a user of the federated user's own account", span)
    return replace(principal, parent=m.group(0))


def parse_principal(value: object, span: Span) -> RequestPrincipal:
    """Parse a case file's request principal: an ARN string, "anonymous", or {"Service"|"Federated"|...: v}."""
    if isinstance(value, dict):
        return _parse_principal_object(value, span)
    if not isinstance(value, str):
        raise InputError("request 'principal' must be a string or an object", span)
    if value == "anonymous":
        return RequestPrincipal(PrincipalType.ANONYMOUS, account=None)
    if _ACCOUNT.match(value):
        value = f"arn:aws:iam::{value}:root"
    if m := USER_ARN.match(value):
        return RequestPrincipal(PrincipalType.USER, m.group(1), m.group(2), name=m.group(3), arn=value)
    if m := _ROOT.match(value):
        return RequestPrincipal(PrincipalType.ROOT, m.group(1), m.group(2), arn=value)
    if m := _SESSION.match(value):
        return RequestPrincipal(
            PrincipalType.ROLE_SESSION, m.group(1), m.group(2), name=m.group(3), session=m.group(4), arn=value
        )
    if m := _FEDERATED.match(value):
        return RequestPrincipal(PrincipalType.FEDERATED_USER, m.group(1), m.group(2), name=m.group(3), arn=value)
    if _ROLE.match(value):
        raise InputError(
            "a role does not make requests; its sessions do: write the session ARN"
            " arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION",
            span,
        )
    raise InputError(
        f"request principal {value!r} is not an IAM user, root, role-session or federated-user ARN,"
        ' "anonymous", or an object such as {"Service": "apigateway.amazonaws.com"}',
        span,
    )


_OBJECT_KINDS = {
    "Service": PrincipalType.SERVICE,
    "Federated": PrincipalType.WEB_IDENTITY,
    "CanonicalUser": PrincipalType.CANONICAL_USER,
}


def _parse_principal_object(value: dict[object, object], span: Span) -> RequestPrincipal:
    if len(value) != 1:
        raise InputError("a request principal object has exactly one key: Service, Federated or CanonicalUser", span)
    ((key, inner),) = value.items()
    kind = _OBJECT_KINDS.get(str(key))
    if kind is None or not isinstance(inner, str) or not inner:
        raise InputError('a request principal object is {"Service"|"Federated"|"CanonicalUser": "name"}', span)
    return RequestPrincipal(kind, value=inner)


ContextValue = tuple[str, ...]


@dataclass(frozen=True)
class Request:
    """One concrete request. Context keys are stored lower-cased; empty values count as absent."""

    principal: RequestPrincipal
    action: str
    resource: str
    resource_account: str | None
    context: Mapping[str, ContextValue | None] = field(default_factory=dict)
    multivalued: frozenset[str] = frozenset()
    resource_account_assumed: bool = False
    aws_managed_key: bool = False  # the resource is an AWS-managed KMS key (RCPs do not apply to it, §4.3)

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0].lower()

    @property
    def cross_account(self) -> bool:
        return not self.principal.type.is_iam or self.principal.account != self.resource_account

    def derived_context(self) -> dict[str, ContextValue]:
        """Context keys AWS derives from the request, unless the context sets them."""
        derived = _derive_principal_keys(self.principal)
        if self.resource_account:
            derived["aws:resourceaccount"] = (self.resource_account,)
        return derived

    def lookup(self, key: str) -> ContextValue | None:
        """The values of a context key (case-insensitive), or None when absent."""
        lowered = key.lower()
        value = self.context[lowered] if lowered in self.context else self.derived_context().get(lowered)
        return value if value else None

    def is_multivalued(self, key: str) -> bool:
        """Written as a list in the context, or a derived multivalued key the context does not set."""
        lowered = key.lower()
        return lowered in self.multivalued or (lowered not in self.context and lowered in _DERIVED_MULTIVALUED)


_DERIVED_MULTIVALUED = frozenset({"aws:principalservicenameslist"})


def _derive_principal_keys(principal: RequestPrincipal) -> dict[str, ContextValue]:
    kind = principal.type
    keys: dict[str, ContextValue] = {}
    if kind is PrincipalType.ANONYMOUS:
        keys["aws:principalaccount"] = ("anonymous",)
        keys["aws:principaltype"] = ("Anonymous",)
        return keys
    if kind is PrincipalType.SERVICE and principal.value:
        keys["aws:principalisawsservice"] = ("true",)
        keys["aws:principalservicename"] = (principal.value,)
        keys["aws:principalservicenameslist"] = (principal.value,)
        return keys
    if not kind.is_iam:
        return keys
    assert principal.account is not None
    keys["aws:principalaccount"] = (principal.account,)
    keys["aws:principalisawsservice"] = ("false",)
    principal_arn = principal.role_arn or principal.arn
    if principal_arn:
        keys["aws:principalarn"] = (principal_arn,)
    keys["aws:principaltype"] = (_PRINCIPAL_TYPES[kind],)
    if kind is PrincipalType.USER and principal.name:
        keys["aws:username"] = (principal.name,)
    if kind is PrincipalType.ROOT:
        keys["aws:userid"] = (principal.account,)
    if kind is PrincipalType.FEDERATED_USER and principal.name:
        keys["aws:userid"] = (f"{principal.account}:{principal.name}",)
    return keys


_PRINCIPAL_TYPES = {
    PrincipalType.USER: "User",
    PrincipalType.ROLE_SESSION: "AssumedRole",
    PrincipalType.FEDERATED_USER: "FederatedUser",
    PrincipalType.ROOT: "Account",
}
