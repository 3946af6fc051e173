"""A Terraform plan (`terraform show -json plan.out`): its managed resources, their planned values, which
values are known only after apply, and the references of their configuration expressions.

Resources come from `planned_values.root_module` and its `child_modules`, and from `resource_changes`
(its `after` when planned_values lacks a resource; `after_unknown` marks the values known only after
apply). Resources being deleted are left out. `configuration` gives, for an unknown value, the
resources its expression refers to, which is how a method is linked to its API when ids are not known
yet. Fields the loader does not know are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from iamproof.errors import InputError
from iamproof.parsing.documents import read_text
from iamproof.parsing.json_tree import JArray, JBool, JNull, JObject, JString, JValue, parse_json
from iamproof.span import Span
from iamproof.world.nodes import member, text
from iamproof.world.placeholders import PlaceholderLog

_INDEX = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class TfResource:
    address: str
    type: str
    module: str  # "module.a.module.b." or ""
    values: JObject
    unknown: JValue | None
    span: Span


@dataclass
class Plan:
    file: str
    log: PlaceholderLog
    resources: dict[str, TfResource] = field(default_factory=dict)
    expressions: dict[str, JObject] = field(default_factory=dict)  # configuration address → expressions

    def of_type(self, *types: str) -> list[TfResource]:
        return [r for r in self.resources.values() if r.type in types]

    def value(self, resource: TfResource, attribute: str) -> JValue | None:
        found = member(resource.values, attribute)
        return None if isinstance(found, JNull) else found

    def is_unknown(self, resource: TfResource, attribute: str) -> bool:
        flag = member(resource.unknown, attribute)
        return isinstance(flag, JBool) and flag.value

    def known(self, resource: TfResource, attribute: str) -> JString | None:
        """A scalar attribute known at plan time, as a string node."""
        found = self.value(resource, attribute)
        value = text(found)
        if value is None or found is None:
            return None
        return found if isinstance(found, JString) else JString(value, found.span)

    def text(self, resource: TfResource, attribute: str) -> JString | None:
        """A string attribute; known only after apply → a placeholder; absent → None."""
        known = self.known(resource, attribute)
        if known is not None:
            return known
        if self.is_unknown(resource, attribute):
            return JString(self.unknown_placeholder(resource, attribute), self.unknown_span(resource, attribute))
        return None

    def document(self, resource: TfResource, attribute: str) -> JString | None:
        """A policy document attribute (a JSON string) known at plan time; unknown → reported, None."""
        known = self.known(resource, attribute)
        if known is None and self.is_unknown(resource, attribute):
            self.unknown_placeholder(resource, attribute)
        return known if known is not None and known.value else None

    def unknown_placeholder(self, resource: TfResource, attribute: str) -> str:
        refs = ", ".join(self.references(resource, attribute))
        reason = f"{resource.address}.{attribute} is known only after apply" + (f" (from {refs})" if refs else "")
        return self.log.add(
            "after-apply", f"{resource.address}.{attribute}", reason, self.unknown_span(resource, attribute)
        )

    def unknown_span(self, resource: TfResource, attribute: str) -> Span:
        if isinstance(resource.unknown, JObject):
            found = resource.unknown.get(attribute)
            if found is not None:
                return found.key_span
        return resource.span

    def references(self, resource: TfResource, attribute: str) -> list[str]:
        """The references of an attribute's configuration expression, as absolute addresses."""
        config_address = resource.module + _INDEX.sub("", resource.address.removeprefix(resource.module))
        expression = member(self.expressions.get(config_address), attribute)
        refs = member(expression, "references")
        found = []
        for item in refs.items if isinstance(refs, JArray) else ():
            value = text(item)
            if value is not None:
                found.append(resource.module + value)
        return found

    def referenced(self, resource: TfResource, attribute: str, *types: str) -> TfResource | None:
        """The resource of one of `types` that an attribute's expression refers to."""
        for ref in self.references(resource, attribute):
            parts = ref.split(".")
            for end in range(len(parts), 1, -1):
                candidate = ".".join(parts[:end])
                target = self.resources.get(candidate) or self._unique(candidate)
                if target is not None and target.type in types:
                    return target
        return None

    def _unique(self, config_address: str) -> TfResource | None:
        matches = [r for r in self.resources.values() if _INDEX.sub("", r.address) == config_address]
        return matches[0] if len(matches) == 1 else None


def read_plan(path: str, log: PlaceholderLog) -> Plan:
    root = parse_json(read_text(path), path)
    if not isinstance(root, JObject) or member(root, "format_version") is None:
        raise InputError("not a Terraform plan: expected the output of `terraform show -json`", root.span)
    plan = Plan(path, log)
    unknowns, afters = _changes(root)
    _planned(member(member(root, "planned_values"), "root_module"), plan, unknowns)
    for address, (kind, module, after, span) in afters.items():
        if address not in plan.resources and isinstance(after, JObject):
            plan.resources[address] = TfResource(address, kind, module, after, unknowns.get(address), span)
    _configuration(member(member(root, "configuration"), "root_module"), "", plan)
    return plan


def _changes(root: JObject) -> tuple[dict[str, JValue], dict[str, tuple[str, str, JValue | None, Span]]]:
    unknowns: dict[str, JValue] = {}
    afters: dict[str, tuple[str, str, JValue | None, Span]] = {}
    changes = member(root, "resource_changes")
    for change in changes.items if isinstance(changes, JArray) else ():
        address, kind = text(member(change, "address")), text(member(change, "type"))
        body = member(change, "change")
        if address is None or kind is None or text(member(change, "mode")) == "data":
            continue
        actions_node = member(body, "actions")
        actions = [text(a) for a in (actions_node.items if isinstance(actions_node, JArray) else ())]
        if actions == ["delete"]:
            afters.pop(address, None)
            continue
        unknown = member(body, "after_unknown")
        if unknown is not None:
            unknowns[address] = unknown
        module = text(member(change, "module_address"))
        afters[address] = (kind, f"{module}." if module else "", member(body, "after"), change.span)
    return unknowns, afters


def _planned(module: JValue | None, plan: Plan, unknowns: dict[str, JValue]) -> None:
    if module is None:
        return
    prefix = text(member(module, "address"))
    resources = member(module, "resources")
    for entry in resources.items if isinstance(resources, JArray) else ():
        address, kind, values = text(member(entry, "address")), text(member(entry, "type")), member(entry, "values")
        if address is None or kind is None or text(member(entry, "mode")) == "data":
            continue
        if not isinstance(values, JObject):
            values = JObject((), entry.span)
        plan.resources[address] = TfResource(
            address, kind, f"{prefix}." if prefix else "", values, unknowns.get(address), entry.span
        )
    children = member(module, "child_modules")
    for child in children.items if isinstance(children, JArray) else ():
        _planned(child, plan, unknowns)


def _configuration(module: JValue | None, prefix: str, plan: Plan) -> None:
    resources = member(module, "resources")
    for entry in resources.items if isinstance(resources, JArray) else ():
        address, expressions = text(member(entry, "address")), member(entry, "expressions")
        if address is not None and isinstance(expressions, JObject):
            plan.expressions[prefix + address] = expressions
    calls = member(module, "module_calls")
    for call in calls.members if isinstance(calls, JObject) else ():
        _configuration(member(call.value, "module"), f"{prefix}module.{call.key}.", plan)
