"""CloudFormation intrinsic functions, resolved where the template determines them.

`Resolver.resolve` rewrites a positioned node: `Ref`, `Fn::Sub`, `Fn::Join`, `Fn::Select`,
`Fn::Split`, `Fn::If`, `Fn::FindInMap`, `Fn::GetAtt`, `Fn::Base64`, `Fn::ToJsonString` and
`Fn::Length` are evaluated; a resolved value keeps the span of the expression it came from. Whatever
cannot be determined (`Fn::ImportValue`, a parameter without a value, an unknown attribute, an
undecidable condition) becomes a placeholder literal, recorded in the log with its reason.
`AWS::NoValue` resolves to None: the member or item holding it disappears, as in CloudFormation.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from iamproof.parsing.json_tree import JArray, JBool, JMember, JNumber, JObject, JString, JValue, to_python
from iamproof.span import Span
from iamproof.world.nodes import member, text
from iamproof.world.placeholders import PlaceholderLog, has_placeholder

ResourceRef = Callable[[str, Span], JValue | None]
"""Ref of a logical resource id → its value (None: not a resource of the template)."""
ResourceAtt = Callable[[str, str, Span], JValue | None]
"""GetAtt of (logical id, attribute) → its value (None: unknown)."""

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LIST_TYPES = ("CommaDelimitedList", "List<")


@dataclass
class Resolver:
    file: str
    log: PlaceholderLog
    parameters: dict[str, str]
    pseudo: dict[str, str]
    template_parameters: JObject | None = None
    mappings: JObject | None = None
    conditions: JObject | None = None
    resource_ref: ResourceRef = lambda name, span: None
    resource_att: ResourceAtt = lambda name, attribute, span: None
    _condition_cache: dict[str, bool | None] = field(default_factory=dict)

    # --- values ------------------------------------------------------------------------------------

    def resolve(self, node: JValue) -> JValue | None:
        if isinstance(node, JObject):
            if len(node.members) == 1 and _is_function(node.members[0].key):
                return self._function(node.members[0], node.span)
            members = []
            for item in node.members:
                value = self.resolve(item.value)
                if value is not None:
                    members.append(JMember(item.key, item.key_span, value))
            return JObject(tuple(members), node.span)
        if isinstance(node, JArray):
            values = [self.resolve(item) for item in node.items]
            return JArray(tuple(v for v in values if v is not None), node.span)
        return node

    def resolve_text(self, node: JValue | None) -> str | None:
        """A node resolved to a string (placeholders included), or None if absent or not a scalar."""
        if node is None:
            return None
        return text(self.resolve(node))

    def placeholder(self, kind: str, name: str, reason: str, span: Span) -> JString:
        return JString(self.log.add(kind, name, reason, span), span)

    def _function(self, call: JMember, span: Span) -> JValue | None:
        name, argument = call.key, call.value
        handlers: dict[str, Callable[[JValue, Span], JValue | None]] = {
            "Ref": self._ref,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::GetAtt": self._get_att,
            "Fn::Base64": self._base64,
            "Fn::ToJsonString": self._to_json,
            "Fn::Length": self._length,
            "Fn::ImportValue": self._import_value,
        }
        handler = handlers.get(name)
        if handler is None:
            return self.placeholder(name.removeprefix("Fn::"), "", f"intrinsic function {name} is not evaluated", span)
        return handler(argument, span)

    def _ref(self, argument: JValue, span: Span) -> JValue | None:
        name = self.resolve_text(argument)
        if name is None:
            return self.placeholder("Ref", "", "Ref needs a name", span)
        if name == "AWS::NoValue":
            return None
        if name in self.pseudo:
            return JString(self.pseudo[name], span)
        if name.startswith("AWS::"):
            return self.placeholder("Ref", name, f"pseudo parameter {name} is not known before deployment", span)
        parameter = self._parameter(name, span)
        if parameter is not None:
            return parameter
        value = self.resource_ref(name, span)
        if value is not None:
            return value
        return self.placeholder("Ref", name, f"Ref to {name!r}, which is neither a parameter nor a resource", span)

    def _parameter(self, name: str, span: Span) -> JValue | None:
        declaration = member(self.template_parameters, name)
        if declaration is None and name not in self.parameters:
            return None
        kind = text(member(declaration, "Type")) or "String"
        value = self.parameters.get(name)
        if value is None:
            default = member(declaration, "Default")
            if default is None:
                return self.placeholder("Ref", name, f"parameter {name} has no Default and no value was given", span)
            if isinstance(default, JArray):
                return JArray(tuple(JString(text(i) or "", span) for i in default.items), span)
            value = text(default) or ""
        if kind.startswith(_LIST_TYPES):
            return JArray(tuple(JString(part.strip(), span) for part in value.split(",")), span)
        return JString(value, span)

    def _sub(self, argument: JValue, span: Span) -> JValue:
        template, variables = argument, None
        if isinstance(argument, JArray) and len(argument.items) == 2:
            template, variables = argument.items
        if not isinstance(template, JString):
            return self.placeholder("Sub", "", "Fn::Sub needs a string", span)

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            return self._sub_variable(name.strip(), variables, span)

        return JString(_SUB_VARIABLE.sub(replace, template.value), span)

    def _sub_variable(self, name: str, variables: JValue | None, span: Span) -> str:
        given = member(variables, name)
        if given is not None:
            value = self.resolve(given)
        elif "." in name and not name.startswith("AWS::"):
            logical, attribute = name.split(".", 1)
            value = self._get_att(JArray((JString(logical, span), JString(attribute, span)), span), span)
        else:
            value = self._ref(JString(name, span), span)
        found = text(value)
        if found is None:
            return self.log.add("Sub", name, f"${{{name}}} does not resolve to a string", span)
        return found

    def _join(self, argument: JValue, span: Span) -> JValue:
        parts = self._arguments(argument, 2)
        delimiter = text(self.resolve(parts[0])) if parts else None
        values = self.resolve(parts[1]) if parts else None
        if delimiter is None or not isinstance(values, JArray):
            return self.placeholder("Join", "", "Fn::Join needs a delimiter and a list", span)
        strings = [text(item) for item in values.items]
        if any(s is None for s in strings):
            return self.placeholder("Join", "", "Fn::Join items must be strings", span)
        return JString(delimiter.join(s for s in strings if s is not None), span)

    def _select(self, argument: JValue, span: Span) -> JValue | None:
        parts = self._arguments(argument, 2)
        index_text = text(self.resolve(parts[0])) if parts else None
        values = self.resolve(parts[1]) if parts else None
        if index_text is None or not index_text.isdigit() or not isinstance(values, JArray):
            return self.placeholder("Select", index_text or "", "Fn::Select over an undetermined list", span)
        index = int(index_text)
        if index >= len(values.items):
            return self.placeholder("Select", index_text, "Fn::Select index is past the end of the list", span)
        return values.items[index]

    def _split(self, argument: JValue, span: Span) -> JValue:
        parts = self._arguments(argument, 2)
        delimiter = text(self.resolve(parts[0])) if parts else None
        source = text(self.resolve(parts[1])) if parts else None
        if not delimiter or source is None:
            return self.placeholder("Split", "", "Fn::Split needs a delimiter and a string", span)
        return JArray(tuple(JString(piece, span) for piece in source.split(delimiter)), span)

    def _if(self, argument: JValue, span: Span) -> JValue | None:
        parts = self._arguments(argument, 3)
        name = text(parts[0]) if parts else None
        if name is None:
            return self.placeholder("If", "", "Fn::If needs [condition, value if true, value if false]", span)
        decided = self.condition(name)
        if decided is None:
            return self.placeholder("If", name, f"condition {name} cannot be decided from the template", span)
        return self.resolve(parts[1] if decided else parts[2])

    def _find_in_map(self, argument: JValue, span: Span) -> JValue | None:
        parts = argument.items if isinstance(argument, JArray) else ()
        keys = [self.resolve_text(part) for part in parts[:3]]
        if len(keys) == 3 and all(k is not None and not has_placeholder(k) for k in keys):
            found = member(member(member(self.mappings, keys[0] or ""), keys[1] or ""), keys[2] or "")
            if found is not None:
                return _respan(found, span)
        default = member(parts[3], "DefaultValue") if len(parts) == 4 else None
        if default is not None:
            return self.resolve(default)
        return self.placeholder("FindInMap", ".".join(k or "?" for k in keys), "Fn::FindInMap finds no value", span)

    def _get_att(self, argument: JValue, span: Span) -> JValue:
        if isinstance(argument, JString):
            logical, _, attribute = argument.value.partition(".")
        else:
            parts = self._arguments(argument, 2)
            logical = text(parts[0]) or "" if parts else ""
            attribute = self.resolve_text(parts[1]) or "" if parts else ""
        value = self.resource_att(logical, attribute, span)
        if value is not None:
            return value
        name = f"{logical}.{attribute}"
        return self.placeholder("GetAtt", name, f"attribute {name} is not known before deployment", span)

    def _base64(self, argument: JValue, span: Span) -> JValue:
        value = self.resolve_text(argument)
        if value is None or has_placeholder(value):
            return self.placeholder("Base64", "", "Fn::Base64 of an undetermined string", span)
        return JString(base64.b64encode(value.encode()).decode(), span)

    def _to_json(self, argument: JValue, span: Span) -> JValue:
        value = self.resolve(argument)
        return JString(json.dumps(to_python(value) if value is not None else None, separators=(",", ":")), span)

    def _length(self, argument: JValue, span: Span) -> JValue:
        value = self.resolve(argument)
        if not isinstance(value, JArray):
            return self.placeholder("Length", "", "Fn::Length of an undetermined list", span)
        return JNumber(str(len(value.items)), span)

    def _import_value(self, argument: JValue, span: Span) -> JValue:
        name = self.resolve_text(argument) or ""
        return self.placeholder("ImportValue", name, f"Fn::ImportValue {name!r} comes from another stack", span)

    def _arguments(self, argument: JValue, count: int) -> tuple[JValue, ...]:
        value = argument if isinstance(argument, JArray) else self.resolve(argument)
        if isinstance(value, JArray) and len(value.items) == count:
            return value.items
        return ()

    # --- conditions ----------------------------------------------------------------------------------

    def condition(self, name: str) -> bool | None:
        """The value of a named condition: True, False, or None when the template does not decide it."""
        if name in self._condition_cache:
            return self._condition_cache[name]
        self._condition_cache[name] = None  # a cycle is undecidable
        node = member(self.conditions, name)
        result = None if node is None else self._evaluate(node)
        self._condition_cache[name] = result
        return result

    def _evaluate(self, node: JValue) -> bool | None:
        if isinstance(node, JBool):
            return node.value
        if not isinstance(node, JObject) or len(node.members) != 1:
            return None
        key, argument = node.members[0].key, node.members[0].value
        if key == "Condition":
            name = text(argument)
            return None if name is None else self.condition(name)
        values = argument.items if isinstance(argument, JArray) else ()
        if key == "Fn::Equals" and len(values) == 2:
            left, right = (self.resolve(v) for v in values)
            if _undetermined(left) or _undetermined(right):
                return None
            return _plain(left) == _plain(right)
        results = [self._evaluate(v) for v in values]
        if key == "Fn::Not" and len(results) == 1:
            return None if results[0] is None else not results[0]
        if key == "Fn::And" and results:
            return False if False in results else (None if None in results else True)
        if key == "Fn::Or" and results:
            return True if True in results else (None if None in results else False)
        return None


def _is_function(key: str) -> bool:
    return key == "Ref" or key.startswith("Fn::")


def _undetermined(node: JValue | None) -> bool:
    return node is None or has_placeholder(json.dumps(to_python(node)))


def _plain(node: JValue | None) -> object:
    value = to_python(node) if node is not None else None
    return value if isinstance(value, list | dict) else str(value).lower() if isinstance(value, bool) else str(value)


def _respan(node: JValue, span: Span) -> JValue:
    """A copy of a mapping value placed at the expression that looked it up."""
    if isinstance(node, JObject):
        return JObject(tuple(JMember(m.key, span, _respan(m.value, span)) for m in node.members), span)
    if isinstance(node, JArray):
        return JArray(tuple(_respan(i, span) for i in node.items), span)
    if isinstance(node, JString):
        return JString(node.value, span)
    return node
