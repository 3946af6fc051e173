"""The symbolic tests again, with every action and resource realized one signature at a time.

Large cell partitions fall back to one Boolean per pattern, whose proposed values the automata search
realizes or refutes (`Encoder.lazy`, `cells/realize.py`); here the partition budget is zero, so that the
same tables and properties check that mode on small policies.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iamproof.smt import domains, encode
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
from tests.symbolic.test_regressions import (
    test_arn_without_components_is_answered,
    test_null_false_gives_the_key_a_value,
    test_resource_with_a_variable_and_star_gives_a_real_resource,
)
from tests.symbolic.test_templates import (
    test_a_variable_prefix_gives_a_confirmed_witness,
    test_regrouped_resources_with_a_variable_are_equivalent,
)

__all__ = [
    "test_a_variable_prefix_gives_a_confirmed_witness",
    "test_arn_without_components_is_answered",
    "test_can",
    "test_check_access_not_granted",
    "test_check_no_public_access",
    "test_diff_pass_is_proved",
    "test_diff_witnesses_are_distinct_and_granted_by_new",
    "test_equiv_of_resource_policies_compares_principals",
    "test_equiv_relation",
    "test_null_false_gives_the_key_a_value",
    "test_pinned_can_agrees_with_eval",
    "test_regrouped_resources_with_a_variable_are_equivalent",
    "test_resource_with_a_variable_and_star_gives_a_real_resource",
]


@pytest.fixture(autouse=True)
def lazy_everywhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(encode, "CELL_STATE_BUDGET", 0)
    domains.forget_domains()
    yield
    domains.forget_domains()
