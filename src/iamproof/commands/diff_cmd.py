"""`iamproof diff`: check-no-new-access for two policy files, two versions of a template or plan, or every
policy-bearing file changed in a git checkout since `--base`."""

from __future__ import annotations

from pathlib import Path

import click

from iamproof.commands.eval_cmd import semantics_from, semantics_options
from iamproof.commands.inputs import require_file
from iamproof.commands.query_cmd import template_parameters
from iamproof.commands.query_options import format_option, smt2_option, timeout_option, write_smt2
from iamproof.commands.symbolic_cmds import EXIT_UNKNOWN, emit_view, kind_option, witness_view
from iamproof.errors import InputError
from iamproof.evaluate.semantics import Semantics
from iamproof.gate.baseline import Baseline, find_baseline, load_baseline
from iamproof.gate.compare import GateOptions
from iamproof.gate.files import FileKind
from iamproof.gate.run import GateReport, ReadOptions, gate_git, gate_pair, pair_kinds
from iamproof.query.loading import SubjectKind, load_subject
from iamproof.query.relations import check_no_new_access
from iamproof.query.solver import Verdict
from iamproof.report.gate import render_gate_json, render_gate_text
from iamproof.report.gate_sarif import render_gate_sarif
from iamproof.report.query import QueryView

LEVELS = ["error", "security_warning", "warning", "suggestion", "none"]


@click.command("diff")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--base", default=None, metavar="REF", help="Compare every policy-bearing file changed since REF (git).")
@click.option("--max-witnesses", type=click.IntRange(min=1), default=5, show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(LEVELS, case_sensitive=False),
    default=None,
    help="Fail on findings at or above this severity (default: the baseline's fail-on, else error).",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Accepted findings (default: .iamproof.toml, else [tool.iamproof] of pyproject.toml).",
)
@click.option(
    "--sarif-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the findings as SARIF to this file (templates, plans and --base).",
)
@click.option("--parameter", "parameters", multiple=True, metavar="KEY=VALUE", help="A template parameter.")
@click.option("--account", default=None, help="The account templates and plans deploy to.")
@click.option("--region", default=None, help="The region templates and plans deploy to.")
@kind_option
@timeout_option
@format_option
@smt2_option
@semantics_options
def diff_command(
    files: tuple[str, ...],
    base: str | None,
    max_witnesses: int,
    fail_on: str | None,
    baseline_file: str | None,
    sarif_file: str | None,
    parameters: tuple[str, ...],
    account: str | None,
    region: str | None,
    kind: str,
    as_case: bool,
    timeout: float,
    output_format: str,
    emit_smt2: str | None,
    aws_star: str,
    rcp_scope: str,
) -> int:
    """Does the new version grant any access the old one does not (check-no-new-access)?

    \b
    iamproof diff OLD NEW              two policy files, or two versions of a template or plan
    iamproof diff --base REF [PATHS]   every policy-bearing file changed in git since REF

    Exit 0 pass, 1 new access (findings at or above --fail-on), 2 bad input, 3 undecided.
    """
    semantics = semantics_from(aws_star, rcp_scope)
    options = GateOptions(semantics, timeout, max_witnesses)
    read = ReadOptions(template_parameters(parameters), account, region)
    if base is not None:
        if as_case or emit_smt2:
            raise InputError("--case and --emit-smt2 compare two files; they do not apply with --base")
        baseline = _baseline(baseline_file, files)
        report = gate_git(base, files, options, read, baseline, _level(fail_on, baseline))
        return _emit(report, output_format, sarif_file)
    if len(files) != 2:
        raise click.UsageError("give OLD and NEW, or --base REF [PATHS...]")
    old, new = files
    for path in files:
        require_file(path)
    kinds = (FileKind.POLICY, FileKind.POLICY) if as_case else pair_kinds(old, new)
    if kinds != (FileKind.POLICY, FileKind.POLICY):
        for path, found in zip(files, kinds, strict=True):
            if found is FileKind.OTHER:
                raise InputError(f"{path}: not a policy document, a template or a Terraform plan")
        baseline = _baseline(baseline_file, ())
        report = gate_pair(old, new, options, read, baseline, _level(fail_on, baseline))
        return _emit(report, output_format, sarif_file)
    if sarif_file is not None:
        raise InputError("--sarif-file applies to templates, plans and --base; use --format sarif for two policies")
    return _policy_pair(old, new, SubjectKind(kind), as_case, options, semantics, output_format, emit_smt2)


def _policy_pair(
    old: str,
    new: str,
    kind: SubjectKind,
    as_case: bool,
    options: GateOptions,
    semantics: Semantics,
    output_format: str,
    emit_smt2: str | None,
) -> int:
    before = load_subject(old, kind, case=as_case)
    after = load_subject(new, kind, case=as_case)
    result = check_no_new_access(
        before,
        after,
        max_witnesses=options.max_witnesses,
        semantics=semantics,
        timeout=options.timeout,
        emit_smt2=bool(emit_smt2),
    )
    write_smt2(emit_smt2, result.smt2)
    answer = {Verdict.SAT: "fail", Verdict.UNSAT: "pass", Verdict.UNKNOWN: "unknown"}[result.verdict]
    witnesses = tuple(witness_view(w, f"allowed by {new}, not by {old}", after, semantics) for w in result.witnesses)
    summary = {
        "pass": f"PASS: {new} grants no access that {old} does not (proved)",
        "fail": f"FAIL: {new} grants new access ({len(witnesses)} example request(s))",
        "unknown": "UNKNOWN: the check could not be decided",
    }[answer]
    view = QueryView("diff", answer, summary, witnesses, result.reason)
    emit_view(view, output_format, "result", "new_access", "NEW_ACCESS")
    return {"pass": 0, "fail": 1, "unknown": EXIT_UNKNOWN}[answer]


def _baseline(path: str | None, files: tuple[str, ...]) -> Baseline:
    if path is not None:
        return load_baseline(path)
    directories = [Path.cwd()]
    try:
        from iamproof.gate.git import open_repository

        top = open_repository().top
        if top != Path.cwd().resolve():
            directories.append(top)
    except InputError:
        pass
    return find_baseline(directories)


def _level(given: str | None, baseline: Baseline) -> str:
    return (given or baseline.fail_on or "error").lower()


def _emit(report: GateReport, output_format: str, sarif_file: str | None) -> int:
    if sarif_file is not None:
        try:
            Path(sarif_file).write_text(render_gate_sarif(report), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {sarif_file}: {exc.strerror or exc}") from None
    render = {"json": render_gate_json, "sarif": render_gate_sarif}.get(output_format, render_gate_text)
    click.echo(render(report), nl=False)
    return {"pass": 0, "fail": 1, "unknown": EXIT_UNKNOWN}[report.verdict]
