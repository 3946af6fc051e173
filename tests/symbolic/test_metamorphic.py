"""Rewrites that never change what a policy allows must give `equivalent`."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamproof.evaluate.decision import PolicyKind
from iamproof.parsing.documents import parse_policy_text
from iamproof.query.relations import Relation, check_equivalent
from iamproof.query.subjects import Subject
from tests.symbolic.strategies import policies

Rewrite = Callable[[dict[str, Any], random.Random], dict[str, Any]]


def reorder(policy: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    statements = list(policy["Statement"])
    rng.shuffle(statements)
    return {**policy, "Statement": statements}


def split_actions(policy: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = []
    for statement in policy["Statement"]:
        actions = statement.get("Action")
        if isinstance(actions, list) and len(actions) > 1:
            out += [{**statement, "Action": action} for action in actions]
        else:
            out.append(statement)
    return {**policy, "Statement": out}


def split_resources(policy: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = []
    for statement in policy["Statement"]:
        resources = statement.get("Resource")
        if isinstance(resources, list) and len(resources) > 1:
            out += [{**statement, "Resource": [resource]} for resource in resources]
        else:
            out.append(statement)
    return {**policy, "Statement": out}


def rename_sids(policy: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return {
        **policy,
        "Statement": [{**s, "Sid": f"Renamed{i}{rng.randint(0, 99)}"} for i, s in enumerate(policy["Statement"])],
    }


def recase_actions(policy: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    def flip(text: str) -> str:
        return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)

    out = []
    for statement in policy["Statement"]:
        statement = dict(statement)
        for key in ("Action", "NotAction"):
            if key in statement:
                value = statement[key]
                statement[key] = [flip(a) for a in value] if isinstance(value, list) else flip(value)
        out.append(statement)
    return {**policy, "Statement": out}


REWRITES: dict[str, Rewrite] = {
    "reorder": reorder,
    "split-actions": split_actions,
    "split-resources": split_resources,
    "rename-sids": rename_sids,
    "recase-actions": recase_actions,
}


def _subject(label: str, text: str, kind: PolicyKind) -> Subject:
    return Subject(label, policy=parse_policy_text(text, label), kind=kind)


@pytest.mark.parametrize("name", sorted(REWRITES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rewrite_keeps_policy_equivalent(name: str, data: st.DataObject) -> None:
    with_principal = data.draw(st.booleans())
    original = data.draw(policies(with_principal=with_principal))
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    rewritten = json.dumps(REWRITES[name](json.loads(original), rng))
    kind = PolicyKind.RESOURCE if with_principal else PolicyKind.IDENTITY
    result = check_equivalent(_subject("a", original, kind), _subject("b", rewritten, kind), timeout=60)
    assert result.relation is Relation.EQUIVALENT, (original, rewritten, result)


def test_a_real_change_is_not_equivalent() -> None:
    old = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
    new = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}'
    result = check_equivalent(_subject("old", old, PolicyKind.IDENTITY), _subject("new", new, PolicyKind.IDENTITY))
    assert result.relation is Relation.LESS
    assert result.only_b is not None
    assert result.only_b.request.action.lower().startswith("s3:get")
    assert result.only_b.request.action.lower() != "s3:getobject"
