"""Bad input on the command line: one error line on stderr (`file:line:col: message`, or `iamproof: error:`
when there is no position), exit code 2, no usage text and no traceback; directories given as files; long
values echoed in messages are shortened; policy files are limited to 1 MiB, while the files that hold many
policies (account outputs, templates, plans) keep the larger limit."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from iamproof import cli
from iamproof.errors import MAX_MESSAGE, MAX_SHOWN, InputError, clip_values, error_line
from iamproof.parsing.json_tree import MAX_INPUT_BYTES, MAX_POLICY_BYTES
from iamproof.span import Span

ROOT = Path(__file__).resolve().parent.parent
ORDERS_API = ROOT / "examples" / "orders-api"
GATE = ROOT / "tests" / "data" / "gate"
ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
OBJECT = "arn:aws:s3:::bkt/k"
GOOD = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECT}]}
# A trailing comma on line 2: every command must report it as `policy.json:2:21: ...`.
BROKEN = '{"Version": "2012-10-17", "Statement": [\n  {"Effect": "Allow",}\n]}\n'
BROKEN_LINE = "policy.json:2:21: trailing comma before '}' is not allowed"
TOO_LARGE = "policy file is larger than 1 MiB ({size:,} bytes); AWS accepts no policy document over 32 KiB"
LONG = 100_000
NO_QUESTION = f'who can do "s3:GetObject" on "{OBJECT}"'


def invoke(*args: str) -> tuple[int, str, str]:
    """Run `iamproof ARGS` in CliRunner's isolation; the exit code, stdout and stderr."""
    with CliRunner().isolation() as streams:
        code = cli.run(list(args))
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return code, out.decode("utf-8"), err.decode("utf-8")


def write_json(path: Path, value: Any) -> str:
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
    return path.name


def case(policy: str) -> dict[str, Any]:
    return {
        "policies": {"identity": [policy]},
        "request": {"principal": USER, "action": "s3:GetObject", "resource": OBJECT},
    }


def resource_policy() -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "s3:GetObject", "Resource": OBJECT}
    return {"Version": "2012-10-17", "Statement": [statement]}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with a good policy, a good case file and a good resource policy; the working directory."""
    monkeypatch.chdir(tmp_path)
    write_json(tmp_path / "good.json", GOOD)
    write_json(tmp_path / "resource.json", resource_policy())
    write_json(tmp_path / "case.json", case("good.json"))
    return tmp_path


def commands_on(policy: str) -> dict[str, list[str]]:
    """Every command that reads a policy file, given `policy` (case files refer to it as a path)."""
    return {
        "validate": ["validate", policy],
        "eval": ["eval", "policy-case.json"],
        "can": ["can", "policy-case.json"],
        "equiv": ["equiv", "good.json", policy],
        "diff": ["diff", "good.json", policy],
        "check-not-granted": ["check-not-granted", policy, "--action", "s3:GetObject"],
        "check-public": ["check-public", policy],
    }


COMMANDS = sorted(commands_on("x"))


# --- 1. one format for every command ------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_prints_a_positioned_error_as_validate_does(workdir: Path, command: str) -> None:
    (workdir / "policy.json").write_text(BROKEN, encoding="utf-8")
    write_json(workdir / "policy-case.json", case("policy.json"))
    code, out, err = invoke(*commands_on("policy.json")[command])
    assert code == 2
    assert err == BROKEN_LINE + "\n"
    if command != "validate":  # validate still reports the other files, and this one as unreadable, on stdout
        assert out == ""


def test_an_error_in_the_case_file_itself_is_bare(workdir: Path) -> None:
    (workdir / "bad-case.json").write_text('{"policies": {}, "request": {"principal": 1}}\n', encoding="utf-8")
    code, out, err = invoke("eval", "bad-case.json")
    assert (code, out) == (2, "")
    assert err.startswith("bad-case.json:1:") and err.count("\n") == 1
    assert "iamproof: error" not in err


def test_the_installed_command_prints_the_same_line(workdir: Path) -> None:
    """The console script, in its own process: the same single line, exit 2, no traceback."""
    (workdir / "policy.json").write_text(BROKEN, encoding="utf-8")
    write_json(workdir / "policy-case.json", case("policy.json"))
    script = "import sys; from iamproof.cli import main; sys.argv[0] = 'iamproof'; main()"
    for args in (["validate", "policy.json"], ["eval", "policy-case.json"]):
        done = subprocess.run(
            [sys.executable, "-c", script, *args], cwd=workdir, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 2
        assert done.stderr == BROKEN_LINE + "\n"


def test_errors_without_a_position_are_one_clear_line(workdir: Path) -> None:
    code, out, err = invoke("check-not-granted", "good.json")
    assert (code, out) == (2, "")
    assert err == "iamproof: error: give at least one --action or --resource\n"
    code, out, err = invoke("query", "no-such-world", NO_QUESTION)
    assert (code, out) == (2, "")
    assert err == "iamproof: error: no-such-world: no such file or directory\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_file_is_one_line(workdir: Path, command: str) -> None:
    write_json(workdir / "policy-case.json", case("missing.json"))
    code, _, err = invoke(*commands_on("missing.json")[command])
    assert code == 2
    assert err == f"missing.json:1:1: cannot read file: {os.strerror(errno.ENOENT)}\n"


def test_error_line() -> None:
    assert error_line(InputError("bad", Span("a.json", 3, 7, 3, 8))) == "a.json:3:7: bad"
    assert error_line(InputError("bad")) == "iamproof: error: bad"


# --- 2. a directory where a file is expected ----------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_directory_is_a_clear_error(workdir: Path, command: str) -> None:
    (workdir / "policies").mkdir()
    write_json(workdir / "policy-case.json", case("policies"))
    code, out, err = invoke(*commands_on("policies")[command])
    assert code == 2
    assert err == f"policies:1:1: cannot read file: {os.strerror(errno.EISDIR)}\n"
    assert "Usage:" not in out + err


def test_validate_and_eval_given_a_directory(workdir: Path) -> None:
    (workdir / "policies").mkdir()
    expected = f"policies:1:1: cannot read file: {os.strerror(errno.EISDIR)}\n"
    code, out, err = invoke("validate", "policies", "good.json")
    assert (code, err) == (2, expected)
    assert "good.json: validated" in out  # the other files are still validated
    code, out, err = invoke("eval", "policies")
    assert (code, out, err) == (2, "", expected)


# --- 3. long values are shortened -------------------------------------------------------------------


def statement(**members: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECT, **members}


def policy_text(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


HUGE_VALUES = {
    "number-with-leading-zero": (
        policy_text(statement(Condition={"NumericEquals": {"k": 1}})).replace('"k": 1', '"k": 0' + "1" * (LONG - 1)),
        LONG,
    ),
    "number-out-of-range": (
        policy_text(statement(Condition={"NumericEquals": {"k": 1}})).replace('"k": 1', '"k": ' + "1" * LONG),
        LONG,
    ),
    "numeric-string": (policy_text(statement(Condition={"NumericEquals": {"k": "1" * LONG}})), LONG),
    "operator": (policy_text(statement(Condition={"X" * LONG: {"k": "v"}})), LONG),
    "policy-element": (json.dumps({"Version": "2012-10-17", "K" * LONG: 1, "Statement": []}), LONG),
    "duplicate-key": ('{"' + "K" * LONG + '": 1, "' + "K" * LONG + '": 2}', LONG),
    "unquoted-word": ('{"Version": ' + "a" * LONG + "}", LONG),
    "effect": (policy_text({"Effect": "A" * LONG, "Action": "s3:GetObject", "Resource": OBJECT}), LONG),
    "version": (json.dumps({"Version": "2" * LONG, "Statement": []}), LONG),
}


@pytest.mark.parametrize("text,length", HUGE_VALUES.values(), ids=list(HUGE_VALUES))
def test_a_huge_value_is_shortened_in_the_message(workdir: Path, text: str, length: int) -> None:
    (workdir / "policy.json").write_text(text, encoding="utf-8")
    code, _, err = invoke("validate", "policy.json")
    assert code == 2
    assert err.startswith("policy.json:1:") and err.count("\n") == 1
    assert len(err) < 2 * MAX_SHOWN + 200
    assert re.search(rf"…['\"]? \({length} characters\)", err), err


def test_a_huge_value_is_shortened_in_a_finding(workdir: Path) -> None:
    statement = {"Effect": "Allow", "Action": "s3:" + "G" * LONG, "Resource": OBJECT}
    write_json(workdir / "policy.json", {"Version": "2012-10-17", "Statement": [statement]})
    code, out, _ = invoke("validate", "policy.json")
    assert code == 1
    assert "INVALID_ACTION" in out and f"({LONG + 3} characters)" in out
    assert max(len(line) for line in out.splitlines()) < 2 * MAX_SHOWN + 200


def test_a_huge_value_is_shortened_through_eval(workdir: Path) -> None:
    (workdir / "policy.json").write_text(HUGE_VALUES["operator"][0], encoding="utf-8")
    write_json(workdir / "policy-case.json", case("policy.json"))
    code, out, err = invoke("eval", "policy-case.json")
    assert (code, out) == (2, "")
    assert err.startswith("policy.json:1:") and len(err) < 300
    assert err.rstrip().endswith(f"'{'X' * (MAX_SHOWN - 1)}…' ({LONG} characters)")


def test_a_huge_value_is_shortened_in_a_query_world(workdir: Path) -> None:
    world = workdir / "world"
    shutil.copytree(ORDERS_API, world)
    details = world / "iam-authorization-details.json"
    data = json.loads(details.read_text(encoding="utf-8"))
    data["UserDetailList"][0]["UserName"] = ["n" * LONG]
    details.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = invoke("query", "world", NO_QUESTION)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and len(err) < 1000


def test_clip_values() -> None:
    short = "unknown condition operator 'StringEqualz'"
    assert clip_values(short) == short
    value = "v" * 500
    clipped = clip_values(f"invalid action {value!r} in a policy")
    assert clipped == f"invalid action '{'v' * (MAX_SHOWN - 1)}…' (500 characters) in a policy"
    assert clip_values(clipped) == clipped
    token = '"' + "w" * 500 + '"'
    assert clip_values(f"unexpected string {token}") == f'unexpected string "{"w" * (MAX_SHOWN - 1)}…" (500 characters)'
    at_limit = "x" * MAX_SHOWN
    assert clip_values(f"bad value {at_limit!r} here") == f"bad value {at_limit!r} here"
    word = "z" * 5000
    assert clip_values(f"unexpected {word} here") == f"unexpected {'z' * (MAX_SHOWN - 1)}… (5000 characters) here"
    spaced = clip_values("words " * 1000)
    assert len(spaced) == MAX_MESSAGE and spaced.endswith("… (6000 characters)")
    assert clip_values(spaced) == spaced


def test_input_errors_shorten_their_message() -> None:
    error = InputError(f"duplicate key {'k' * LONG!r}", Span("a.json", 1, 2, 1, 3))
    assert error.message == f"duplicate key '{'k' * (MAX_SHOWN - 1)}…' ({LONG} characters)"
    assert str(error) == f"a.json:1:2: {error.message}"


# --- 4. the size limit of a policy file -------------------------------------------------------------


def padded(path: Path, document: Any, size: int) -> int:
    """Write `document` as JSON padded with spaces to exactly `size` bytes; return the size."""
    text = json.dumps(document)
    path.write_text(text + " " * (size - len(text)), encoding="utf-8")
    assert path.stat().st_size == size
    return size


def test_the_limit_is_one_mebibyte_for_policies_and_larger_for_the_rest() -> None:
    assert MAX_POLICY_BYTES == 1024 * 1024
    assert MAX_INPUT_BYTES == 16 * 1024 * 1024


@pytest.mark.parametrize("command", COMMANDS)
def test_a_policy_file_over_the_limit_is_an_error(workdir: Path, command: str) -> None:
    size = padded(workdir / "policy.json", GOOD, MAX_POLICY_BYTES + 1)
    write_json(workdir / "policy-case.json", case("policy.json"))
    code, _, err = invoke(*commands_on("policy.json")[command])
    assert code == 2
    assert err == f"policy.json:1:1: {TOO_LARGE.format(size=size)}\n"


def test_a_big_policy_file_is_refused_without_parsing_it(workdir: Path) -> None:
    """Far beyond the limit (and beyond the 16 MiB of the other loaders): refused before it is read whole."""
    size = padded(workdir / "policy.json", GOOD, MAX_INPUT_BYTES + 1024)
    code, _, err = invoke("validate", "policy.json")
    assert (code, err) == (2, f"policy.json:1:1: {TOO_LARGE.format(size=size)}\n")


def test_a_policy_file_at_the_limit_is_accepted(workdir: Path) -> None:
    padded(workdir / "policy.json", GOOD, MAX_POLICY_BYTES)
    code, out, err = invoke("validate", "policy.json")
    assert err == "" and code in (0, 1)
    assert "policy.json: validated" in out
    write_json(workdir / "policy-case.json", case("policy.json"))
    code, _, err = invoke("eval", "policy-case.json")
    assert (code, err) == (0, "")


def test_an_account_directory_over_the_policy_limit_loads(workdir: Path) -> None:
    world = workdir / "world"
    shutil.copytree(ORDERS_API, world)
    details = world / "iam-authorization-details.json"
    padded(details, json.loads(details.read_text(encoding="utf-8")), 2 * MAX_POLICY_BYTES)
    question = f'can anyone invoke "arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders" without "a1b2c3d4e5"'
    code, out, err = invoke("query", "world", question)
    assert (code, err) == (0, "")
    assert out.startswith("YES")


@pytest.mark.parametrize("fixture", ["cfn_users.json", "tf_plan.json"])
def test_a_template_or_plan_over_the_policy_limit_loads(workdir: Path, fixture: str) -> None:
    source = json.loads((GATE / fixture).read_text(encoding="utf-8"))
    padded(workdir / "old.json", source, 2 * MAX_POLICY_BYTES)
    padded(workdir / "new.json", source, 2 * MAX_POLICY_BYTES + 10)
    code, _, err = invoke("query", "old.json", NO_QUESTION)
    assert code in (0, 1, 3) and err == ""
    code, out, err = invoke("diff", "old.json", "new.json")
    assert (code, err) == (0, "")
    assert "larger than" not in out
