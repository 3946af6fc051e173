"""SARIF 2.1.0 for symbolic query results: one result per witness, located at its granting statements."""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from iamproof.report.query import QueryView, WitnessView

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES = {
    "ALLOWED_REQUEST": "A request of the kind asked about is allowed",
    "ACCESS_DIFFERENCE": "The two policies allow different requests",
    "NEW_ACCESS": "The new policy grants access the old one does not",
    "ACCESS_GRANTED": "The policy grants access that must not be granted",
    "PUBLIC_ACCESS": "The policy grants access to principals outside the account",
}


def _version() -> str:
    try:
        return version("iamproof")
    except PackageNotFoundError:
        return "0"


def _result(view: QueryView, witness: WitnessView, rule: str) -> dict[str, Any]:
    request = witness.request
    text = f"{witness.title}: {json.dumps(request['principal'])} {request['action']} on {request['resource']}"
    locations = [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": ref.statement.span.file},
                "region": {
                    "startLine": ref.statement.span.line,
                    "startColumn": ref.statement.span.column,
                    "endLine": ref.statement.span.end_line,
                    "endColumn": max(ref.statement.span.end_column, 1),
                },
            }
        }
        for ref in witness.statements
    ]
    result: dict[str, Any] = {
        "ruleId": rule,
        "level": "error",
        "message": {"text": text},
        "properties": {"request": request},
    }
    if locations:
        result["locations"] = locations
    return result


def render_query_sarif(view: QueryView, rule: str) -> str:
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "iamproof",
                        "version": _version(),
                        "rules": [{"id": rule, "shortDescription": {"text": RULES[rule]}}],
                    }
                },
                "results": [_result(view, w, rule) for w in view.witnesses],
                "properties": {"answer": view.answer, **({"reason": view.reason} if view.reason else {})},
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
