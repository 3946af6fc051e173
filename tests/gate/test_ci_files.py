"""The shipped CI integrations run as documented: the pre-commit hooks' entries and the GitHub Actions
workflow's gate step, executed in a temporary repository."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from iamproof.cli import run
from tests.gate.gate_helpers import Repo, allow, policy

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repository = Repo(tmp_path / "checkout")
    repository.write("iam/read.json", policy(allow("s3:GetObject", "arn:aws:s3:::data/*")))
    repository.commit("base")
    repository.git("update-ref", "refs/remotes/origin/main", "HEAD")
    repository.write("iam/read.json", policy(allow("s3:GetObject", "arn:aws:s3:::data/*"), allow("s3:PutObject")))
    monkeypatch.chdir(repository.root)
    return repository


def hooks() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in loaded}


def test_hooks_are_well_formed() -> None:
    found = hooks()
    assert set(found) == {"iamproof-diff", "iamproof-validate"}
    for hook in found.values():
        assert {"id", "name", "entry", "language"} <= hook.keys()
        assert hook["language"] == "python"
        assert shlex.split(hook["entry"])[0] == "iamproof"


def test_diff_hook_fails_a_commit_with_new_access(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("add", "iam/read.json")
    entry = shlex.split(hooks()["iamproof-diff"]["entry"])
    assert run([*entry[1:], "iam/read.json"]) == 1  # pre-commit passes the staged file names
    assert "ERROR NEW_ACCESS" in capsys.readouterr().out
    repo.write("iam/read.json", policy(allow("s3:GetObject", "arn:aws:s3:::data/*")))
    assert run([*entry[1:], "iam/read.json"]) == 0


def test_validate_hook_runs_on_policy_files(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    entry = shlex.split(hooks()["iamproof-validate"]["entry"])
    assert run([*entry[1:], "iam/read.json"]) in (0, 1)
    out = capsys.readouterr().out
    assert "iam/read.json" in out


def test_github_workflow_gate_step(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "github-actions-iamproof.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["iamproof"]["steps"]
    [gate] = [s for s in steps if "iamproof diff" in s.get("run", "")]
    command = shlex.split(gate["run"].replace("${{ github.base_ref }}", "main"))
    assert command[:2] == ["iamproof", "diff"]
    assert run(command[1:]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL: 1 finding(s) at or above ERROR")
    [upload] = [s for s in steps if "upload-sarif" in s.get("uses", "")]
    log = json.loads((repo.root / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["NEW_ACCESS"]
