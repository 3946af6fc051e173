"""JSON tree → policy AST, rejecting every structural error with its position.

What AWS itself rejects when a policy is saved (wrong types, missing Effect, both Action and
NotAction, unknown operators, malformed policy variables, malformed typed values) is an InputError
here. Things AWS accepts but that are suspicious are left to `iamproof.lint`.

`lenient=True` (how `iamproof validate` loads policies) keeps two kinds of invalid text in the AST instead
of raising, so that lint reports them as ERROR findings with their stable codes: an action that is not
`service:action` (INVALID_ACTION_FORMAT) and the Null operator with IfExists (NULL_WITH_IF_EXISTS). Every
other error is raised in both modes; the evaluator and the symbolic engine always load strictly, so they
never interpret such a policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

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
_ACCOUNT_ID = re.compile(r"\d{12}")
_UNIQUE_ID = re.compile(r"A[A-Z0-9]{3}[A-Z0-9]{12,}")
_PARTITION = re.compile(r"aws(?:-[a-z]+)*")
_VARIABLE_TEXT = re.compile(r"\$\{[^}]*\}")
_PRINCIPAL_RESOURCES = {
    "iam": re.compile(r"root|(?:user|role)/.+"),
    "sts": re.compile(r"assumed-role/[^/]+/.+|federated-user/.+"),
}
_PRINCIPAL_FORMS = {"iam": "root, user/NAME or role/NAME", "sts": "assumed-role/ROLE/SESSION or federated-user/NAME"}


def build_policy(node: JValue, *, lenient: bool = False) -> Policy:
    """Build a Policy from the JSON tree of a policy document (see the module docstring for `lenient`)."""
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
        _build_statement(item, index, variables, lenient)
        for index, item in enumerate(_statement_nodes(statement_member.value))
    )
    return Policy(
        version=version.value if version else None,
        id=policy_id.value if policy_id else None,
        statements=statements,
        span=obj.span,
        id_span=policy_id.span if policy_id else None,
    )


def _statement_nodes(node: JValue) -> tuple[JValue, ...]:
    if isinstance(node, JArray):
        return node.items
    if isinstance(node, JObject):
        return (node,)
    raise InputError(f"'Statement' must be an object or a list of objects, not {describe(node)}", node.span)


def _build_statement(node: JValue, index: int, variables: bool, lenient: bool) -> Statement:
    obj = _expect_object(node, "a statement")
    _check_keys(obj, STATEMENT_KEYS, "statement element")
    sid = _optional_string(obj, "Sid")
    return Statement(
        index=index,
        sid=sid.value if sid else None,
        effect=_effect(obj),
        principal=_principal(obj),
        action=_action(obj, lenient),
        resource=_resource(obj, variables),
        conditions=_conditions(obj, variables, lenient),
        span=obj.span,
        sid_span=sid.span if sid else None,
    )


def _effect(obj: JObject) -> Effect:
    member = obj.get("Effect")
    if member is None:
        raise InputError('statement has no \'Effect\'; it must be "Allow" or "Deny"', obj.span)
    value = _expect_string(member.value, "'Effect'")
    for effect in Effect:
        if value.value == effect.value:
            return effect
    raise InputError(f'\'Effect\' must be "Allow" or "Deny" (case-sensitive), not {value.value!r}', value.span)


def _either(obj: JObject, positive: str, negative: str, *, required: bool) -> tuple[JMember | None, bool]:
    pos, neg = obj.get(positive), obj.get(negative)
    if pos is not None and neg is not None:
        raise InputError(f"statement has both '{positive}' and '{negative}'; use one", neg.key_span)
    if pos is None and neg is None and required:
        raise InputError(f"statement has neither '{positive}' nor '{negative}'", obj.span)
    return (pos or neg), neg is not None


def _action(obj: JObject, lenient: bool) -> ActionBlock:
    member, negated = _either(obj, "Action", "NotAction", required=True)
    assert member is not None
    items = _string_items(member)
    for item in items:
        if not item.value:
            raise InputError(f"empty action name in '{member.key}'", item.span)
        if not lenient and item.value != "*" and action_shape_problem(item.value) is not None:
            raise InputError(
                f"action {item.value!r} must be written 'service:action' (for example 's3:GetObject') or \"*\"",
                item.span,
            )
    return ActionBlock(negated, _texts(items), member.value.span)


def action_shape_problem(text: str) -> str | None:
    """Why `text` is not of the shape `service:action` (one colon, text on both sides), or None.

    Policy variables are not substituted in actions: a `${...}` is literal text there, colons included, so
    `s3:${aws:username}` has the right shape (and matches only an action of that literal name).
    """
    service, sep, name = _VARIABLE_TEXT.sub("_", text).partition(":")
    if not sep:
        return 'expected service:Action, for example "s3:GetObject"'
    if ":" in name:
        return "an action has exactly one ':'"
    if not service or not name:
        return "the service prefix or the action name is empty"
    return None


def _resource(obj: JObject, variables: bool) -> ResourceBlock | None:
    member, negated = _either(obj, "Resource", "NotResource", required=False)
    if member is None:
        return None
    items = _string_items(member)
    for item in items:
        if not item.value:
            raise InputError(f"empty resource in '{member.key}'", item.span)
        if not _is_resource(item.value):
            raise InputError(
                f'resource {item.value!r} must be "*" or an ARN (arn:partition:service:region:account:resource)',
                item.span,
            )
        _check_variables(item, variables)
    return ResourceBlock(negated, _texts(items), member.value.span)


def _is_resource(value: str) -> bool:
    """ "*", an ARN (AWS accepts short wildcard forms such as `arn:aws:waf:*`), or API Gateway's
    `execute-api:/...` shorthand."""
    return value == "*" or value.startswith(("arn:", "execute-api:/"))


def _principal(obj: JObject) -> PrincipalBlock | None:
    member, negated = _either(obj, "Principal", "NotPrincipal", required=False)
    if member is None:
        return None
    node = member.value
    if isinstance(node, JString):
        if node.value != "*":
            raise InputError(
                f'\'{member.key}\' must be "*" or an object such as {{"AWS": ...}}, not the string {node.value!r}',
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
        for item in _string_items(principal_member):
            _check_principal_value(key, item)
            entries.append(PrincipalEntry(key, item.value, item.span))
    return PrincipalBlock(negated, False, tuple(entries), principal_obj.span)


def _check_principal_value(key: PrincipalKey, item: JString) -> None:
    value = item.value
    if not value:
        raise InputError(f"empty {key.value} principal", item.span)
    if key is PrincipalKey.AWS and value == "*":
        return
    wildcard = min((i for i in (value.find("*"), value.find("?")) if i >= 0), default=-1)
    if wildcard >= 0:
        raise InputError(
            f'wildcards are not allowed in principal {value!r}: "*" may only stand on its own'
            " (use a condition on aws:PrincipalArn instead)",
            item.char_span(wildcard),
        )
    if key is PrincipalKey.AWS:
        _check_aws_principal(item)


def _check_aws_principal(item: JString) -> None:
    """A 12-digit account ID, a unique ID (AIDA..., AROA...), or the ARN of an account, user, role or session."""
    value = item.value
    if _ACCOUNT_ID.fullmatch(value) or _UNIQUE_ID.fullmatch(value):
        return
    if value.isdigit():
        raise InputError(f"invalid AWS principal {value!r}: an account ID has 12 digits, not {len(value)}", item.span)
    parts = value.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise InputError(
            f'invalid AWS principal {value!r}: expected "*", a 12-digit account ID, an IAM or STS ARN, or a unique ID',
            item.span,
        )
    _, partition, service, region, account, resource = parts
    account_at = len(":".join(parts[:4])) + 1
    resource_at = account_at + len(account) + 1
    problem, at = "", 0
    if not _PARTITION.fullmatch(partition):
        problem, at = f"unknown partition {partition!r}", 4
    elif service not in _PRINCIPAL_RESOURCES:
        problem, at = f"a principal ARN belongs to iam or sts, not {service!r}", 5 + len(partition)
    elif region:
        problem, at = "a principal ARN has no region", account_at - 1 - len(region)
    elif not _ACCOUNT_ID.fullmatch(account):
        problem, at = f"the account ID must be 12 digits, not {account!r}", account_at
    elif resource.startswith("group/"):
        problem, at = "an IAM group cannot be a principal", resource_at
    elif not _PRINCIPAL_RESOURCES[service].fullmatch(resource):
        problem, at = f"an {service} principal ARN names {_PRINCIPAL_FORMS[service]}, not {resource!r}", resource_at
    if problem:
        raise InputError(f"invalid AWS principal {value!r}: {problem}", item.char_span(at))


def _conditions(obj: JObject, variables: bool, lenient: bool) -> tuple[Condition, ...]:
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
        if operator.family is OperatorFamily.NULL and operator.if_exists and not lenient:
            raise InputError(
                f"condition operator {operator.name!r}: Null cannot be used with IfExists", operator_member.key_span
            )
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
        _check_typed_value(value, item, family, variables)
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
        f"value of condition key {key!r} must be a string, number or boolean (or a list of them), not {describe(node)}",
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


def _check_typed_value(value: ConditionValue, node: JValue, family: OperatorFamily, variables: bool) -> None:
    if family in (OperatorFamily.STRING, OperatorFamily.ARN):
        if isinstance(node, JString):
            _check_variables(node, variables)
        return
    if variables and "${" in value.text:
        at = value.text.index("${")
        span = node.char_span(at, 2) if isinstance(node, JString) else value.span
        raise InputError(f"policy variables are not allowed in {family.value} condition values", span)
    parse, expected = _TYPE_CHECKS[family]
    parsed = parse(value.text)
    if parsed is None:
        raise InputError(f"{family.value} condition value must be {expected}, not {value.text!r}", value.span)
    if isinstance(parsed, Decimal):
        _check_magnitude(parsed, value, family)


_MAX_DIGITS = 38
_MAX_EXPONENT = 308
_DATE_RANGE = (Decimal(-62135596800), Decimal(253402300799))  # 0001-01-01 to 9999-12-31T23:59:59Z


def _check_magnitude(number: Decimal, value: ConditionValue, family: OperatorFamily) -> None:
    """Numbers stay within what AWS can compare (double range, 38 digits); dates within years 1 to 9999."""
    written = "".join(map(str, number.as_tuple().digits)).rstrip("0")
    digits = len(written)  # significant digits (normalize() would round to the context precision)
    if family is OperatorFamily.DATE:
        if not _DATE_RANGE[0] <= number <= _DATE_RANGE[1] or digits > _MAX_DIGITS:
            raise InputError(f"Date condition value {value.text!r} is out of range (years 1 to 9999)", value.span)
    elif digits > _MAX_DIGITS or (number and not -_MAX_EXPONENT <= number.adjusted() <= _MAX_EXPONENT):
        raise InputError(
            f"Numeric condition value {value.text!r} is out of range"
            f" (at most {_MAX_DIGITS} digits, magnitude between 1e-{_MAX_EXPONENT} and 1e{_MAX_EXPONENT})",
            value.span,
        )


def _check_variables(node: JString, variables: bool) -> None:
    """Under Version 2012-10-17, every `${` must start a well-formed policy variable."""
    if not variables or "${" not in node.value:
        return
    try:
        parse_pattern(node.value, variables=True)
    except PatternSyntaxError as exc:
        raise InputError(str(exc), node.char_span(exc.offset, 2)) from None


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


def _string_items(member: JMember) -> tuple[JString, ...]:
    """A string or a non-empty list of strings."""
    node = member.value
    if isinstance(node, JString):
        return (node,)
    if not isinstance(node, JArray):
        raise InputError(f"'{member.key}' must be a string or a list of strings, not {describe(node)}", node.span)
    if not node.items:
        raise InputError(f"'{member.key}' is an empty list", node.span)
    for item in node.items:
        if not isinstance(item, JString):
            raise InputError(f"each item of '{member.key}' must be a string, not {describe(item)}", item.span)
    return node.items  # type: ignore[return-value]


def _texts(items: tuple[JString, ...]) -> tuple[Text, ...]:
    return tuple(Text(item.value, item.span) for item in items)


def _check_keys(obj: JObject, allowed: tuple[str, ...], what: str) -> None:
    lowered = {key.lower(): key for key in allowed}
    for member in obj:
        if member.key in allowed:
            continue
        hint = lowered.get(member.key.lower())
        suffix = f"; element names are case-sensitive: {hint!r}" if hint else f"; expected one of {', '.join(allowed)}"
        raise InputError(f"unknown {what} {member.key!r}{suffix}", member.key_span)
