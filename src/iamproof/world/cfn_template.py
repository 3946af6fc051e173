"""A decoded CloudFormation/SAM template: its resources, and the values `Ref`/`Fn::GetAtt` give them.

Physical names are what the template determines: a role's Ref is its RoleName (else its logical id,
as CloudFormation would generate a name from the stack name and a random suffix, which is unknown
here); an ARN is built from that name, the path, the account and the region. An API's id is a stable
synthetic id derived from its logical id (recorded in a note).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from iamproof.parsing.json_tree import JObject, JString, JValue
from iamproof.span import Span
from iamproof.world.cfn_intrinsics import Resolver
from iamproof.world.draft import WorldDraft
from iamproof.world.nodes import member, text

IMPLICIT_API = "ServerlessRestApi"
_NAME_PROPERTY = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::Policy": "PolicyName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::ApiGateway::RestApi": "Name",
    "AWS::Serverless::Api": "Name",
    "AWS::ApiGateway::Stage": "StageName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Serverless::SimpleTable": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::Kinesis::Stream": "Name",
}
_IAM_KINDS = {"AWS::IAM::Role": "role", "AWS::IAM::User": "user", "AWS::IAM::Group": "group"}
_API_TYPES = ("AWS::ApiGateway::RestApi", "AWS::Serverless::Api")
_FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


@dataclass(frozen=True)
class CfnResource:
    logical: str
    type: str
    properties: JObject
    span: Span
    condition: str | None = None


def synthetic_id(logical: str, prefix: str = "") -> str:
    """A stable 10-character API Gateway-style id for a logical id."""
    digest = int(hashlib.sha256(f"{prefix}{logical}".encode()).hexdigest(), 16)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    chars = []
    for _ in range(10):
        digest, index = divmod(digest, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


class Template:
    def __init__(self, root: JObject, resolver: Resolver, draft: WorldDraft) -> None:
        self.root = root
        self.resolver = resolver
        self.draft = draft
        self.resources = _resources(root)
        self._naming: set[str] = set()
        resolver.resource_ref = self._ref
        resolver.resource_att = self._att

    @property
    def partition(self) -> str:
        return self.draft.partition

    def prop(self, resource: CfnResource, key: str) -> JValue | None:
        node = member(resource.properties, key)
        return None if node is None else self.resolver.resolve(node)

    def prop_text(self, resource: CfnResource, key: str) -> str | None:
        return text(self.prop(resource, key))

    def name(self, logical: str) -> str:
        """The physical name of a resource: its name property if the template sets it, else its logical id."""
        resource = self.resources.get(logical)
        if resource is None or logical in self._naming:
            return logical
        key = _NAME_PROPERTY.get(resource.type)
        if key is None or member(resource.properties, key) is None:
            return logical.lower() if resource.type == "AWS::S3::Bucket" else logical
        self._naming.add(logical)
        try:
            return self.prop_text(resource, key) or logical
        finally:
            self._naming.discard(logical)

    def iam_arn(self, logical: str) -> str:
        resource = self.resources[logical]
        kind = _IAM_KINDS.get(resource.type, "policy")
        path = self.prop_text(resource, "Path") or "/"
        return f"arn:{self.partition}:iam::{self.draft.account}:{kind}{path}{self.name(logical)}"

    def function_arn(self, logical: str) -> str:
        name = self.name(logical)
        return f"arn:{self.partition}:lambda:{self.draft.region}:{self.draft.account}:function:{name}"

    def api_id(self, logical: str) -> str:
        api_id = synthetic_id(logical)
        self.draft.note(f"API {logical} is given the synthetic id {api_id} (the real id is assigned at deployment)")
        return api_id

    def of_type(self, *types: str) -> list[CfnResource]:
        return [r for r in self.resources.values() if r.type in types and self.included(r)]

    def included(self, resource: CfnResource) -> bool:
        """Whether a resource is created: its Condition holds (an undecidable one counts as created, noted)."""
        if resource.condition is None:
            return True
        decided = self.resolver.condition(resource.condition)
        if decided is None:
            self.draft.note(
                f"{resource.span}: condition {resource.condition} of {resource.logical} is undecidable;"
                " the resource is modelled as created"
            )
        return decided is not False

    # --- Ref and GetAtt of resources -------------------------------------------------------------------

    def _ref(self, logical: str, span: Span) -> JValue | None:
        resource = self.resources.get(logical)
        if resource is None:
            return None
        kind = resource.type
        refs: dict[str, Callable[[], str]] = {
            "AWS::IAM::ManagedPolicy": lambda: self.iam_arn(logical),
            "AWS::ApiGateway::RestApi": lambda: self.api_id(logical),
            "AWS::Serverless::Api": lambda: self.api_id(logical),
            "AWS::ApiGateway::Resource": lambda: synthetic_id(logical, "resource:"),
            "AWS::ApiGateway::Deployment": lambda: synthetic_id(logical, "deployment:"),
            "AWS::SNS::Topic": lambda: self._arn("sns", self.name(logical)),
            "AWS::SQS::Queue": lambda: (
                f"https://sqs.{self.draft.region}.amazonaws.com/{self.draft.account}/" + self.name(logical)
            ),
        }
        if kind in refs:
            return JString(refs[kind](), span)
        if kind in _NAME_PROPERTY or kind == "AWS::IAM::Policy":
            return JString(self.name(logical), span)
        return self.resolver.placeholder(
            "Ref", logical, f"the physical id of {logical} ({kind}) is known only after deployment", span
        )

    def _att(self, logical: str, attribute: str, span: Span) -> JValue | None:
        resource = self.resources.get(logical)
        if resource is None:
            return None
        value = self._attribute(resource, attribute)
        return None if value is None else JString(value, span)

    def _attribute(self, resource: CfnResource, attribute: str) -> str | None:
        kind, logical = resource.type, resource.logical
        name = self.name(logical)
        if kind in _IAM_KINDS and attribute == "Arn":
            return self.iam_arn(logical)
        if kind == "AWS::IAM::ManagedPolicy" and attribute == "PolicyArn":
            return self.iam_arn(logical)
        if kind in _FUNCTION_TYPES and attribute == "Arn":
            return self.function_arn(logical)
        if kind in _API_TYPES and attribute == "RootResourceId":
            return synthetic_id(logical, "root:")
        arns = {
            ("AWS::S3::Bucket", "Arn"): lambda: f"arn:{self.partition}:s3:::{name}",
            ("AWS::DynamoDB::Table", "Arn"): lambda: self._arn("dynamodb", f"table/{name}"),
            ("AWS::Serverless::SimpleTable", "Arn"): lambda: self._arn("dynamodb", f"table/{name}"),
            ("AWS::SQS::Queue", "Arn"): lambda: self._arn("sqs", name),
            ("AWS::SQS::Queue", "QueueName"): lambda: name,
            ("AWS::SNS::Topic", "TopicArn"): lambda: self._arn("sns", name),
            ("AWS::SNS::Topic", "TopicName"): lambda: name,
            ("AWS::Logs::LogGroup", "Arn"): lambda: self._arn("logs", f"log-group:{name}:*"),
            ("AWS::Kinesis::Stream", "Arn"): lambda: self._arn("kinesis", f"stream/{name}"),
        }
        make = arns.get((kind, attribute))
        return make() if make is not None else None

    def _arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.draft.region}:{self.draft.account}:{resource}"


def _resources(root: JObject) -> dict[str, CfnResource]:
    found: dict[str, CfnResource] = {}
    resources = member(root, "Resources")
    if not isinstance(resources, JObject):
        return found
    for entry in resources.members:
        node = entry.value
        kind = text(member(node, "Type"))
        if kind is None:
            continue
        properties = member(node, "Properties")
        span = node.span
        props = properties if isinstance(properties, JObject) else JObject((), span)
        found[entry.key] = CfnResource(entry.key, kind, props, span, text(member(node, "Condition")))
    _add_sam_implicit(found)
    return found


def _add_sam_implicit(found: dict[str, CfnResource]) -> None:
    """SAM creates `ServerlessRestApi` for Api events without a RestApiId, and `<Function>Role` when a
    function names no Role."""
    for resource in list(found.values()):
        if resource.type != "AWS::Serverless::Function":
            continue
        if member(resource.properties, "Role") is None:
            role = f"{resource.logical}Role"
            found.setdefault(role, CfnResource(role, "AWS::IAM::Role", JObject((), resource.span), resource.span))
        events = member(resource.properties, "Events")
        for event in events.members if isinstance(events, JObject) else ():
            props = member(event.value, "Properties")
            if text(member(event.value, "Type")) == "Api" and member(props, "RestApiId") is None:
                found.setdefault(
                    IMPLICIT_API,
                    CfnResource(IMPLICIT_API, "AWS::Serverless::Api", JObject((), resource.span), resource.span),
                )
