"""`iamproof validate --format sarif`: the findings as a SARIF 2.1.0 log.

Every lint rule is listed in `tool.driver.rules` (stable order, so `ruleIndex` is stable too). Levels:
ERROR → `error`, SECURITY_WARNING and WARNING → `warning`, SUGGESTION → `note`; security warnings also
carry the `security` tag and a `security-severity` property, which code-scanning services use to rank them.
The iamproof severity is kept in each result's and rule's `properties.severity`. Files that could not be
read or parsed appear as error notifications of the invocation, which is then unsuccessful.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from iamproof.catalogue import data_version
from iamproof.lint import RULES, DocumentReport, Finding, Rule, Severity
from iamproof.span import Span

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {
    Severity.ERROR: "error",
    Severity.SECURITY_WARNING: "warning",
    Severity.WARNING: "warning",
    Severity.SUGGESTION: "note",
}
_RULE_INDEX = {code: index for index, code in enumerate(RULES)}


def tool_version() -> str:
    try:
        return version("iamproof")
    except PackageNotFoundError:
        return "0"


def artifact_uri(file: str) -> str:
    """A URI reference for a file name as given: absolute paths become file: URIs, others stay relative."""
    path = Path(file)
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/")


def _region(span: Span) -> dict[str, int]:
    line, column = max(span.line, 1), max(span.column, 1)
    end_line = max(span.end_line, line)
    end_column = max(span.end_column, 1)
    if end_line == line:
        end_column = max(end_column, column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def sarif_location(file: str, span: Span) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(file)}, "region": _region(span)}}


def sarif_rule(code: str, severity: Severity, short: str, full: str, security: str | None) -> dict[str, Any]:
    """A SARIF reporting descriptor; `security` is the `security-severity` score of security rules."""
    properties: dict[str, Any] = {"severity": severity.value}
    if security is not None:
        properties.update({"tags": ["security"], "security-severity": security})
    return {
        "id": code,
        "name": code.title().replace("_", ""),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": properties,
    }


def _rule(rule: Rule) -> dict[str, Any]:
    security = "7.0" if rule.severity is Severity.SECURITY_WARNING else None
    return sarif_rule(rule.code, rule.severity, rule.short, rule.full, security)


def _result(report: DocumentReport, item: Finding) -> dict[str, Any]:
    return {
        "ruleId": item.code,
        "ruleIndex": _RULE_INDEX[item.code],
        "level": LEVELS[item.severity],
        "message": {"text": item.message},
        "locations": [sarif_location(report.file, item.span)],
        "properties": {"severity": item.severity.value},
    }


def _artifact(report: DocumentReport) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if report.choice is not None:
        properties = {
            "policyType": report.choice.policy_type.value,
            "policyTypeSource": "inferred" if report.choice.inferred else "given",
            "policyTypeReason": report.choice.reason,
        }
    return {"location": {"uri": artifact_uri(report.file)}, "properties": properties}


def _artifacts(reports: Sequence[DocumentReport]) -> list[dict[str, Any]]:
    """One artifact per file (a file named twice is listed once: SARIF wants artifacts unique)."""
    first: dict[str, DocumentReport] = {}
    for report in reports:
        first.setdefault(report.file, report)
    return [_artifact(report) for report in first.values()]


def _invocation(reports: Sequence[DocumentReport]) -> dict[str, Any]:
    notifications = [
        {
            "level": "error",
            "message": {"text": report.error.message},
            "locations": [sarif_location(report.file, report.error.span or Span.whole_file(report.file))],
        }
        for report in reports
        if report.error is not None
    ]
    return {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}


def render_findings_sarif(reports: Sequence[DocumentReport]) -> str:
    run = {
        "tool": {
            "driver": {
                "name": "iamproof",
                "version": tool_version(),
                "rules": [_rule(rule) for rule in RULES.values()],
            }
        },
        "invocations": [_invocation(reports)],
        "artifacts": _artifacts(reports),
        "results": [_result(report, item) for report in reports for item in report.findings],
        "properties": {"catalogueVersion": data_version()},
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
