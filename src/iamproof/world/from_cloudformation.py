"""CloudFormation and SAM templates (JSON or YAML) → a `World`, and the list of the policies they hold.

Parameters take the values given, else their defaults; the pseudo parameters AWS::AccountId,
AWS::Region and AWS::Partition come from the arguments (default 123456789012 and us-east-1, noted).
Everything the template does not determine is a placeholder (see `iamproof.world.placeholders`).
Every policy keeps spans into the template, so findings point at the template's lines.
"""

from __future__ import annotations

from iamproof.ast import Policy
from iamproof.parsing.json_tree import JObject
from iamproof.world.cfn_decode import decode_template
from iamproof.world.cfn_iam import load_iam
from iamproof.world.cfn_intrinsics import Resolver
from iamproof.world.cfn_lambda_api import load_apis, load_lambda
from iamproof.world.cfn_sam import load_sam
from iamproof.world.cfn_template import Template
from iamproof.world.draft import EnumeratedPolicy, WorldDraft
from iamproof.world.model import World
from iamproof.world.nodes import member

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


def load_template(
    path: str,
    *,
    parameters: dict[str, str] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> World:
    """Load the world a CloudFormation/SAM template describes."""
    return _load(path, parameters, account, region)[0]


def policies_of_template(
    path: str,
    *,
    parameters: dict[str, str] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> list[tuple[str, Policy, str]]:
    """Every policy of a template as (stable id, policy, kind), kind one of identity, resource, trust, boundary.

    Ids are `<LogicalId>/trust`, `<LogicalId>/<PolicyName>`, `<LogicalId>/resource-policy`,
    `<FunctionLogicalId>/function-policy` and a managed policy's logical id.
    """
    return _load(path, parameters, account, region)[1]


def template_contents(
    path: str,
    *,
    parameters: dict[str, str] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> tuple[World, list[EnumeratedPolicy]]:
    """The world of a template and its policies (as `policies_of_template` lists them), read once."""
    return _load(path, parameters, account, region)


def _load(
    path: str, parameters: dict[str, str] | None, account: str | None, region: str | None
) -> tuple[World, list[EnumeratedPolicy]]:
    root = decode_template(path)
    draft = WorldDraft(account or DEFAULT_ACCOUNT, region or DEFAULT_REGION)
    draft.partition = "aws-cn" if draft.region.startswith("cn-") else "aws-us-gov" if "-gov-" in draft.region else "aws"
    if account is None:
        draft.note(f"AWS::AccountId is taken as {DEFAULT_ACCOUNT} (no account given)")
    if region is None:
        draft.note(f"AWS::Region is taken as {DEFAULT_REGION} (no region given)")
    template = Template(root, _resolver(path, root, parameters or {}, draft), draft)
    _check_transform(root, draft)
    load_iam(template)
    load_lambda(template)
    load_apis(template)
    load_sam(template)
    return draft.finish((path,))


def _resolver(path: str, root: JObject, parameters: dict[str, str], draft: WorldDraft) -> Resolver:
    pseudo = {
        "AWS::AccountId": draft.account,
        "AWS::Region": draft.region,
        "AWS::Partition": draft.partition,
        "AWS::URLSuffix": "amazonaws.com.cn" if draft.partition == "aws-cn" else "amazonaws.com",
    }
    declared = member(root, "Parameters")
    for name in parameters:
        if member(declared, name) is None:
            draft.note(f"parameter {name} is given but the template does not declare it")
    return Resolver(
        file=path,
        log=draft.log,
        parameters=dict(parameters),
        pseudo=pseudo,
        template_parameters=declared if isinstance(declared, JObject) else None,
        mappings=_object(member(root, "Mappings")),
        conditions=_object(member(root, "Conditions")),
    )


def _object(node: object) -> JObject | None:
    return node if isinstance(node, JObject) else None


def _check_transform(root: JObject, draft: WorldDraft) -> None:
    transform = member(root, "Transform")
    if transform is None:
        return
    from iamproof.world.nodes import texts

    for name, span in texts(transform):
        if name not in ("AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"):
            draft.log.add("Transform", name, f"transform {name} is not applied", span)
