"""Shared paths and small builders for the world loader tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from iamproof.errors import InputError
from iamproof.world.load_directory import load_world
from iamproof.world.model import World

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "world"
EXAMPLE = ROOT / "examples" / "orders-api"
ACCOUNT = "111122223333"
FN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"


def write(directory: Path, name: str, content: str | dict[str, Any]) -> Path:
    """Write a file (a dict is written as indented JSON) and return its path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2), encoding="utf-8")
    return path


def encoded(document: dict[str, Any]) -> str:
    """A policy document as the raw IAM API returns it: URL-encoded compact JSON."""
    return quote(json.dumps(document, separators=(",", ":")), safe="")


def allow(action: str, resource: str = "*") -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}


def load_error(directory: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_world(str(directory))
    return caught.value


def position(error: InputError) -> str:
    """`file:line:col` of an error, with the file name only."""
    assert error.span is not None, error.message
    return f"{Path(error.span.file).name}:{error.span.line}:{error.span.column}"


def load(directory: Path, **overrides: str) -> World:
    return load_world(str(directory), **overrides)


def locate(path: Path, needle: str, at: str = "") -> str:
    """`line:col` of the first occurrence of `needle` in the file (1-based, as spans count); with `at`, of the
    first occurrence of `at` inside that occurrence of `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return f"{number}:{line.index(needle) + needle.index(at) + 1}"
    raise AssertionError(f"{needle!r} is not in {path}")
