"""The choices iamproof makes where AWS documentation is ambiguous ([AMBIG] in the reference).

Every choice is a field here, documented in the README's "Semantics choices", and reported in the
evaluator's notes whenever it decided something.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class AwsStar(Enum):
    """What `{"AWS": "*"}` admits."""

    EVERYONE = "everyone"  # same as "Principal": "*" (anonymous callers and service principals included)
    AUTHENTICATED = "authenticated"  # IAM principals of any account only


class RcpScope(Enum):
    """Which requests RCPs govern."""

    CATALOGUE = "catalogue"  # only actions of services the action catalogue lists as RCP-supported
    ALL = "all"  # every action


@dataclass(frozen=True)
class Semantics:
    aws_star: AwsStar = AwsStar.EVERYONE
    rcp_scope: RcpScope = RcpScope.CATALOGUE

    def describe(self) -> dict[str, str]:
        return {"aws_star": self.aws_star.value, "rcp_scope": self.rcp_scope.value}


DEFAULT_SEMANTICS = Semantics()
