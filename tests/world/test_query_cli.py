"""`iamproof query WORLD 'QUESTION'` end to end: the bundled orders-api world, text and JSON output, exit
codes, positioned errors in the question and in the world, templates and plans as worlds, and values the
source leaves open turning a reassuring answer into `unknown`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from iamproof.cli import run

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "orders-api"
GATE = ROOT / "tests" / "data" / "gate"
ACCOUNT = "111122223333"
FN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
API = "a1b2c3d4e5"
BOB = f"arn:aws:iam::{ACCOUNT}:user/engineering/bob"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
CAROL = f"arn:aws:iam::{ACCOUNT}:user/carol"
INVOKER = f"arn:aws:iam::{ACCOUNT}:role/orders-api-invoker"
BYPASS = f'can anyone invoke "{FN}" without "{API}"'
PATH_KINDS = {"direct", "gateway-role", "gateway-caller", "gateway-permission", "confused-deputy", "role-chain"}


def query(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["query", *args])
    out, err = capsys.readouterr()
    return code, out, err


def query_json(capsys: pytest.CaptureFixture[str], world: Path, question: str, *extra: str) -> tuple[int, Any]:
    code, out, err = query(capsys, str(world), question, "--format", "json", *extra)
    assert err == ""
    return code, json.loads(out)


def check_shape(body: dict[str, Any]) -> None:
    """The documented JSON shape: every path has a kind, a principal and steps with requests."""
    assert body["answer"] in {"yes", "no", "unknown"}
    for path in body["paths"]:
        assert path["kind"] in PATH_KINDS
        assert isinstance(path["principal"], str) and path["principal"]
        assert path["steps"], path
        for step in path["steps"]:
            assert {"description", "request", "statements"} <= step.keys()
            assert {"principal", "action", "resource"} <= step["request"].keys()
            for statement in step["statements"]:
                assert {"policy", "statement", "sid", "effect", "file", "line", "column"} <= statement.keys()


def test_bypass_text_names_bob_and_the_granting_group_statement(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = query(capsys, str(EXAMPLE), BYPASS)
    assert (code, err) == (0, "")
    assert out.startswith(f"YES: can anyone invoke {FN} without {API}\n")
    assert f"path 1: direct, principal {BOB}" in out
    assert "path 2" not in out
    assert re.search(
        r"granted by .*iam-authorization-details\.json:87:29: debug-orders-function \(group developers\) "
        r"statement 0 \(Sid 'InvokeForDebugging'\): Allow",
        out,
    ), out
    assert "note: 3 path(s) go through API a1b2c3d4e5" in out
    assert "skipped " in out and "README.md: not a JSON file" in out


def test_bypass_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, body = query_json(capsys, EXAMPLE, BYPASS)
    assert code == 0
    check_shape(body)
    assert body["answer"] == "yes"
    assert [(p["kind"], p["principal"]) for p in body["paths"]] == [("direct", BOB)]
    step = body["paths"][0]["steps"][0]
    assert step["request"]["principal"] == BOB
    assert step["request"]["action"] == "lambda:InvokeFunction"
    assert step["request"]["resource"] == FN
    assert [(s["sid"], s["line"], s["column"]) for s in step["statements"]] == [("InvokeForDebugging", 87, 29)]
    assert body["unknown"] == []
    assert [s["reason"] for s in body["skipped"]] == ["not a JSON file"]
    assert body["stats"]["solver_calls"] >= 0 and body["stats"]["screened"] > 0


def test_only_through_is_the_negation_of_bypass(capsys: pytest.CaptureFixture[str]) -> None:
    code, body = query_json(capsys, EXAMPLE, f'only-through "{API}" "{FN}"')
    assert code == 1
    assert body["answer"] == "no"
    assert [p["principal"] for p in body["paths"]] == [BOB]


def test_who_can_lists_every_principal_with_its_paths(capsys: pytest.CaptureFixture[str]) -> None:
    code, body = query_json(capsys, EXAMPLE, f'who can do "lambda:InvokeFunction" on "{FN}"')
    assert code == 0
    check_shape(body)
    assert set(body["principals"]) == {BOB, ALICE, CAROL, INVOKER}
    kinds = {(p["principal"], p["kind"]) for p in body["paths"]}
    assert (BOB, "direct") in kinds
    assert (ALICE, "gateway-role") in kinds and (ALICE, "gateway-permission") in kinds
    assert (CAROL, "gateway-role") in kinds
    assert (ALICE, "direct") not in kinds  # her explicit Deny
    gateway = next(p for p in body["paths"] if p["kind"] == "gateway-role")
    assert gateway["api"] == API and gateway["method"] == "GET /orders"
    assert [s["request"]["action"] for s in gateway["steps"]] == [
        "execute-api:Invoke",
        "sts:AssumeRole",
        "lambda:InvokeFunction",
    ]


def test_can_with_a_named_principal(capsys: pytest.CaptureFixture[str]) -> None:
    code, body = query_json(capsys, EXAMPLE, f'can "{ALICE}" do "lambda:InvokeFunction" on "{FN}"')
    assert code == 0
    assert {p["principal"] for p in body["paths"]} == {ALICE}
    assert all(p["kind"] != "direct" for p in body["paths"])
    code, body = query_json(capsys, EXAMPLE, f'can "{BOB}" do "lambda:DeleteFunction" on "{FN}"')
    assert (code, body["answer"], body["paths"]) == (1, "no", [])


def test_compare_reports_each_caller_that_reaches_the_backend_only_through_the_api(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, body = query_json(capsys, EXAMPLE, f'compare callers and role of "{API}" method "GET /orders"')
    assert code == 1
    assert {(d["caller"], d["method"]) for d in body["differences"]} == {(ALICE, "GET /orders"), (CAROL, "GET /orders")}
    by_caller = {d["caller"]: d for d in body["differences"]}
    alice = by_caller[ALICE]
    assert alice["direct_request"]["action"] == "lambda:InvokeFunction" and alice["direct_request"]["resource"] == FN
    assert alice["direct_reason"] == "an explicit Deny applies"
    assert [(s["sid"], s["effect"]) for s in alice["denied_by"]] == [("NeverTheFunctionDirectly", "Deny")]
    carol = by_caller[CAROL]
    assert carol["denied_by"] == [] and "no identity-based or resource-based policy allows" in carol["direct_reason"]
    assert alice["through_api"]["kind"] == "gateway-role"


def test_an_error_in_the_question_points_at_its_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = query(capsys, str(EXAMPLE), 'who can do "lambda:InvokeFunction" onn "x"')
    assert (code, out) == (2, "")
    assert err == "<query>:1:36: expected 'on' after the action, found 'onn'\n"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (f'can anyone invoke "{FN}" without "nope"', "no API 'nope' in this world"),
        (f'can anyone invoke "{FN}-x" without "{API}"', "no function"),
        (f'can "arn:aws:iam::{ACCOUNT}:user/zed" do "s3:GetObject" on "*"', "is not a user or role of this world"),
    ],
)
def test_names_the_world_does_not_hold_are_errors(
    capsys: pytest.CaptureFixture[str], question: str, message: str
) -> None:
    code, out, err = query(capsys, str(EXAMPLE), question)
    assert (code, out) == (2, "")
    assert err.startswith("iamproof: error: ") and message in err


def test_a_malformed_world_file_is_an_error_with_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for source in EXAMPLE.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    broken = tmp_path / "lambda-get-policy-orders.json"
    broken.write_text('{"Policy": "{}", "RevisionId": }\n', encoding="utf-8")
    code, out, err = query(capsys, str(tmp_path), BYPASS)
    assert (code, out) == (2, "")
    assert re.match(rf"{re.escape(str(broken))}:1:\d+: ", err), err
    assert "Traceback" not in err


def test_a_world_with_nothing_recognised_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    code, out, err = query(capsys, str(tmp_path), BYPASS)
    assert (code, out) == (2, "")
    assert "notes.txt" in err


def test_a_plan_is_a_world(capsys: pytest.CaptureFixture[str]) -> None:
    """The plan's API has a method without authorization on a path with a parameter, whose integration role
    may invoke any function; a function-policy grant to API Gateway without SourceArn is a confused deputy.
    Paths found stand, with the values the plan leaves open in a note."""
    fn = "arn:aws:lambda:us-east-1:123456789012:function:orders"
    code, body = query_json(capsys, GATE / "tf_plan.json", f'who can do "lambda:InvokeFunction" on "{fn}"')
    assert code == 0
    check_shape(body)
    kinds = {(p["kind"], p["principal"], p.get("method")) for p in body["paths"]}
    assert ("direct", "arn:aws:iam::123456789012:role/apigw-invoke", None) in kinds
    assert ("gateway-role", "anonymous", "GET /orders/{id}") in kinds
    assert ("confused-deputy", "service:apigateway.amazonaws.com", None) in kinds
    anonymous = next(p for p in body["paths"] if p["principal"] == "anonymous")
    assert anonymous["steps"][0]["request"]["resource"].endswith("/prod/GET/orders/example")
    assert any("value(s) the source does not determine" in note for note in body["notes"])


def test_open_values_make_a_reassuring_answer_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    """An unresolved ImportValue or an unexpanded managed policy might grant the access: `no` would be a
    silent pass."""
    fn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:x"
    code, body = query_json(
        capsys, GATE / "cfn_api.yaml", f'who can do "lambda:InvokeFunction" on "{fn}"', "--account", ACCOUNT
    )
    assert code == 3
    assert body["answer"] == "unknown"
    assert any("{{unresolved-ImportValue-SharedBucket}}" in reason for reason in body["unknown"])


def test_parameters_apply_only_to_templates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = query(capsys, str(EXAMPLE), BYPASS, "--parameter", "Env=prod")
    assert (code, out) == (2, "")
    assert "--parameter applies only to a CloudFormation template" in err
    code, out, err = query(capsys, str(GATE / "cfn_users.json"), BYPASS, "--parameter", "novalue")
    assert code == 2 and "is not KEY=VALUE" in err
