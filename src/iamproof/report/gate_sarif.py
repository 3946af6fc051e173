"""The gate's report as a SARIF 2.1.0 log.

Each finding is a result located at the statement (or value) it is about, in the template, plan or policy
file as the working tree has it, so code-scanning annotations land on that line. The finding id is the
result's partial fingerprint; findings the baseline accepts carry an external suppression with its reason.
"""

from __future__ import annotations

import json
from typing import Any

from iamproof.gate.findings import GATE_RULES, GateFinding, GateRule
from iamproof.gate.run import GateReport
from iamproof.report.findings_sarif import LEVELS, SCHEMA, artifact_uri, sarif_location, sarif_rule, tool_version
from iamproof.report.query import witness_to_dict

_RULE_INDEX = {code: index for index, code in enumerate(GATE_RULES)}


def _rule(rule: GateRule) -> dict[str, Any]:
    security = "8.0" if rule.code in ("NEW_ACCESS", "NEW_ATTACHMENT", "BOUNDARY_REMOVED") else None
    return sarif_rule(rule.code, rule.severity, rule.short, rule.full, security)


def _result(finding: GateFinding) -> dict[str, Any]:
    locations = [sarif_location(finding.file, finding.span)]
    related = [
        {
            "id": number,
            "message": {"text": f"statement {ref.statement.index} of {ref.policy}"},
            **sarif_location(ref.statement.span.file, ref.statement.span),
        }
        for number, ref in enumerate(dict.fromkeys(ref for w in finding.witnesses for ref in w.statements), start=1)
    ]
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": _RULE_INDEX[finding.rule],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": locations,
        "partialFingerprints": {"iamproofFindingId/v1": finding.id},
        "properties": {
            "severity": finding.severity.value,
            "findingId": finding.id,
            "policy": finding.policy_id,
            "examples": [witness_to_dict(w) for w in finding.witnesses],
        },
    }
    if related:
        result["relatedLocations"] = related
    if finding.accepted is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.accepted}]
    return result


def render_gate_sarif(report: GateReport) -> str:
    files = dict.fromkeys(c.file for c in report.comparisons)
    notifications = [{"level": "warning", "message": {"text": f"undecided: {reason}"}} for reason in report.undecided]
    run = {
        "tool": {
            "driver": {
                "name": "iamproof",
                "version": tool_version(),
                "rules": [_rule(rule) for rule in GATE_RULES.values()],
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "artifacts": [{"location": {"uri": artifact_uri(file)}} for file in files],
        "results": [_result(f) for f in report.findings],
        "properties": {"result": report.verdict, "base": report.base, "failOn": report.fail_on},
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"
