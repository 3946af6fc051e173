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
from tests.symbolic.mode_tables import *  # noqa: F403


@pytest.fixture(autouse=True)
def features_everywhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(features, "MIN_FEATURES", 1)
    domains.forget_domains()
    yield
    domains.forget_domains()
