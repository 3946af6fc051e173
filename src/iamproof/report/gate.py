"""The gate's report as text and JSON."""

from __future__ import annotations

import json
from typing import Any

from iamproof.gate.findings import GateFinding
from iamproof.gate.run import GateReport
from iamproof.report.query import request_lines, statement_line, witness_to_dict


def _summary(report: GateReport) -> str:
    findings = report.findings
    accepted = sum(1 for f in findings if f.accepted is not None)
    failing = len(report.failing)
    counted = f"{len(report.comparisons)} changed file(s) with policies, {len(findings)} finding(s)"
    counted += f", {accepted} accepted by the baseline" if accepted else ""
    if report.verdict == "fail":
        return f"FAIL: {failing} finding(s) at or above {report.fail_on.upper()} ({counted})"
    if report.verdict == "unknown":
        return f"UNKNOWN: {len(report.undecided)} comparison(s) could not be decided ({counted})"
    return f"PASS: no finding at or above {report.fail_on.upper()} ({counted})"


def render_gate_text(report: GateReport) -> str:
    lines = [_summary(report)]
    for finding in report.findings:
        lines += _finding_lines(finding)
    for reason in report.undecided:
        lines.append(f"undecided: {reason}")
    for comparison in report.comparisons:
        checked = f"{comparison.compared} policy(ies) compared, {comparison.unchanged} unchanged"
        lines.append(f"file {comparison.file} ({comparison.status}, {comparison.kind}): {checked}")
        lines += [f"  note: {note}" for note in comparison.notes]
    for file, reason in report.skipped:
        lines.append(f"skipped {file}: {reason}")
    for unused in report.unused:
        lines.append(f"baseline: {unused} matches no finding (it can be removed from {report.baseline.file})")
    return "\n".join(lines) + "\n"


def _finding_lines(finding: GateFinding) -> list[str]:
    status = f" [accepted: {finding.accepted}]" if finding.accepted is not None else ""
    lines = [
        f"{finding.span}: {finding.severity.value} {finding.rule}: {finding.message}{status}",
        f"  id: {finding.id}",
    ]
    for number, witness in enumerate(finding.witnesses, 1):
        lines.append(f"  example {number} ({witness.title}):")
        lines += [f"    {line}" for line in request_lines(witness.request)]
        lines += [f"    granted by {statement_line(ref)}" for ref in witness.statements]
    return lines


def finding_to_dict(finding: GateFinding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": finding.file,
        "line": finding.span.line,
        "column": finding.span.column,
        "policy": finding.policy_id,
        "accepted": finding.accepted,
        "examples": [witness_to_dict(w) for w in finding.witnesses],
    }


def render_gate_json(report: GateReport) -> str:
    body = {
        "result": report.verdict,
        "base": report.base,
        "fail_on": report.fail_on,
        "findings": [finding_to_dict(f) for f in report.findings],
        "undecided": report.undecided,
        "files": [
            {
                "file": c.file,
                "status": c.status,
                "kind": c.kind,
                "compared": c.compared,
                "unchanged": c.unchanged,
                "notes": c.notes,
            }
            for c in report.comparisons
        ],
        "skipped": [{"file": file, "reason": reason} for file, reason in report.skipped],
        "baseline": {"file": report.baseline.file, "unused": report.unused},
    }
    return json.dumps(body, indent=2) + "\n"
