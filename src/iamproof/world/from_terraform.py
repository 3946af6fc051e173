"""Terraform plan JSON (`terraform show -json plan.out`) → a `World`, and the list of the policies it holds.

Policies are JSON strings inside the plan; they are parsed with positions that point into the plan
file. Values known only after apply are placeholders (see `iamproof.world.placeholders`); a reference
to another resource of the plan is followed through the configuration where the value is unknown.
"""

from __future__ import annotations

from iamproof.ast import Policy
from iamproof.world.draft import EnumeratedPolicy, WorldDraft
from iamproof.world.model import World
from iamproof.world.tf_iam import load_iam
from iamproof.world.tf_lambda_api import load_apis, load_lambda
from iamproof.world.tf_plan import read_plan

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


def load_plan(path: str, *, account: str | None = None, region: str | None = None) -> World:
    """Load the world a Terraform plan would produce."""
    return _load(path, account, region)[0]


def policies_of_plan(
    path: str, *, account: str | None = None, region: str | None = None
) -> list[tuple[str, Policy, str]]:
    """Every policy of a plan as (stable id, policy, kind), kind one of identity, resource, trust, boundary.

    Ids are resource addresses: `<address>/trust`, `<address>/<inline policy name>`, `<address>`
    (aws_iam_policy, aws_iam_role_policy, ...), `<address>/resource-policy`, `<address>/function-policy`.
    """
    return _load(path, account, region)[1]


def plan_contents(
    path: str, *, account: str | None = None, region: str | None = None
) -> tuple[World, list[EnumeratedPolicy]]:
    """The world of a plan and its policies (as `policies_of_plan` lists them), read once."""
    return _load(path, account, region)


def _load(path: str, account: str | None, region: str | None) -> tuple[World, list[EnumeratedPolicy]]:
    draft = WorldDraft(account or DEFAULT_ACCOUNT, region or DEFAULT_REGION)
    draft.partition = "aws-cn" if draft.region.startswith("cn-") else "aws-us-gov" if "-gov-" in draft.region else "aws"
    if account is None:
        draft.note(f"the account is taken as {DEFAULT_ACCOUNT} (no account given)")
    if region is None:
        draft.note(f"the region is taken as {DEFAULT_REGION} (no region given)")
    plan = read_plan(path, draft.log)
    load_iam(plan, draft)
    load_lambda(plan, draft)
    load_apis(plan, draft)
    return draft.finish((path,))
