"""The cyclic collector is paused while a query runs, and resumed after it."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iamproof.evaluate.decision import PolicyKind
from iamproof.gc_pause import collector_paused, pausing_collector
from iamproof.parsing.documents import parse_policy_text
from iamproof.query import relations
from iamproof.query.subjects import Subject, compile_subject


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_resumed_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_resumed_after_an_exception() -> None:
    @pausing_collector
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        fails()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_query_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return compile_subject(*args, **kwargs)

    monkeypatch.setattr("iamproof.query.relations.compile_subject", recording)
    text = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    policy = Subject("p", policy=parse_policy_text(text, "p"), kind=PolicyKind.IDENTITY)
    relations.check_no_new_access(policy, policy, timeout=30)
    relations.check_equivalent(policy, policy, timeout=30)
    assert seen == [False] * 4
    assert gc.isenabled()


def test_the_command_line_runs_with_the_collector_paused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iamproof.cli import run
    from iamproof.commands import validate_cmd

    seen: list[bool] = []
    original = validate_cmd.validate.callback
    assert original is not None

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(validate_cmd.validate, "callback", recording)
    policy = tmp_path / "p.json"
    statement = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}), encoding="utf-8")
    assert run(["validate", str(policy)]) in (0, 1)
    assert seen == [False]
    assert gc.isenabled()
