"""`iamproof validate FILE...`: parse each policy file and report lint findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click

from iamproof.commands.query_options import format_option
from iamproof.errors import error_line
from iamproof.lint import DocumentReport, PolicyType, Severity, validate_file
from iamproof.report.findings_json import render_findings_json
from iamproof.report.findings_sarif import render_findings_sarif
from iamproof.report.findings_text import render_findings_text

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
_RENDERERS: dict[str, Callable[[Sequence[DocumentReport]], str]] = {
    "text": render_findings_text,
    "json": render_findings_json,
    "sarif": render_findings_sarif,
}
_FAIL_ON = ("error", "security_warning", "warning", "suggestion", "none")


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--policy-type",
    type=click.Choice(["auto", *(kind.value for kind in PolicyType)]),
    default="auto",
    show_default=True,
    help="How to read the policies; auto infers it from each file's shape and statements.",
)
@click.option(
    "--fail-on",
    type=click.Choice(_FAIL_ON),
    default="error",
    show_default=True,
    help="Exit 1 if any finding is at least this severe (none: only unreadable files fail).",
)
@format_option
def validate(files: tuple[str, ...], policy_type: str, fail_on: str, output_format: str) -> int:
    """Validate policy FILES. Exit 0 clean, 1 findings at or above --fail-on, 2 a file unreadable."""
    requested = None if policy_type == "auto" else PolicyType(policy_type)
    reports = [validate_file(file, requested) for file in files]
    for report in reports:
        if report.error is not None:
            click.echo(error_line(report.error), err=True)
    click.echo(_RENDERERS[output_format](reports), nl=False)
    return exit_code(reports, fail_on)


def exit_code(reports: Sequence[DocumentReport], fail_on: str) -> int:
    """2 if a file could not be read or parsed; else 1 if a finding reaches `fail_on`; else 0."""
    if any(report.error is not None for report in reports):
        return EXIT_UNREADABLE
    if fail_on == "none":
        return EXIT_CLEAN
    threshold = Severity.from_label(fail_on).rank
    failing = any(item.severity.rank >= threshold for report in reports for item in report.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN
