"""A world from a directory of AWS CLI outputs: recognised by content, unknown files reported, malformed
files as positioned errors, account and region from the ARNs or given explicitly."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamproof.errors import InputError
from iamproof.world.load_directory import load_world
from iamproof.world.sources import load_world_source

from .load_helpers import ACCOUNT, EXAMPLE, FN, allow, load, load_error, position, write

USER = {"UserDetailList": [{"UserName": "u", "Arn": f"arn:aws:iam::{ACCOUNT}:user/u"}]}
FOREIGN_FN = {
    "Policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},'
    '"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:eu-west-1:444455556666:function:f"}]}',
    "RevisionId": "r",
}


def test_the_shipped_example():
    world = load(EXAMPLE)
    assert (world.account, world.region) == (ACCOUNT, "us-east-1")
    assert [u.name for u in world.users] == ["alice", "bob", "carol"]
    assert [g.name for g in world.groups] == ["developers"]
    assert [r.name for r in world.roles] == ["orders-api-invoker", "orders-function-execution"]
    assert [f.arn for f in world.functions] == [FN] and world.functions[0].policy is not None
    assert [(a.id, a.stages) for a in world.apis] == [("a1b2c3d4e5", ("prod",))]
    assert [(m.verb, m.path) for m in world.apis[0].methods] == [("GET", "/orders"), ("POST", "/orders")]
    assert sorted(Path(s).name for s in world.sources) == [
        "apigateway-export-prod-oas30.json",
        "iam-authorization-details.json",
        "lambda-get-policy-orders.json",
    ]
    assert [(Path(s.path).name, s.reason) for s in world.skipped] == [("README.md", "not a JSON file")]
    assert world.notes == () and world.placeholders == ()


def test_the_example_through_the_world_source_dispatch():
    world = load_world_source(str(EXAMPLE), account="999988887777", region="eu-west-1")
    assert (world.account, world.region, world.apis[0].account) == ("999988887777", "eu-west-1", "999988887777")
    assert world.apis[0].region == "us-east-1"  # the export's host names the API's region


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (allow("s3:GetObject"), "a policy document that is not attached to any principal or resource"),
        ({"RoleName": "r", "PolicyName": "p", "PolicyDocument": allow("s3:*")}, "an inline policy on its own"),
        ({"PolicyVersion": {"Document": allow("s3:*"), "VersionId": "v1"}}, "aws iam get-policy-version output"),
        ({"Policy": {"PolicyName": "p", "Arn": "arn:aws:iam::111122223333:policy/p"}}, "aws iam get-policy output"),
        ({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}, "a CloudFormation template"),
        ({"Functions": []}, "not a recognised AWS CLI output"),
        ("[1, 2]", "a JSON file holding a list"),
    ],
)
def test_unknown_json_files_are_reported(tmp_path: Path, content: dict[str, object] | str, reason: str):
    write(tmp_path, "users.json", USER)
    write(tmp_path, "other/thing.json", content)
    world = load(tmp_path)
    ((path, found),) = [(s.path, s.reason) for s in world.skipped]
    assert path == str(tmp_path / "other" / "thing.json") and found.startswith(reason)
    assert [Path(s).name for s in world.sources] == ["users.json"]


def test_non_json_files_are_reported(tmp_path: Path):
    write(tmp_path, "users.out", '\n  {"UserDetailList": []}')  # any name: recognised by content
    write(tmp_path, "users.json", USER)
    write(tmp_path, "notes.txt", "not json")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    world = load(tmp_path)
    assert [(Path(s.path).name, s.reason) for s in world.skipped] == [
        ("image.png", "not a JSON file"),
        ("notes.txt", "not a JSON file"),
    ]
    assert sorted(Path(s).name for s in world.sources) == ["users.json", "users.out"]


@pytest.mark.parametrize(
    ("name", "text", "where", "message"),
    [
        ("bad.json", '{\n  "UserDetailList": [],\n}', "bad.json:2:23", "trailing comma"),
        ("bad.json", '{"UserDetailList": [}', "bad.json:1:21", "unexpected '}'"),
        ("bad.json", "", "bad.json:1:1", "empty input"),
        ("bad.txt", '{"Policy": "x" "RevisionId": "r"}', "bad.txt:1:16", "is a comma missing?"),
        ("bad.json", "not json", "bad.json:1:1", "unexpected 'not'"),
    ],
)
def test_malformed_json_is_an_input_error(tmp_path: Path, name: str, text: str, where: str, message: str):
    write(tmp_path, "users.json", USER)
    write(tmp_path, name, text)
    error = load_error(tmp_path)
    assert position(error) == where and message in error.message
    assert error.exit_code == 2


def test_malformed_yaml_is_an_input_error(tmp_path: Path):
    write(tmp_path, "users.json", USER)
    write(tmp_path, "export.yaml", "openapi: 3.0.1\npaths: [\n")
    assert position(load_error(tmp_path)).startswith("export.yaml:3:")


def test_a_directory_without_any_world_file(tmp_path: Path):
    assert "the directory is empty" in load_error(tmp_path).message
    write(tmp_path, "README.md", "# nothing")
    error = load_error(tmp_path)
    assert "no AWS CLI output found" in error.message and "README.md: not a JSON file" in error.message


def test_not_a_directory(tmp_path: Path):
    with pytest.raises(InputError, match="not a directory"):
        load_world(str(tmp_path / "missing"))


def test_the_account_of_the_iam_entities_wins(tmp_path: Path):
    write(tmp_path, "users.json", USER)
    write(tmp_path, "f.json", FOREIGN_FN)
    world = load(tmp_path)
    assert (world.account, world.region) == (ACCOUNT, "eu-west-1")  # the region of the only function


def test_the_account_of_the_functions_without_iam_entities(tmp_path: Path):
    write(tmp_path, "f.json", FOREIGN_FN)
    assert load(tmp_path).account == "444455556666"


def test_an_api_alone_takes_the_account_of_its_credentials_role(tmp_path: Path):
    export = (EXAMPLE / "apigateway-export-prod-oas30.json").read_text().replace("lambda:path", "s3:path")
    write(tmp_path, "export.json", export)
    assert load(tmp_path).account == ACCOUNT
    write(tmp_path, "export.json", export.replace("111122223333:role", "*:role").replace('"credentials"', '"c"'))
    error = load_error(tmp_path)
    assert "give the account explicitly" in error.message
    assert load(tmp_path, account="123456789012").apis[0].account == "123456789012"


def test_a_world_without_regional_resources_says_which_region_it_assumed(tmp_path: Path):
    write(tmp_path, "users.json", USER)
    world = load(tmp_path)
    assert world.region == "us-east-1" and any("taken to be us-east-1" in note for note in world.notes)
    assert load(tmp_path, region="ap-south-1").notes == ()


def test_yaml_files_other_than_api_exports_are_skipped(tmp_path: Path):
    write(tmp_path, "users.json", USER)
    write(tmp_path, "compose.yml", "services:\n\tbroken: [\n")
    world = load(tmp_path)
    assert [(Path(s.path).name, s.reason) for s in world.skipped] == [
        ("compose.yml", "a YAML file that is not an API export")
    ]


def test_hidden_directories_are_reported_not_read(tmp_path: Path):
    write(tmp_path, "users.json", USER)
    write(tmp_path, ".git/objects/ab", "{ broken")
    write(tmp_path, "nested/deeper/more.json", USER | {"UserDetailList": []})
    world = load(tmp_path)
    assert [(Path(s.path).name, s.reason) for s in world.skipped] == [(".git", "a hidden directory, not read")]
    assert sorted(Path(s).name for s in world.sources) == ["more.json", "users.json"]


def test_links_and_special_files_are_reported(tmp_path: Path):
    write(tmp_path, "users.json", USER)
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    (tmp_path / "elsewhere").symlink_to(tmp_path / "nested", target_is_directory=True)
    write(tmp_path, "nested/x.md", "x")
    world = load(tmp_path)
    assert [(Path(s.path).name, s.reason) for s in world.skipped] == [
        ("dangling.json", "not a regular file"),
        ("elsewhere", "a link to a directory, not followed"),
        ("x.md", "not a JSON file"),
    ]
