"""What every lint check receives: the policy and the type it is validated as."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from iamproof.ast import Policy
from iamproof.lint.findings import Finding
from iamproof.lint.policy_types import PolicyType


@dataclass(frozen=True)
class LintContext:
    policy: Policy
    policy_type: PolicyType


Check = Callable[[LintContext], Iterable[Finding]]
"""A lint check: yields the findings of one family of rules."""
