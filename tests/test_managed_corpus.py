"""Every AWS managed policy version of the shared corpus parses, and validate reports exactly the ERROR
findings listed in `data/lint/managed_corpus_errors.txt`, each of which was reviewed (its header says what
they are: actions that today's catalogue does not have).

Each line of the list is `Policy/vN.json:line:column CODE "text"`, where "text" is the JSON string found at
that position of the file (the action the finding is about); the test checks that too. To rewrite the list
after a deliberate change, run `pytest tests/test_managed_corpus.py --update-golden` and review the difference.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from iamproof.lint import Severity, validate_file

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "aws-managed-policies"
EXPECTED = Path(__file__).parent / "data" / "lint" / "managed_corpus_errors.txt"
EXPECTED_FILES = 1772

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the AWS managed policy corpus is not present at {CORPUS}")


def _text_at(file: Path, line: int, column: int) -> str:
    """The JSON value that starts at (line, column) of the file, written back as JSON."""
    source = file.read_text(encoding="utf-8").splitlines()[line - 1]
    value, _ = json.JSONDecoder().raw_decode(source, column - 1)
    return json.dumps(value)


@cache
def _corpus() -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """(files parsed, unreadable files, ERROR findings as lines of the expected list)."""
    parsed, unreadable, errors = 0, [], []
    for file in sorted(CORPUS.glob("*/*.json")):
        report = validate_file(file)
        if report.error is not None:
            unreadable.append(str(report.error))
            continue
        parsed += 1
        name = file.relative_to(CORPUS).as_posix()
        for item in report.findings:
            if item.severity is Severity.ERROR:
                span = item.span
                text = _text_at(file, span.line, span.column)
                errors.append(f"{name}:{span.line}:{span.column} {item.code} {text}")
    return parsed, tuple(unreadable), tuple(errors)


def _expected() -> list[str]:
    lines = EXPECTED.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_every_managed_policy_version_parses() -> None:
    parsed, unreadable, _ = _corpus()
    assert unreadable == ()
    assert parsed == EXPECTED_FILES


def test_error_findings_are_exactly_the_known_defects(request: pytest.FixtureRequest) -> None:
    _, _, errors = _corpus()
    if request.config.getoption("--update-golden", default=False):
        _write(errors)
    found, expected = set(errors), set(_expected())
    assert sorted(found - expected) == [], "new ERROR findings in the managed policies"
    assert sorted(expected - found) == [], "known defects no longer reported"
    assert len(errors) == len(expected)


def _write(errors: tuple[str, ...]) -> None:
    header = [line for line in EXPECTED.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    EXPECTED.write_text("\n".join([*header, *sorted(errors)]) + "\n", encoding="utf-8")
