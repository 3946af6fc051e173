"""`realize`: a string with exactly a proposed signature, or a core of patterns that cannot hold together."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from iamproof.cells.deadline import Deadline
from iamproof.cells.glob_automaton import compile_glob
from iamproof.cells.realize import _may_match, realize
from iamproof.patterns import glob_match, parse_glob

INFIX_ACTIONS = [
    "s3:*access*delete*tiering*",
    "s3:*configurations*buckets*",
    "s3:*locations*update*",
    "s3:*logging*data*inventory*",
    "s3:*routes*untag*for*",
    "s3:*tagging*priority*",
    "s3:abac*annotation*",
    "s3:hold*delete*",
    "s3:table*associate*",
    "s3:table*dashboard*",
]


def test_many_infix_patterns_at_once_are_realized_within_a_second() -> None:
    """Six positive infix patterns: the shortest member is about 90 characters long, past any breadth-first
    walk; the joined literal pieces of the patterns have the signature."""
    automata = [compile_glob(parse_glob(g)) for g in INFIX_ACTIONS]
    positive = frozenset({1, 2, 3, 4, 8, 9})
    negative = frozenset(range(len(automata))) - positive
    found = realize(automata, positive, negative, deadline=Deadline.after(1.0))
    assert found.text is not None
    matched = {i for i, g in enumerate(INFIX_ACTIONS) if glob_match(parse_glob(g), found.text)}
    assert matched == positive


def test_an_impossible_proposal_gives_a_minimal_core() -> None:
    """`s3:get*` without `s3:*` is impossible whatever the other patterns say: the core is those two."""
    globs = ["s3:*", "s3:get*", "s3:put*", "s3:*object", "s3:list*", "ec2:*"]
    automata = [compile_glob(parse_glob(g)) for g in globs]
    found = realize(automata, frozenset({1, 3}), frozenset({0, 2, 4, 5}))
    assert found.text is None
    assert found.core == {0, 1}


ALPHABET = "ab:/*?"
patterns = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=6), min_size=1, max_size=5)
SHORT = ["".join(chars) for n in range(6) for chars in itertools.product("ab:/x", repeat=n)]


@settings(max_examples=300, deadline=None)
@given(patterns, st.data())
def test_realize_agrees_with_the_reference_matcher(globs: list[str], data: st.DataObject) -> None:
    """A realized string has exactly the proposed signature; an unrealized proposal has no short member,
    and its core alone is impossible."""
    automata = [compile_glob(parse_glob(g)) for g in globs]
    positive = frozenset(data.draw(st.sets(st.integers(0, len(globs) - 1))))
    negative = frozenset(range(len(globs))) - positive

    def signature(text: str) -> frozenset[int]:
        return frozenset(i for i, g in enumerate(globs) if glob_match(parse_glob(g), text))

    found = realize(automata, positive, negative)
    if found.text is not None:
        assert signature(found.text) == positive
        return
    assert all(signature(text) != positive for text in SHORT)
    for text in SHORT:
        sig = signature(text)
        assert not all((i in sig) == (i in positive) for i in found.core)
    for left_out in found.core:  # minimal: without any one of its patterns, the rest is possible
        rest = found.core - {left_out}
        assert realize(automata, positive & rest, negative & rest).text is not None


SQS = [
    "sqs:*add*untag*delete*",
    "sqs:*untag*delete*",
    "sqs:*cancel*message*untag*",
    "sqs:*change*queue*permission*",
    "sqs:*create*cancel*url*",
    "sqs:*create*url*message*",
    "sqs:*dead*set*",
    "sqs:*delete*receive*",
    "sqs:*list*dead*",
    "sqs:*permission*visibility*source*",
    "sqs:*purge*delete*get*",
    "sqs:*purge*set*permission*",
    "sqs:*queues*set*",
    "sqs:*source*send*",
    "sqs:*tags*create*start*",
    "sqs:*url*queue*add*",
    "sqs:*visibility*create*tasks*",
]


def test_a_positive_pattern_inside_a_negative_one_is_the_core_at_once() -> None:
    """`sqs:*add*untag*delete*` without `sqs:*untag*delete*` is impossible, but a search over all the
    infix patterns has no bound on the strings it walks: the pair is found on its own."""
    automata = [compile_glob(parse_glob(g)) for g in SQS]
    positive = frozenset({0})
    negative = frozenset(range(1, len(SQS)))
    found = realize(automata, positive, negative, deadline=Deadline.after(5.0))
    assert found.text is None
    assert found.core == {0, 1}


def test_negative_patterns_no_positive_member_can_match_are_left_out() -> None:
    """Every member of `arn:aws:s3:::b/*` starts with that head: a negative pattern of another service
    matches none of them and is not searched; one that shares the head (or is a prefix of it) is."""
    globs = ["arn:aws:s3:::b/*", "arn:aws:sqs:*:*:q", "arn:aws:s3:::b/x*", "arn:*", "*", "arn:aws:s3:::c"]
    automata = [compile_glob(parse_glob(g), arn=True) for g in globs]
    assert _may_match(automata, frozenset({0}), frozenset({1, 2, 3, 4, 5})) == {2, 3, 4}
    found = realize(automata, frozenset({0, 3, 4}), frozenset({1, 2, 5}))
    assert (
        found.text is not None
        and found.text.startswith("arn:aws:s3:::b/")
        and not found.text.startswith("arn:aws:s3:::b/x")
    )
    # positive heads that disagree: nothing is left out (the proposal is impossible, and a core says why)
    assert _may_match(automata, frozenset({0, 5}), frozenset({1, 2})) == {1, 2}
