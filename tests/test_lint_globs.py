"""The conservative glob inclusion and intersection tests, checked by tables and against the matcher."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamproof.lint.globs import is_universal, pattern_includes, patterns_intersect
from iamproof.patterns import Pattern, glob_match, parse_pattern


def _p(text: str) -> Pattern:
    return parse_pattern(text, variables=True)


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("*", "anything", True),
        ("*", "a*b?", True),
        ("s3:Get*", "s3:GetObject", True),
        ("s3:Get*", "s3:Get*Acl", True),
        ("s3:Get*", "s3:*", False),
        ("s3:GetObject", "s3:GetObject", True),
        ("s3:GetObject", "s3:Get*", False),
        ("a?c", "abc", True),
        ("a?c", "a?c", True),
        ("a?c", "a*c", False),
        ("a*", "a", True),
        ("*a*", "xay", True),
        ("role/*", "role/x/y", True),
        ("b/${aws:username}/*", "b/${aws:username}/x", True),
        ("b/*", "b/${aws:username}", True),
        ("b/x", "b/${aws:username}", False),
        ("", "", True),
        ("*", "", True),
        ("a", "", False),
    ],
)
def test_pattern_includes(outer: str, inner: str, expected: bool) -> None:
    assert pattern_includes(_p(outer), _p(inner)) is expected


def test_pattern_includes_ignoring_case() -> None:
    assert pattern_includes(_p("S3:GET*"), _p("s3:getobject"), ignore_case=True)
    assert not pattern_includes(_p("S3:GET*"), _p("s3:getobject"))


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("user/*", "u*", True),
        ("secret:*", "db-*", False),
        ("a*", "*b", True),
        ("a?", "?b", True),
        ("ab", "a?c", False),
        ("log-group:*", "/aws-glue/*", False),
        ("x${Var}", "xyz", True),
    ],
)
def test_patterns_intersect(first: str, second: str, expected: bool) -> None:
    assert patterns_intersect(_p(first), _p(second)) is expected


@pytest.mark.parametrize(("text", "expected"), [("*", True), ("**", True), ("*a", False), ("", False)])
def test_is_universal(text: str, expected: bool) -> None:
    assert is_universal(_p(text)) is expected


# --- against the matcher ---------------------------------------------------------------------------------

_PATTERNS = st.text(alphabet="ab*?", max_size=6)
_FILLERS = st.lists(st.text(alphabet="abc", max_size=3), min_size=8, max_size=8)


def _instance(pattern: str, fillers: list[str]) -> str:
    """A string the pattern matches: each `*` becomes a filler, each `?` a filler's first letter or 'c'."""
    out = []
    for index, char in enumerate(pattern):
        filler = fillers[index % len(fillers)]
        if char == "*":
            out.append(filler)
        elif char == "?":
            out.append(filler[:1] or "c")
        else:
            out.append(char)
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(_PATTERNS, _PATTERNS, _FILLERS)
def test_inclusion_is_sound(outer: str, inner: str, fillers: list[str]) -> None:
    """If inclusion is claimed, every string the inner pattern matches is matched by the outer one."""
    sample = _instance(inner, fillers)
    assert glob_match(_p(inner), sample)
    if pattern_includes(_p(outer), _p(inner)):
        assert glob_match(_p(outer), sample)


@settings(max_examples=400, deadline=None)
@given(_PATTERNS, _PATTERNS, _FILLERS)
def test_disjointness_is_sound(first: str, second: str, fillers: list[str]) -> None:
    """If the patterns are said not to intersect, no string matched by one is matched by the other."""
    sample = _instance(first, fillers)
    if not patterns_intersect(_p(first), _p(second)):
        assert not glob_match(_p(second), sample)
