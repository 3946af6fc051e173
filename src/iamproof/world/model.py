"""The world model: principals, resource policies and APIs of one account, as loaders build them.

Loaders (AWS CLI outputs, CloudFormation/SAM templates, Terraform plans) all produce a `World`;
every query works on any of them. Policies keep their source spans, so findings point into the
file they were read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from iamproof.ast import Policy
from iamproof.span import Span


@dataclass(frozen=True)
class NamedPolicy:
    """An inline policy (named by its policy name) or a managed policy (named by its ARN)."""

    name: str
    policy: Policy


@dataclass(frozen=True)
class Group:
    arn: str
    name: str
    policies: tuple[NamedPolicy, ...] = ()


@dataclass(frozen=True)
class User:
    arn: str
    name: str
    account: str
    policies: tuple[NamedPolicy, ...] = ()  # inline and attached, not those of its groups
    groups: tuple[str, ...] = ()  # group names
    boundary: NamedPolicy | None = None
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Role:
    arn: str
    name: str
    account: str
    trust: Policy | None = None  # AssumeRolePolicyDocument
    policies: tuple[NamedPolicy, ...] = ()  # inline and attached
    boundary: NamedPolicy | None = None
    tags: tuple[tuple[str, str], ...] = ()

    def session_arn(self, session: str = "session") -> str:
        partition = self.arn.split(":", 2)[1]
        return f"arn:{partition}:sts::{self.account}:assumed-role/{self.name}/{session}"


@dataclass(frozen=True)
class Function:
    """A Lambda function and its resource-based policy (None: no policy)."""

    arn: str  # unqualified: arn:aws:lambda:REGION:ACCOUNT:function:NAME
    policy: Policy | None = None
    span: Span | None = None  # where the world first mentions it

    @property
    def region(self) -> str:
        return self.arn.split(":")[3]

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    @property
    def name(self) -> str:
        return self.arn.split(":")[6]


IAM_CALLER_CREDENTIALS = "arn:aws:iam::*:user/*"  # integration credentials meaning "the caller's own identity"


@dataclass(frozen=True)
class Integration:
    type: str  # aws_proxy, aws, http, http_proxy, mock (lower-case)
    uri: str = ""
    function_arn: str | None = None  # the Lambda function the uri invokes, unqualified
    credentials: str | None = None  # a role ARN, IAM_CALLER_CREDENTIALS, or None (resource-policy mode)
    span: Span | None = None


@dataclass(frozen=True)
class Method:
    path: str  # resource path as in the export: "/orders/{id}"
    verb: str  # upper-case HTTP verb, or "ANY"
    authorization: str  # AWS_IAM, NONE, CUSTOM, COGNITO_USER_POOLS (upper-case)
    integration: Integration | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Api:
    id: str
    name: str
    region: str
    account: str
    stages: tuple[str, ...] = ()
    methods: tuple[Method, ...] = ()
    policy: Policy | None = None  # x-amazon-apigateway-policy
    span: Span | None = None

    def method_arn(self, method: Method, stage: str) -> str:
        """The execute-api ARN a call to `method` on `stage` is authorized against (ANY becomes `*`)."""
        verb = "*" if method.verb == "ANY" else method.verb
        return f"arn:aws:execute-api:{self.region}:{self.account}:{self.id}/{stage}/{verb}{method.path}"

    def arn_pattern(self) -> str:
        """Every method of every stage of this API."""
        return f"arn:aws:execute-api:{self.region}:{self.account}:{self.id}/*"


@dataclass(frozen=True)
class Placeholder:
    """A value the source does not determine (an unresolved intrinsic, a value known only after apply)."""

    text: str  # what stands in the policy or field in its place
    reason: str
    span: Span


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class World:
    account: str
    region: str
    users: tuple[User, ...] = ()
    groups: tuple[Group, ...] = ()
    roles: tuple[Role, ...] = ()
    functions: tuple[Function, ...] = ()
    apis: tuple[Api, ...] = ()
    scps: tuple[tuple[Policy, ...], ...] = ()  # levels from the root down; empty: not in an organization
    placeholders: tuple[Placeholder, ...] = ()
    sources: tuple[str, ...] = ()  # files the world was read from
    skipped: tuple[SkippedFile, ...] = ()  # files that were not recognised
    notes: tuple[str, ...] = field(default=())  # anything else the loader wants the user to see

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)

    def role(self, arn: str) -> Role | None:
        return next((r for r in self.roles if r.arn == arn or _without_path(r.arn) == _without_path(arn)), None)

    def function(self, arn: str) -> Function | None:
        base = unqualified_function_arn(arn)
        return next((f for f in self.functions if f.arn == base), None)

    def api(self, api_id: str) -> Api | None:
        return next((a for a in self.apis if a.id == api_id), None)


def _without_path(role_arn: str) -> str:
    head, _, rest = role_arn.partition(":role/")
    return f"{head}:role/{rest.rsplit('/', 1)[-1]}" if rest else role_arn


def unqualified_function_arn(arn: str) -> str:
    """`arn:aws:lambda:R:A:function:NAME[:QUALIFIER]` without its version or alias."""
    parts = arn.split(":")
    return ":".join(parts[:7]) if len(parts) > 7 and parts[5] == "function" else arn
