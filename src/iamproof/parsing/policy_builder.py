"""JSON tree → policy AST, rejecting every structural error with its position.

What AWS itself rejects when a policy is saved (wrong types, missing Effect, both Action and
NotAction, unknown operators, malformed policy variables, malformed typed values) is an InputError
here. Things AWS accepts but that are suspicious are left to `iamproof.lint`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from iamproof.ast import (
    VERSION_2008,
    VERSION_2012,
    ActionBlock,
    Condition,
    ConditionValue,
    Effect,
    OperatorFamily,
    Policy,
    PrincipalBlock,
    PrincipalEntry,
    PrincipalKey,
    ResourceBlock,
    Statement,
    Text,
    ValueKind,
)
from iamproof.errors import InputError
from iamproof.operators import UnknownOperator, parse_operator
from iamproof.parsing.json_tree import JArray, JBool, JMember, JNumber, JObject, JString, JValue, describe
from iamproof.patterns import PatternSyntaxError, parse_pattern
from iamproof.span import Span
from iamproof.values import parse_binary, parse_bool, parse_date, parse_network, parse_number

POLICY_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_UNIQUE_ID = re.compile(r"^A[A-Z0-9]{3}[A-Z0-9]{12,}$")
_IAM_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::(\d{12}|aws):.+$")


def build_policy(node: JValue) -> Policy:
    """Build a Policy from the JSON tree of a policy document."""
    obj = _expect_object(node, "a policy document")
    _check_keys(obj, POLICY_KEYS, "policy element")
    version = _optional_string(obj, "Version")
    if version is not None and version.value not in (VERSION_2012, VERSION_2008):
        raise InputError(
            f"unsupported Version {version.value!r}; use {VERSION_2012!r} (or the legacy {VERSION_2008!r})",
            version.span,
        )
    policy_id = _optional_string(obj, "Id")
    statement_member = obj.get("Statement")
    if statement_member is None:
        raise InputError("policy has no 'Statement'", obj.span)
    variables = version is not None and version.value == VERSION_2012
    statements = tuple(
        _build_statement(item, index, variables)
        for index, item in enumerate(_statement_nodes(statement_member.value))
    )
    return Policy(
        version=version.value if version else None,
        id=policy_id.value if policy_id else None,
        statements=statements,
        span=obj.span,
    )


def _statement_nodes(node: JValue) -> tuple[JValue, ...]:
    if isinstance(node, JArray):
        return node.items
    if isinstance(node, JObject):
        return (node,)
    raise InputError(f"'Statement' must be an object or a list of objects, not {describe(node)}", node.span)


def _build_statement(node: JValue, index: int, variables: bool) -> Statement:
    obj = _expect_object(node, "a statement")
    _check_keys(obj, STATEMENT_KEYS, "statement element")
    sid = _optional_string(obj, "Sid")
    return Statement(
        index=index,
        sid=sid.value if sid else None,
        effect=_effect(obj),
        principal=_principal(obj),
        action=_action(obj),
        resource=_resource(obj, variables),
        conditions=_conditions(obj, variables),
        span=obj.span,
    )


def _effect(obj: JObject) -> Effect:
    member = obj.get("Effect")
    if member is None:
        raise InputError("statement has no 'Effect'; it must be \"Allow\" or \"Deny\"", obj.span)
    value = _expect_string(member.value, "'Effect'")
    for effect in Effect:
        if value.value == effect.value:
            return effect
    raise InputError(f"'Effect' must be \"Allow\" or \"Deny\" (case-sensitive), not {value.value!r}", value.span)


def _either(obj: JObject, positive: str, negative: str, *, required: bool) -> tuple[JMember | None, bool]:
    pos, neg = obj.get(positive), obj.get(negative)
    if pos is not None and neg is not None:
        raise InputError(f"statement has both '{positive}' and '{negative}'; use one", neg.key_span)
    if pos is None and neg is None and required:
        raise InputError(f"statement has neither '{positive}' nor '{negative}'", obj.span)
    return (pos or neg), neg is not None


def _action(obj: JObject) -> ActionBlock:
    member, negated = _either(obj, "Action", "NotAction", required=True)
    assert member is not None
    items = _string_list(member, allow_empty=False)
    for item in items:
        if not item.text:
            raise InputError("empty action name", item.span)
    return ActionBlock(negated, items, member.value.span)


def _resource(obj: JObject, variables: bool) -> ResourceBlock | None:
    member, negated = _either(obj, "Resource", "NotResource", required=False)
    if member is None:
        return None
    items = _string_list(member, allow_empty=False)
    for item in items:
        if not item.text:
            raise InputError("empty resource", item.span)
        _check_variables(item.text, item.span, variables)
    return ResourceBlock(negated, items, member.value.span)


def _principal(obj: JObject) -> PrincipalBlock | None:
    member, negated = _either(obj, "Principal", "NotPrincipal", required=False)
    if member is None:
        return None
    node = member.value
    if isinstance(node, JString):
        if node.value != "*":
            raise InputError(
                f"'{member.key}' must be \"*\" or an object such as {{\"AWS\": ...}}, not {node.value!r}",
                node.span,
            )
        return PrincipalBlock(negated, True, (), node.span)
    principal_obj = _expect_object(node, f"'{member.key}'")
    _check_keys(principal_obj, tuple(k.value for k in PrincipalKey), "principal type")
    if not principal_obj.members:
        raise InputError(f"'{member.key}' is an empty object", principal_obj.span)
    entries: list[PrincipalEntry] = []
    for principal_member in principal_obj:
        key = PrincipalKey(principal_member.key)
        for item in _string_list(principal_member, allow_empty=False):
            _check_principal_value(key, item)
            entries.append(PrincipalEntry(key, item.text, item.span))
    return PrincipalBlock(negated, False, tuple(entries), principal_obj.span)


def _check_principal_value(key: PrincipalKey, item: Text) -> None:
    value = item.text
    if not value:
        raise InputError(f"empty {key.value} principal", item.span)
    if key is PrincipalKey.AWS:
        if value == "*" or _ACCOUNT_ID.match(value) or _UNIQUE_ID.match(value):
            return
        if not _IAM_ARN.match(value):
            raise InputError(
                f"invalid AWS principal {value!r}: expected \"*\", a 12-digit account ID, an IAM or STS ARN,"
                " or a unique ID",
                item.span,
            )
    if "*" in value or "?" in value:
        raise InputError(
            f"wildcards are not allowed in principal {value!r}: \"*\" may only stand on its own"
            " (use a condition on aws:PrincipalArn instead)",
            item.span,
        )


def _conditions(obj: JObject, variables: bool) -> tuple[Condition, ...]:
    member = obj.get("Condition")
    if member is None:
        return ()
    block = _expect_object(member.value, "'Condition'")
    conditions: list[Condition] = []
    for operator_member in block:
        try:
            operator = parse_operator(operator_member.key)
        except UnknownOperator as exc:
            raise InputError(str(exc), operator_member.key_span) from None
        keys = _expect_object(operator_member.value, f"the block of operator {operator.name!r}")
        if not keys.members:
            raise InputError(f"operator {operator.name!r} has no condition keys", keys.span)
        _reject_case_duplicates(keys)
        for key_member in keys:
            if not key_member.key:
                raise InputError("empty condition key", key_member.key_span)
            values = _condition_values(key_member, operator.family, variables)
            conditions.append(
                Condition(operator, operator_member.key_span, key_member.key, key_member.key_span, values)
            )
    return tuple(conditions)


def _reject_case_duplicates(keys: JObject) -> None:
    seen: dict[str, JMember] = {}
    for member in keys:
        lowered = member.key.lower()
        if lowered in seen:
            raise InputError(
                f"condition key {member.key!r} repeats {seen[lowered].key!r}: key names are case-insensitive",
                member.key_span,
            )
        seen[lowered] = member


def _condition_values(member: JMember, family: OperatorFamily, variables: bool) -> tuple[ConditionValue, ...]:
    node = member.value
    nodes = node.items if isinstance(node, JArray) else (node,)
    if isinstance(node, JArray) and not nodes:
        raise InputError(f"condition key {member.key!r} has an empty list of values", node.span)
    values: list[ConditionValue] = []
    for item in nodes:
        value = _scalar_value(item, member.key)
        _check_typed_value(value, family, variables)
        values.append(value)
    return tuple(values)


def _scalar_value(node: JValue, key: str) -> ConditionValue:
    if isinstance(node, JString):
        return ConditionValue(node.value, ValueKind.STRING, node.span)
    if isinstance(node, JNumber):
        return ConditionValue(node.text, ValueKind.NUMBER, node.span)
    if isinstance(node, JBool):
        return ConditionValue("true" if node.value else "false", ValueKind.BOOL, node.span)
    raise InputError(
        f"value of condition key {key!r} must be a string, number or boolean (or a list of them),"
        f" not {describe(node)}",
        node.span,
    )


_TYPE_CHECKS: dict[OperatorFamily, tuple[Callable[[str], object], str]] = {
    OperatorFamily.NUMERIC: (parse_number, "a number"),
    OperatorFamily.DATE: (parse_date, "an ISO 8601 date or epoch seconds"),
    OperatorFamily.BOOL: (parse_bool, "true or false"),
    OperatorFamily.NULL: (parse_bool, "true or false"),
    OperatorFamily.IP: (parse_network, "an IPv4 or IPv6 address or CIDR block"),
    OperatorFamily.BINARY: (parse_binary, "a base64 value"),
}


def _check_typed_value(value: ConditionValue, family: OperatorFamily, variables: bool) -> None:
    if family in (OperatorFamily.STRING, OperatorFamily.ARN):
        _check_variables(value.text, value.span, variables)
        return
    if variables and "${" in value.text:
        raise InputError(f"policy variables are not allowed in {family.value} condition values", value.span)
    parse, expected = _TYPE_CHECKS[family]
    if parse(value.text) is None:
        raise InputError(f"{family.value} condition value must be {expected}, not {value.text!r}", value.span)


def _check_variables(text: str, span: Span, variables: bool) -> None:
    if not variables:
        return
    try:
        parse_pattern(text, variables=True)
    except PatternSyntaxError as exc:
        raise InputError(str(exc), _offset_span(span, exc.offset)) from None


def _offset_span(span: Span, offset: int) -> Span:
    """The position `offset` characters into a one-line JSON string (after its opening quote)."""
    if span.line != span.end_line:
        return span
    column = span.column + 1 + offset
    return Span(span.file, span.line, column, span.line, column + 1)


# --- small helpers -----------------------------------------------------------------------------------


def _expect_object(node: JValue, what: str) -> JObject:
    if not isinstance(node, JObject):
        raise InputError(f"{what} must be an object, not {describe(node)}", node.span)
    return node


def _expect_string(node: JValue, what: str) -> JString:
    if not isinstance(node, JString):
        raise InputError(f"{what} must be a string, not {describe(node)}", node.span)
    return node


def _optional_string(obj: JObject, key: str) -> JString | None:
    member = obj.get(key)
    return None if member is None else _expect_string(member.value, f"'{key}'")


def _string_list(member: JMember, *, allow_empty: bool) -> tuple[Text, ...]:
    node = member.value
    if isinstance(node, JString):
        return (Text(node.value, node.span),)
    if not isinstance(node, JArray):
        raise InputError(f"'{member.key}' must be a string or a list of strings, not {describe(node)}", node.span)
    if not node.items and not allow_empty:
        raise InputError(f"'{member.key}' is an empty list", node.span)
    items: list[Text] = []
    for item in node.items:
        if not isinstance(item, JString):
            raise InputError(f"each item of '{member.key}' must be a string, not {describe(item)}", item.span)
        items.append(Text(item.value, item.span))
    return tuple(items)


def _check_keys(obj: JObject, allowed: tuple[str, ...], what: str) -> None:
    lowered = {key.lower(): key for key in allowed}
    for member in obj:
        if member.key in allowed:
            continue
        hint = lowered.get(member.key.lower())
        suffix = f"; element names are case-sensitive: {hint!r}" if hint else f"; expected one of {', '.join(allowed)}"
        raise InputError(f"unknown {what} {member.key!r}{suffix}", member.key_span)
