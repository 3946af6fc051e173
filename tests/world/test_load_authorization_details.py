"""aws iam get-account-authorization-details → users, groups, roles: decoded and URL-encoded documents,
pages merged, attachments resolved strictly, malformed pages reported at their position."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iamproof.world.model import World

from .load_helpers import ACCOUNT, DATA, EXAMPLE, allow, encoded, load, load_error, position, write

PAGED = DATA / "paged"
OTHER = "444455556666"


def _actions(world: World, kind: str, name: str, policy: str) -> list[str]:
    principal = {"user": world.users, "group": world.groups, "role": world.roles}[kind]
    entity = next(p for p in principal if p.name == name)
    found = next(p for p in entity.policies if p.name == policy)
    return [item.text for s in found.policy.statements for item in s.action.items]


def test_decoded_documents_of_the_cli():
    world = load(EXAMPLE)
    alice = next(u for u in world.users if u.name == "alice")
    assert alice.arn == f"arn:aws:iam::{ACCOUNT}:user/alice" and alice.account == ACCOUNT
    assert [s.effect.value for s in alice.policies[0].policy.statements] == ["Allow", "Deny"]
    assert alice.tags == (("team", "storefront"),) and alice.groups == () and alice.boundary is None
    bob = next(u for u in world.users if u.name == "bob")
    assert bob.arn.endswith(":user/engineering/bob") and bob.groups == ("developers",) and bob.policies == ()
    group = world.group("developers")
    assert group is not None
    assert [p.name for p in group.policies] == [
        "debug-orders-function",
        "arn:aws:iam::aws:policy/IAMUserChangePassword",
    ]
    assert _actions(world, "group", "developers", "debug-orders-function") == ["lambda:InvokeFunction"]


def test_managed_policies_use_the_default_version():
    world = load(EXAMPLE)
    carol = next(u for u in world.users if u.name == "carol")
    assert carol.boundary is not None and carol.boundary.name == f"arn:aws:iam::{ACCOUNT}:policy/developer-boundary"
    # v2 is the default; v1 (Allow * on *) must not be used
    assert [i.text for i in carol.boundary.policy.statements[0].action.items] == ["execute-api:Invoke", "logs:*"]
    assert [p.name for p in carol.policies] == [f"arn:aws:iam::{ACCOUNT}:policy/orders-api-readers"]


def test_roles_with_trust_inline_attached_and_boundary():
    world = load(EXAMPLE)
    invoker = world.role(f"arn:aws:iam::{ACCOUNT}:role/orders-api-invoker")
    assert invoker is not None and invoker.trust is not None
    principal = invoker.trust.statements[0].principal
    assert principal is not None and principal.entries[0].value == "apigateway.amazonaws.com"
    assert _actions(world, "role", "orders-api-invoker", "invoke-orders") == ["lambda:InvokeFunction"]
    execution = world.role(f"arn:aws:iam::{ACCOUNT}:role/service-role/orders-function-execution")
    assert execution is not None and execution.boundary is not None
    assert [p.name for p in execution.policies] == ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    assert execution.tags == (("app", "orders"),)


def test_url_encoded_documents_keep_positions_in_the_file():
    world = load(PAGED)
    role = world.role(f"arn:aws:iam::{OTHER}:role/pets-invoker")
    assert role is not None and role.trust is not None
    lines = (PAGED / "auth-page-2.json").read_text().splitlines()
    trust_line = next(i for i, line in enumerate(lines, 1) if '"AssumeRolePolicyDocument"' in line)
    statement = role.trust.statements[0]
    assert statement.span.file.endswith("auth-page-2.json") and statement.span.line == trust_line
    text = lines[trust_line - 1]
    principal = statement.principal
    assert principal is not None
    service = principal.entries[0]
    # the column points at the percent-encoded text of the value inside the string
    assert text[service.span.column - 1 :].startswith("%22apigateway.amazonaws.com%22")
    assert _actions(world, "role", "pets-invoker", "invoke-pets") == ["lambda:InvokeFunction"]
    assert _actions(world, "group", "readers", "read-pets") == ["lambda:GetFunction"]


def test_pages_merge_and_references_cross_pages():
    world = load(PAGED)
    (dave,) = world.users
    assert dave.groups == ("readers",) and dave.tags == (("cost-center", "42"),)
    (readonly,) = dave.policies
    assert readonly.name == f"arn:aws:iam::{OTHER}:policy/pets-readonly"  # attached in page 1, defined in page 2
    assert [i.text for i in readonly.policy.statements[0].action.items] == ["lambda:Get*", "lambda:List*"]
    assert dave.boundary is not None and dave.boundary.name.endswith(":policy/lambda-only")
    assert [r.name for r in world.roles] == ["pets-invoker"] and [g.name for g in world.groups] == ["readers"]


def test_page_order_does_not_matter(tmp_path: Path):
    shutil.copy(PAGED / "auth-page-2.json", tmp_path / "a.json")
    shutil.copy(PAGED / "auth-page-1.json", tmp_path / "b.json")
    world = load(tmp_path)
    assert [u.name for u in world.users] == ["dave"] and [p.name for p in world.users[0].policies] == [
        f"arn:aws:iam::{OTHER}:policy/pets-readonly"
    ]


MISSING_MANAGED = """{
  "UserDetailList": [
    {
      "UserName": "erin",
      "Arn": "arn:aws:iam::111122223333:user/erin",
      "AttachedManagedPolicies": [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
      ]
    }
  ]POLICIES
}
"""


@pytest.mark.parametrize(
    ("policies", "hint"),
    [(',\n  "Policies": []', "were all pages exported"), ("", "no page has a 'Policies' list")],
)
def test_a_managed_policy_used_but_not_defined_fails_closed(tmp_path: Path, policies: str, hint: str):
    write(tmp_path, "auth.json", MISSING_MANAGED.replace("POLICIES", policies))
    error = load_error(tmp_path)
    assert position(error) == "auth.json:7:55"
    assert "arn:aws:iam::aws:policy/ReadOnlyAccess" in error.message and "user erin" in error.message
    assert hint in error.message


def test_a_group_without_its_details_fails_closed(tmp_path: Path):
    write(
        tmp_path,
        "auth.json",
        '{"UserDetailList": [{"UserName": "f", "Arn": "arn:aws:iam::111122223333:user/f",\n'
        '  "GroupList": ["admins"]}]}',
    )
    error = load_error(tmp_path)
    assert position(error) == "auth.json:2:17" and "group 'admins'" in error.message


def _user(name: str, **fields: object) -> dict[str, object]:
    return {"UserName": name, "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", **fields}


def test_a_principal_listed_in_two_pages_is_an_error(tmp_path: Path):
    write(tmp_path, "a.json", {"UserDetailList": [_user("gil")]})
    write(tmp_path, "b.json", {"UserDetailList": [_user("gil")]})
    error = load_error(tmp_path)
    assert position(error) == "b.json:3:5" and "listed twice" in error.message and "a.json:3:5" in error.message


MALFORMED = [
    ('{"UserDetailList": {}}', "auth.json:1:20", "must be a list"),
    ('{"UserDetailList": [{"UserName": "x"}]}', "auth.json:1:21", "has no 'Arn'"),
    (
        '{"UserDetailList": [{"UserName": "x", "Arn": "arn:aws:iam::111122223333:role/x"}]}',
        "auth.json:1:46",
        "IAM user",
    ),
    (
        '{"RoleDetailList": [\n  {"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r"}]}',
        "auth.json:2:3",
        "has no 'AssumeRolePolicyDocument'",
    ),
    (
        '{"GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::111122223333:group/g",\n'
        '  "GroupPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17"}}]}]}',
        "auth.json:2:61",
        "no 'Statement'",
    ),
    (
        '{"Policies": [{"Arn": "arn:aws:iam::111122223333:policy/p", "PolicyVersionList": [\n'
        '  {"VersionId": "v1", "IsDefaultVersion": "true", "Document": {}}]}]}',
        "auth.json:2:43",
        "true or false",
    ),
    (
        '{"Policies": [{"Arn": "arn:aws:iam::111122223333:policy/p", "PolicyVersionList": [\n'
        '  {"VersionId": "v1", "IsDefaultVersion": false, "Document": {}}]}]}',
        "auth.json:1:15",
        "no version",
    ),
    (
        '{"UserDetailList": [{"UserName": "x", "Arn": "arn:aws:iam::111122223333:user/x",\n'
        '  "PermissionsBoundary": {"PermissionsBoundaryType": "Policy"}}]}',
        "auth.json:2:26",
        "has no 'PermissionsBoundaryArn'",
    ),
]


@pytest.mark.parametrize(("text", "where", "message"), MALFORMED)
def test_malformed_pages_are_input_errors_at_their_position(tmp_path: Path, text: str, where: str, message: str):
    write(tmp_path, "auth.json", text)
    error = load_error(tmp_path)
    assert position(error) == where and message in error.message


def test_a_syntax_error_inside_a_url_encoded_document_points_into_the_string(tmp_path: Path):
    broken = encoded(allow("lambda:InvokeFunction")).replace("%22Effect%22", "%22Effect%22%3A")
    text = '{"UserDetailList": [{"UserName": "x", "Arn": "arn:aws:iam::111122223333:user/x",\n'
    text += f'  "UserPolicyList": [{{"PolicyName": "p", "PolicyDocument": "{broken}"}}]}}]}}'
    write(tmp_path, "auth.json", text)
    error = load_error(tmp_path)
    column = text.splitlines()[1].index("%22Effect%22%3A") + len("%22Effect%22%3A") + 1
    assert position(error) == f"auth.json:2:{column}" and "PolicyDocument" in error.message


def test_list_policies_output_is_not_authorization_details(tmp_path: Path):
    write(tmp_path, "auth.json", {"UserDetailList": [_user("hal")]})
    write(tmp_path, "list.json", {"Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::111122223333:policy/p"}]})
    world = load(tmp_path)
    assert [u.name for u in world.users] == ["hal"]
    assert [(Path(s.path).name, s.reason) for s in world.skipped] == [
        ("list.json", "aws iam list-policies output (no policy documents)")
    ]
