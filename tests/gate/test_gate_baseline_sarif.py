"""The gate's baseline (`.iamproof.toml` or `[tool.iamproof]`), `--fail-on`, stable finding ids, and the SARIF
log (valid SARIF 2.1.0, locations on the granting statement's line, accepted findings suppressed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.gate.gate_helpers import Repo, allow, diff, diff_json, fixture_text, policy

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repository = Repo(tmp_path / "checkout")
    repository.write("policies/read.json", policy(allow("s3:GetObject", "arn:aws:s3:::data/*")))
    repository.write("infra/app.yaml", fixture_text("sam_app.yaml"))
    repository.commit("base")
    repository.write(
        "policies/read.json",
        policy(allow("s3:GetObject", "arn:aws:s3:::data/*"), allow("s3:PutObject", "arn:aws:s3:::data/*")),
    )
    monkeypatch.chdir(repository.root)
    return repository


def only_id(capsys: pytest.CaptureFixture[str]) -> str:
    code, body = diff_json(capsys, "--base", "HEAD")
    assert code == 1
    [finding] = body["findings"]
    identifier: str = finding["id"]
    return identifier


def test_finding_ids_are_stable_and_follow_the_content(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    first = only_id(capsys)
    assert first.startswith("NEW_ACCESS:policies/read.json:policies/read.json:")
    assert only_id(capsys) == first
    # the same statements elsewhere in the file, with a Sid-less reformat: the same id
    repo.write(
        "policies/read.json",
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    allow("s3:GetObject", "arn:aws:s3:::data/*"),
                    allow("s3:PutObject", "arn:aws:s3:::data/*"),
                ],
            }
        )
        + "\n",
    )
    assert only_id(capsys) == first
    # a different grant: a different id
    repo.write(
        "policies/read.json",
        policy(allow("s3:GetObject", "arn:aws:s3:::data/*"), allow("s3:DeleteObject", "arn:aws:s3:::data/*")),
    )
    assert only_id(capsys) != first


def test_an_accepted_finding_passes_with_its_reason(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    finding = only_id(capsys)
    repo.write(".iamproof.toml", f'[[accept]]\nid = "{finding}"\nreason = "SEC-12: uploads are reviewed"\n')
    code, out, err = diff(capsys, "--base", "HEAD")
    assert (code, err) == (0, "")
    assert out.startswith(
        "PASS: no finding at or above ERROR (1 changed file(s) with policies, 1 finding(s), 1 accepted"
    )
    assert "[accepted: SEC-12: uploads are reviewed]" in out


def test_pyproject_table_and_unused_entries(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    finding = only_id(capsys)
    repo.write(
        "pyproject.toml",
        "[project]\nname = 'x'\n\n[tool.iamproof]\nfail-on = 'warning'\n\n"
        f"[[tool.iamproof.accept]]\nid = '{finding}'\nreason = 'known'\n\n"
        "[[tool.iamproof.accept]]\nid = 'NEW_ACCESS:gone.json:gone.json:0000000000'\nreason = 'old'\n",
    )
    code, body = diff_json(capsys, "--base", "HEAD")
    assert code == 0
    assert body["fail_on"] == "warning"
    assert body["baseline"] == {
        "file": str(repo.root / "pyproject.toml"),
        "unused": ["NEW_ACCESS:gone.json:gone.json:0000000000"],
    }
    assert body["findings"][0]["accepted"] == "known"


def test_dot_iamproof_toml_wins_over_pyproject(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("pyproject.toml", "[tool.iamproof]\nfail-on = 'none'\n")
    repo.write(".iamproof.toml", "fail-on = 'error'\n")
    code, _ = diff_json(capsys, "--base", "HEAD")
    assert code == 1


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[accept]]\nid = "X"\n', "accept entry 1 (X): a non-empty `reason` is required"),
        ('[[accept]]\nid = "X"\nreason = "  "\n', "a non-empty `reason` is required"),
        ('[[accept]]\nreason = "r"\n', "accept entry 1: `id` must be a finding id"),
        ('[[accept]]\nid = "X"\nreason = "r"\nexpires = 3\n', "unknown key(s) expires"),
        ('fail_on = "error"\n', "unknown key(s) in the top level: fail_on"),
        ('fail-on = "fatal"\n', "fail-on must be one of"),
        ('accept = "X"\n', "accept must be an array of tables"),
    ],
)
def test_bad_baselines_are_errors(repo: Repo, capsys: pytest.CaptureFixture[str], toml: str, message: str) -> None:
    repo.write(".iamproof.toml", toml)
    code, out, err = diff(capsys, "--base", "HEAD")
    assert (code, out) == (2, "")
    assert err.startswith(f"{repo.root / '.iamproof.toml'}:1:1: ") and message in err, err


def test_malformed_toml_has_a_position(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(".iamproof.toml", 'fail-on = "error"\n[[accept]\n')
    code, out, err = diff(capsys, "--base", "HEAD")
    assert (code, out) == (2, "")
    assert err.startswith(f"{repo.root / '.iamproof.toml'}:2:") and "invalid TOML" in err


def test_baseline_option_names_the_file(repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    finding = only_id(capsys)
    elsewhere = tmp_path / "accepted.toml"
    elsewhere.write_text(f'[[accept]]\nid = "{finding}"\nreason = "ok"\n', encoding="utf-8")
    code, _ = diff_json(capsys, "--base", "HEAD", "--baseline", str(elsewhere))
    assert code == 0


def test_fail_on_levels(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, body = diff_json(capsys, "--base", "HEAD", "--fail-on", "none")
    assert (code, body["result"]) == (0, "pass") and len(body["findings"]) == 1


def sarif(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = diff(capsys, *args, "--format", "sarif")
    assert err == ""
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    return code, log


def test_sarif_points_at_the_granting_statement_line(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = fixture_text("sam_app.yaml").replace("Action: sqs:SendMessage", "Action: sqs:*")
    repo.write("infra/app.yaml", text)
    code, log = sarif(capsys, "--base", "HEAD")
    assert code == 1
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in log["runs"][0]["results"]}
    template = results["infra/app.yaml"]
    assert template["ruleId"] == "NEW_ACCESS" and template["level"] == "error"
    assert template["locations"][0]["physicalLocation"]["region"]["startLine"] == 28
    assert template["partialFingerprints"]["iamproofFindingId/v1"].startswith("NEW_ACCESS:infra/app.yaml:")
    assert template["properties"]["examples"][0]["request"]["action"].startswith("sqs:")
    assert results["policies/read.json"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 9
    rules = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert [rules[r["ruleIndex"]] for r in log["runs"][0]["results"]] == [
        r["ruleId"] for r in log["runs"][0]["results"]
    ]


def test_sarif_suppresses_accepted_findings(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    finding = only_id(capsys)
    repo.write(".iamproof.toml", f'[[accept]]\nid = "{finding}"\nreason = "reviewed"\n')
    code, log = sarif(capsys, "--base", "HEAD")
    assert code == 0
    [result] = log["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "reviewed"}]
    assert log["runs"][0]["properties"]["result"] == "pass"
