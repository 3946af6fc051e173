"""Witness resources read like a resource of the witness's action: an object ARN for `s3:GetObject`, a bucket
ARN for `s3:ListBucket`, `API/STAGE/VERB/path` for `execute-api:Invoke`, `*` for an action without resource
types; and a cell that admits no such ARN still gives a witness."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from iamproof import catalogue
from iamproof.cli import run
from iamproof.evaluate.decision import PolicyKind, PolicySet
from iamproof.parsing.documents import parse_policy_text
from iamproof.patterns import parse_glob
from iamproof.query.can import check_can
from iamproof.query.relations import check_no_new_access
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.query.template import RequestTemplate
from iamproof.smt import realistic
from iamproof.smt.realistic import filled_template, shaped_fill, template_regex

API = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3"
OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
API_TEMPLATE = (
    "arn:${Partition}:execute-api:${Region}:${Account}:${ApiId}/${Stage}/${Method}/${ApiSpecificResourcePath}"
)
FUNCTION = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"
VERBS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def policy_text(action: str, resource: str | list[str]) -> str:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def subject(label: str, action: str, resource: str | list[str]) -> Subject:
    return Subject(label, policy=parse_policy_text(policy_text(action, resource), label), kind=PolicyKind.IDENTITY)


def can_resource(action: str, resource: str | list[str]) -> str:
    """The resource of the witness `can` finds for `action` under a policy allowing it on `resource`."""
    policies = PolicySet(identity=(parse_policy_text(policy_text(action, resource)),))
    result = check_can(policies, RequestTemplate(action=parse_glob(action)))
    assert result.verdict is Verdict.SAT and result.witness is not None
    assert result.witness.request.action == action
    return result.witness.request.resource


# --- through the library -------------------------------------------------------------------------------


def test_object_action_on_every_bucket_gets_an_object_arn() -> None:
    resource = can_resource("s3:GetObject", "arn:aws:s3:::*")
    assert re.fullmatch(r"arn:aws:s3:::[^/]+/.+", resource), resource


def test_bucket_action_on_every_bucket_gets_a_bucket_arn() -> None:
    resource = can_resource("s3:ListBucket", "arn:aws:s3:::*")
    assert re.fullmatch(r"arn:aws:s3:::[^/]+", resource), resource


def test_api_invoke_gets_stage_verb_and_path() -> None:
    resource = can_resource("execute-api:Invoke", f"{API}/prod/*")
    assert resource.startswith(f"{API}/")
    parts = resource.removeprefix(f"{API}/").split("/")
    assert len(parts) == 3 and parts[0] == "prod" and parts[1] in VERBS and parts[2], resource


def test_action_without_resource_types_gets_star() -> None:
    assert catalogue.action_arn_templates("s3:ListAllMyBuckets") == ()
    assert can_resource("s3:ListAllMyBuckets", "*") == "*"


def test_cell_without_an_arn_of_the_action_still_gives_a_witness() -> None:
    """`arn:aws:s3:::a?` holds two-character bucket names only, no object: the filled pattern it is."""
    resource = can_resource("s3:GetObject", "arn:aws:s3:::a?")
    assert re.fullmatch(r"arn:aws:s3:::a.", resource), resource


def test_function_action_on_an_account_gets_a_function_arn() -> None:
    resource = can_resource("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111122223333:*")
    assert re.fullmatch(r"arn:aws:lambda:us-east-1:111122223333:function:[^:/]+", resource), resource


def test_function_action_on_star_gets_function_arns() -> None:
    """`*` leaves the solver two resource cells: ARNs with a 12-digit account, and the rest (where no function
    ARN lies, so `*` stands for it). The witness in the first is a function ARN, not another Lambda type."""
    old = subject("old", "lambda:GetFunction", "*")
    new = subject("new", "lambda:InvokeFunction", "*")
    result = check_no_new_access(old, new, max_witnesses=5)
    assert result.verdict is Verdict.SAT
    resources = [w.request.resource for w in result.witnesses]
    arns = [r for r in resources if r != "*"]
    assert arns, resources
    for arn in arns:
        assert re.fullmatch(r"arn:aws:lambda:us-east-1:\d{12}:function:[^:/]+", arn), resources


# --- through the command line ------------------------------------------------------------------------


def test_diff_json_reports_an_object_arn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(policy_text("s3:GetObject", "arn:aws:s3:::logs/*"), encoding="utf-8")
    new.write_text(policy_text("s3:GetObject", "arn:aws:s3:::*"), encoding="utf-8")
    assert run(["diff", str(old), str(new), "--format", "json"]) == 1
    found: dict[str, Any] = json.loads(capsys.readouterr().out)
    resources = [item["request"]["resource"] for item in found["new_access"]]
    assert resources and all(re.fullmatch(r"arn:aws:s3:::[^/]+/.+", r) for r in resources), resources
    assert not any(r.startswith("arn:aws:s3:::logs/") for r in resources)


# --- the pieces --------------------------------------------------------------------------------------


def test_action_templates_required_and_named_types_first() -> None:
    assert catalogue.action_arn_templates("s3:GetObject")[0] == OBJECT
    assert catalogue.action_arn_templates("S3:listbucket")[0] == "arn:${Partition}:s3:::${BucketName}"
    assert catalogue.action_arn_templates("lambda:InvokeFunction") == (FUNCTION,)
    assert catalogue.action_arn_templates("s3:NoSuchAction") == ()
    assert catalogue.action_arn_templates("nosuchservice:Get") == ()


@pytest.mark.parametrize(
    ("template", "text", "expected"),
    [
        (OBJECT, "arn:aws:s3:::b/k", True),
        (OBJECT, "arn:aws:s3:::b/k/deeper", True),
        (OBJECT, "arn:aws:s3:::b", False),
        (OBJECT, "arn:aws:s3:::/k", False),
        (API_TEMPLATE, f"{API}/prod/GET/orders", True),
        (API_TEMPLATE, f"{API}/prod/orders", False),
        (FUNCTION, "arn:aws:lambda:us-east-1:111122223333:function:f", True),
        (FUNCTION, "arn:aws:lambda:us-east-1:1111:2222:function:f", False),
    ],
)
def test_template_regex(template: str, text: str, expected: bool) -> None:
    assert (template_regex(template).fullmatch(text) is not None) is expected


@pytest.mark.parametrize(
    ("pattern", "template", "expected"),
    [
        ("arn:aws:s3:::*", OBJECT, "arn:aws:s3:::example-bucket/example.txt"),
        ("arn:aws:s3:::b*", OBJECT, "arn:aws:s3:::b/example.txt"),
        ("arn:aws:s3:::*-logs/*", OBJECT, "arn:aws:s3:::example-bucket-logs/example.txt"),
        ("arn:aws:s3:::a?", OBJECT, None),
        (f"{API}/prod/*", API_TEMPLATE, f"{API}/prod/GET/example"),
        ("arn:aws:execute-api:*:*:a1b2c3/*", API_TEMPLATE, f"{API}/prod/GET/example"),
        (f"{API}/*/POST/*", API_TEMPLATE, f"{API}/prod/POST/example"),
        ("*", FUNCTION, "arn:aws:lambda:us-east-1:111122223333:function:example-function"),
        ("arn:aws:lambda:*:*:layer:*", FUNCTION, None),
    ],
)
def test_shaped_fill(pattern: str, template: str, expected: str | None) -> None:
    found = shaped_fill(parse_glob(pattern), template, "111122223333")
    assert found == expected
    if found is not None:
        assert template_regex(template).fullmatch(found)


def test_filled_template_uses_plausible_values() -> None:
    assert filled_template(API_TEMPLATE, "111122223333") == (
        "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/example"
    )
    key = filled_template("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}", "111122223333")
    assert re.fullmatch(r"arn:aws:kms:us-east-1:111122223333:key/[0-9a-f-]{36}", key)


@pytest.mark.parametrize("service", ["s3", "lambda", "execute-api", "iam", "kms"])
def test_own_templates_are_arn_templates_of_the_service(service: str) -> None:
    own = catalogue.own_arn_templates(service)
    assert own and set(own) <= set(catalogue.arn_templates(service))
    assert all(template.split(":")[2] == service for template in own)


def test_the_services_own_templates_come_before_every_services_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every service's resource types takes tens of milliseconds: a witness whose resource is a
    template of the service's own file does not wait for it."""

    def every_service(service: str) -> tuple[str, ...]:
        raise AssertionError("read every service's resource types")

    monkeypatch.setattr(catalogue, "arn_templates", every_service)
    first = next(realistic._service_templates("s3", "111122223333"))
    assert first.startswith("arn:aws:s3:")
