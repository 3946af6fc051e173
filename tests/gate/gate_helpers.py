"""Version pairs of the template and plan fixtures, and a temporary git repository for the gate's tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from iamproof.cli import run

DATA = Path(__file__).resolve().parent.parent / "data" / "gate"


def fixture_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def edited(name: str, old: str, new: str, count: int = 1) -> str:
    """The fixture with `old` replaced by `new` (exactly `count` times, so that a fixture change breaks loudly)."""
    text = fixture_text(name)
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {name}"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the only occurrence of `needle`."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


def diff_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = diff(capsys, *args, "--format", "json")
    assert err == "", err
    return code, json.loads(out)


class Repo:
    """A git repository in a temporary directory, with helpers to write files and commit them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "gate@example.com")
        self.git("config", "user.name", "gate")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, check=True)
        return done.stdout

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2) + "\n"


def allow(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
