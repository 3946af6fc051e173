"""Lambda functions and permissions, and API Gateway REST APIs, of a Terraform plan.

API and resource ids are assigned at apply time; a plan links a method to its API and resource through
the configuration's references, and an API whose id is unknown gets a stable synthetic id derived from
its address (noted).
"""

from __future__ import annotations

from iamproof.parsing.json_tree import JString
from iamproof.world.cfn_template import synthetic_id
from iamproof.world.draft import ApiDraft, WorldDraft
from iamproof.world.lambda_permission import PermissionFields, function_arn, function_of_uri, permission_statement
from iamproof.world.model import Integration, Method
from iamproof.world.nodes import text
from iamproof.world.policy_nodes import policy_from_node
from iamproof.world.tf_plan import Plan, TfResource

_OPTIONAL = {
    "source_arn": "source_arn",
    "source_account": "source_account",
    "principal_org_id": "principal_org_id",
    "event_source_token": "event_source_token",
    "function_url_auth_type": "function_url_auth_type",
}


def load_lambda(plan: Plan, draft: WorldDraft) -> None:
    for resource in plan.of_type("aws_lambda_function"):
        draft.add_function(_function_arn(plan, draft, resource), resource.address, resource.span)
    for resource in plan.of_type("aws_lambda_permission"):
        _permission(plan, draft, resource)


def _function_arn(plan: Plan, draft: WorldDraft, resource: TfResource) -> str:
    arn = text(plan.value(resource, "arn"))
    if arn is not None:
        return arn
    name = plan.text(resource, "function_name")
    value = name.value if name is not None else resource.address
    return function_arn(value, account=draft.account, region=draft.region, partition=draft.partition)


def _permission(plan: Plan, draft: WorldDraft, resource: TfResource) -> None:
    action, principal = plan.text(resource, "action"), plan.text(resource, "principal")
    name = plan.known(resource, "function_name")
    target = plan.referenced(resource, "function_name", "aws_lambda_function")
    if name is None and target is not None:
        name = JString(_function_arn(plan, draft, target), plan.unknown_span(resource, "function_name"))
    elif name is None:
        name = plan.text(resource, "function_name")
    if action is None or principal is None or name is None:
        draft.note(f"{resource.span}: {resource.address} lacks action, principal or function_name")
        return
    arn = function_arn(name.value, account=draft.account, region=draft.region, partition=draft.partition)
    qualifier = text(plan.value(resource, "qualifier"))
    if qualifier:
        arn = f"{arn}:{qualifier}"
    optional = {key: plan.text(resource, attribute) for key, attribute in _OPTIONAL.items()}
    fields = PermissionFields(
        sid=text(plan.value(resource, "statement_id")) or resource.address,
        span=resource.span,
        action=action,
        principal=principal,
        resource=JString(arn, name.span),
        **optional,
    )
    draft.add_permission(arn, permission_statement(fields))


def load_apis(plan: Plan, draft: WorldDraft) -> None:
    for resource in plan.of_type("aws_api_gateway_rest_api"):
        api = _api(plan, draft, resource)
        document = plan.document(resource, "policy")
        if document is not None and document.value:
            api.policy = policy_from_node(document, f"the policy of {resource.address}")
            draft.add_policy(f"{resource.address}/resource-policy", api.policy, "resource")
    for resource in plan.of_type("aws_api_gateway_rest_api_policy"):
        target = _api_of(plan, draft, resource)
        document = plan.document(resource, "policy")
        if target is not None and document is not None:
            target.policy = policy_from_node(document, f"the policy of {resource.address}")
            draft.add_policy(resource.address, target.policy, "resource")
    for resource in plan.of_type("aws_api_gateway_stage", "aws_api_gateway_deployment"):
        target, stage = _api_of(plan, draft, resource), text(plan.value(resource, "stage_name"))
        if target is not None and stage:
            target.stages.append(stage)
    integrations = {_method_key(plan, r): r for r in plan.of_type("aws_api_gateway_integration")}
    for resource in plan.of_type("aws_api_gateway_method"):
        _method(plan, draft, resource, integrations.get(_method_key(plan, resource)))


def _api(plan: Plan, draft: WorldDraft, resource: TfResource) -> ApiDraft:
    found = draft.apis.get(resource.address)
    if found is None:
        api_id = text(plan.value(resource, "id"))
        if api_id is None:
            api_id = synthetic_id(resource.address)
            draft.note(f"API {resource.address} is given the synthetic id {api_id} (the real id is assigned at apply)")
        name = text(plan.value(resource, "name")) or resource.address
        found = ApiDraft(resource.address, api_id, name, resource.span)
        draft.apis[resource.address] = found
    return found


def _api_of(plan: Plan, draft: WorldDraft, resource: TfResource) -> ApiDraft | None:
    known = text(plan.value(resource, "rest_api_id"))
    if known is not None:
        return next((api for api in draft.apis.values() if api.id == known), None)
    target = plan.referenced(resource, "rest_api_id", "aws_api_gateway_rest_api")
    return draft.apis.get(target.address) if target is not None else None


def _resource_address(plan: Plan, resource: TfResource, attribute: str) -> str | None:
    """The address of the API resource (or `<api address>/` for a root resource) an attribute names."""
    known = text(plan.value(resource, attribute))
    if known is not None:
        for candidate in plan.of_type("aws_api_gateway_resource"):
            if text(plan.value(candidate, "id")) == known:
                return candidate.address
        for api in plan.of_type("aws_api_gateway_rest_api"):
            if text(plan.value(api, "root_resource_id")) == known:
                return api.address + "/"
        return None
    target = plan.referenced(resource, attribute, "aws_api_gateway_resource", "aws_api_gateway_rest_api")
    if target is None:
        return None
    return target.address + "/" if target.type == "aws_api_gateway_rest_api" else target.address


def _path(plan: Plan, address: str | None, depth: int = 0) -> str | None:
    if address is None or depth > 64:
        return None
    if address.endswith("/"):
        return "/"
    resource = plan.resources.get(address)
    if resource is None:
        return None
    known = text(plan.value(resource, "path"))
    if known:
        return known
    parent = _path(plan, _resource_address(plan, resource, "parent_id"), depth + 1)
    part = text(plan.value(resource, "path_part"))
    return None if parent is None or part is None else parent.rstrip("/") + "/" + part


def _method_key(plan: Plan, resource: TfResource) -> tuple[str | None, str]:
    verb = (text(plan.value(resource, "http_method")) or "").upper()
    return _resource_address(plan, resource, "resource_id"), verb


def _method(plan: Plan, draft: WorldDraft, resource: TfResource, integration: TfResource | None) -> None:
    api = _api_of(plan, draft, resource)
    address, verb = _method_key(plan, resource)
    path = _path(plan, address)
    if api is None or path is None or not verb:
        draft.note(f"{resource.span}: {resource.address} is not linked to an API resource of the plan")
        return
    authorization = (text(plan.value(resource, "authorization")) or "NONE").upper()
    api.methods.append(Method(path, verb, authorization, _integration(plan, draft, integration), resource.span))


def _integration(plan: Plan, draft: WorldDraft, resource: TfResource | None) -> Integration | None:
    if resource is None:
        return None
    uri = plan.known(resource, "uri")
    function = function_of_uri(uri.value) if uri is not None else None
    target = plan.referenced(resource, "uri", "aws_lambda_function") if uri is None else None
    if target is not None:
        function = _function_arn(plan, draft, target)
        uri = JString(
            f"arn:{draft.partition}:apigateway:{draft.region}:lambda:path/2015-03-31/functions/{function}/invocations",
            resource.span,
        )
    elif uri is None:
        uri = plan.text(resource, "uri")
    return Integration(
        type=(text(plan.value(resource, "type")) or "").lower(),
        uri=uri.value if uri is not None else "",
        function_arn=function,
        credentials=_credentials(plan, draft, resource),
        span=resource.span,
    )


def _credentials(plan: Plan, draft: WorldDraft, resource: TfResource) -> str | None:
    known = plan.known(resource, "credentials")
    if known is not None:
        return known.value
    target = plan.referenced(resource, "credentials", "aws_iam_role")
    if target is not None and target.address in draft.principals:
        return draft.principals[target.address].arn
    value = plan.text(resource, "credentials")
    return value.value if value is not None else None
