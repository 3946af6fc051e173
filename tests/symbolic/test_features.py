"""Infix resource patterns as features beside the cells (`smt/features.py`): which patterns become
features, that the cells keep their shapes, and that proposals no resource has are refuted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from iamproof.evaluate.decision import PolicyKind
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS
from iamproof.parsing.documents import parse_policy_text
from iamproof.patterns import glob_match, parse_glob
from iamproof.query.relations import Relation, _Pair, check_equivalent, check_no_new_access
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.smt import domains
from iamproof.smt.features import MIN_FEATURES, infix_shape, split_features
from iamproof.smt.formula import MatchMode, Slot

B = "arn:aws:s3:::b/"
INFIXES = ["*ab*", "*cd*", "*ef*", "*gh*"]


def subject(label: str, *statements: dict[str, Any]) -> Subject:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return Subject(label, policy=parse_policy_text(json.dumps(document), label), kind=PolicyKind.IDENTITY)


def allow(*resources: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": list(resources)}


def deny(*resources: str) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": "s3:GetObject", "Resource": list(resources)}


@pytest.fixture(autouse=True)
def fresh_domains() -> Iterator[None]:
    domains.forget_domains()
    yield
    domains.forget_domains()


@pytest.mark.parametrize(
    ("pattern", "shape"),
    [
        ("arn:aws:s3:::b/*ab*", "arn:aws:s3:::b/*"),
        ("arn:aws:s3:::b/*ab*cd*", "arn:aws:s3:::b/*"),
        ("arn:aws:s3:::b/*ab*/x", "arn:aws:s3:::b/*/x"),
        ("arn:aws:sns:*:111122223333:*epo*", "arn:aws:sns:*:111122223333:*"),
        ("arn:aws:s3:::b/*", None),  # no literal between two stars
        ("arn:aws:s3:::b/x*y", None),
        ("arn:aws:s3:::b/*a?b*", None),  # `?` is not literal
        ("arn:*aws*:s3:::b/x", None),  # before the fifth colon: a component, not a feature
        ("*ab*", None),  # no ARN components
    ],
)
def test_infix_shape(pattern: str, shape: str | None) -> None:
    assert infix_shape(parse_glob(pattern)) == (None if shape is None else parse_glob(shape))


def test_few_infix_patterns_stay_in_the_cells() -> None:
    globs = {(parse_glob(B + infix), MatchMode.ARN) for infix in INFIXES[: MIN_FEATURES - 1]}
    assert split_features(globs) == (frozenset(globs), {})
    more = globs | {(parse_glob(B + INFIXES[-1]), MatchMode.ARN)}
    kept, shapes = split_features(more)
    assert set(shapes) == more
    assert kept == {(parse_glob(B + "*"), MatchMode.ARN)}


def test_infix_patterns_are_features_and_the_cells_keep_their_shapes() -> None:
    old = subject("old", allow(*(B + i for i in INFIXES)))
    new = subject("new", allow(B + "*", "arn:aws:s3:::b/logs"))
    encoder = _Pair(old, new, DEFAULT_SEMANTICS, 30.0).session.encoder
    features = encoder.features[Slot.RESOURCE]
    assert {glob for glob, _ in features.matches} == {parse_glob(B + i) for i in INFIXES}
    cell_globs = {glob for glob, _ in encoder.cells[Slot.RESOURCE].index}
    assert parse_glob(B + "*") in cell_globs
    assert not any(parse_glob(B + i) in cell_globs for i in INFIXES)


def test_a_feature_inside_another_is_refuted() -> None:
    """Every resource with `ab` has `a`: the solver's proposal "ab, not a" has no value, and only the
    automata search's refutation makes the diff pass."""
    old = subject("old", allow(*(B + i for i in ["*a*", *INFIXES[1:]])))
    new = subject("new", allow(*(B + i for i in INFIXES)))
    result = check_no_new_access(old, new, timeout=30)
    assert result.verdict is Verdict.UNSAT, result.reason


def test_witness_has_the_new_feature_and_not_the_denied_one() -> None:
    old = subject("old", allow(B + "*"), deny(*(B + i for i in ["*a*", *INFIXES[1:]])))
    new = subject("new", allow(B + "*"), deny(*(B + i for i in INFIXES[1:])))
    result = check_no_new_access(old, new, timeout=30)
    assert result.verdict is Verdict.SAT
    for witness in result.witnesses:
        resource = witness.request.resource
        assert glob_match(parse_glob(B + "*a*"), resource), resource
        assert not any(glob_match(parse_glob(B + i), resource) for i in INFIXES[1:]), resource


def test_a_literal_resource_decides_the_features() -> None:
    """`b/xabx` has the feature `*ab*` whatever the solver proposes: equivalent to listing it."""
    a = subject("a", allow(*(B + i for i in INFIXES)), deny(B + "*ab*"))
    b = subject("b", allow(*(B + i for i in INFIXES)), deny(B + "*ab*", B + "xabx"))
    assert check_equivalent(a, b, timeout=30).relation is Relation.EQUIVALENT
    c = subject("c", allow(*(B + i for i in INFIXES[1:]), B + "xabx"))
    d = subject("d", allow(*(B + i for i in INFIXES[1:])))
    result = check_equivalent(c, d, timeout=30)
    assert result.relation is Relation.MORE
    assert result.only_a is not None and result.only_a.request.resource == B + "xabx"


def test_a_known_member_of_the_cell_with_the_proposed_features_needs_no_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The partition's own members of the model's cell are tried first: `b/` itself has none of the infixes."""

    def no_search(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the automata search ran")

    monkeypatch.setattr("iamproof.query.session.realize", no_search)
    old = subject("old", allow("arn:aws:s3:::other"))
    new = subject("new", allow(B + "*"), deny(*(B + i for i in INFIXES)))
    result = check_no_new_access(old, new, max_witnesses=1, timeout=30)
    assert result.verdict is Verdict.SAT
    assert result.witnesses[0].request.resource.startswith(B)
