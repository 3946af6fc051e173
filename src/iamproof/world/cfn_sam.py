"""SAM resources, expanded the way the SAM transform does for what matters to access.

- `AWS::Serverless::Function`: the function; without `Role`, the generated `<Function>Role` that trusts
  lambda.amazonaws.com, with AWSLambdaBasicExecutionRole, each policy document of `Policies` as an inline
  policy `<Function>RolePolicy<i>` and each managed policy name or ARN attached. SAM policy templates
  (`{DynamoDBCrudPolicy: {...}}`) are not expanded: each is reported as a placeholder.
- `Events` of type Api: a method on the referenced API or on the implicit `ServerlessRestApi` (stages
  Prod and Stage), a Lambda proxy integration, and the permission SAM adds: apigateway.amazonaws.com
  with `aws:SourceArn` `arn:aws:execute-api:R:A:API/*/VERB/PATH` (path parameters as `*`). With
  AWS_IAM authorization the integration uses the caller's credentials (SAM's default InvokeRole
  CALLER_CREDENTIALS), unless InvokeRole says otherwise.
- `AWS::Serverless::Api`: its stage, `Auth.DefaultAuthorizer` and `Auth.ResourcePolicy.CustomStatements`.
"""

from __future__ import annotations

import re

from iamproof.parsing.json_tree import JArray, JObject, JString, JValue
from iamproof.span import Span
from iamproof.world.cfn_iam import inline_policy
from iamproof.world.cfn_lambda_api import api_draft
from iamproof.world.cfn_template import IMPLICIT_API, CfnResource, Template
from iamproof.world.draft import ApiDraft, PrincipalDraft
from iamproof.world.lambda_permission import PermissionFields, permission_statement
from iamproof.world.model import IAM_CALLER_CREDENTIALS, Integration, Method
from iamproof.world.nodes import array, member, obj, string, text, texts
from iamproof.world.policy_nodes import policy_from_node
from iamproof.world.sam_policy_templates import TemplateError, expand_policy_template

BASIC_EXECUTION = "arn:{partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
_PATH_PARAMETER = re.compile(r"\{[^}]*\}")
_RESOURCE_POLICY_KEYS = ("CustomStatements",)


def load_sam(template: Template) -> None:
    for resource in template.of_type("AWS::Serverless::Api"):
        _load_api(template, resource)
    for resource in template.of_type("AWS::Serverless::Function"):
        _load_function(template, resource)


def _auth(template: Template, api: CfnResource) -> JValue | None:
    auth = template.prop(api, "Auth")
    if auth is None:
        globals_api = member(member(template.root, "Globals"), "Api")
        found = member(globals_api, "Auth")
        auth = None if found is None else template.resolver.resolve(found)
    return auth


def _load_api(template: Template, resource: CfnResource) -> None:
    api = api_draft(template, resource)
    if resource.logical == IMPLICIT_API and not resource.properties.members:
        openapi = member(member(member(template.root, "Globals"), "Api"), "OpenApiVersion")
        api.stages.extend(["Prod"] if openapi is not None else ["Prod", "Stage"])
        template.draft.note(f"SAM's implicit API {IMPLICIT_API} is modelled with stages {', '.join(api.stages)}")
        return
    stage = template.prop_text(resource, "StageName")
    if stage:
        api.stages.append(stage)
    resource_policy = member(_auth(template, resource), "ResourcePolicy")
    if resource_policy is not None:
        _resource_policy(template, resource, api, resource_policy)
    if member(resource.properties, "DefinitionBody") is not None:
        template.draft.note(f"{resource.span}: the DefinitionBody of {resource.logical} is not read for methods")


def _resource_policy(template: Template, resource: CfnResource, api: ApiDraft, node: JValue) -> None:
    for entry in node.members if isinstance(node, JObject) else ():
        if entry.key not in _RESOURCE_POLICY_KEYS:
            template.draft.log.add(
                "SamResourcePolicy", entry.key, f"SAM ResourcePolicy {entry.key} is not expanded", entry.key_span
            )
    statements = member(node, "CustomStatements")
    if statements is None:
        return
    document = obj([("Version", string("2012-10-17", node.span)), ("Statement", statements)], node.span)
    api.policy = policy_from_node(document, f"the resource policy of {resource.logical}")
    template.draft.add_policy(f"{resource.logical}/resource-policy", api.policy, "resource")


def _load_function(template: Template, resource: CfnResource) -> None:
    arn = template.function_arn(resource.logical)
    template.draft.add_function(arn, resource.logical, resource.span)
    if member(resource.properties, "Role") is None:
        _generated_role(template, resource)
    events = template.prop(resource, "Events")
    for event in events.members if isinstance(events, JObject) else ():
        if text(member(event.value, "Type")) == "Api":
            _api_event(template, resource, arn, event.key, member(event.value, "Properties"), event.value.span)


def _generated_role(template: Template, resource: CfnResource) -> None:
    logical = f"{resource.logical}Role"
    draft = template.draft
    span = resource.span
    role = PrincipalDraft("role", logical, logical, template.iam_arn(logical), span)
    draft.principals[logical] = role
    trust = obj(
        [
            ("Version", string("2012-10-17", span)),
            (
                "Statement",
                array(
                    [
                        obj(
                            [
                                ("Effect", string("Allow", span)),
                                ("Principal", obj([("Service", string("lambda.amazonaws.com", span))], span)),
                                ("Action", string("sts:AssumeRole", span)),
                            ],
                            span,
                        )
                    ],
                    span,
                ),
            ),
        ],
        span,
    )
    role.trust = policy_from_node(trust, f"the trust policy SAM generates for {resource.logical}")
    draft.add_policy(f"{logical}/trust", role.trust, "trust")
    role.managed.append((BASIC_EXECUTION.format(partition=draft.partition), span))
    boundary = texts(template.prop(resource, "PermissionsBoundary"))
    role.boundary = boundary[0] if boundary else None
    policies = template.prop(resource, "Policies")
    entries = policies.items if isinstance(policies, JArray) else () if policies is None else (policies,)
    for index, entry in enumerate(entries):
        _function_policy(template, role, logical, entry, index)


def _function_policy(template: Template, role: PrincipalDraft, logical: str, entry: JValue, index: int) -> None:
    draft = template.draft
    if isinstance(entry, JString):
        value = entry.value
        arn = value if value.startswith("arn:") else f"arn:{draft.partition}:iam::aws:policy/{value}"
        role.managed.append((arn, entry.span))
    elif member(entry, "Statement") is not None:
        wrapped = obj(
            [("PolicyName", string(f"{logical}Policy{index}", entry.span)), ("PolicyDocument", entry)], entry.span
        )
        named = inline_policy(template, logical, wrapped, index)
        if named is not None:
            role.policies.append(named)
    elif isinstance(entry, JObject) and len(entry.members) == 1:
        name = entry.members[0].key
        try:
            document = expand_policy_template(name, entry.members[0].value, entry.span)
        except TemplateError as exc:
            draft.log.add("SamPolicyTemplate", name, f"{exc}; {logical} is modelled without it", entry.span)
            draft.note(f"{entry.span}: {exc}; {logical} is modelled without it")
            return
        resolved = template.resolver.resolve(document) or document
        wrapped = obj(
            [("PolicyName", string(f"{logical}Policy{index}", entry.span)), ("PolicyDocument", resolved)], entry.span
        )
        named = inline_policy(template, logical, wrapped, index)
        if named is not None:
            role.policies.append(named)
    else:
        draft.log.add("SamPolicy", str(index), f"policy {index} of {logical} is not recognised", entry.span)


def _api_event(
    template: Template, function: CfnResource, function_arn: str, event: str, props: JValue | None, span: Span
) -> None:
    draft = template.draft
    path = text(template.resolver.resolve(member(props, "Path") or JString("", span))) or ""
    verb = (text(template.resolver.resolve(member(props, "Method") or JString("", span))) or "").upper()
    api_ref = member(props, "RestApiId")
    api_id = template.resolver.resolve_text(api_ref) if api_ref is not None else None
    api_resource = template.resources.get(IMPLICIT_API) if api_ref is None else _api_by_id(template, api_id)
    if api_resource is None or not path or not verb:
        draft.note(f"{span}: Api event {event} of {function.logical} is not linked to an API of the file")
        return
    api = api_draft(template, api_resource)
    authorization, credentials = _authorization(template, api_resource, member(props, "Auth"))
    uri = f"arn:{draft.partition}:apigateway:{draft.region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    integration = Integration("aws_proxy", uri, function_arn, credentials, span)
    api.methods.append(Method(path, verb, authorization, integration, span))
    arn_path = _PATH_PARAMETER.sub("*", path)
    source = f"arn:{draft.partition}:execute-api:{draft.region}:{draft.account}:{api.id}/*/"
    source += ("*" if verb == "ANY" else verb) + arn_path
    fields = PermissionFields(
        sid=f"{function.logical}{event}Permission",
        span=span,
        action=JString("lambda:InvokeFunction", span),
        principal=JString("apigateway.amazonaws.com", span),
        resource=JString(function_arn, span),
        source_arn=JString(source, span),
    )
    draft.add_permission(function_arn, permission_statement(fields))


def _api_by_id(template: Template, api_id: str | None) -> CfnResource | None:
    for resource in template.of_type("AWS::Serverless::Api", "AWS::ApiGateway::RestApi"):
        if api_draft(template, resource).id == api_id:
            return resource
    return None


def _authorization(template: Template, api: CfnResource, event_auth: JValue | None) -> tuple[str, str | None]:
    api_auth = _auth(template, api) if api.properties.members else None
    resolved = template.resolver.resolve(event_auth) if event_auth is not None else None
    name = text(member(resolved, "Authorizer")) or text(member(api_auth, "DefaultAuthorizer")) or "NONE"
    if name == "AWS_IAM":
        role = text(member(resolved, "InvokeRole")) or text(member(api_auth, "InvokeRole")) or "CALLER_CREDENTIALS"
        credentials = IAM_CALLER_CREDENTIALS if role == "CALLER_CREDENTIALS" else None if role == "NONE" else role
        return "AWS_IAM", credentials
    if name == "NONE":
        return "NONE", None
    authorizer = member(member(api_auth, "Authorizers"), name)
    return ("COGNITO_USER_POOLS" if member(authorizer, "UserPoolArn") is not None else "CUSTOM"), None
