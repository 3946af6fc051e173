"""Policy-bearing files, recognised by content: a policy document (or an AWS CLI output holding one), a
CloudFormation/SAM template (JSON or YAML), a Terraform plan (`terraform show -json`); anything else is not
policy-bearing. Each file yields its policies under stable ids, so that two versions of it can be matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from iamproof.ast import Policy
from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import policy_document_from_node, read_text
from iamproof.parsing.json_tree import JObject, JValue, parse_json
from iamproof.parsing.policy_builder import POLICY_KEYS
from iamproof.query.loading import infer_kind
from iamproof.span import Span
from iamproof.world.model import NamedPolicy, Placeholder, World

YAML_SUFFIXES = (".yaml", ".yml")
CANDIDATE_SUFFIXES = (".json", ".template", *YAML_SUFFIXES)
_WRAPPER_KEYS = ("PolicyVersion", "PolicyDocument", "Policy")
_TEMPLATE_KEYS = ("Resources", "AWSTemplateFormatVersion", "Transform")


class FileKind(Enum):
    POLICY = "policy"
    TEMPLATE = "template"
    PLAN = "plan"
    OTHER = "other"


@dataclass(frozen=True)
class GatePolicy:
    """One policy of a file: `id` is the logical id / address based name (the file path for a policy file)."""

    id: str
    policy: Policy
    kind: PolicyKind  # identity (identity policies, boundaries) or resource (resource and trust policies)
    role: str  # identity, resource, trust or boundary


@dataclass(frozen=True)
class PrincipalFacts:
    """What a user, group or role of a template or plan is given besides its inline policies."""

    kind: str  # user, group, role
    span: Span  # where to point at it (the file, when the model has no better place)
    attached: dict[str, Span]  # managed policy ARNs, and `group:NAME` for a user's groups
    boundary: str | None


@dataclass(frozen=True)
class PolicyFile:
    file: str
    kind: FileKind
    policies: tuple[GatePolicy, ...] = ()
    placeholders: tuple[Placeholder, ...] = ()
    reason: str = ""  # for OTHER: why the file is not policy-bearing
    notes: tuple[str, ...] = field(default=())
    principals: dict[str, PrincipalFacts] = field(default_factory=dict)  # by ARN


def is_candidate(path: str) -> bool:
    """Files whose content is looked at: JSON, YAML and `.template` files."""
    return path.lower().endswith(CANDIDATE_SUFFIXES)


def read_policy_file(
    path: str,
    *,
    name: str | None = None,
    parameters: dict[str, str] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> PolicyFile:
    """Read `path` (reported as `name`) and list its policies. A file that cannot be parsed raises InputError."""
    shown = name or path
    kind, root = classify(path)
    if kind is FileKind.OTHER:
        return PolicyFile(shown, kind, reason=_other_reason(root))
    if kind is FileKind.POLICY:
        assert root is not None
        document = policy_document_from_node(root)
        policy_kind = infer_kind(document.policy, document.shape)
        role = "resource" if policy_kind is PolicyKind.RESOURCE else "identity"
        return PolicyFile(shown, kind, (GatePolicy(shown, document.policy, policy_kind, role),))
    if kind is FileKind.PLAN:
        from iamproof.world.from_terraform import plan_contents

        world, enumerated = plan_contents(path, account=account, region=region)
    else:
        from iamproof.world.from_cloudformation import template_contents

        world, enumerated = template_contents(path, parameters=parameters, account=account, region=region)
    policies = tuple(GatePolicy(i, p, _policy_kind(role), role) for i, p, role in enumerated)
    return PolicyFile(shown, kind, policies, world.placeholders, notes=world.notes, principals=_principals(world))


def _principals(world: World) -> dict[str, PrincipalFacts]:
    facts: dict[str, PrincipalFacts] = {}
    whole = Span.whole_file(world.sources[0] if world.sources else "<file>")

    def managed(policies: tuple[NamedPolicy, ...]) -> dict[str, Span]:
        return {p.name: p.policy.span for p in policies if p.name.startswith("arn:")}

    for role in world.roles:
        boundary = role.boundary.name if role.boundary is not None else None
        facts[role.arn] = PrincipalFacts("role", whole, managed(role.policies), boundary)
    for user in world.users:
        attached = managed(user.policies) | {f"group:{g}": whole for g in user.groups}
        boundary = user.boundary.name if user.boundary is not None else None
        facts[user.arn] = PrincipalFacts("user", whole, attached, boundary)
    for group in world.groups:
        facts[group.arn] = PrincipalFacts("group", whole, managed(group.policies), None)
    return facts


def classify(path: str) -> tuple[FileKind, JValue | None]:
    """What a file holds, and its JSON tree when it is JSON. Malformed JSON or YAML raises InputError."""
    lower = path.lower()
    text = read_text(path)
    if lower.endswith(YAML_SUFFIXES) or (lower.endswith(".template") and not _looks_like_json(text)):
        return (FileKind.TEMPLATE if _yaml_template(path) else FileKind.OTHER), None
    if not _looks_like_json(text):
        return FileKind.OTHER, None
    root = parse_json(text, path)
    if not isinstance(root, JObject):
        return FileKind.OTHER, root
    keys = {m.key for m in root.members}
    if "format_version" in keys and keys & {"planned_values", "resource_changes"}:
        return FileKind.PLAN, root
    if keys & set(_TEMPLATE_KEYS):
        return FileKind.TEMPLATE, root
    if keys & set(POLICY_KEYS) or keys & set(_WRAPPER_KEYS):
        return FileKind.POLICY, root
    return FileKind.OTHER, root


def _looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith(("{", "["))


def _yaml_template(path: str) -> bool:
    from iamproof.world.cfn_decode import decode_document

    root = decode_document(path)
    return isinstance(root, JObject) and any(root.get(key) is not None for key in _TEMPLATE_KEYS)


def _other_reason(root: JValue | None) -> str:
    if root is None:
        return "not a policy, template or plan"
    return "JSON, but not a policy document, an AWS CLI output holding one, a template or a plan"


def _policy_kind(role: str) -> PolicyKind:
    return PolicyKind.RESOURCE if role in ("resource", "trust") else PolicyKind.IDENTITY
