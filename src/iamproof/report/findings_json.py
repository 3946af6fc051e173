"""`iamproof validate --format json`: the findings of each file as stable JSON.

```
{"files": [{"file", "policy_type", "policy_type_source": "given"|"inferred", "policy_type_reason",
            "document_shape", "error": null | {"message", "line", "column"},
            "findings": [{"code", "severity", "message", "line", "column", "end_line", "end_column"}]}],
 "summary": {"files", "unreadable", "findings", "ERROR", "SECURITY_WARNING", "WARNING", "SUGGESTION"},
 "catalogue_version"}
```
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from iamproof.catalogue import data_version
from iamproof.lint import DocumentReport, Finding, Severity


def summary(reports: Sequence[DocumentReport]) -> dict[str, int]:
    """Counts over all files: files, unreadable files, findings, and findings per severity."""
    counts = {
        "files": len(reports),
        "unreadable": sum(1 for report in reports if report.error is not None),
        "findings": sum(len(report.findings) for report in reports),
    }
    for severity in Severity:
        counts[severity.value] = sum(report.count(severity) for report in reports)
    return counts


def finding_json(item: Finding) -> dict[str, Any]:
    span = item.span
    return {
        "code": item.code,
        "severity": item.severity.value,
        "message": item.message,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def _report_json(report: DocumentReport) -> dict[str, Any]:
    choice = report.choice
    error = report.error
    return {
        "file": report.file,
        "policy_type": choice.policy_type.value if choice else None,
        "policy_type_source": ("inferred" if choice.inferred else "given") if choice else None,
        "policy_type_reason": choice.reason if choice else None,
        "document_shape": report.shape.value if report.shape else None,
        "error": None
        if error is None
        else {
            "message": error.message,
            "line": error.span.line if error.span else None,
            "column": error.span.column if error.span else None,
        },
        "findings": [finding_json(item) for item in report.findings],
    }


def render_findings_json(reports: Sequence[DocumentReport]) -> str:
    document = {
        "files": [_report_json(report) for report in reports],
        "summary": summary(reports),
        "catalogue_version": data_version(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
