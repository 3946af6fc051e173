"""The symbolic tests that each other mode of the engine runs again (lazily realized patterns, infix
features): a mode's test module imports these names and adds a fixture that puts the engine in the mode."""

from __future__ import annotations

from tests.symbolic.test_differential import test_pinned_can_agrees_with_eval
from tests.symbolic.test_metamorphic import test_a_real_change_is_not_equivalent, test_rewrite_keeps_policy_equivalent
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
    "test_a_real_change_is_not_equivalent",
    "test_can",
    "test_check_access_not_granted",
    "test_check_no_public_access",
    "test_diff_pass_is_proved",
    "test_diff_witnesses_are_distinct_and_granted_by_new",
    "test_equiv_of_resource_policies_compares_principals",
    "test_equiv_relation",
    "test_pinned_can_agrees_with_eval",
    "test_rewrite_keeps_policy_equivalent",
]
