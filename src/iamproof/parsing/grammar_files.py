"""Find the .lark grammars: package data in a wheel, the repository's grammar/ folder in a checkout.

The places are tried in this order:
1. `iamproof/grammar/` next to this package's own modules (an installed wheel);
2. `grammar/` at the root of the source checkout this module was loaded from (a checkout or an
   editable install: there the repository's file is the one being edited, and any copy an editable
   install left in site-packages may be stale);
3. `importlib.resources` (any other importer, e.g. a zip file).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from iamproof.errors import InternalError

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def grammar_text(name: str) -> str:
    """Return the text of grammar `name` (e.g. "policy.lark")."""
    return _grammar_path_and_text(name)[1]


def grammar_location(name: str) -> str:
    """Where grammar `name` was found (for diagnostics and tests)."""
    return _grammar_path_and_text(name)[0]


@cache
def _grammar_path_and_text(name: str) -> tuple[str, str]:
    for candidate in (_PACKAGE_DIR / "grammar" / name, _checkout_root() / "grammar" / name):
        if candidate.is_file():
            return str(candidate), candidate.read_text(encoding="utf-8")
    try:
        packaged = resources.files("iamproof").joinpath("grammar").joinpath(name)
        if packaged.is_file():
            return str(packaged), packaged.read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        pass
    raise InternalError(f"grammar file {name!r} is missing from the installation")


def _checkout_root() -> Path:
    """The repository root when this package is `<root>/src/iamproof` (else a path with no grammar/)."""
    if _PACKAGE_DIR.parent.name == "src" and (_PACKAGE_DIR.parent.parent / "pyproject.toml").is_file():
        return _PACKAGE_DIR.parent.parent
    return _PACKAGE_DIR / "no-checkout"
