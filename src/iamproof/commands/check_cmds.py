"""`iamproof check-not-granted` and `check-public`: Access Analyzer's custom policy checks, offline."""

from __future__ import annotations

import click

from iamproof.commands.eval_cmd import semantics_from, semantics_options
from iamproof.commands.query_options import format_option, timeout_option
from iamproof.commands.symbolic_cmds import EXIT_UNKNOWN, emit_view, witness_view
from iamproof.errors import InputError
from iamproof.evaluate.decision import PolicyKind
from iamproof.query.access_checks import CheckResult, check_access_not_granted, check_no_public_access, owner_account
from iamproof.query.loading import SubjectKind, load_subject
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject
from iamproof.report.query import QueryView


def _finish(
    result: CheckResult,
    subject: Subject,
    command: str,
    texts: dict[str, str],
    output_format: str,
    semantics_args: tuple[str, str],
) -> int:
    semantics = semantics_from(*semantics_args)
    answer = {Verdict.SAT: "fail", Verdict.UNSAT: "pass", Verdict.UNKNOWN: "unknown"}[result.verdict]
    witnesses = (witness_view(result.witness, texts["witness"], subject, semantics),) if result.witness else ()
    view = QueryView(command, answer, texts[answer], witnesses, result.reason)
    emit_view(view, output_format, "result", "witnesses", texts["rule"])
    return {"pass": 0, "fail": 1, "unknown": EXIT_UNKNOWN}[answer]


@click.command("check-not-granted")
@click.argument("policy", type=click.Path())
@click.option("--action", "actions", multiple=True, help="An action (wildcards allowed); repeat for several.")
@click.option("--resource", "resources", multiple=True, help="A resource ARN (wildcards allowed); repeat for several.")
@click.option(
    "--kind", type=click.Choice([k.value for k in SubjectKind]), default=SubjectKind.AUTO.value, show_default=True
)
@timeout_option
@format_option
@semantics_options
def check_not_granted_command(
    policy: str,
    actions: tuple[str, ...],
    resources: tuple[str, ...],
    kind: str,
    timeout: float,
    output_format: str,
    aws_star: str,
    rcp_scope: str,
) -> int:
    """Does POLICY allow none of the given actions (on the given resources)? Exit 0 pass, 1 granted, 3 unknown."""
    if not actions and not resources:
        raise InputError("give at least one --action or --resource")
    subject = load_subject(policy, SubjectKind(kind))
    semantics = semantics_from(aws_star, rcp_scope)
    result = check_access_not_granted(subject, actions, resources, semantics=semantics, timeout=timeout)
    texts = {
        "pass": f"PASS: {policy} grants none of the listed access (proved)",
        "fail": f"FAIL: {policy} grants listed access",
        "unknown": "UNKNOWN: the check could not be decided",
        "witness": "allowed",
        "rule": "ACCESS_GRANTED",
    }
    return _finish(result, subject, "check-not-granted", texts, output_format, (aws_star, rcp_scope))


@click.command("check-public")
@click.argument("policy", type=click.Path())
@click.option("--account", default=None, help="The account that owns the resource (default: from the policy's ARNs).")
@timeout_option
@format_option
@semantics_options
def check_public_command(
    policy: str, account: str | None, timeout: float, output_format: str, aws_star: str, rcp_scope: str
) -> int:
    """Can anyone outside the resource's account, or anyone anonymous, get access? Exit 0 pass, 1 public, 3 unknown."""
    subject = load_subject(policy, SubjectKind.RESOURCE)
    assert subject.policy is not None and subject.kind is PolicyKind.RESOURCE
    owner = account or owner_account(subject.policy)
    if owner is None:
        raise InputError(f"{policy}: the owning account is not clear from the policy's ARNs; give --account")
    semantics = semantics_from(aws_star, rcp_scope)
    result = check_no_public_access(subject, owner, semantics=semantics, timeout=timeout)
    texts = {
        "pass": f"PASS: only principals of account {owner} can get access (proved)",
        "fail": f"FAIL: {policy} grants access outside account {owner}",
        "unknown": "UNKNOWN: the check could not be decided",
        "witness": f"allowed, from outside account {owner}",
        "rule": "PUBLIC_ACCESS",
    }
    return _finish(result, subject, "check-public", texts, output_format, (aws_star, rcp_scope))
