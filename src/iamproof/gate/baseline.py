"""The gate's configuration: `.iamproof.toml`, or the `[tool.iamproof]` table of `pyproject.toml`.

```toml
fail-on = "error"            # optional: the default of --fail-on

[[accept]]                   # a known finding, accepted with a reason
id = "NEW_ACCESS:infra/app.yaml:OrdersRole/tables:3f2a9c1d0e"
reason = "reviewed in SEC-123: the role needs the new table"
```
Every accepted finding needs a non-empty reason. Unknown keys are errors, so that a misspelt key does not
silently accept nothing (or everything).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iamproof.errors import InputError
from iamproof.lint.findings import Severity
from iamproof.span import Span

CONFIG_NAME = ".iamproof.toml"
_TOP_KEYS = {"fail-on", "accept"}
_ENTRY_KEYS = {"id", "reason"}


@dataclass(frozen=True)
class Baseline:
    file: str | None = None
    fail_on: str | None = None
    accepted: dict[str, str] = field(default_factory=dict)  # finding id -> reason


def find_baseline(directories: list[Path]) -> Baseline:
    """The first `.iamproof.toml`, else the first `pyproject.toml` with a `[tool.iamproof]` table, looking in
    each directory in turn; no configuration is an empty baseline."""
    for directory in directories:
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return load_baseline(str(candidate))
    for directory in directories:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            table = _read(str(candidate)).get("tool", {}).get("iamproof")
            if table is not None:
                return _baseline(str(candidate), table, "[tool.iamproof]")
    return Baseline()


def load_baseline(path: str) -> Baseline:
    data = _read(path)
    if Path(path).name == "pyproject.toml":
        return _baseline(path, data.get("tool", {}).get("iamproof", {}), "[tool.iamproof]")
    return _baseline(path, data, "the top level")


def _read(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the baseline: {exc}", Span.whole_file(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "malformed TOML"
        raise InputError(f"invalid TOML: {message}", Span(path, line, column, line, column + 1)) from None


def _baseline(path: str, table: Any, where: str) -> Baseline:
    whole = Span.whole_file(path)
    if not isinstance(table, dict):
        raise InputError(f"{where} must be a table", whole)
    unknown = sorted(set(table) - _TOP_KEYS)
    if unknown:
        raise InputError(f"unknown key(s) in {where}: {', '.join(unknown)} (known: fail-on, accept)", whole)
    fail_on = table.get("fail-on")
    if fail_on is not None:
        if not isinstance(fail_on, str) or not _is_level(fail_on):
            raise InputError("fail-on must be one of error, security_warning, warning, suggestion, none", whole)
        fail_on = fail_on.lower()
    entries = table.get("accept", [])
    if not isinstance(entries, list):
        raise InputError("accept must be an array of tables ([[accept]])", whole)
    accepted: dict[str, str] = {}
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise InputError(f"accept entry {number} must be a table with id and reason", whole)
        extra = sorted(set(entry) - _ENTRY_KEYS)
        if extra:
            raise InputError(f"accept entry {number}: unknown key(s) {', '.join(extra)} (known: id, reason)", whole)
        finding, reason = entry.get("id"), entry.get("reason")
        if not isinstance(finding, str) or not finding.strip():
            raise InputError(f"accept entry {number}: `id` must be a finding id (a non-empty string)", whole)
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"accept entry {number} ({finding}): a non-empty `reason` is required", whole)
        accepted[finding.strip()] = reason.strip()
    return Baseline(path, fail_on, accepted)


def _is_level(label: str) -> bool:
    if label.lower() == "none":
        return True
    try:
        Severity.from_label(label)
    except ValueError:
        return False
    return True
