"""Running the lint checks over a policy, a loaded document or a file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.lint.check_actions import check_actions
from iamproof.lint.check_characters import check_characters
from iamproof.lint.check_conditions import check_conditions
from iamproof.lint.check_policy import check_policy
from iamproof.lint.check_principals import check_principals
from iamproof.lint.check_resources import check_resources
from iamproof.lint.check_statements import check_statements
from iamproof.lint.context import Check, LintContext
from iamproof.lint.findings import Finding, Severity
from iamproof.lint.policy_types import PolicyType, TypeChoice, choose_policy_type
from iamproof.lint.redundancy import check_redundant_statements
from iamproof.lint.size import check_size
from iamproof.parsing.documents import DocumentShape, PolicyDocument, load_policy_file

CHECKS: tuple[Check, ...] = (
    check_policy,
    check_size,
    check_principals,
    check_statements,
    check_actions,
    check_resources,
    check_conditions,
    check_characters,
    check_redundant_statements,
)


def validate_policy(policy: Policy, policy_type: PolicyType) -> list[Finding]:
    """Every finding of every check for `policy` read as a `policy_type` policy, in source order."""
    context = LintContext(policy, policy_type)
    found = {item for check in CHECKS for item in check(context)}
    return sorted(found, key=Finding.sort_key)


@dataclass(frozen=True)
class DocumentReport:
    """The findings for one policy document, with the policy type they were computed for."""

    file: str
    shape: DocumentShape | None
    choice: TypeChoice | None
    findings: tuple[Finding, ...]
    error: InputError | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for item in self.findings if item.severity is severity)


def validate_document(document: PolicyDocument, file: str, requested: PolicyType | None = None) -> DocumentReport:
    """Validate a loaded document as `requested`, or as the type inferred from it."""
    choice = choose_policy_type(document, requested)
    findings = validate_policy(document.policy, choice.policy_type)
    return DocumentReport(file, document.shape, choice, tuple(findings))


def validate_file(path: str | Path, requested: PolicyType | None = None) -> DocumentReport:
    """Load and validate a policy file; a file that cannot be read or parsed gives a report with `error`.

    The file is loaded leniently: an action that is not `service:action` and the Null operator with IfExists
    become ERROR findings rather than a parse error (every other command refuses such a policy).
    """
    file = str(path)
    try:
        document = load_policy_file(path, lenient=True)
    except InputError as exc:
        return DocumentReport(file, None, None, (), exc)
    except RecursionError:
        return DocumentReport(file, None, None, (), InputError("input is nested too deeply"))
    return validate_document(document, file, requested)
