"""`iamproof validate --format text`: one line per finding, `file:line:col: SEVERITY CODE: message`."""

from __future__ import annotations

from collections.abc import Sequence

from iamproof.lint import DocumentReport, Finding, Severity
from iamproof.report.findings_json import summary

_NAMES = {
    Severity.ERROR: "error",
    Severity.SECURITY_WARNING: "security warning",
    Severity.WARNING: "warning",
    Severity.SUGGESTION: "suggestion",
}


def finding_line(item: Finding) -> str:
    return f"{item.span}: {item.severity.value} {item.code}: {item.message}"


def _header(report: DocumentReport) -> str:
    choice = report.choice
    if choice is None:
        return f"{report.file}: not validated (the file could not be read or parsed)"
    how = f"inferred: {choice.reason}" if choice.inferred else choice.reason
    kind = choice.policy_type.value
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{report.file}: validated as {article} {kind} policy ({how})"


def render_findings_text(reports: Sequence[DocumentReport]) -> str:
    lines: list[str] = []
    for report in reports:
        lines.append(_header(report))
        lines.extend(finding_line(item) for item in report.findings)
    lines.append(_summary_line(reports))
    return "\n".join(lines) + "\n"


def _summary_line(reports: Sequence[DocumentReport]) -> str:
    counts = summary(reports)
    files = _count(counts["files"], "file")
    unreadable = f" ({counts['unreadable']} unreadable)" if counts["unreadable"] else ""
    if not counts["findings"]:
        return f"{files}{unreadable}: no findings"
    parts = [_count(counts[severity.value], _NAMES[severity]) for severity in Severity if counts[severity.value]]
    return f"{files}{unreadable}: {', '.join(parts)}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
