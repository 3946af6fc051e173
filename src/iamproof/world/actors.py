"""Who can make requests in a world: its users and roles, and the principals outside it that a policy can name.

Principals outside the world are classes, named in output as:
`anonymous` (unauthenticated callers), `*` (an authenticated principal of an account no policy names),
`account:ID` (a principal of another account some policy names), `service:NAME` (a service principal).
The identity policies of another account are not known; they are taken to allow everything, so that a
cross-account grant in a resource policy is never missed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from iamproof.ast import Policy, PrincipalKey
from iamproof.evaluate.decision import PolicySet
from iamproof.evaluate.request import PrincipalType, Request, RequestPrincipal, parse_principal
from iamproof.parsing.documents import parse_policy_text
from iamproof.patterns import literal_glob
from iamproof.smt.formula import Formula, Match, MatchMode, Slot, StrTerm, conj, neg
from iamproof.smt.request_terms import is_kind
from iamproof.span import Span
from iamproof.world.model import Role, User, World

_SPAN = Span.whole_file("<world>")
_ACCOUNT = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
_OUTSIDE_KINDS = (PrincipalType.USER, PrincipalType.ROLE_SESSION)


@dataclass(frozen=True)
class Actor:
    """A principal (or class of principals) that makes requests, with the policies that bind it."""

    name: str  # as output names it
    principal: RequestPrincipal | None  # None: a class, narrowed by `constraint`
    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    scps: tuple[tuple[Policy, ...], ...] = ()
    constraint: Callable[[], Formula] | None = None
    check: Callable[[Request], bool] | None = None
    role: Role | None = None  # for a role's sessions
    outside: bool = False  # not a principal of the world's account
    representative: RequestPrincipal | None = None  # a member of a class, tried first
    notes: tuple[str, ...] = field(default=())

    def policy_set(self, resource: Policy | None) -> PolicySet:
        return PolicySet(identity=self.identity, resource=resource, boundary=self.boundary, scps=self.scps)


@cache
def allow_everything() -> Policy:
    """What the identity policies of a principal outside the world are taken to be."""
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
    return parse_policy_text(text, "<identity policies of another account: assumed to allow everything>")


def user_actor(world: World, user: User) -> Actor:
    identity = [p.policy for p in user.policies]
    for name in user.groups:
        group = world.group(name)
        if group is not None:
            identity += [p.policy for p in group.policies]
    boundary = user.boundary.policy if user.boundary is not None else None
    principal = parse_principal(user.arn, _SPAN)
    return Actor(user.arn, principal, tuple(identity), boundary, world.scps)


def role_actor(world: World, role: Role) -> Actor:
    boundary = role.boundary.policy if role.boundary is not None else None
    principal = parse_principal(role.session_arn(), _SPAN)
    return Actor(role.arn, principal, tuple(p.policy for p in role.policies), boundary, world.scps, role=role)


def anonymous_actor() -> Actor:
    return Actor("anonymous", parse_principal("anonymous", _SPAN), outside=True)


def service_actor(service: str) -> Actor:
    return Actor(f"service:{service}", parse_principal({"Service": service}, _SPAN), outside=True)


def account_actor(account: str) -> Actor:
    def constraint() -> Formula:
        return conj([is_kind(*_OUTSIDE_KINDS), _account_is(account)])

    def check(request: Request) -> bool:
        return request.principal.type in _OUTSIDE_KINDS and request.principal.account == account

    example = parse_principal(f"arn:aws:iam::{account}:user/example", _SPAN)
    return Actor(
        f"account:{account}",
        None,
        (allow_everything(),),
        constraint=constraint,
        check=check,
        outside=True,
        representative=example,
    )


def anyone_actor(known_accounts: frozenset[str]) -> Actor:
    """An authenticated principal of an account that no policy of the world names."""

    def constraint() -> Formula:
        others = [neg(_account_is(a)) for a in sorted(known_accounts)]
        return conj([is_kind(*_OUTSIDE_KINDS), *others])

    def check(request: Request) -> bool:
        principal = request.principal
        return principal.type in _OUTSIDE_KINDS and principal.account not in known_accounts

    unnamed = next(str(n) for n in range(999999999999, 0, -1) if str(n) not in known_accounts)
    example = parse_principal(f"arn:aws:iam::{unnamed}:user/example", _SPAN)
    return Actor(
        "*", None, (allow_everything(),), constraint=constraint, check=check, outside=True, representative=example
    )


def _account_is(account: str) -> Formula:
    return Match(StrTerm.of(Slot.PRINCIPAL_ACCOUNT), literal_glob(account), MatchMode.PLAIN)


def world_policies(world: World) -> Iterator[Policy]:
    for user in world.users:
        yield from (p.policy for p in user.policies)
        if user.boundary is not None:
            yield user.boundary.policy
    for group in world.groups:
        yield from (p.policy for p in group.policies)
    for role in world.roles:
        yield from (p.policy for p in role.policies)
        if role.trust is not None:
            yield role.trust
        if role.boundary is not None:
            yield role.boundary.policy
    for function in world.functions:
        if function.policy is not None:
            yield function.policy
    for api in world.apis:
        if api.policy is not None:
            yield api.policy


def named_accounts(world: World) -> frozenset[str]:
    """Accounts named in the Principal of any policy of the world (besides the world's own)."""
    found: set[str] = set()
    for policy in world_policies(world):
        for statement in policy.statements:
            if statement.principal is None:
                continue
            for entry in statement.principal.entries:
                if entry.key is PrincipalKey.AWS:
                    found.update(_ACCOUNT.findall(entry.value))
    return frozenset(found - {world.account})


def named_services(world: World) -> frozenset[str]:
    """Service principals that a resource policy or trust policy of the world names."""
    found: set[str] = set()
    for policy in world_policies(world):
        for statement in policy.statements:
            if statement.principal is None:
                continue
            for entry in statement.principal.entries:
                if entry.key is PrincipalKey.SERVICE:
                    found.add(entry.value.lower())
    return frozenset(found)


def world_actors(world: World) -> list[Actor]:
    """The world's users and roles, then the principal classes outside it."""
    accounts = named_accounts(world)
    actors = [user_actor(world, u) for u in world.users] + [role_actor(world, r) for r in world.roles]
    actors += [account_actor(a) for a in sorted(accounts)]
    actors += [anyone_actor(accounts | {world.account}), anonymous_actor()]
    actors += [service_actor(s) for s in sorted(named_services(world))]
    return actors
