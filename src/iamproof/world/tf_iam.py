"""IAM resources of a Terraform plan: roles, users, groups, policies and their attachments."""

from __future__ import annotations

from iamproof.parsing.json_tree import JObject, JString
from iamproof.world.draft import ManagedDraft, PrincipalDraft, PrincipalKind, WorldDraft
from iamproof.world.model import NamedPolicy
from iamproof.world.nodes import items, member, text, texts
from iamproof.world.policy_nodes import policy_from_node
from iamproof.world.tf_plan import Plan, TfResource

_PRINCIPALS: dict[str, PrincipalKind] = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group"}
_INLINE: dict[str, tuple[PrincipalKind, str]] = {
    "aws_iam_role_policy": ("role", "role"),
    "aws_iam_user_policy": ("user", "user"),
    "aws_iam_group_policy": ("group", "group"),
}
_TARGETS: tuple[tuple[PrincipalKind, str], ...] = (("role", "roles"), ("user", "users"), ("group", "groups"))
_ATTACHMENTS: dict[str, tuple[PrincipalKind, str]] = {
    "aws_iam_role_policy_attachment": ("role", "role"),
    "aws_iam_user_policy_attachment": ("user", "user"),
    "aws_iam_group_policy_attachment": ("group", "group"),
}


def load_iam(plan: Plan, draft: WorldDraft) -> None:
    for resource in plan.of_type(*_PRINCIPALS):
        _principal(plan, draft, resource, _PRINCIPALS[resource.type])
    for resource in plan.of_type("aws_iam_policy"):
        _managed(plan, draft, resource)
    for resource in plan.of_type(*_INLINE):
        _inline(plan, draft, resource)
    for resource in plan.of_type(*_ATTACHMENTS):
        kind, attribute = _ATTACHMENTS[resource.type]
        arn = policy_arn(plan, draft, resource)
        target = principal_name(plan, draft, resource, attribute, kind)
        if arn is not None and target is not None:
            draft.attachments.append((arn, kind, target, resource.span))
    for resource in plan.of_type("aws_iam_policy_attachment"):
        arn = policy_arn(plan, draft, resource)
        for kind, attribute in _TARGETS:
            for name, span in texts(plan.value(resource, attribute)):
                if arn is not None:
                    draft.attachments.append((arn, kind, name, span))
    for resource in plan.of_type("aws_iam_user_group_membership"):
        user = principal_name(plan, draft, resource, "user", "user")
        found = draft.find("user", user) if user else None
        if found is not None:
            found.groups.extend(name for name, _ in texts(plan.value(resource, "groups")))


def iam_arn(plan: Plan, draft: WorldDraft, resource: TfResource, kind: str) -> str:
    arn = plan.value(resource, "arn")
    if isinstance(arn, JString):
        return arn.value
    name = plan.text(resource, "name")
    path = text(plan.value(resource, "path")) or "/"
    return f"arn:{draft.partition}:iam::{draft.account}:{kind}{path}{name.value if name else resource.address}"


def _principal(plan: Plan, draft: WorldDraft, resource: TfResource, kind: PrincipalKind) -> None:
    name = plan.text(resource, "name")
    principal = PrincipalDraft(
        kind,
        resource.address,
        name.value if name else resource.address,
        iam_arn(plan, draft, resource, kind),
        resource.span,
    )
    draft.principals[resource.address] = principal
    if kind == "role":
        trust = plan.document(resource, "assume_role_policy")
        if trust is not None:
            principal.trust = policy_from_node(trust, f"the assume_role_policy of {resource.address}")
            draft.add_policy(f"{resource.address}/trust", principal.trust, "trust")
    for index, block in enumerate(items(plan.value(resource, "inline_policy"))):
        policy_name = text(member(block, "name")) or f"inline{index}"
        document = member(block, "policy")
        unknown = items(member(resource.unknown, "inline_policy"))
        flag = member(unknown[index], "policy") if index < len(unknown) else None
        if flag is not None and text(flag) == "true":
            reason = f"inline policy {policy_name!r} of {resource.address} is known only after apply"
            draft.log.add("after-apply", f"{resource.address}.inline_policy.{policy_name}", reason, block.span)
        elif isinstance(document, JString) and document.value:
            policy = policy_from_node(document, f"inline policy {policy_name!r} of {resource.address}")
            draft.add_policy(f"{resource.address}/{policy_name}", policy, "identity")
            principal.policies.append(NamedPolicy(policy_name, policy))
    principal.managed.extend(texts(plan.value(resource, "managed_policy_arns")))
    boundary = plan.text(resource, "permissions_boundary")
    principal.boundary = (boundary.value, boundary.span) if boundary is not None and boundary.value else None
    tags = plan.value(resource, "tags")
    for tag in tags.members if isinstance(tags, JObject) else ():
        value = text(tag.value)
        if value is not None:
            principal.tags.append((tag.key, value))


def _managed(plan: Plan, draft: WorldDraft, resource: TfResource) -> None:
    document = plan.document(resource, "policy")
    if document is None:
        return
    policy = policy_from_node(document, f"the policy of {resource.address}")
    arn = iam_arn(plan, draft, resource, "policy")
    draft.managed[arn] = ManagedDraft(resource.address, arn, policy)


def _inline(plan: Plan, draft: WorldDraft, resource: TfResource) -> None:
    kind, attribute = _INLINE[resource.type]
    document = plan.document(resource, "policy")
    target = principal_name(plan, draft, resource, attribute, kind)
    if document is None or target is None:
        return
    name = (plan.text(resource, "name") or JString(resource.address, resource.span)).value
    policy = policy_from_node(document, f"the policy of {resource.address}")
    draft.add_policy(resource.address, policy, "identity")
    draft.inline.append((kind, target, NamedPolicy(name, policy), resource.span))


def principal_name(
    plan: Plan, draft: WorldDraft, resource: TfResource, attribute: str, kind: PrincipalKind
) -> str | None:
    """The role/user/group name an attribute gives, following the configuration when unknown at plan time."""
    known = text(plan.value(resource, attribute))
    if known is not None:
        return known
    target = plan.referenced(resource, attribute, f"aws_iam_{kind}")
    if target is not None and target.address in draft.principals:
        return draft.principals[target.address].name
    value = plan.text(resource, attribute)
    return value.value if value is not None else None


def policy_arn(plan: Plan, draft: WorldDraft, resource: TfResource) -> str | None:
    known = text(plan.value(resource, "policy_arn"))
    if known is not None:
        return known
    target = plan.referenced(resource, "policy_arn", "aws_iam_policy")
    if target is not None:
        return iam_arn(plan, draft, target, "policy")
    value = plan.text(resource, "policy_arn")
    return value.value if value is not None else None
