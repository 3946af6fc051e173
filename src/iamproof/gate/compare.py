"""Two versions of one policy-bearing file, compared policy by policy (check-no-new-access), principal by
principal (new attachments, removed boundaries), with the values the new version leaves open."""

from __future__ import annotations

from dataclasses import dataclass, field

from iamproof.ast import Policy
from iamproof.evaluate.semantics import DEFAULT_SEMANTICS, Semantics
from iamproof.gate.files import GatePolicy, PolicyFile
from iamproof.gate.findings import GateFinding, finding_id, statements_digest
from iamproof.query.relations import check_no_new_access
from iamproof.query.session import Witness
from iamproof.query.solver import Verdict
from iamproof.query.subjects import Subject, granting_statements
from iamproof.report.query import StatementRef, WitnessView
from iamproof.span import Span


@dataclass(frozen=True)
class GateOptions:
    semantics: Semantics = DEFAULT_SEMANTICS
    timeout: float = 30.0
    max_witnesses: int = 5
    base: str = "the base"  # how the old version is named in messages


@dataclass
class FileComparison:
    file: str
    status: str  # added, deleted, modified, renamed
    kind: str  # policy, template, plan
    old_file: str | None = None
    compared: int = 0  # policies checked with the solver
    unchanged: int = 0  # policies equal to their old version, statement for statement
    findings: list[GateFinding] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def compare_files(old: PolicyFile | None, new: PolicyFile | None, status: str, options: GateOptions) -> FileComparison:
    shown = new or old
    assert shown is not None
    result = FileComparison(shown.file, status, shown.kind.value, old.file if old is not None else None)
    if new is None:
        assert old is not None
        for policy in old.policies:
            result.findings.append(_deleted(policy, old.file, old.file, options))
        return result
    before = {p.id: p for p in old.policies} if old is not None else {}
    changed_spans: list[Span] = []
    for policy in new.policies:
        previous = before.pop(policy.id, None)
        if previous is not None and statements_digest(previous.policy.statements) == statements_digest(
            policy.policy.statements
        ):
            result.unchanged += 1
            continue
        changed_spans.append(policy.policy.span)
        _compare_policy(previous, policy, new.file, options, result)
    for gone in before.values():
        result.findings.append(_deleted(gone, new.file, old.file if old is not None else new.file, options))
    result.findings += _attachment_findings(old, new)
    result.findings += _placeholder_findings(new, changed_spans)
    result.notes += list(new.notes)
    return result


def _compare_policy(
    previous: GatePolicy | None, policy: GatePolicy, file: str, options: GateOptions, result: FileComparison
) -> None:
    old_policy = previous.policy if previous is not None else _nothing(policy.policy)
    old_subject = Subject(f"{policy.id} at {options.base}", policy=old_policy, kind=policy.kind)
    new_subject = Subject(policy.id, policy=policy.policy, kind=policy.kind)
    outcome = check_no_new_access(
        old_subject,
        new_subject,
        max_witnesses=options.max_witnesses,
        semantics=options.semantics,
        timeout=options.timeout,
    )
    result.compared += 1
    if outcome.verdict is Verdict.UNKNOWN:
        result.undecided.append(f"{file}: {policy.id}: {outcome.reason or 'the solver gave up'}")
        return
    groups: dict[tuple[int, ...], list[WitnessView]] = {}
    statements: dict[tuple[int, ...], list[StatementRef]] = {}
    for witness in outcome.witnesses:
        view = _view(witness, new_subject, previous is None, options)
        key = tuple(ref.statement.index for ref in view.statements)
        groups.setdefault(key, []).append(view)
        statements.setdefault(key, list(view.statements))
    for key, views in groups.items():
        refs = statements[key]
        span = refs[0].statement.span if refs else policy.policy.span
        digest = statements_digest([ref.statement for ref in refs] or list(policy.policy.statements))
        what = "a policy added since" if previous is None else "its version at"
        first = views[0].request
        message = (
            f"{policy.id} ({policy.role} policy) allows {first['action']} on {first['resource']}"
            f" and {len(views) - 1} more example(s), which {what} {options.base} did not"
            if len(views) > 1
            else f"{policy.id} ({policy.role} policy) allows {first['action']} on {first['resource']},"
            f" which {what} {options.base} did not"
        )
        if previous is None:
            message = message.replace(f"which {what} {options.base} did not", f"and is new since {options.base}")
        result.findings.append(
            GateFinding(
                finding_id("NEW_ACCESS", file, policy.id, policy.role, digest),
                "NEW_ACCESS",
                message,
                file,
                span,
                policy.id,
                tuple(views),
            )
        )


def _view(witness: Witness, subject: Subject, added: bool, options: GateOptions) -> WitnessView:
    title = f"allowed now, not at {options.base}" if not added else f"allowed by a policy new since {options.base}"
    refs = tuple(
        StatementRef(label, s) for label, s in granting_statements(subject, witness.request, options.semantics)
    )
    return WitnessView(title, witness.document, refs)


def _nothing(policy: Policy) -> Policy:
    """The policy an added one is compared with: no statements (it allows nothing)."""
    return Policy(policy.version, None, (), Span.whole_file(policy.span.file))


def _deleted(policy: GatePolicy, file: str, old_file: str, options: GateOptions) -> GateFinding:
    return GateFinding(
        finding_id("DELETED_POLICY", file, policy.id, policy.role),
        "DELETED_POLICY",
        f"{policy.id} ({policy.role} policy, at {options.base} in {old_file}) was removed",
        file,
        Span.whole_file(file),
        policy.id,
    )


def _attachment_findings(old: PolicyFile | None, new: PolicyFile) -> list[GateFinding]:
    found: list[GateFinding] = []
    before = old.principals if old is not None else {}
    for arn, principal in new.principals.items():
        previous = before.get(arn)
        had = previous.attached if previous is not None else frozenset()
        for name, span in principal.attached.items():
            if name in had:
                continue
            what = "is now in group" if name.startswith("group:") else "now has the managed policy"
            found.append(
                GateFinding(
                    finding_id("NEW_ATTACHMENT", new.file, arn, name),
                    "NEW_ATTACHMENT",
                    f"{principal.kind} {arn} {what} {name.removeprefix('group:')}",
                    new.file,
                    span,
                    arn,
                )
            )
        if previous is not None and previous.boundary is not None and principal.boundary is None:
            found.append(
                GateFinding(
                    finding_id("BOUNDARY_REMOVED", new.file, arn, previous.boundary),
                    "BOUNDARY_REMOVED",
                    f"{principal.kind} {arn} no longer has the permissions boundary {previous.boundary}",
                    new.file,
                    principal.span,
                    arn,
                )
            )
    return found


def _placeholder_findings(new: PolicyFile, changed: list[Span]) -> list[GateFinding]:
    found = []
    for placeholder in new.placeholders:
        if not any(_inside(placeholder.span, span) for span in changed):
            continue
        found.append(
            GateFinding(
                finding_id("UNRESOLVED_VALUE", new.file, placeholder.text, placeholder.reason),
                "UNRESOLVED_VALUE",
                f"{placeholder.text}: {placeholder.reason}",
                new.file,
                placeholder.span,
                placeholder.text,
            )
        )
    return found


def _inside(inner: Span, outer: Span) -> bool:
    start = (inner.line, inner.column) >= (outer.line, outer.column)
    end = (inner.line, inner.column) <= (outer.end_line, outer.end_column)
    return start and end
