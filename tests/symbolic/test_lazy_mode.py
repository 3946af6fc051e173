"""The symbolic tests again, with every action and resource realized one signature at a time.

Large cell partitions fall back to one Boolean per pattern, whose proposed values the automata search
realizes or refutes (`Encoder.lazy`, `cells/realize.py`); here the partition budget is zero, so that the
same tables and properties check that mode on small policies.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iamproof.smt import domains, encode
from tests.symbolic.mode_tables import *  # noqa: F403
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
    "test_null_false_gives_the_key_a_value",
    "test_regrouped_resources_with_a_variable_are_equivalent",
    "test_resource_with_a_variable_and_star_gives_a_real_resource",
]


@pytest.fixture(autouse=True)
def lazy_everywhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(encode, "CELL_STATE_BUDGET", 0)
    domains.forget_domains()
    yield
    domains.forget_domains()
