"""Action checks: format, service prefix and action name against the catalogue, redundant entries."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from iamproof import catalogue
from iamproof.ast import Statement, Text
from iamproof.lint.codes import finding
from iamproof.lint.context import LintContext
from iamproof.lint.elements import action_glob, is_trust_action
from iamproof.lint.entries import redundant_entries
from iamproof.lint.findings import Finding, Severity
from iamproof.lint.globs import is_universal, pattern_includes
from iamproof.lint.policy_types import PolicyType
from iamproof.parsing.policy_builder import action_shape_problem
from iamproof.patterns import Pattern, has_wildcard, parse_glob

_ACTION_CHAR = re.compile(r"[A-Za-z0-9*?-]")


def check_actions(ctx: LintContext) -> Iterator[Finding]:
    for statement in ctx.policy.statements:
        invalid: set[int] = set()
        element = "NotAction" if statement.action.negated else "Action"
        for index, item in enumerate(statement.action.items):
            found = list(_check_action(item, element))
            if any(f.severity is Severity.ERROR for f in found):
                invalid.add(index)
            yield from found
        yield from _redundant_actions(statement, invalid)
        if ctx.policy_type is PolicyType.TRUST:
            yield from _trust_actions(statement)


def format_problem(text: str) -> str | None:
    """Why `text` is not a well-formed action (`service:Name`, wildcards allowed), or None.

    Only the shape of an action with a `${...}` is checked: the variable is literal text (reported as such).
    """
    shape = action_shape_problem(text)
    if shape is not None or "${" in text:
        return shape
    service, _, name = text.partition(":")
    for part, what in ((service, "service prefix"), (name, "action name")):
        for char in part:
            if not _ACTION_CHAR.fullmatch(char):
                shown = "whitespace" if char.isspace() else repr(char)
                return f"the {what} contains {shown}"
    return None


def _check_action(item: Text, element: str) -> Iterator[Finding]:
    text = item.text
    if text == "*":
        return
    variable = "${" in text
    if variable:
        yield finding(
            "VARIABLE_UNSUPPORTED_IN_ELEMENT",
            f"policy variables are not substituted in {element}: {text!r} is literal text, which matches no action",
            item.span,
        )
    problem = format_problem(text)
    if problem is not None:
        yield finding("INVALID_ACTION_FORMAT", f"invalid action {text!r}: {problem}", item.span)
    if problem is not None or variable:
        return
    service, _, name = text.partition(":")
    service_glob = parse_glob(service.lower())
    if has_wildcard(service_glob):
        yield finding(
            "WILDCARD_IN_SERVICE_NAME",
            f"action {text!r} has a wildcard in its service prefix; name each service instead",
            item.span,
        )
        services = catalogue.match_services(service_glob)
    else:
        services = (service.lower(),) if catalogue.service_exists(service) else ()
    if not services:
        yield finding("INVALID_SERVICE_IN_ACTION", _unknown_service_message(text, service), item.span)
        return
    if not _names_exist(services, name):
        yield finding("INVALID_ACTION", _unknown_action_message(text, services, name), item.span)


def _names_exist(services: tuple[str, ...], name: str) -> bool:
    glob = parse_glob(name.lower())
    if is_universal(glob):
        return True
    if not has_wildcard(glob):
        return any(catalogue.action_exists(service, name) for service in services)
    return any(catalogue.match_action_names(service, glob) for service in services)


def _unknown_service_message(text: str, service: str) -> str:
    if has_wildcard(parse_glob(service)):
        return f"the service pattern of action {text!r} matches no service of the action catalogue"
    message = f"action {text!r}: no service has the prefix {service!r}"
    close = difflib.get_close_matches(service.lower(), catalogue.services(), n=1, cutoff=0.75)
    return message + (f"; did you mean {close[0]!r}?" if close else "")


def _unknown_action_message(text: str, services: tuple[str, ...], name: str) -> str:
    if has_wildcard(parse_glob(name)):
        return f"action pattern {text!r} matches no action of the catalogue"
    message = f"unknown action {text!r}: the catalogue of {services[0]!r} has no action {name!r}"
    names = catalogue.actions_of(services[0])
    lowered = {candidate.lower(): candidate for candidate in names}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.8)
    if close:
        message += f"; did you mean '{services[0]}:{lowered[close[0]]}'?"
    return message


def _redundant_actions(statement: Statement, invalid: set[int]) -> Iterator[Finding]:
    """Redundant entries among the statement's valid actions (an invalid one is reported as such)."""
    items = [item for index, item in enumerate(statement.action.items) if index not in invalid]
    patterns: list[Pattern] = [action_glob(item.text) for item in items]
    element = "NotAction" if statement.action.negated else "Action"
    for item, cover in redundant_entries(items, patterns, pattern_includes):
        yield finding(
            "REDUNDANT_ACTION",
            f"{element} entry {item.text!r} is already covered by {cover.text!r} (line {cover.span.line})",
            item.span,
        )


def _trust_actions(statement: Statement) -> Iterator[Finding]:
    if statement.action.negated:
        yield finding(
            "UNSUPPORTED_ACTION_IN_TRUST_POLICY",
            "NotAction in a trust policy: list the role-assumption actions to allow or deny instead",
            statement.action.span,
        )
        return
    for item in statement.action.items:
        if item.text != "*" and not is_trust_action(item.text):
            yield finding(
                "UNSUPPORTED_ACTION_IN_TRUST_POLICY",
                f"action {item.text!r} has no effect in a role trust policy",
                item.span,
            )
