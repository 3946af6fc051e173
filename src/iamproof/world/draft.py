"""What a template or plan loader collects before it becomes a `World`.

Loaders add principals, policies (inline, managed, attachments by name or ARN), Lambda permission
statements and APIs as they meet them, in any order; `WorldDraft.finish` links them up. A reference
the draft cannot follow (a managed policy, role or user that is not in the file) is reported as a
placeholder or a note, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from iamproof.ast import Policy
from iamproof.parsing.json_tree import JArray, JObject
from iamproof.span import Span
from iamproof.world.model import Api, Function, Group, Method, NamedPolicy, Role, User, World, unqualified_function_arn
from iamproof.world.nodes import obj, string
from iamproof.world.placeholders import PlaceholderLog
from iamproof.world.policy_nodes import policy_from_node

PolicyKind = Literal["identity", "resource", "trust", "boundary"]
PrincipalKind = Literal["role", "user", "group"]
EnumeratedPolicy = tuple[str, Policy, str]


@dataclass
class PrincipalDraft:
    kind: PrincipalKind
    key: str  # the logical id or resource address
    name: str
    arn: str
    span: Span
    trust: Policy | None = None
    policies: list[NamedPolicy] = field(default_factory=list)
    managed: list[tuple[str, Span]] = field(default_factory=list)
    boundary: tuple[str, Span] | None = None
    groups: list[str] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ManagedDraft:
    key: str
    arn: str
    policy: Policy


@dataclass
class ApiDraft:
    key: str
    id: str
    name: str
    span: Span
    policy: Policy | None = None
    stages: list[str] = field(default_factory=list)
    methods: list[Method] = field(default_factory=list)


@dataclass
class WorldDraft:
    account: str
    region: str
    partition: str = "aws"
    log: PlaceholderLog = field(default_factory=PlaceholderLog)
    notes: list[str] = field(default_factory=list)
    principals: dict[str, PrincipalDraft] = field(default_factory=dict)
    managed: dict[str, ManagedDraft] = field(default_factory=dict)  # by ARN
    attachments: list[tuple[str, PrincipalKind, str, Span]] = field(default_factory=list)
    inline: list[tuple[PrincipalKind, str, NamedPolicy, Span]] = field(default_factory=list)
    functions: dict[str, tuple[str, Span]] = field(default_factory=dict)  # ARN → (key, span)
    permissions: dict[str, list[JObject]] = field(default_factory=dict)  # function ARN → statements
    apis: dict[str, ApiDraft] = field(default_factory=dict)
    enumerated: list[EnumeratedPolicy] = field(default_factory=list)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def add_policy(self, policy_id: str, policy: Policy, kind: PolicyKind) -> None:
        self.enumerated.append((policy_id, policy, kind))

    def add_function(self, arn: str, key: str, span: Span) -> None:
        self.functions.setdefault(unqualified_function_arn(arn), (key, span))

    def add_permission(self, function: str, statement: JObject) -> None:
        base = unqualified_function_arn(function)
        if base not in self.functions:
            self.functions[base] = (base.rsplit(":", 1)[-1], statement.span)
            self.note(f"a permission names function {base}, which is not defined in the file")
        self.permissions.setdefault(base, []).append(statement)

    def find(self, kind: PrincipalKind, name: str) -> PrincipalDraft | None:
        return next((p for p in self.principals.values() if p.kind == kind and name in (p.name, p.arn)), None)

    def finish(self, sources: tuple[str, ...]) -> tuple[World, list[EnumeratedPolicy]]:
        self._link()
        roles, users, groups = [], [], []
        for draft in self.principals.values():
            policies = tuple(draft.policies) + tuple(self._managed(arn, span, draft) for arn, span in draft.managed)
            boundary = self._managed(*draft.boundary, draft) if draft.boundary else None
            if draft.kind == "role":
                roles.append(
                    Role(draft.arn, draft.name, self.account, draft.trust, policies, boundary, tuple(draft.tags))
                )
            elif draft.kind == "user":
                users.append(
                    User(
                        draft.arn, draft.name, self.account, policies, tuple(draft.groups), boundary, tuple(draft.tags)
                    )
                )
            else:
                groups.append(Group(draft.arn, draft.name, policies))
        enumerated = list(self.enumerated) + self._managed_entries()
        functions = []
        for arn, (key, span) in self.functions.items():
            policy = self._function_policy(arn, key, span)
            if policy is not None:
                enumerated.append((f"{key}/function-policy", policy, "resource"))
            functions.append(Function(arn, policy, span))
        apis = tuple(
            Api(
                a.id,
                a.name,
                self.region,
                self.account,
                tuple(dict.fromkeys(a.stages)),
                tuple(a.methods),
                a.policy,
                a.span,
            )
            for a in self.apis.values()
        )
        world = World(
            account=self.account,
            region=self.region,
            users=tuple(users),
            groups=tuple(groups),
            roles=tuple(roles),
            functions=tuple(functions),
            apis=apis,
            placeholders=self.log.items(),
            sources=sources,
            notes=tuple(self.notes),
        )
        return world, enumerated

    def _link(self) -> None:
        for kind, name, policy, span in self.inline:
            target = self.find(kind, name)
            if target is None:
                self.note(f"{span}: policy {policy.name!r} is attached to {kind} {name!r}, which is not in the file")
            else:
                target.policies.append(policy)
        for arn, kind, name, span in self.attachments:
            target = self.find(kind, name)
            if target is None:
                self.note(f"{span}: policy {arn} is attached to {kind} {name!r}, which is not in the file")
            elif arn not in (a for a, _ in target.managed):
                target.managed.append((arn, span))
        self.inline, self.attachments = [], []

    def _managed(self, arn: str, span: Span, owner: PrincipalDraft) -> NamedPolicy:
        found = self.managed.get(arn)
        if found is not None:
            return NamedPolicy(arn, found.policy)
        reason = f"the document of managed policy {arn} (used by {owner.kind} {owner.name}) is not in the file"
        self.log.add("ManagedPolicy", arn, reason, span)
        self.note(f"{span}: managed policy {arn} is not in the file; {owner.kind} {owner.name} is modelled without it")
        return NamedPolicy(arn, _empty_policy(span))

    def _managed_entries(self) -> list[EnumeratedPolicy]:
        boundaries = {d.boundary[0] for d in self.principals.values() if d.boundary}
        attached = {arn for d in self.principals.values() for arn, _ in d.managed}
        entries: list[EnumeratedPolicy] = []
        for arn, managed in self.managed.items():
            kind = "boundary" if arn in boundaries and arn not in attached else "identity"
            entries.append((managed.key, managed.policy, kind))
        return entries

    def _function_policy(self, arn: str, key: str, span: Span) -> Policy | None:
        statements = self.permissions.get(arn)
        if not statements:
            return None
        document = obj(
            [
                ("Version", string("2012-10-17", span)),
                ("Id", string("default", span)),
                ("Statement", JArray(tuple(statements), span)),
            ],
            span,
        )
        return policy_from_node(document, f"the permissions of function {key}")


def _empty_policy(span: Span) -> Policy:
    """A stand-in for a managed policy whose document is unknown: it grants nothing."""
    return Policy(version="2012-10-17", id=None, statements=(), span=span)
