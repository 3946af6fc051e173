"""A Lambda permission (CloudFormation `AWS::Lambda::Permission`, Terraform `aws_lambda_permission`) as the
statement Lambda's AddPermission adds to the function policy.

AddPermission writes: a service principal as `{"Service": ...}`, an account ID as
`{"AWS": "arn:aws:iam::ACCOUNT:root"}`, an ARN as `{"AWS": ARN}`, `*` as `"*"`; `SourceArn` as
`ArnLike aws:SourceArn`, `SourceAccount` as `StringEquals aws:SourceAccount`, `PrincipalOrgID` as
`StringEquals aws:PrincipalOrgID`, `EventSourceToken` as `StringEquals lambda:EventSourceToken` and
`FunctionUrlAuthType` as `StringEquals lambda:FunctionUrlAuthType`. The statement is built as a
positioned node, each part at the span of the field it came from, and goes through the policy builder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iamproof.parsing.json_tree import JObject, JString, JValue
from iamproof.span import Span
from iamproof.world.nodes import obj, string
from iamproof.world.placeholders import has_placeholder

_ACCOUNT = re.compile(r"\d{12}")


@dataclass(frozen=True)
class PermissionFields:
    sid: str
    span: Span  # the permission as a whole
    action: JString
    principal: JString
    resource: JString  # the function ARN (qualified when the permission names a version or alias)
    source_arn: JString | None = None
    source_account: JString | None = None
    principal_org_id: JString | None = None
    event_source_token: JString | None = None
    function_url_auth_type: JString | None = None


def permission_statement(fields: PermissionFields) -> JObject:
    action = fields.action.value if ":" in fields.action.value else f"lambda:{fields.action.value}"
    pairs: list[tuple[str, JValue]] = [
        ("Sid", string(fields.sid, fields.span)),
        ("Effect", string("Allow", fields.span)),
        ("Principal", _principal(fields.principal, fields.resource)),
        ("Action", string(action, fields.action.span)),
        ("Resource", fields.resource),
    ]
    conditions = _conditions(fields)
    if conditions is not None:
        pairs.append(("Condition", conditions))
    return obj(pairs, fields.span)


def _principal(principal: JString, resource: JString) -> JValue:
    value, span = principal.value, principal.span
    if value == "*":
        return string("*", span)
    if _ACCOUNT.fullmatch(value):
        partition = resource.value.split(":")[1] if resource.value.startswith("arn:") else "aws"
        return obj([("AWS", string(f"arn:{partition}:iam::{value}:root", span))], span)
    if value.startswith("arn:") or has_placeholder(value) or "." not in value:
        return obj([("AWS", string(value, span))], span)
    return obj([("Service", string(value, span))], span)


def _conditions(fields: PermissionFields) -> JObject | None:
    equals: list[tuple[str, JValue]] = []
    for key, node in (
        ("AWS:SourceAccount", fields.source_account),
        ("aws:PrincipalOrgID", fields.principal_org_id),
        ("lambda:EventSourceToken", fields.event_source_token),
        ("lambda:FunctionUrlAuthType", fields.function_url_auth_type),
    ):
        if node is not None:
            equals.append((key, node))
    blocks: list[tuple[str, JValue]] = []
    if equals:
        blocks.append(("StringEquals", obj(equals, equals[0][1].span)))
    if fields.source_arn is not None:
        blocks.append(("ArnLike", obj([("AWS:SourceArn", fields.source_arn)], fields.source_arn.span)))
    return obj(blocks, fields.span) if blocks else None


def function_arn(name: str, *, account: str, region: str, partition: str) -> str:
    """A FunctionName as Lambda accepts it (name, `ACCOUNT:function:NAME`, ARN; any with a qualifier) → ARN."""
    if name.startswith("arn:"):
        return name
    parts = name.split(":")
    if len(parts) >= 3 and parts[1] == "function":
        return f"arn:{partition}:lambda:{region}:{':'.join(parts)}"
    return f"arn:{partition}:lambda:{region}:{account}:function:{name}"


_INVOKE_URI = re.compile(r"arn:[^:]+:apigateway:[^:]*:lambda:path/[^/]+/functions/(.+)/invocations")


def function_of_uri(uri: str) -> str | None:
    """The unqualified function ARN an API Gateway Lambda integration URI invokes, if it is one."""
    found = _INVOKE_URI.fullmatch(uri)
    if found is None or not found.group(1).startswith("arn:"):
        return None
    parts = found.group(1).split(":")
    return ":".join(parts[:7])
