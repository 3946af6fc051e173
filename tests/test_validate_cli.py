"""`iamproof validate`: output formats, the policy type used, exit codes, unreadable files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from iamproof import cli
from iamproof.commands import validate_cmd
from iamproof.lint import RULES

DATA = Path(__file__).parent / "data" / "lint"
SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
CLEAN = str(DATA / "clean_identity.json")
FINDINGS = str(DATA / "findings_identity.json")
SUGGESTION = str(DATA / "suggestion_only.json")
TRUST = str(DATA / "trust_role.json")
FUNCTION = str(DATA / "function_policy.json")
VERSION = str(DATA / "policy_version.json")
BROKEN = str(DATA / "broken.json")
NULL_IF_EXISTS = str(DATA / "null_if_exists.json")
NO_COLON = str(DATA / "action_without_colon.json")
TWO_COLONS = str(DATA / "action_two_colons.json")
ACTION_VARIABLE = str(DATA / "action_variable.json")
CHARACTER = str(DATA / "unsupported_character.json")


@pytest.fixture(autouse=True)
def _validate_command() -> None:
    """Make sure the command is registered on the group (the CLI module registers its commands lazily)."""
    cli._register()
    if "validate" not in cli.cli.commands:
        cli.cli.add_command(validate_cmd.validate)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.run(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("files", "options", "expected"),
    [
        ([CLEAN], [], 0),
        ([FINDINGS], [], 1),
        ([FINDINGS], ["--fail-on", "none"], 0),
        ([SUGGESTION], [], 0),
        ([SUGGESTION], ["--fail-on", "warning"], 0),
        ([SUGGESTION], ["--fail-on", "suggestion"], 1),
        ([CLEAN, FINDINGS], ["--fail-on", "security_warning"], 1),
        ([CLEAN, BROKEN], [], 2),
        ([FINDINGS, BROKEN], ["--fail-on", "none"], 2),
        ([str(DATA / "no-such-file.json")], [], 2),
    ],
)
def test_exit_codes(capsys: pytest.CaptureFixture[str], files: list[str], options: list[str], expected: int) -> None:
    code, _, _ = run(capsys, *options, *files)
    assert code == expected


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, FINDINGS)
    lines = out.splitlines()
    assert (code, err) == (1, "")
    assert lines[0] == f"{FINDINGS}: validated as an identity policy (inferred: no statement names a principal)"
    assert lines[1].startswith(f"{FINDINGS}:7:47: ERROR INVALID_ACTION: unknown action 'lambda:GetFunctionn'")
    assert lines[2].startswith(f"{FINDINGS}:8:19: SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE:")
    assert lines[3].startswith(f"{FINDINGS}:15:21: SECURITY_WARNING FORALLVALUES_WITH_SINGLE_VALUED_KEY:")
    assert lines[-1] == "1 file: 1 error, 2 security warnings"


@pytest.mark.parametrize(
    ("file", "options", "header"),
    [
        (CLEAN, [], "validated as an identity policy (inferred: no statement names a principal)"),
        (TRUST, [], "validated as a trust policy (inferred: every statement names a principal and assumes a role)"),
        (FUNCTION, [], "validated as a resource policy (inferred: aws lambda get-policy output holds a resource"),
        (VERSION, [], "validated as an identity policy (inferred: aws iam get-policy-version output holds"),
        (TRUST, ["--policy-type", "identity"], "validated as an identity policy (given with --policy-type)"),
    ],
)
def test_the_policy_type_used_is_shown(
    capsys: pytest.CaptureFixture[str], file: str, options: list[str], header: str
) -> None:
    _, out, _ = run(capsys, *options, file)
    assert out.splitlines()[0].startswith(f"{file}: {header}")


def test_a_given_policy_type_changes_the_findings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--policy-type", "identity", TRUST)
    assert code == 1
    assert "ERROR UNSUPPORTED_PRINCIPAL" in out and "ERROR MISSING_RESOURCE" in out


def test_unparseable_file_is_reported_and_the_others_still_validated(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, BROKEN, FINDINGS)
    assert code == 2
    [message] = err.splitlines()
    assert message.startswith(f"{BROKEN}:4:") and "comma" in message
    assert f"{FINDINGS}:7:47: ERROR INVALID_ACTION" in out
    assert out.splitlines()[-1] == "2 files (1 unreadable): 1 error, 2 security warnings"


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(DATA / "no-such-file.json")
    code, _, err = run(capsys, missing)
    assert code == 2
    assert err.startswith(f"{missing}:1:1: cannot read file")


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", CLEAN, FINDINGS, BROKEN)
    document = json.loads(out)
    clean, findings, broken = document["files"]
    assert code == 2
    assert (clean["policy_type"], clean["policy_type_source"], clean["findings"]) == ("identity", "inferred", [])
    assert [f["code"] for f in findings["findings"]] == [
        "INVALID_ACTION",
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
    ]
    first = findings["findings"][0]
    assert (first["severity"], first["line"], first["column"]) == ("ERROR", 7, 47)
    assert broken["policy_type"] is None and broken["error"]["line"] == 4
    assert document["summary"] == {
        "files": 3,
        "unreadable": 1,
        "findings": 3,
        "ERROR": 1,
        "SECURITY_WARNING": 2,
        "WARNING": 0,
        "SUGGESTION": 0,
    }


def _sarif(capsys: pytest.CaptureFixture[str], *files: str) -> dict[str, Any]:
    _, out, _ = run(capsys, "--format", "sarif", *files)
    log: dict[str, Any] = json.loads(out)
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    return log


def test_sarif_output_is_valid_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    log = _sarif(capsys, FINDINGS, SUGGESTION)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    results = run_["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("INVALID_ACTION", "error"),
        ("PASS_ROLE_WITH_STAR_IN_RESOURCE", "warning"),
        ("FORALLVALUES_WITH_SINGLE_VALUED_KEY", "warning"),
        ("REDUNDANT_ACTION", "note"),
    ]
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == "INVALID_ACTION"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == Path(FINDINGS).as_uri()
    assert location["region"] == {"startLine": 7, "startColumn": 47, "endLine": 7, "endColumn": 68}
    assert run_["invocations"][0]["executionSuccessful"] is True


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("INVALID_ACTION", "error"),
        ("PASS_ROLE_WITH_STAR_IN_RESOURCE", "warning"),
        ("MISSING_VERSION", "warning"),
        ("REDUNDANT_STATEMENT", "note"),
    ],
)
def test_sarif_rule_levels(capsys: pytest.CaptureFixture[str], code: str, level: str) -> None:
    rules = {rule["id"]: rule for rule in _sarif(capsys, CLEAN)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules[code]["defaultConfiguration"]["level"] == level
    assert rules[code]["shortDescription"]["text"] and rules[code]["fullDescription"]["text"]


def test_sarif_reports_unreadable_files_as_notifications(capsys: pytest.CaptureFixture[str]) -> None:
    invocation = _sarif(capsys, CLEAN, BROKEN)["runs"][0]["invocations"][0]
    [notice] = invocation["toolExecutionNotifications"]
    region = notice["locations"][0]["physicalLocation"]["region"]
    assert invocation["executionSuccessful"] is False
    assert (notice["level"], region["startLine"]) == ("error", 4)


def test_sarif_lists_each_file_once(capsys: pytest.CaptureFixture[str]) -> None:
    artifacts = _sarif(capsys, TRUST, TRUST)["runs"][0]["artifacts"]
    assert [a["properties"]["policyType"] for a in artifacts] == ["trust"]


def test_relative_paths_stay_relative_in_sarif(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DATA)
    results = _sarif(capsys, "suggestion_only.json")["runs"][0]["results"]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "suggestion_only.json"


def test_no_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2 and "Missing argument" in err


# --- what AWS rejects but validate reports as a finding; the other commands refuse it --------------------


@pytest.mark.parametrize(
    ("file", "position", "code"),
    [
        pytest.param(NULL_IF_EXISTS, "7:19", "NULL_WITH_IF_EXISTS", id="NullIfExists"),
        pytest.param(NO_COLON, "5:33", "INVALID_ACTION_FORMAT", id="action-without-colon"),
        pytest.param(TWO_COLONS, "5:15", "INVALID_ACTION_FORMAT", id="action-with-two-colons"),
        pytest.param(CHARACTER, "6:17", "UNSUPPORTED_CHARACTER", id="character-beyond-latin-1"),
    ],
)
def test_invalid_policy_text_is_an_error_finding(
    capsys: pytest.CaptureFixture[str], file: str, position: str, code: str
) -> None:
    exit_code, out, err = run(capsys, file)
    assert (exit_code, err) == (1, "")
    lines = out.splitlines()
    assert lines[1].startswith(f"{file}:{position}: ERROR {code}: ")
    assert lines[2:] == ["1 file: 1 error"]


def test_invalid_policy_text_in_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    exit_code, out, _ = run(capsys, "--format", "json", NULL_IF_EXISTS, NO_COLON)
    null_if_exists, no_colon = json.loads(out)["files"]
    assert exit_code == 1 and null_if_exists["error"] is None and no_colon["error"] is None
    assert [(f["code"], f["line"], f["column"]) for f in null_if_exists["findings"]] == [("NULL_WITH_IF_EXISTS", 7, 19)]
    assert [(f["code"], f["line"], f["column"]) for f in no_colon["findings"]] == [("INVALID_ACTION_FORMAT", 5, 33)]


def _case(tmp_path: Path, policy_file: str, **request: str) -> str:
    document = {
        "policies": {"identity": [policy_file]},
        "request": {"principal": "arn:aws:iam::111122223333:user/alice", "resource_account": "111122223333", **request},
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


_REFUSED = [
    pytest.param(
        NULL_IF_EXISTS,
        "7:19",
        "condition operator 'NullIfExists': Null cannot be used with IfExists",
        id="NullIfExists",
    ),
    pytest.param(NO_COLON, "5:33", "action 's3GetObject' must be written 'service:action'", id="action-without-colon"),
    pytest.param(
        TWO_COLONS, "5:15", "action 's3:Get:Object' must be written 'service:action'", id="action-with-two-colons"
    ),
]


@pytest.mark.parametrize(("file", "position", "message"), _REFUSED)
@pytest.mark.parametrize("command", ["eval", "can", "check-not-granted"])
def test_other_commands_refuse_invalid_policy_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, file: str, position: str, message: str
) -> None:
    if command == "check-not-granted":
        args = [command, file, "--action", "s3:GetObject"]
    else:
        args = [command, _case(tmp_path, file, action="s3:GetObject", resource="arn:aws:s3:::example-bucket/k")]
    exit_code = cli.run(args)
    err = capsys.readouterr().err
    assert exit_code == 2
    [line] = err.splitlines()
    assert f"{file}:{position}: {message}" in line


def test_action_with_a_variable_is_literal_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`s3:${aws:username}` names an action literally so called: eval denies s3:GetObject, validate warns."""
    exit_code, out, err = run(capsys, ACTION_VARIABLE)
    assert (exit_code, err) == (0, "")
    assert out.splitlines()[1].startswith(f"{ACTION_VARIABLE}:5:15: WARNING VARIABLE_UNSUPPORTED_IN_ELEMENT:")
    assert run(capsys, "--fail-on", "warning", ACTION_VARIABLE)[0] == 1
    case_file = _case(tmp_path, ACTION_VARIABLE, action="s3:GetObject", resource="arn:aws:s3:::example-bucket/k")
    exit_code = cli.run(["eval", "--format", "json", case_file])
    captured = capsys.readouterr()
    decision = json.loads(captured.out)
    assert (exit_code, captured.err) == (1, "")
    assert (decision["decision"], decision["explicit_deny"], decision["statements"]) == ("deny", False, [])


def test_eval_accepts_characters_validate_reports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    case_file = _case(tmp_path, CHARACTER, action="s3:GetObject", resource="arn:aws:s3:::example-bucket/\u2603/k")
    exit_code = cli.run(["eval", "--format", "json", case_file])
    captured = capsys.readouterr()
    assert (exit_code, captured.err) == (0, "")
    assert json.loads(captured.out)["decision"] == "allow"
