"""The symbolic tests again, with every infix resource pattern a feature beside the cells.

A resource domain with several patterns such as `arn:aws:s3:::b/*lic*` keeps them out of its cells: each is
a Boolean that implies its shape's cells, and the session realizes the proposed cell and features or
refutes them (`smt/features.py`). Here the threshold is one feature, so that the same tables and properties
check that mode on small policies.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iamproof.smt import domains, features
from tests.symbolic.test_differential import test_pinned_can_agrees_with_eval
from tests.symbolic.test_metamorphic import *  # noqa: F403
from tests.symbolic.test_queries import (
    test_can,
    test_check_access_not_granted,
    test_check_no_public_access,
    test_diff_pass_is_proved,
    test_diff_witnesses_are_distinct_and_granted_by_new,
    test_equiv_of_resource_policies_compares_principals,
    test_equiv_relation,
)

__all__ = [
    "test_can",
    "test_check_access_not_granted",
    "test_check_no_public_access",
    "test_diff_pass_is_proved",
    "test_diff_witnesses_are_distinct_and_granted_by_new",
    "test_equiv_of_resource_policies_compares_principals",
    "test_equiv_relation",
    "test_pinned_can_agrees_with_eval",
]


@pytest.fixture(autouse=True)
def features_everywhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(features, "MIN_FEATURES", 1)
    domains.forget_domains()
    yield
    domains.forget_domains()
