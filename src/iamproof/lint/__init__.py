"""Policy validation: lint findings in the style of IAM Access Analyzer's policy checks.

`validate_policy(policy, policy_type)` runs every check; `validate_file(path)` loads a file in any shape
`iamproof.parsing.documents` recognises, picks the policy type and validates it. Each finding has a stable
code from `RULES`, a severity, a message and the span of the policy text it concerns.
"""

from __future__ import annotations

from iamproof.lint.codes import RULES
from iamproof.lint.findings import Finding, Rule, Severity
from iamproof.lint.policy_types import PolicyType, TypeChoice, choose_policy_type, infer_policy_type
from iamproof.lint.validate import DocumentReport, validate_document, validate_file, validate_policy

__all__ = [
    "RULES",
    "DocumentReport",
    "Finding",
    "PolicyType",
    "Rule",
    "Severity",
    "TypeChoice",
    "choose_policy_type",
    "infer_policy_type",
    "validate_document",
    "validate_file",
    "validate_policy",
]
