"""The moment by which a query must be answered, shared by its stages (partition, encoding, solving)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


class OutOfTime(Exception):
    """The query's time limit passed before a stage finished; the query answers unknown."""


@dataclass(frozen=True)
class Deadline:
    """A point on the `time.monotonic()` clock; `at` is infinite for no limit."""

    at: float = math.inf

    @staticmethod
    def after(seconds: float) -> Deadline:
        return Deadline(time.monotonic() + max(0.0, seconds))

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def expired(self) -> bool:
        return time.monotonic() >= self.at

    def check(self, stage: str) -> None:
        """Raises OutOfTime if the moment has passed."""
        if self.expired():
            raise OutOfTime(f"the time limit passed during {stage}")


NO_DEADLINE = Deadline()
