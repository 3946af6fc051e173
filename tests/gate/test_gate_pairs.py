"""`iamproof diff OLD NEW` on two versions of a template or plan: policies matched by logical id or address,
each new grant found with its witness and the line of the statement that grants it; a version pair without
a new grant passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gate.gate_helpers import diff, diff_json, edited, fixture_text, line_of


def pair(tmp_path: Path, name: str, new_text: str, old_text: str | None = None) -> tuple[str, str]:
    suffix = Path(name).suffix
    old = tmp_path / f"old{suffix}"
    new = tmp_path / f"new{suffix}"
    old.write_text(old_text if old_text is not None else fixture_text(name), encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    return str(old), str(new)


CFN_PUT = """              - Effect: Allow
                Action: dynamodb:GetItem
                Resource: !GetAtt Table.Arn
              - Sid: WriteToo
                Effect: Allow
                Action: dynamodb:PutItem
                Resource: !GetAtt Table.Arn"""
CFN_GET = """              - Effect: Allow
                Action: dynamodb:GetItem
                Resource: !GetAtt Table.Arn"""


def test_cloudformation_yaml_new_grant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new_text = edited("cfn_api.yaml", CFN_GET, CFN_PUT)
    old, new = pair(tmp_path, "cfn_api.yaml", new_text)
    code, body = diff_json(capsys, old, new)
    assert code == 1 and body["result"] == "fail"
    access = [f for f in body["findings"] if f["rule"] == "NEW_ACCESS"]
    assert len(access) == 1
    finding = access[0]
    assert finding["policy"] == "OrdersRole/tables"
    assert (finding["file"], finding["line"]) == (new, line_of(new_text, "- Sid: WriteToo"))
    example = finding["examples"][0]
    assert example["request"]["action"] == "dynamodb:PutItem"
    assert example["request"]["resource"] == "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
    assert [s["sid"] for s in example["statements"]] == ["WriteToo"]
    assert body["files"] == [
        {
            "file": new,
            "status": "modified",
            "kind": "template",
            "compared": 1,
            "unchanged": 4,
            "notes": body["files"][0]["notes"],
        }
    ]


def test_cloudformation_yaml_without_new_grant_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Narrowing a grant and reordering keys grants nothing new."""
    narrower = edited("cfn_api.yaml", "Action: s3:GetObject", "Action: [s3:GetObject]")
    narrower = narrower.replace("  Table:\n    Type: AWS::DynamoDB::Table", "  Table:\n    Type: AWS::DynamoDB::Table")
    old, new = pair(tmp_path, "cfn_api.yaml", narrower)
    code, out, err = diff(capsys, old, new)
    assert (code, err) == (0, "")
    assert out.startswith("PASS: no finding at or above ERROR")


def test_cloudformation_json_boundary_group_and_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fixture_text("cfn_users.json")
    new_text = text.replace(
        '"Groups": [{"Ref": "Devs"}],\n        "PermissionsBoundary": {"Ref": "Boundary"}',
        '"Groups": [{"Ref": "Devs"}]',
    ).replace('"Action": "s3:GetObject"', '"Action": ["s3:GetObject", "s3:PutObject"]')
    assert new_text.count("PermissionsBoundary") == 0 and "s3:PutObject" in new_text
    old, new = pair(tmp_path, "cfn_users.json", new_text)
    code, body = diff_json(capsys, old, new, "--parameter", "Env=dev")
    assert code == 1
    rules = {(f["rule"], f["policy"]) for f in body["findings"]}
    assert ("BOUNDARY_REMOVED", "arn:aws:iam::123456789012:user/alice") in rules
    access = next(f for f in body["findings"] if f["rule"] == "NEW_ACCESS")
    assert access["policy"] == "DevPolicy/dev"
    assert access["examples"][0]["request"]["action"] == "s3:PutObject"
    assert access["examples"][0]["request"]["resource"].startswith("arn:aws:s3:::dev-data/")
    assert access["line"] == line_of(new_text, '"s3:PutObject"')
    # the unresolved `Env` was given: no placeholder in the changed policy
    assert not [f for f in body["findings"] if f["rule"] == "UNRESOLVED_VALUE"]


def test_unresolved_parameter_in_a_changed_policy_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_text = fixture_text("cfn_users.json").replace('"Action": "s3:GetObject"', '"Action": "s3:Get*"')
    old, new = pair(tmp_path, "cfn_users.json", new_text)
    code, body = diff_json(capsys, old, new)
    assert code == 1
    unresolved = [f for f in body["findings"] if f["rule"] == "UNRESOLVED_VALUE"]
    assert [f["severity"] for f in unresolved] == ["WARNING"]
    assert "{{unresolved-Ref-Env}}" in unresolved[0]["message"]
    assert unresolved[0]["line"] == line_of(new_text, '"s3:Get*"')


def test_sam_function_policies_and_new_managed_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new_text = edited("sam_app.yaml", "Action: sqs:SendMessage", "Action: sqs:*")
    old, new = pair(tmp_path, "sam_app.yaml", new_text)
    code, body = diff_json(capsys, old, new)
    assert code == 1
    access = [f for f in body["findings"] if f["rule"] == "NEW_ACCESS"]
    assert [f["policy"] for f in access] == ["OrdersFunctionRole/OrdersFunctionRolePolicy1"]
    assert access[0]["line"] == line_of(new_text, "Action: sqs:*") - 1  # the statement's `- Effect` line
    assert access[0]["examples"][0]["request"]["action"].startswith("sqs:")
    assert access[0]["examples"][0]["request"]["action"] != "sqs:SendMessage"


def test_sam_change_outside_policies_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = pair(tmp_path, "sam_app.yaml", edited("sam_app.yaml", "Runtime: python3.12", "Runtime: python3.13"))
    code, body = diff_json(capsys, old, new)
    assert (code, body["result"], body["findings"]) == (0, "pass", [])
    assert body["files"][0]["compared"] == 0


def test_terraform_plan_new_grant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old_action = '\\"Action\\": \\"lambda:InvokeFunction\\", \\"Resource\\": \\"*\\"'
    new_text = edited("tf_plan.json", old_action, old_action.replace("lambda:InvokeFunction", "lambda:*"), count=2)
    old, new = pair(tmp_path, "tf_plan.json", new_text)
    code, body = diff_json(capsys, old, new)
    assert code == 1
    access = [f for f in body["findings"] if f["rule"] == "NEW_ACCESS"]
    assert [f["policy"] for f in access] == ["aws_iam_role_policy.apigw"]
    assert access[0]["line"] == 94
    assert access[0]["examples"][0]["request"]["action"].startswith("lambda:")
    assert access[0]["examples"][0]["request"]["action"] != "lambda:InvokeFunction"


def test_terraform_plan_same_policies_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = pair(
        tmp_path, "tf_plan.json", edited("tf_plan.json", '"runtime": "python3.12"', '"runtime": "python3.13"', count=2)
    )
    code, body = diff_json(capsys, old, new)
    assert (code, body["result"]) == (0, "pass")


def test_a_policy_file_and_a_template_are_compared_per_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A raw policy and a template have no policy id in common: the template's are all new."""
    old = tmp_path / "old.json"
    old.write_text('{"Version": "2012-10-17", "Statement": []}\n', encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(fixture_text("sam_app.yaml"), encoding="utf-8")
    code, body = diff_json(capsys, str(old), str(new), "--timeout", "5")
    assert code == 1
    assert {f["rule"] for f in body["findings"]} >= {"NEW_ACCESS", "DELETED_POLICY"}


def test_malformed_new_template_is_an_error_with_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = pair(
        tmp_path, "sam_app.yaml", fixture_text("sam_app.yaml").replace("Runtime: python3.12", "Runtime: [oops")
    )
    code, out, err = diff(capsys, old, new)
    assert (code, out) == (2, "")
    assert err.startswith(f"{new}:") and "invalid" in err


def test_new_managed_policy_attachment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Attaching an AWS managed policy the file does not hold is new access the per-policy check cannot see."""
    admin = "        - arn:aws:iam::aws:policy/ReadOnlyAccess\n        - arn:aws:iam::aws:policy/AdministratorAccess\n"
    new_text = edited("cfn_api.yaml", "        - arn:aws:iam::aws:policy/ReadOnlyAccess\n", admin)
    old, new = pair(tmp_path, "cfn_api.yaml", new_text)
    code, body = diff_json(capsys, old, new)
    assert code == 1
    [finding] = body["findings"]
    assert finding["rule"] == "NEW_ATTACHMENT"
    assert finding["policy"] == "arn:aws:iam::123456789012:role/orders-prod"
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in finding["message"]
    assert finding["line"] == line_of(new_text, "AdministratorAccess")


def test_new_group_membership(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fixture_text("cfn_users.json")
    old_text = text.replace('"Groups": [{"Ref": "Devs"}],\n        "PermissionsBoundary"', '"PermissionsBoundary"')
    assert old_text != text
    old, new = pair(tmp_path, "cfn_users.json", text, old_text)
    code, body = diff_json(capsys, old, new, "--parameter", "Env=dev")
    assert code == 1
    assert [(f["rule"], f["message"]) for f in body["findings"]] == [
        ("NEW_ATTACHMENT", "user arn:aws:iam::123456789012:user/alice is now in group devs")
    ]


def test_an_undecided_comparison_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from iamproof.gate import compare
    from iamproof.query.relations import DiffResult
    from iamproof.query.solver import Verdict

    def give_up(*args: object, **kwargs: object) -> DiffResult:
        return DiffResult(Verdict.UNKNOWN, (), "solver timeout after 0.1 s")

    monkeypatch.setattr(compare, "check_no_new_access", give_up)
    old, new = pair(tmp_path, "sam_app.yaml", edited("sam_app.yaml", "Action: sqs:SendMessage", "Action: sqs:*"))
    code, out, err = diff(capsys, old, new)
    assert (code, err) == (3, "")
    assert out.startswith("UNKNOWN: 1 comparison(s) could not be decided")
    assert f"undecided: {new}: OrdersFunctionRole/OrdersFunctionRolePolicy1: solver timeout after 0.1 s" in out


def test_cloudformation_json_without_new_grant_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Splitting a statement's resources and narrowing the boundary grants nothing new."""
    text = fixture_text("cfn_users.json")
    new_text = text.replace(
        '"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]',
        '"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]',
    )
    assert new_text != text
    old, new = pair(tmp_path, "cfn_users.json", new_text)
    code, body = diff_json(capsys, old, new, "--parameter", "Env=dev")
    assert (code, body["result"], body["findings"]) == (0, "pass", [])
    assert body["files"][0]["compared"] == 1
