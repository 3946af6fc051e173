"""`iamproof eval CASE`: text and JSON output, deciding statements with their positions, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from iamproof.cli import run
from tests.evalkit import (
    A,
    allow,
    case,
    deny,
    policy,
    root,
    session,
    user,
    write_case,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "deny-through-api.json"
OBJ = "arn:aws:s3:::bkt/k"
ERROR = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def with_sid(sid: str, statement: dict[str, Any]) -> dict[str, Any]:
    return {"Sid": sid, **statement}


def line_col_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the `{` that opens the object whose first member is `needle`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, text in enumerate(lines, start=1):
        if needle in text:
            opening = lines[number - 2]
            assert opening.strip() == "{", opening
            return number - 1, opening.index("{") + 1
    raise AssertionError(needle)


ALLOW_CASE = case(
    {"identity": [policy(with_sid("ReadBucket", allow("s3:GetObject", "arn:aws:s3:::bkt/*")))]},
    user(),
    "s3:GetObject",
    OBJ,
)
EXPLICIT_CASE = case(
    {"identity": [policy(allow("s3:*"), with_sid("NoReads", deny("s3:GetObject")))]}, user(), "s3:GetObject", OBJ
)
IMPLICIT_CASE = case({"identity": [policy(allow("ec2:*"))]}, user(), "s3:GetObject", OBJ)


@pytest.mark.parametrize(
    ("document", "code", "verdict", "sid"),
    [
        pytest.param(ALLOW_CASE, 0, "ALLOW", "ReadBucket", id="allow"),
        pytest.param(EXPLICIT_CASE, 1, "DENY (explicit)", "NoReads", id="explicit-deny"),
        pytest.param(IMPLICIT_CASE, 1, "DENY (implicit)", None, id="implicit-deny"),
    ],
)
def test_text_output(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    document: dict[str, Any],
    code: int,
    verdict: str,
    sid: str | None,
) -> None:
    path = write_case(document, tmp_path)
    assert run(["eval", str(path)]) == code
    out, err = capsys.readouterr()
    assert err == ""
    first, because, *rest = out.splitlines()
    assert first == f"{verdict}: {user()} s3:GetObject on {OBJ}"
    assert because.startswith("  because ")
    if sid is None:
        assert "decided by:" not in out
    else:
        line, column = line_col_of(path, f'"Sid": "{sid}"')
        assert rest[0] == "  decided by:"
        assert re.fullmatch(
            rf"    {re.escape(str(path))}:{line}:{column}: identity\[0\] statement \d+ "
            rf"\(Sid '{sid}'\): (Allow|Deny)",
            rest[1],
        ), rest[1]


@pytest.mark.parametrize(
    ("document", "code", "decision", "explicit", "sid", "effect", "index"),
    [
        pytest.param(ALLOW_CASE, 0, "allow", False, "ReadBucket", "Allow", 0, id="allow"),
        pytest.param(EXPLICIT_CASE, 1, "deny", True, "NoReads", "Deny", 1, id="explicit-deny"),
        pytest.param(IMPLICIT_CASE, 1, "deny", False, None, None, None, id="implicit-deny"),
    ],
)
def test_json_output(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    document: dict[str, Any],
    code: int,
    decision: str,
    explicit: bool,
    sid: str | None,
    effect: str | None,
    index: int | None,
) -> None:
    path = write_case(document, tmp_path)
    assert run(["eval", str(path), "--format", "json"]) == code
    out, err = capsys.readouterr()
    assert err == ""
    data = json.loads(out)
    assert data["decision"] == decision
    assert data["explicit_deny"] is explicit
    assert isinstance(data["reason"], str) and data["reason"]
    assert data["request"] == {
        "principal": user(),
        "action": "s3:GetObject",
        "resource": OBJ,
        "resource_account": A,
        "cross_account": False,
    }
    assert data["semantics"] == {"aws_star": "everyone", "rcp_scope": "catalogue"}
    assert any("resource account taken to be" in note for note in data["notes"])
    if sid is None:
        assert data["statements"] == []
        return
    line, column = line_col_of(path, f'"Sid": "{sid}"')
    assert data["statements"] == [
        {
            "policy": "identity[0]",
            "kind": "identity",
            "statement": index,
            "sid": sid,
            "effect": effect,
            "file": str(path),
            "line": line,
            "column": column,
            "principal_match": None,
        }
    ]


def test_json_deciding_statements_of_each_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = case(
        {
            "resource": policy(
                with_sid(
                    "RoleGrant",
                    allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal={"AWS": "arn:aws:iam::111122223333:role/R"}),
                )
            ),
            "boundary": policy(with_sid("Bound", allow("s3:*"))),
            "scps": [[policy(with_sid("Root", allow("*")))], [policy(with_sid("Ou", allow("s3:*")))]],
        },
        session("R", "s1"),
        "s3:GetObject",
        OBJ,
        resource_account=A,
    )
    path = write_case(document, tmp_path)
    assert run(["eval", str(path), "--format", "json"]) == 0
    statements = json.loads(capsys.readouterr().out)["statements"]
    summary = [(s["policy"], s["kind"], s["sid"], s["principal_match"]) for s in statements]
    assert summary == [
        ("resource", "resource", "RoleGrant", "role"),
        ("boundary", "boundary", "Bound", None),
        ("scps[0][0]", "scp", "Root", None),
        ("scps[1][0]", "scp", "Ou", None),
    ]
    for statement in statements:
        assert (statement["line"], statement["column"]) == line_col_of(path, f'"Sid": "{statement["sid"]}"')


def test_policies_given_as_files_are_reported_with_their_own_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy_path = tmp_path / "reader.json"
    policy_path.write_text(json.dumps(policy(with_sid("Read", allow("s3:GetObject"))), indent=2), encoding="utf-8")
    path = write_case(case({"identity": ["reader.json"]}, user(), "s3:GetObject", OBJ), tmp_path)
    assert run(["eval", str(path), "--format", "json"]) == 0
    (statement,) = json.loads(capsys.readouterr().out)["statements"]
    assert statement["file"] == str(policy_path)
    assert (statement["line"], statement["column"]) == line_col_of(policy_path, '"Sid": "Read"')


def test_example_case(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["eval", str(EXAMPLE), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["decision"] == "deny" and data["explicit_deny"] is True
    (statement,) = data["statements"]
    assert (statement["sid"], statement["kind"], statement["statement"]) == ("NeverTheFunctionDirectly", "identity", 1)
    assert (statement["line"], statement["column"]) == (13, 11)
    assert run(["eval", str(EXAMPLE)]) == 1
    assert capsys.readouterr().out.startswith("DENY (explicit): arn:aws:iam::111122223333:user/alice")


@pytest.mark.parametrize(
    ("aws_star", "caller", "code"),
    [
        pytest.param("everyone", "anonymous", 0, id="everyone-anonymous"),
        pytest.param("authenticated", "anonymous", 1, id="authenticated-anonymous"),
        pytest.param("authenticated", user("x", "444455556666"), 1, id="authenticated-cross-account-no-identity"),
        pytest.param("authenticated", root("444455556666"), 0, id="authenticated-cross-account-root"),
    ],
)
def test_aws_star_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], aws_star: str, caller: str, code: int
) -> None:
    document = case(
        {"resource": policy(allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal={"AWS": "*"}))},
        caller,
        "s3:GetObject",
        OBJ,
        resource_account=A,
    )
    path = write_case(document, tmp_path)
    assert run(["eval", str(path), "--aws-star", aws_star, "--format", "json"]) == code
    assert json.loads(capsys.readouterr().out)["semantics"]["aws_star"] == aws_star


@pytest.mark.parametrize(("scope", "code"), [("catalogue", 0), ("all", 1)])
def test_rcp_scope_option(tmp_path: Path, capsys: pytest.CaptureFixture[str], scope: str, code: int) -> None:
    function = f"arn:aws:lambda:us-east-1:{A}:function:f"
    document = case(
        {"identity": [policy(allow("*"))], "rcps": [[policy(deny("*", Principal="*"))]]},
        user(),
        "lambda:InvokeFunction",
        function,
    )
    path = write_case(document, tmp_path)
    assert run(["eval", str(path), "--rcp-scope", scope]) == code
    out = capsys.readouterr().out
    assert ("RCPs do not apply" in out) is (scope == "catalogue")


# --- exit code 2: bad input, reported as file:line:col: message, never a traceback -----------------

GOOD_POLICY = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}'
GOOD_REQUEST = '{"principal": "arn:aws:iam::111122223333:user/u", "action": "s3:GetObject", "resource": "*"}'


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param('{"policies": {}, "request": ' + GOOD_REQUEST + ",}", 1, "", id="trailing-comma"),
        pytest.param('{"policies": {},\n "request": ' + GOOD_REQUEST, 2, "", id="unterminated"),
        pytest.param("[]", 1, "object", id="not-an-object"),
        pytest.param('{"policies": {}}', 1, "request", id="no-request"),
        pytest.param(
            '{"policies": {},\n "request": ' + GOOD_REQUEST + ',\n "extra": 1}', 3, "extra", id="unknown-top-level-key"
        ),
        pytest.param(
            '{"policies": {"identiti": []},\n "request": ' + GOOD_REQUEST + "}", 1, "identiti", id="unknown-policy-kind"
        ),
        pytest.param(
            '{"request": {"principal": "arn:aws:iam::111122223333:role/R",\n "action": "s3:GetObject",'
            ' "resource": "*"}}',
            1,
            "session",
            id="role-arn-as-principal",
        ),
        pytest.param(
            '{"request": {"principal": "bob", "action": "s3:GetObject", "resource": "*"}}',
            1,
            "principal",
            id="bad-principal",
        ),
        pytest.param(
            '{"request": {"principal": "arn:aws:iam::111122223333:user/u",\n "action": "s3:Get*", "resource": "*"}}',
            2,
            "wildcards",
            id="wildcard-action",
        ),
        pytest.param(
            '{"request": {"principal": "arn:aws:iam::111122223333:user/u", "action": "s3:GetObject",\n'
            ' "resource": "*", "context": {"k:a": {"x": 1}}}}',
            2,
            "context value",
            id="object-context",
        ),
        pytest.param(
            '{"policies": {"identity": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow",\n'
            '  "Action": "*", "Resource": "*", "Condition": {"StringEqualz": {"k:a": "x"}}}}]},\n'
            ' "request": ' + GOOD_REQUEST + "}",
            2,
            "StringEqualz",
            id="unknown-operator",
        ),
        pytest.param(
            '{"policies": {"identity": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow",\n'
            '  "Action": "*", "Resource": "*", "Condition": {"NumericLessThan": {"k:n": "5"}}}}]},\n'
            ' "request": {"principal": "arn:aws:iam::111122223333:user/u", "action": "s3:GetObject",'
            ' "resource": "*", "context": {"k:n": "five"}}}',
            2,
            "five",
            id="wrong-type-request-value",
        ),
        pytest.param(
            '{"policies": {"identity": ["missing.json"]}, "request": ' + GOOD_REQUEST + "}",
            1,
            "cannot read",
            id="missing-policy-file",
        ),
        pytest.param(
            '{"policies": {"resource": ' + GOOD_POLICY + '},\n "request": ' + GOOD_REQUEST + "}",
            1,
            "Principal",
            id="resource-policy-without-principal",
        ),
        pytest.param(
            '{"policies": {"identity": [\n' + GOOD_POLICY + ']},\n "request": {"principal": {"Service":'
            ' "s3.amazonaws.com"}, "action": "s3:GetObject", "resource": "*", "resource_account":'
            ' "111122223333"}}',
            2,
            "service principal has no identity",
            id="service-with-identity-policy",
        ),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, message: str
) -> None:
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    assert run(["eval", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    match = ERROR.match(err.strip())
    assert match is not None, err
    assert match["file"].endswith(".json")
    if match["file"] == str(path):
        assert int(match["line"]) == line
    assert message in match["message"]


def test_missing_case_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nope.json"
    assert run(["eval", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{path}:1:1: cannot read file")


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["eval", str(EXAMPLE), "--format", "xml"]) == 2
    assert "Traceback" not in capsys.readouterr().err
