"""`aws iam get-account-authorization-details` output → users, groups and roles with all their policies.

One file is one page (`UserDetailList`, `GroupDetailList`, `RoleDetailList`, `Policies`, plus
`IsTruncated`/`Marker` or `NextToken` when paginated). Pages are read one by one and merged afterwards,
because a managed policy attached in one page may be defined in another. Documents may be decoded
objects (the CLI) or URL-encoded JSON strings (the raw API); both keep positions in the file.

Attachments are resolved strictly: a managed policy, permissions boundary or group that is used but
not defined in any page is an InputError at the place it is used. Modelling the principal without it
would silently under-approximate what the principal may do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.parsing.json_tree import JArray, JBool, JObject, JString, JValue
from iamproof.span import Span
from iamproof.world.load_fields import (
    document_policy,
    expect_object,
    expect_string,
    list_items,
    object_items,
    optional,
    optional_string,
    required,
    required_string,
)
from iamproof.world.model import Group, NamedPolicy, Role, User

DETAIL_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList")
POLICIES = "Policies"
VERSIONS = "PolicyVersionList"
_ACCOUNT = re.compile(r"\d{12}")


class PrincipalKind(Enum):
    USER = "user"
    GROUP = "group"
    ROLE = "role"


_LISTS = {
    PrincipalKind.USER: ("UserDetailList", "UserName", "UserPolicyList"),
    PrincipalKind.GROUP: ("GroupDetailList", "GroupName", "GroupPolicyList"),
    PrincipalKind.ROLE: ("RoleDetailList", "RoleName", "RolePolicyList"),
}


@dataclass(frozen=True)
class Reference:
    """A name or ARN used at `span` (an attached managed policy, a boundary, a group membership)."""

    name: str
    span: Span


@dataclass(frozen=True)
class PrincipalEntry:
    kind: PrincipalKind
    arn: str
    name: str
    span: Span
    inline: tuple[NamedPolicy, ...] = ()
    attached: tuple[Reference, ...] = ()
    boundary: Reference | None = None
    groups: tuple[Reference, ...] = ()
    trust: Policy | None = None
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ManagedEntry:
    arn: str
    policy: Policy
    span: Span


@dataclass(frozen=True)
class AuthorizationPage:
    principals: tuple[PrincipalEntry, ...]
    managed: tuple[ManagedEntry, ...]
    has_policies: bool  # the page has a `Policies` list (possibly empty)


@dataclass(frozen=True)
class Principals:
    users: tuple[User, ...]
    groups: tuple[Group, ...]
    roles: tuple[Role, ...]


def is_authorization_details(node: JObject) -> bool:
    """A page of get-account-authorization-details: a detail list, or a `Policies` list with versions
    (`aws iam list-policies` has a `Policies` list too, but without documents)."""
    if any(node.get(key) is not None for key in DETAIL_LISTS):
        return True
    policies = optional(node, POLICIES)
    items = policies.items if isinstance(policies, JArray) else ()
    return any(isinstance(item, JObject) and item.get(VERSIONS) is not None for item in items)


def read_authorization_page(node: JObject) -> AuthorizationPage:
    """Read one page; every field is checked, every document parsed with positions."""
    principals = tuple(
        _principal(kind, item)
        for kind, (key, _, _) in _LISTS.items()
        for item in object_items(node, key, "the output of get-account-authorization-details")
    )
    managed = tuple(_managed(item) for item in object_items(node, POLICIES, "the authorization details"))
    return AuthorizationPage(principals, managed, optional(node, POLICIES) is not None)


def _principal(kind: PrincipalKind, node: JObject) -> PrincipalEntry:
    _, name_key, inline_key = _LISTS[kind]
    what = f"a {kind.value} entry"
    name = required_string(node, name_key, what).value
    what = f"{kind.value} {name}"
    arn = _checked_arn(required_string(node, "Arn", what), kind)
    trust = None
    if kind is PrincipalKind.ROLE:
        trust = document_policy(
            required(node, "AssumeRolePolicyDocument", what), "AssumeRolePolicyDocument", f"the trust policy of {what}"
        )
    return PrincipalEntry(
        kind=kind,
        arn=arn,
        name=name,
        span=node.span,
        inline=tuple(_inline(item, what) for item in object_items(node, inline_key, what)),
        attached=tuple(_attached(item, what) for item in object_items(node, "AttachedManagedPolicies", what)),
        boundary=_boundary(node, what),
        groups=tuple(_group_name(item, what) for item in list_items(node, "GroupList", what)),
        trust=trust,
        tags=tuple(_tag(item, what) for item in object_items(node, "Tags", what)),
    )


def _checked_arn(node: JString, kind: PrincipalKind) -> str:
    parts = node.value.split(":", 5)
    if (
        len(parts) < 6
        or parts[2] != "iam"
        or not _ACCOUNT.fullmatch(parts[4])
        or not parts[5].startswith(f"{kind.value}/")
    ):
        raise InputError(
            f"{node.value!r} is not the ARN of an IAM {kind.value} (arn:aws:iam::ACCOUNT:{kind.value}/NAME)", node.span
        )
    return node.value


def _inline(node: JObject, owner: str) -> NamedPolicy:
    name = required_string(node, "PolicyName", f"an inline policy of {owner}").value
    document = required(node, "PolicyDocument", f"inline policy {name!r} of {owner}")
    return NamedPolicy(name, document_policy(document, "PolicyDocument", f"inline policy {name!r} of {owner}"))


def _attached(node: JObject, owner: str) -> Reference:
    arn = required_string(node, "PolicyArn", f"an attached managed policy of {owner}")
    return Reference(arn.value, arn.span)


def _boundary(node: JObject, owner: str) -> Reference | None:
    value = optional(node, "PermissionsBoundary")
    if value is None:
        return None
    boundary = expect_object(value, f"'PermissionsBoundary' of {owner}")
    kind = optional_string(boundary, "PermissionsBoundaryType", f"the permissions boundary of {owner}")
    if kind is not None and kind.value != "Policy":
        raise InputError(f"unsupported permissions boundary type {kind.value!r} (expected 'Policy')", kind.span)
    arn = required_string(boundary, "PermissionsBoundaryArn", f"the permissions boundary of {owner}")
    return Reference(arn.value, arn.span)


def _group_name(node: JValue, owner: str) -> Reference:
    name = expect_string(node, f"an item of 'GroupList' of {owner}")
    return Reference(name.value, name.span)


def _tag(node: JObject, owner: str) -> tuple[str, str]:
    what = f"a tag of {owner}"
    return required_string(node, "Key", what).value, required_string(node, "Value", what).value


def _managed(node: JObject) -> ManagedEntry:
    arn = required_string(node, "Arn", "a managed policy entry").value
    what = f"managed policy {arn}"
    versions = object_items(node, VERSIONS, what)
    defaults = [item for item in versions if _is_default(item, what)]
    if len(defaults) != 1:
        found = "no version" if not defaults else f"{len(defaults)} versions"
        raise InputError(f"{what}: {found} in {VERSIONS!r} has IsDefaultVersion true (expected one)", node.span)
    (default,) = defaults
    version = optional_string(default, "VersionId", f"a version of {what}")
    label = f"{what} (version {version.value})" if version is not None else what
    policy = document_policy(required(default, "Document", f"the default version of {what}"), "Document", label)
    return ManagedEntry(arn, policy, node.span)


def _is_default(node: JObject, what: str) -> bool:
    flag = optional(node, "IsDefaultVersion")
    if flag is None:
        return False
    if not isinstance(flag, JBool):
        raise InputError(f"'IsDefaultVersion' of a version of {what} must be true or false", flag.span)
    return flag.value


def merge_authorization_pages(pages: Sequence[AuthorizationPage]) -> Principals:
    """Merge pages into principals, resolving attachments, boundaries and group memberships across pages."""
    managed = _index_managed(pages)
    has_policies = any(page.has_policies for page in pages)
    entries = _index_principals(pages)
    groups = {e.name: e for e in entries if e.kind is PrincipalKind.GROUP}

    def policies(entry: PrincipalEntry) -> tuple[NamedPolicy, ...]:
        return entry.inline + tuple(_resolve(ref, entry, managed, has_policies) for ref in entry.attached)

    users, roles = [], []
    for entry in entries:
        boundary = _resolve(entry.boundary, entry, managed, has_policies) if entry.boundary else None
        account = _account(entry.arn)
        if entry.kind is PrincipalKind.USER:
            for group in entry.groups:
                if group.name not in groups:
                    raise InputError(
                        f"user {entry.name} is in group {group.name!r}, which no GroupDetailList in the files"
                        " defines; its policies would be missing (export all entity types)",
                        group.span,
                    )
            names = tuple(g.name for g in entry.groups)
            users.append(User(entry.arn, entry.name, account, policies(entry), names, boundary, entry.tags))
        elif entry.kind is PrincipalKind.ROLE:
            roles.append(Role(entry.arn, entry.name, account, entry.trust, policies(entry), boundary, entry.tags))
    group_list = tuple(Group(e.arn, e.name, policies(e)) for e in groups.values())
    return Principals(tuple(users), group_list, tuple(roles))


def _index_managed(pages: Sequence[AuthorizationPage]) -> dict[str, ManagedEntry]:
    found: dict[str, ManagedEntry] = {}
    for entry in (m for page in pages for m in page.managed):
        earlier = found.setdefault(entry.arn, entry)
        if earlier is not entry:
            raise InputError(f"managed policy {entry.arn} is defined twice (also at {earlier.span})", entry.span)
    return found


def _index_principals(pages: Sequence[AuthorizationPage]) -> list[PrincipalEntry]:
    found: dict[tuple[PrincipalKind, str], PrincipalEntry] = {}
    for entry in (p for page in pages for p in page.principals):
        earlier = found.setdefault((entry.kind, entry.arn), entry)
        if earlier is not entry:
            raise InputError(f"{entry.kind.value} {entry.arn} is listed twice (also at {earlier.span})", entry.span)
    return list(found.values())


def _resolve(
    ref: Reference, owner: PrincipalEntry, managed: dict[str, ManagedEntry], has_policies: bool
) -> NamedPolicy:
    entry = managed.get(ref.name)
    if entry is not None:
        return NamedPolicy(ref.name, entry.policy)
    hint = (
        "no page has a 'Policies' list: export with get-account-authorization-details without --filter"
        if not has_policies
        else "no entry of the 'Policies' lists defines it (were all pages exported?)"
    )
    raise InputError(
        f"managed policy {ref.name} is used by {owner.kind.value} {owner.name} but its document is not in the"
        f" files: {hint}",
        ref.span,
    )


def _account(arn: str) -> str:
    return arn.split(":")[4]
