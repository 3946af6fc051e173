"""IAM resources of a template: roles, users, groups, inline policies, managed policies and attachments."""

from __future__ import annotations

from iamproof.ast import Policy
from iamproof.parsing.json_tree import JValue
from iamproof.world.cfn_template import CfnResource, Template
from iamproof.world.draft import ManagedDraft, PrincipalDraft, PrincipalKind
from iamproof.world.model import NamedPolicy
from iamproof.world.nodes import items, member, text, texts
from iamproof.world.policy_nodes import policy_from_node

_TARGETS: tuple[tuple[PrincipalKind, str], ...] = (("role", "Roles"), ("user", "Users"), ("group", "Groups"))
_PRINCIPAL_TYPES: dict[str, PrincipalKind] = {
    "AWS::IAM::Role": "role",
    "AWS::IAM::User": "user",
    "AWS::IAM::Group": "group",
}


def load_iam(template: Template) -> None:
    for resource in template.of_type(*_PRINCIPAL_TYPES):
        if resource.properties.span == resource.span and not resource.properties.members:
            continue  # a SAM-generated role, filled in by the SAM loader
        load_principal(template, resource, _PRINCIPAL_TYPES[resource.type])
    for resource in template.of_type("AWS::IAM::ManagedPolicy"):
        _load_managed(template, resource)
    for resource in template.of_type("AWS::IAM::Policy"):
        _load_policy(template, resource)


def load_principal(template: Template, resource: CfnResource, kind: PrincipalKind) -> PrincipalDraft:
    draft = template.draft
    logical = resource.logical
    principal = PrincipalDraft(kind, logical, template.name(logical), template.iam_arn(logical), resource.span)
    draft.principals[logical] = principal
    trust = template.prop(resource, "AssumeRolePolicyDocument")
    if kind == "role" and trust is not None:
        principal.trust = policy_from_node(trust, f"the trust policy of {logical}")
        draft.add_policy(f"{logical}/trust", principal.trust, "trust")
    for index, entry in enumerate(items(template.prop(resource, "Policies"))):
        named = inline_policy(template, logical, entry, index)
        if named is not None:
            principal.policies.append(named)
    principal.managed.extend(texts(template.prop(resource, "ManagedPolicyArns")))
    boundary = texts(template.prop(resource, "PermissionsBoundary"))
    principal.boundary = boundary[0] if boundary else None
    principal.groups.extend(name for name, _ in texts(template.prop(resource, "Groups")))
    for tag in items(template.prop(resource, "Tags")):
        key, value = text(member(tag, "Key")), text(member(tag, "Value"))
        if key is not None and value is not None:
            principal.tags.append((key, value))
    return principal


def inline_policy(template: Template, owner: str, entry: JValue, index: int) -> NamedPolicy | None:
    """One item of a `Policies` list: {PolicyName, PolicyDocument}."""
    name = text(member(entry, "PolicyName")) or f"policy{index}"
    document = member(entry, "PolicyDocument")
    if document is None:
        template.draft.note(f"{entry.span}: inline policy {name!r} of {owner} has no PolicyDocument")
        return None
    policy = policy_from_node(document, f"policy {name!r} of {owner}")
    template.draft.add_policy(f"{owner}/{name}", policy, "identity")
    return NamedPolicy(name, policy)


def _document(template: Template, resource: CfnResource) -> Policy | None:
    document = template.prop(resource, "PolicyDocument")
    if document is None:
        template.draft.note(f"{resource.span}: {resource.logical} has no PolicyDocument")
        return None
    return policy_from_node(document, f"the PolicyDocument of {resource.logical}")


def _load_managed(template: Template, resource: CfnResource) -> None:
    policy = _document(template, resource)
    if policy is None:
        return
    arn = template.iam_arn(resource.logical)
    template.draft.managed[arn] = ManagedDraft(resource.logical, arn, policy)
    for kind, key in _TARGETS:
        for name, span in texts(template.prop(resource, key)):
            template.draft.attachments.append((arn, kind, name, span))


def _load_policy(template: Template, resource: CfnResource) -> None:
    policy = _document(template, resource)
    if policy is None:
        return
    name = template.name(resource.logical)
    template.draft.add_policy(f"{resource.logical}/{name}", policy, "identity")
    named = NamedPolicy(name, policy)
    for kind, key in _TARGETS:
        for target, span in texts(template.prop(resource, key)):
            template.draft.inline.append((kind, target, named, span))
