"""Resource checks: ARN shape, fields against the catalogue's ARN templates, redundant entries."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from iamproof import catalogue
from iamproof.ast import Statement, Text
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.elements import arn_fields, as_glob, field_text, resource_includes, resource_pattern
from iamproof.lint.entries import redundant_entries
from iamproof.lint.findings import Finding
from iamproof.lint.globs import is_universal, patterns_intersect
from iamproof.lint.policy_types import PolicyType
from iamproof.patterns import Pattern, Variable, Wild, glob_match, has_wildcard, parse_pattern, variables_of

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_FIELD_NAMES = ("prefix", "partition", "service", "region", "account", "resource")


def check_resources(ctx: LintContext) -> Iterator[Finding]:
    for statement in ctx.policy.statements:
        if statement.resource is None:
            continue
        patterns = [resource_pattern(item.text, ctx.policy) for item in statement.resource.items]
        for item, pattern in zip(statement.resource.items, patterns, strict=True):
            yield from _check_resource(item, pattern, ctx.policy_type)
        yield from _redundant_resources(statement, patterns)


def _check_resource(item: Text, pattern: Pattern, policy_type: PolicyType) -> Iterator[Finding]:
    if is_universal(pattern):
        return
    if not item.text.startswith("arn:"):
        shorthand = policy_type is PolicyType.RESOURCE and item.text.startswith("execute-api:/")
        if not shorthand and not _could_be_arn(pattern):
            yield finding(
                "INVALID_ARN_PREFIX", f'resource {item.text!r} is neither "*" nor an ARN (arn:...)', item.span
            )
        return
    fields = arn_fields(pattern)
    if fields is None:
        if not has_wildcard(pattern):
            yield finding(
                "MISSING_ARN_FIELD",
                f"resource {item.text!r} is not arn:partition:service:region:account:resource",
                item.span,
            )
        return
    yield from _check_fields(item, fields)


def _could_be_arn(pattern: Pattern) -> bool:
    """Could a pattern that does not start with "arn:" still match an ARN (it starts with a wildcard)?"""
    head = pattern[0] if pattern else ""
    return not isinstance(head, str) or "arn:".startswith(head)


def _check_fields(item: Text, fields: tuple[Pattern, ...]) -> Iterator[Finding]:
    for name, field in zip(_FIELD_NAMES[1:5], fields[1:5], strict=True):
        if variables_of(field):
            yield finding(
                "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                f"policy variable in the {name} field of {item.text!r}: variables are substituted only in the"
                " resource part of an ARN (after the fifth colon)",
                item.span,
            )
    yield from _check_partition(item, fields[1])
    service = field_text(fields[2])
    if not service or service != service.lower() or service not in catalogue.arn_services():
        yield from _check_service(item, fields[2])
        return
    errors = [*_check_region_account(item, service, fields), *_check_type_word(item, service, fields[5])]
    yield from errors
    if not errors:
        yield from _check_templates(item, service, fields)


def _check_partition(item: Text, field: Pattern) -> Iterator[Finding]:
    glob = as_glob(field)
    if glob is None or any(glob_match(glob, partition) for partition in PARTITIONS):
        return
    yield finding(
        "INVALID_PARTITION",
        f"partition {item.text.split(':')[1]!r} of {item.text!r} is not one of {', '.join(PARTITIONS)}",
        item.span,
    )


def _check_service(item: Text, field: Pattern) -> Iterator[Finding]:
    service = field_text(field)
    if service is None:
        if not variables_of(field):
            yield finding("WILDCARD_IN_ARN_SERVICE", f"wildcard in the service field of ARN {item.text!r}", item.span)
        return
    if not service:
        yield finding("MISSING_ARN_FIELD", f"the service field of ARN {item.text!r} is empty", item.span)
    elif service.lower() in catalogue.arn_services() or catalogue.service_exists(service.lower()):
        if service != service.lower():
            yield finding(
                "INVALID_ARN_SERVICE_CASE",
                f"service field {service!r} of ARN {item.text!r} must be lower-case: {service.lower()!r}",
                item.span,
            )
    else:
        yield finding(
            "UNKNOWN_ARN_SERVICE",
            f"no resource type of the catalogue has an ARN with service {service!r} ({item.text!r})",
            item.span,
        )


def _check_region_account(item: Text, service: str, fields: tuple[Pattern, ...]) -> Iterator[Finding]:
    shapes = _templates(service)
    region, account = field_text(fields[3]), field_text(fields[4])
    if region and not _REGION.match(region) and region not in {t.region for t in shapes}:
        yield finding("INVALID_ARN_REGION", f"{region!r} in ARN {item.text!r} is not a region name", item.span)
    literal_accounts = {t.account for t in shapes}
    if account and not _ACCOUNT.match(account) and account != "aws" and account not in literal_accounts:
        yield finding(
            "INVALID_ARN_ACCOUNT",
            f"{account!r} in ARN {item.text!r} is not a 12-digit account ID",
            item.span,
        )


def _check_type_word(item: Text, service: str, field: Pattern) -> Iterator[Finding]:
    words = _type_words(service)
    head = as_glob(_leading_word(field))
    if not words or head is None or not has_wildcard(head) or is_universal(head):
        return
    matched = sorted(word for word in words if glob_match(head, word))
    if matched:
        yield finding(
            "WILDCARD_IN_RESOURCE_TYPE",
            f"wildcard inside the resource-type word of ARN {item.text!r} (it could stand for"
            f" {', '.join(repr(w) for w in matched[:3])}); write the type in full",
            item.span,
        )


def _leading_word(field: Pattern) -> Pattern:
    """The resource field up to its first literal '/' or ':' (the resource-type word, if it has one)."""
    head: list[str | Wild | Variable] = []
    for part in field:
        if isinstance(part, str):
            cut = re.split(r"[/:]", part, maxsplit=1)
            if cut[0]:
                head.append(cut[0])
            if len(cut) > 1:
                break
        else:
            head.append(part)
    return tuple(head)


def _check_templates(item: Text, service: str, fields: tuple[Pattern, ...]) -> Iterator[Finding]:
    shapes = _templates(service)
    if not shapes or _fits_some(service, fields):
        return
    reason = _misfit_reason(service, shapes, fields)
    yield finding(
        "ARN_MATCHES_NO_RESOURCE_TYPE",
        f"ARN {item.text!r} matches no resource type of service {service!r}: {reason}",
        item.span,
    )


def _misfit_reason(service: str, shapes: Sequence[_Template], fields: tuple[Pattern, ...]) -> str:
    region, account = field_text(fields[3]), field_text(fields[4])
    if region and all(not shape.region for shape in shapes):
        return f"{service!r} ARNs have an empty region field"
    if account and all(not shape.account for shape in shapes):
        return f"{service!r} ARNs have an empty account field"
    examples = ", ".join(repr(shape.resource_text) for shape in shapes[:3])
    return f"its resource part fits none of the catalogue's forms ({examples}{', ...' if len(shapes) > 3 else ''})"


@dataclass(frozen=True)
class _Template:
    fields: tuple[Pattern, ...]
    region: str
    account: str
    resource_text: str


@cache
def _fits_some(service: str, fields: tuple[Pattern, ...]) -> bool:
    """Can the ARN fields match some ARN form of the service? (Cached: policies repeat their ARNs.)"""
    return any(
        all(patterns_intersect(a, b) for a, b in zip(shape.fields[1:], fields[1:], strict=True))
        for shape in _templates(service)
    )


@cache
def _templates(service: str) -> tuple[_Template, ...]:
    out: list[_Template] = []
    for arn in catalogue.arn_templates(service):
        raw = arn.split(":", 5)
        try:
            fields = tuple(parse_pattern(text, variables=True) for text in raw)
        except ValueError:
            continue
        out.append(_Template(fields, raw[3], raw[4], raw[5]))
    return tuple(out)


@cache
def _type_words(service: str) -> frozenset[str]:
    """The resource-type words of a service whose every ARN starts its resource part with one, else none."""
    words: set[str] = set()
    for shape in _templates(service):
        literal, variable, _ = shape.resource_text.partition("${")
        match = re.match(r"^([A-Za-z0-9_.-]+)[/:]" if variable else r"^([A-Za-z0-9_.-]+)(?:[/:]|$)", literal)
        if match is None:
            return frozenset()
        words.add(match.group(1))
    return frozenset(words)


def _redundant_resources(statement: Statement, patterns: list[Pattern]) -> Iterator[Finding]:
    assert statement.resource is not None
    element = "NotResource" if statement.resource.negated else "Resource"
    for item, cover in redundant_entries(statement.resource.items, patterns, resource_includes):
        yield finding(
            "REDUNDANT_RESOURCE",
            f"{element} entry {item.text!r} is already covered by {cover.text!r} (line {cover.span.line})",
            item.span,
        )
