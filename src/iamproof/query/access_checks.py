"""Access Analyzer's CheckAccessNotGranted and CheckNoPublicAccess, answered exactly."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iamproof.ast import OperatorFamily, Policy
from iamproof.cells.deadline import Deadline
from iamproof.evaluate.conditions import arn_like
from iamproof.evaluate.request import PrincipalType, Request
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS, Semantics
from iamproof.gc_pause import pausing_collector
from iamproof.patterns import glob_match, literal_glob, parse_glob
from iamproof.query.session import Session, Witness
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject, compile_subject
from iamproof.smt.formula import (
    Formula,
    KeySlot,
    Match,
    MatchMode,
    Present,
    PrincipalIs,
    Slot,
    StrTerm,
    conj,
    disj,
    neg,
)
from iamproof.smt.keys import KeyInfo, KeyType, Unsupported, collect_keys
from iamproof.smt.request_terms import is_iam

_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict  # SAT: the access exists (fail); UNSAT: pass
    witness: Witness | None = None
    reason: str = ""


def _run(
    subject: Subject,
    extra: Formula,
    keys: dict[str, KeyInfo],
    confirm_extra: Callable[[Request], bool],
    semantics: Semantics,
    timeout: float,
) -> CheckResult:
    deadline = Deadline.after(timeout)  # the time limit covers compiling too
    try:
        compiled = compile_subject(subject, keys, semantics)
        goal = conj([compiled.allowed, extra])
        session = Session([goal], keys, timeout, deadline)

        def confirm(request: Request) -> bool:
            return subject.allows(request, semantics) and confirm_extra(request)

        outcome, witness = session.solve(goal, confirm)
    except Unsupported as exc:
        return CheckResult(Verdict.UNKNOWN, None, str(exc))
    return CheckResult(outcome.verdict, witness, outcome.reason)


@pausing_collector
def check_access_not_granted(
    subject: Subject,
    actions: Sequence[str],
    resources: Sequence[str],
    *,
    semantics: Semantics = DEFAULT_SEMANTICS,
    timeout: float = 30.0,
) -> CheckResult:
    """Is any of `actions` (on any of `resources`, when given) allowed? Patterns may use `*` and `?`."""
    action_globs = [parse_glob(a.lower()) for a in actions]
    resource_globs = [parse_glob(r) for r in resources]
    parts: list[Formula] = []
    if action_globs:
        parts.append(disj(Match(StrTerm.of(Slot.ACTION), g, MatchMode.IGNORE_CASE) for g in action_globs))
    if resource_globs:
        parts.append(disj(Match(StrTerm.of(Slot.RESOURCE), g, MatchMode.ARN) for g in resource_globs))

    def fits(request: Request) -> bool:
        action_ok = not action_globs or any(glob_match(g, request.action, ignore_case=True) for g in action_globs)
        resource_ok = not resource_globs or any(arn_like(g, request.resource) for g in resource_globs)
        return action_ok and resource_ok

    keys = collect_keys(subject.policies())
    return _run(subject, conj(parts), keys, fits, semantics, timeout)


def owner_account(policy: Policy) -> str | None:
    """The one account that every account-bearing resource ARN of the policy names, if there is one."""
    accounts: set[str] = set()
    for statement in policy.statements:
        for item in statement.resource.items if statement.resource else ():
            parts = item.text.split(":")
            if len(parts) >= 6 and _ACCOUNT.match(parts[4]):
                accounts.add(parts[4])
    return accounts.pop() if len(accounts) == 1 else None


def trusted_values(policy: Policy, key: str) -> set[str]:
    """Literal values the policy compares `key` with (organization IDs, VPC endpoints): the owner's."""
    values: set[str] = set()
    for statement in policy.statements:
        for condition in statement.conditions:
            if condition.key_lower == key and condition.operator.family is OperatorFamily.STRING:
                values |= {v.text for v in condition.values if "*" not in v.text and "?" not in v.text}
    return values


_TRUSTED_KEYS = ("aws:principalorgid", "aws:sourcevpce", "aws:sourcevpc", "aws:sourceorgid")


@pausing_collector
def check_no_public_access(
    subject: Subject, account: str, *, semantics: Semantics = DEFAULT_SEMANTICS, timeout: float = 30.0
) -> CheckResult:
    """Can anyone outside `account` (another account, a service acting for one, or anonymous) get access?

    Organization IDs and VPC endpoints the policy names are taken to be the owner's: a caller outside
    the account is assumed not to carry them.
    """
    assert subject.policy is not None
    keys = collect_keys(subject.policies())
    trusted = {key: trusted_values(subject.policy, key) for key in _TRUSTED_KEYS}
    for key in _TRUSTED_KEYS:
        keys.setdefault(key, KeyInfo(key, {KeyType.STRING}))
    owner = literal_glob(account)
    outsider = disj(
        [
            PrincipalIs(PrincipalType.ANONYMOUS.value),
            PrincipalIs(PrincipalType.WEB_IDENTITY.value),
            PrincipalIs(PrincipalType.CANONICAL_USER.value),
            conj([is_iam(), neg(Match(StrTerm.of(Slot.PRINCIPAL_ACCOUNT), owner, MatchMode.PLAIN))]),
            conj(
                [
                    PrincipalIs(PrincipalType.SERVICE.value),
                    neg(conj([Present(KeySlot("aws:sourceaccount")), _equals_key("aws:sourceaccount", account)])),
                ]
            ),
        ]
    )
    untrusted = conj(
        neg(conj([Present(KeySlot(key)), disj(_equals_key(key, v) for v in values)]))
        for key, values in trusted.items()
        if values
    )

    def confirm(request: Request) -> bool:
        kind = request.principal.type
        if kind.is_iam:
            outside = request.principal.account != account
        elif kind is PrincipalType.SERVICE:
            outside = request.lookup("aws:SourceAccount") != (account,)
        else:
            outside = True
        carries_trusted = any(set(request.lookup(key) or ()) & values for key, values in trusted.items())
        return outside and not carries_trusted

    return _run(subject, conj([outsider, untrusted]), keys, confirm, semantics, timeout)


def _equals_key(key: str, value: str) -> Formula:
    return Match(StrTerm.of(KeySlot(key)), literal_glob(value), MatchMode.PLAIN)
