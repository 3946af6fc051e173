"""`iamproof eval CASE`: the concrete decision for one fully given request."""

from __future__ import annotations

import click

from iamproof.evaluate.case_file import load_case
from iamproof.evaluate.decision import Decision, evaluate
from iamproof.evaluate.semantics import AwsStar, RcpScope, Semantics
from iamproof.report.decision import render_decision_json, render_decision_text


def semantics_options(function: click.decorators.FC) -> click.decorators.FC:
    """The [AMBIG] choices, shared by every command that evaluates policies."""
    function = click.option(
        "--aws-star",
        type=click.Choice([c.value for c in AwsStar]),
        default=AwsStar.EVERYONE.value,
        show_default=True,
        help='What {"AWS": "*"} admits: everyone (as "*") or only authenticated IAM principals.',
    )(function)
    return click.option(
        "--rcp-scope",
        type=click.Choice([c.value for c in RcpScope]),
        default=RcpScope.CATALOGUE.value,
        show_default=True,
        help="Which actions RCPs govern: those of services the action catalogue lists as supported, or all.",
    )(function)


def semantics_from(aws_star: str, rcp_scope: str) -> Semantics:
    return Semantics(aws_star=AwsStar(aws_star), rcp_scope=RcpScope(rcp_scope))


@click.command("eval")
@click.argument("case", type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@semantics_options
def eval_command(case: str, output_format: str, aws_star: str, rcp_scope: str) -> int:
    """Decide one fully given request (a case file). Exit 0 allow, 1 deny, 2 bad input."""
    loaded = load_case(case)
    result = evaluate(loaded.policies, loaded.request, semantics_from(aws_star, rcp_scope))
    render = render_decision_json if output_format == "json" else render_decision_text
    click.echo(render(result), nl=False)
    return 0 if result.decision is Decision.ALLOW else 1
