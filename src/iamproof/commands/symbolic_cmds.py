"""`iamproof can`, `equiv` and `diff`: questions about all requests at once."""

from __future__ import annotations

import click

from iamproof.commands.eval_cmd import semantics_from, semantics_options
from iamproof.commands.query_options import format_option, smt2_option, timeout_option, write_smt2
from iamproof.evaluate.semantics import Semantics
from iamproof.query.can import check_can
from iamproof.query.case_template import load_template_case
from iamproof.query.loading import SubjectKind, load_subject
from iamproof.query.relations import Relation, check_equivalent
from iamproof.query.session import Witness
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject, granting_statements
from iamproof.report.query import QueryView, StatementRef, WitnessView, render_json, render_text
from iamproof.report.query_sarif import render_query_sarif

EXIT_UNKNOWN = 3


def kind_option(function: click.decorators.FC) -> click.decorators.FC:
    function = click.option(
        "--kind",
        type=click.Choice([k.value for k in SubjectKind]),
        default=SubjectKind.AUTO.value,
        show_default=True,
        help="Read the policies as identity or resource policies (auto: resource if every statement has a Principal).",
    )(function)
    return click.option("--case", "as_case", is_flag=True, help="The files are case files: compare their policy sets.")(
        function
    )


def witness_view(witness: Witness, title: str, subject: Subject, semantics: Semantics) -> WitnessView:
    refs = tuple(StatementRef(label, s) for label, s in granting_statements(subject, witness.request, semantics))
    return WitnessView(title, witness.document, refs)


def emit_view(view: QueryView, output_format: str, answer_key: str, witnesses_key: str, rule: str) -> None:
    if output_format == "json":
        click.echo(render_json(view, answer_key, witnesses_key), nl=False)
    elif output_format == "sarif":
        click.echo(render_query_sarif(view, rule), nl=False)
    else:
        click.echo(render_text(view), nl=False)


@click.command("can")
@click.argument("case", type=click.Path())
@timeout_option
@format_option
@smt2_option
@semantics_options
def can_command(
    case: str, timeout: float, output_format: str, emit_smt2: str | None, aws_star: str, rcp_scope: str
) -> int:
    """Is some request that fits CASE's request allowed? Exit 0 yes, 1 no, 3 unknown."""
    semantics = semantics_from(aws_star, rcp_scope)
    loaded = load_template_case(case)
    result = check_can(
        loaded.policies, loaded.template, semantics=semantics, timeout=timeout, emit_smt2=bool(emit_smt2)
    )
    write_smt2(emit_smt2, result.smt2)
    subject = Subject(case, policy_set=loaded.policies)
    answer = {Verdict.SAT: "yes", Verdict.UNSAT: "no", Verdict.UNKNOWN: "unknown"}[result.verdict]
    summaries = {
        "yes": "YES: this request is allowed",
        "no": "NO: no request that fits the case is allowed (proved)",
        "unknown": "UNKNOWN: the question could not be decided",
    }
    witnesses = (witness_view(result.witness, "allowed", subject, semantics),) if result.witness else ()
    view = QueryView("can", answer, summaries[answer], witnesses, result.reason)
    emit_view(view, output_format, "answer", "witnesses", "ALLOWED_REQUEST")
    return {"yes": 0, "no": 1, "unknown": EXIT_UNKNOWN}[answer]


@click.command("equiv")
@click.argument("first", type=click.Path())
@click.argument("second", type=click.Path())
@kind_option
@timeout_option
@format_option
@smt2_option
@semantics_options
def equiv_command(
    first: str,
    second: str,
    kind: str,
    as_case: bool,
    timeout: float,
    output_format: str,
    emit_smt2: str | None,
    aws_star: str,
    rcp_scope: str,
) -> int:
    """Compare what two policies allow: equivalent, less, more or incomparable. Exit 0 equivalent, 1 not, 3 unknown."""
    semantics = semantics_from(aws_star, rcp_scope)
    a, b = load_subject(first, SubjectKind(kind), case=as_case), load_subject(second, SubjectKind(kind), case=as_case)
    result = check_equivalent(a, b, semantics=semantics, timeout=timeout, emit_smt2=bool(emit_smt2))
    write_smt2(emit_smt2, result.smt2)
    witnesses: list[WitnessView] = []
    if result.only_a:
        witnesses.append(witness_view(result.only_a, f"allowed by {first}, not by {second}", a, semantics))
    if result.only_b:
        witnesses.append(witness_view(result.only_b, f"allowed by {second}, not by {first}", b, semantics))
    summary = {
        Relation.EQUIVALENT: f"EQUIVALENT: {first} and {second} allow exactly the same requests",
        Relation.LESS: f"LESS: {first} allows a strict subset of what {second} allows",
        Relation.MORE: f"MORE: {first} allows a strict superset of what {second} allows",
        Relation.INCOMPARABLE: "INCOMPARABLE: each allows requests the other does not",
        Relation.UNKNOWN: "UNKNOWN: the comparison could not be decided",
    }[result.relation]
    view = QueryView("equiv", result.relation.value, summary, tuple(witnesses), result.reason)
    emit_view(view, output_format, "relation", "witnesses", "ACCESS_DIFFERENCE")
    if result.relation is Relation.UNKNOWN:
        return EXIT_UNKNOWN
    return 0 if result.relation is Relation.EQUIVALENT else 1
