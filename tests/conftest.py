"""Shared pytest options."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", default=False, help="rewrite golden files from the current output"
    )


# Property tests draw the same examples on every run, so that a test run is reproducible; set
# IAMPROOF_HYPOTHESIS=explore to draw fresh random examples instead.
settings.register_profile("reproducible", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("IAMPROOF_HYPOTHESIS", "reproducible"))
