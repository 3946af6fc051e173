"""Find the .lark grammars: package data in a wheel, the repository's grammar/ folder in a checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from iamproof.errors import InternalError


def grammar_text(name: str) -> str:
    """Return the text of grammar `name` (e.g. "policy.lark")."""
    return _grammar_path_and_text(name)[1]


def grammar_location(name: str) -> str:
    """Where grammar `name` was found (for diagnostics and tests)."""
    return _grammar_path_and_text(name)[0]


@cache
def _grammar_path_and_text(name: str) -> tuple[str, str]:
    packaged = resources.files("iamproof").joinpath("grammar").joinpath(name)
    if packaged.is_file():
        return str(packaged), packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[3] / "grammar" / name
    if checkout.is_file():
        return str(checkout), checkout.read_text(encoding="utf-8")
    raise InternalError(f"grammar file {name!r} is missing from the installation")
