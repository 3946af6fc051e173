"""`iamproof query WORLD 'QUERY'`: reachability questions over a world."""

from __future__ import annotations

import click

from iamproof.commands.eval_cmd import semantics_from, semantics_options
from iamproof.commands.query_options import timeout_option
from iamproof.report.world_answer import render_json, render_text
from iamproof.world.query_parse import parse_query
from iamproof.world.questions import answer
from iamproof.world.sources import load_world_source

EXIT_CODES = {"yes": 0, "no": 1, "unknown": 3}


@click.command("query")
@click.argument("world", type=click.Path())
@click.argument("question")
@click.option("--account", default=None, help="The world's account ID (default: from the ARNs).")
@click.option("--region", default=None, help="The world's region (default: from the API exports and ARNs).")
@click.option(
    "--parameter",
    "parameters",
    multiple=True,
    metavar="KEY=VALUE",
    help="A CloudFormation template parameter (repeatable).",
)
@timeout_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@semantics_options
def query_command(
    world: str,
    question: str,
    account: str | None,
    region: str | None,
    parameters: tuple[str, ...],
    timeout: float,
    output_format: str,
    aws_star: str,
    rcp_scope: str,
) -> int:
    """Answer QUESTION (in the query language) over WORLD: a directory of AWS CLI outputs, a
    CloudFormation/SAM template or a Terraform plan. Exit 0 yes, 1 no, 3 unknown."""
    query = parse_query(question, "<query>")
    loaded = load_world_source(world, account=account, region=region, parameters=template_parameters(parameters))
    result = answer(loaded, query, semantics=semantics_from(aws_star, rcp_scope), timeout=timeout)
    text = render_json(result, loaded) if output_format == "json" else render_text(result, loaded)
    click.echo(text, nl=False)
    return EXIT_CODES[result.answer]


def template_parameters(items: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--parameter")
        found[key] = value
    return found
