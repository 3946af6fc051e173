"""Lambda functions, Lambda permissions and API Gateway REST APIs of a template."""

from __future__ import annotations

from iamproof.parsing.json_tree import JString, JValue
from iamproof.span import Span
from iamproof.world.cfn_template import CfnResource, Template, synthetic_id
from iamproof.world.draft import ApiDraft
from iamproof.world.lambda_permission import PermissionFields, function_arn, function_of_uri, permission_statement
from iamproof.world.model import Integration, Method
from iamproof.world.nodes import member, text
from iamproof.world.policy_nodes import policy_from_node

_PERMISSION_FIELDS = {
    "source_arn": "SourceArn",
    "source_account": "SourceAccount",
    "principal_org_id": "PrincipalOrgID",
    "event_source_token": "EventSourceToken",
    "function_url_auth_type": "FunctionUrlAuthType",
}


def load_lambda(template: Template) -> None:
    for resource in template.of_type("AWS::Lambda::Function"):
        template.draft.add_function(template.function_arn(resource.logical), resource.logical, resource.span)
    for resource in template.of_type("AWS::Lambda::Permission"):
        _load_permission(template, resource)


def _string_prop(template: Template, resource: CfnResource, key: str) -> JString | None:
    node = template.prop(resource, key)
    value = text(node)
    return None if node is None or value is None else JString(value, node.span)


def _load_permission(template: Template, resource: CfnResource) -> None:
    action = _string_prop(template, resource, "Action")
    principal = _string_prop(template, resource, "Principal")
    name = _string_prop(template, resource, "FunctionName")
    if action is None or principal is None or name is None:
        template.draft.note(f"{resource.span}: permission {resource.logical} lacks Action, Principal or FunctionName")
        return
    draft = template.draft
    arn = function_arn(name.value, account=draft.account, region=draft.region, partition=draft.partition)
    optional = {field: _string_prop(template, resource, key) for field, key in _PERMISSION_FIELDS.items()}
    fields = PermissionFields(
        sid=resource.logical,
        span=resource.span,
        action=action,
        principal=principal,
        resource=JString(arn, name.span),
        **optional,
    )
    draft.add_permission(arn, permission_statement(fields))


def load_apis(template: Template) -> None:
    for resource in template.of_type("AWS::ApiGateway::RestApi"):
        api = api_draft(template, resource)
        policy = template.prop(resource, "Policy")
        if policy is not None:
            api.policy = policy_from_node(policy, f"the resource policy of {resource.logical}")
            template.draft.add_policy(f"{resource.logical}/resource-policy", api.policy, "resource")
        if member(resource.properties, "Body") is not None or member(resource.properties, "BodyS3Location"):
            template.draft.note(f"{resource.span}: the OpenAPI body of {resource.logical} is not read for methods")
    for resource in template.of_type("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"):
        stage = template.prop_text(resource, "StageName")
        target = find_api(template, template.prop_text(resource, "RestApiId"))
        if stage and target is not None:
            target.stages.append(stage)
    paths = _resource_paths(template)
    for resource in template.of_type("AWS::ApiGateway::Method"):
        _load_method(template, resource, paths)


def api_draft(template: Template, resource: CfnResource) -> ApiDraft:
    logical = resource.logical
    found = template.draft.apis.get(logical)
    if found is None:
        found = ApiDraft(logical, template.api_id(logical), template.name(logical), resource.span)
        template.draft.apis[logical] = found
    return found


def find_api(template: Template, api_id: str | None) -> ApiDraft | None:
    return next((api for api in template.draft.apis.values() if api.id == api_id), None)


def _resource_paths(template: Template) -> dict[str, str]:
    """Resource id (synthetic, or an API's root resource id) → its path."""
    roots = {synthetic_id(api.key, "root:"): "/" for api in template.draft.apis.values()}
    resources = template.of_type("AWS::ApiGateway::Resource")
    parents = {synthetic_id(r.logical, "resource:"): r for r in resources}
    paths: dict[str, str] = dict(roots)

    def path_of(resource_id: str, depth: int = 0) -> str | None:
        if resource_id in paths:
            return paths[resource_id]
        resource = parents.get(resource_id)
        if resource is None or depth > 64:
            return None
        parent = path_of(template.prop_text(resource, "ParentId") or "", depth + 1)
        part = template.prop_text(resource, "PathPart")
        if parent is None or part is None:
            return None
        paths[resource_id] = parent.rstrip("/") + "/" + part
        return paths[resource_id]

    for resource_id in parents:
        path_of(resource_id)
    return paths


def _load_method(template: Template, resource: CfnResource, paths: dict[str, str]) -> None:
    api = find_api(template, template.prop_text(resource, "RestApiId"))
    path = paths.get(template.prop_text(resource, "ResourceId") or "")
    verb = (template.prop_text(resource, "HttpMethod") or "").upper()
    if api is None or path is None or not verb:
        template.draft.note(f"{resource.span}: method {resource.logical} is not linked to an API resource of the file")
        return
    authorization = (template.prop_text(resource, "AuthorizationType") or "NONE").upper()
    integration = _integration(template.prop(resource, "Integration"), resource.span)
    api.methods.append(Method(path, verb, authorization, integration, resource.span))


def _integration(node: JValue | None, span: Span) -> Integration | None:
    if node is None:
        return None
    uri = text(member(node, "Uri")) or ""
    return Integration(
        type=(text(member(node, "Type")) or "").lower(),
        uri=uri,
        function_arn=function_of_uri(uri),
        credentials=text(member(node, "Credentials")),
        span=node.span if node.span else span,
    )
