"""Matching a request against a statement's Action, Resource and Principal elements."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from iamproof.ast import ActionBlock, PrincipalBlock, PrincipalEntry, PrincipalKey, ResourceBlock
from iamproof.evaluate.request import PrincipalType, RequestPrincipal
from iamproof.evaluate.semantics import AwsStar, Semantics
from iamproof.patterns import (
    Glob,
    Pattern,
    Variable,
    glob_match,
    parse_glob,
    parse_pattern,
    resolve,
    split_at_colons,
    variable_outside_resource_part,
)

VariableLookup = Callable[[Variable], str | None]


def action_matches(block: ActionBlock, action: str) -> bool:
    """Action/NotAction: case-insensitive glob on the whole `service:Name`."""
    services = _fixed_services(block)
    if services is not None and action.split(":", 1)[0].lower() not in services:
        hit = False  # no item can match an action of another service
    else:
        hit = any(glob_match(parse_glob(item.text), action, ignore_case=True) for item in block.items)
    return hit != block.negated


def _fixed_services(block: ActionBlock) -> frozenset[str] | None:
    """The services the block's items name before any wildcard (lower-case), or None when some item's
    service part has a wildcard. Computed once per block (kept on the frozen block)."""
    cached: tuple[frozenset[str] | None] | None = block.__dict__.get("_services")
    if cached is None:
        cached = (_services_of(block),)
        object.__setattr__(block, "_services", cached)
    return cached[0]


def _services_of(block: ActionBlock) -> frozenset[str] | None:
    services: set[str] = set()
    for item in block.items:
        head = item.text.split("*", 1)[0].split("?", 1)[0]
        if ":" not in head:
            return None
        services.add(head.split(":", 1)[0].lower())
    return frozenset(services)


def resource_matches(
    block: ResourceBlock | None, resource: str, lookup: VariableLookup | None, *, attached: bool = False
) -> bool:
    """Resource/NotResource; an absent element (trust policies) matches every resource.

    `attached`: the policy is the resource-based policy of `resource` itself (so API Gateway's
    `execute-api:/...` shorthand refers to the API that `resource` belongs to).
    """
    if block is None:
        return True
    hit = any(resource_pattern_matches(item.text, resource, lookup, attached=attached) for item in block.items)
    return hit != block.negated


def resource_pattern_matches(
    text: str, resource: str, lookup: VariableLookup | None, *, attached: bool = False
) -> bool:
    """One resource pattern: "*" matches anything; an ARN pattern is matched per ARN component.

    The pattern and the resource are split at their first five colons and each of the six pieces is
    glob-matched on its own, case-sensitively; `*` in the last piece crosses `/` and `:`. Policy
    variables are substituted in the last piece only; a pattern with a variable elsewhere, or with an
    unresolvable one, matches nothing.
    """
    if text == "*":
        return True
    if text.startswith(EXECUTE_API_SHORTHAND):
        expanded = expand_execute_api(text, resource) if attached else None
        if expanded is None:
            return False
        text = expanded
    entry = _resource_entry(text, lookup is not None)
    if entry is None:
        return False
    if entry.whole is not None:
        return glob_match(entry.whole, resource)
    # the resource part is resolved on its own: a value with a colon stays inside it
    last = resolve(entry.last, lookup or _no_variables)
    parts = resource.split(":", 5)
    if len(parts) < 6 or last is None:
        return False
    heads = zip(entry.head, parts[:5], strict=True)
    return all(glob_match(glob, part) for glob, part in heads) and glob_match(last, parts[5])


@dataclass(frozen=True)
class _ResourceEntry:
    """A Resource entry, parsed once: a whole-string glob (fewer than five colons), or the globs of its
    first five components and the pattern of its resource part (the only place variables are substituted)."""

    whole: Glob | None = None
    head: tuple[Glob, ...] = ()
    last: Pattern = ()


@lru_cache(maxsize=1 << 14)
def _resource_entry(text: str, variables: bool) -> _ResourceEntry | None:
    """None for an entry that matches nothing (a variable before the fifth colon)."""
    pattern = parse_pattern(text, variables=variables)
    if variable_outside_resource_part(pattern):
        return None
    pieces = split_at_colons(pattern)
    if pieces is None:
        return _ResourceEntry(whole=_without_variables(pattern))
    return _ResourceEntry(head=tuple(_without_variables(piece) for piece in pieces[:5]), last=pieces[5])


def _without_variables(pattern: Pattern) -> Glob:
    glob = resolve(pattern, _no_variables)
    assert glob is not None, "a pattern outside the resource part has no variables"
    return glob


def _no_variables(_: Variable) -> str | None:
    return None


EXECUTE_API_SHORTHAND = "execute-api:/"
_EXECUTE_API_ARN = re.compile(r"^(arn:[^:]+:execute-api:[^:]*:[^:]*:[^/:]+)/")


def expand_execute_api(text: str, resource: str) -> str | None:
    """API Gateway's `execute-api:/STAGE/VERB/path` shorthand in an API's resource policy, expanded with
    the region, account and API ID of `resource` (a method ARN of that API); None if it is not one."""
    api = _EXECUTE_API_ARN.match(resource)
    if api is None:
        return None
    return api.group(1) + text[len(EXECUTE_API_SHORTHAND) - 1 :]


class PrincipalMatch(IntEnum):
    """How a statement's Principal names the caller; higher is stronger (see the decision logic)."""

    NONE = 0
    ACCOUNT = 1  # the caller's account: delegates to the account's identity policies
    ROLE = 2  # the role whose session is calling, or the IAM user behind a federated-user session
    EXACT = 3  # the caller's own ARN (user, role session, federated user)
    EVERYONE = 4  # "*" (or NotPrincipal that does not list the caller)
    SERVICE = 5  # a service principal by name
    FEDERATED = 6  # an identity provider
    CANONICAL = 7  # an S3 canonical user


_ROLE_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([^/]+)$")


def principal_match(block: PrincipalBlock, principal: RequestPrincipal, semantics: Semantics) -> PrincipalMatch:
    """For `Principal`: the strongest way the block names the caller (NONE if it does not)."""
    if block.everyone:
        return PrincipalMatch.EVERYONE
    best = PrincipalMatch.NONE
    for entry in block.entries:
        best = max(best, entry_match(entry, principal, semantics))
    return best


def entry_match(entry: PrincipalEntry, principal: RequestPrincipal, semantics: Semantics) -> PrincipalMatch:
    kind = principal.type
    value = entry.value
    if entry.key is PrincipalKey.SERVICE:
        same = kind is PrincipalType.SERVICE and (principal.value or "").lower() == value.lower()
        return PrincipalMatch.SERVICE if same else PrincipalMatch.NONE
    if entry.key is PrincipalKey.FEDERATED:
        return (
            PrincipalMatch.FEDERATED
            if kind is PrincipalType.WEB_IDENTITY and principal.value == value
            else (PrincipalMatch.NONE)
        )
    if entry.key is PrincipalKey.CANONICAL_USER:
        return (
            PrincipalMatch.CANONICAL
            if kind is PrincipalType.CANONICAL_USER and principal.value == value
            else (PrincipalMatch.NONE)
        )
    return _aws_entry_match(value, principal, semantics)


def _aws_entry_match(value: str, principal: RequestPrincipal, semantics: Semantics) -> PrincipalMatch:
    kind = principal.type
    if value == "*":
        if semantics.aws_star is AwsStar.EVERYONE or kind.is_iam:
            return PrincipalMatch.EVERYONE
        return PrincipalMatch.NONE
    if not kind.is_iam:
        return PrincipalMatch.NONE
    if value == principal.account or value == principal.account_root_arn:
        return PrincipalMatch.ACCOUNT
    if principal.arn is not None and value == principal.arn:
        return PrincipalMatch.EXACT
    if principal.parent is not None and value == principal.parent:
        return PrincipalMatch.ROLE  # §4.1 step 4: counts like a role ARN (session and boundary still apply)
    role = _ROLE_ARN.match(value)
    if role and kind is PrincipalType.ROLE_SESSION:
        same_role = (role.group(1), role.group(2), role.group(3)) == (
            principal.partition,
            principal.account,
            principal.name,
        )
        if same_role:
            return PrincipalMatch.ROLE
    return PrincipalMatch.NONE


def not_principal_exempts(block: PrincipalBlock, principal: RequestPrincipal, semantics: Semantics) -> bool:
    """For `NotPrincipal`: is the caller exempt? Every level of its hierarchy must be listed.

    The levels are the account, then the user (or the role, then the session). Anonymous callers are
    never exempt. See the README, "Semantics choices".
    """
    if block.everyone:
        return True
    levels = [entry_match(entry, principal, semantics) for entry in block.entries]
    if PrincipalMatch.EVERYONE in levels:
        return True
    kind = principal.type
    if kind is PrincipalType.ANONYMOUS:
        return False
    if not kind.is_iam:
        return any(level > PrincipalMatch.EVERYONE for level in levels)
    needed = {PrincipalMatch.ACCOUNT}
    if kind is PrincipalType.ROLE_SESSION:
        needed |= {PrincipalMatch.ROLE, PrincipalMatch.EXACT}
    elif kind in (PrincipalType.USER, PrincipalType.FEDERATED_USER):
        needed.add(PrincipalMatch.EXACT)
    return needed <= set(levels)


def not_principal_lists_caller(block: PrincipalBlock, principal: RequestPrincipal, semantics: Semantics) -> bool:
    """Does NotPrincipal name the caller's own ARN (whether or not the whole hierarchy is listed)?"""
    return any(entry_match(entry, principal, semantics) is PrincipalMatch.EXACT for entry in block.entries)
