"""The gate: every policy-bearing file changed since a git revision (or one pair of files), compared
version by version, with the baseline applied and the verdict decided."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from iamproof.gate.baseline import Baseline
from iamproof.gate.compare import FileComparison, GateOptions, compare_files
from iamproof.gate.files import FileKind, PolicyFile, is_candidate, read_policy_file
from iamproof.gate.findings import GateFinding
from iamproof.gate.git import Change, Repository, open_repository
from iamproof.lint.findings import Severity


@dataclass(frozen=True)
class ReadOptions:
    parameters: dict[str, str] = field(default_factory=dict)
    account: str | None = None
    region: str | None = None


@dataclass
class GateReport:
    base: str
    fail_on: str
    comparisons: list[FileComparison] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    baseline: Baseline = field(default_factory=Baseline)
    unused: list[str] = field(default_factory=list)  # accepted ids no finding has

    @property
    def findings(self) -> list[GateFinding]:
        return sorted((f for c in self.comparisons for f in c.findings), key=GateFinding.sort_key)

    @property
    def failing(self) -> list[GateFinding]:
        if self.fail_on == "none":
            return []
        threshold = Severity.from_label(self.fail_on).rank
        return [f for f in self.findings if f.accepted is None and f.severity.rank >= threshold]

    @property
    def undecided(self) -> list[str]:
        return [u for c in self.comparisons for u in c.undecided]

    @property
    def verdict(self) -> str:
        if self.failing:
            return "fail"
        return "unknown" if self.undecided else "pass"


def gate_git(
    base: str, paths: tuple[str, ...], options: GateOptions, read: ReadOptions, baseline: Baseline, fail_on: str
) -> GateReport:
    repo = open_repository()
    report = GateReport(base, fail_on, baseline=baseline)
    with tempfile.TemporaryDirectory(prefix="iamproof-base-") as scratch:
        for number, change in enumerate(repo.changes(base, paths)):
            _one_change(repo, base, change, Path(scratch) / str(number), options, read, report)
    return _apply_baseline(report)


def gate_pair(
    old: str, new: str, options: GateOptions, read: ReadOptions, baseline: Baseline, fail_on: str
) -> GateReport:
    report = GateReport(old, fail_on, baseline=baseline)
    before = _read(old, old, read)
    after = _read(new, new, read)
    report.comparisons.append(compare_files(before, after, "modified", replace(options, base=old)))
    return _apply_baseline(report)


def pair_kinds(old: str, new: str) -> tuple[FileKind, FileKind]:
    from iamproof.gate.files import classify

    return classify(old)[0], classify(new)[0]


def _one_change(
    repo: Repository,
    base: str,
    change: Change,
    scratch: Path,
    options: GateOptions,
    read: ReadOptions,
    report: GateReport,
) -> None:
    new_shown = repo.shown(change.new_path) if change.new_path is not None else None
    old_shown = repo.shown(change.old_path) if change.old_path is not None else None
    shown = new_shown or old_shown
    assert shown is not None
    if not is_candidate(change.new_path or change.old_path or ""):
        report.skipped.append((shown, "not a JSON, YAML or .template file"))
        return
    new = _read(new_shown, new_shown, read) if new_shown is not None else None
    old = None
    if change.old_path is not None:
        scratch.mkdir(parents=True)
        copy = scratch / Path(change.old_path).name
        copy.write_bytes(repo.read_at(base, change.old_path))
        old = _read(str(copy), old_shown or shown, read)
    if new is not None and new.kind is FileKind.OTHER:
        report.skipped.append((shown, new.reason))
        if old is None or old.kind is FileKind.OTHER:
            return
        new = None  # it held policies at the base and holds none now: they were removed
    if old is not None and old.kind is FileKind.OTHER:
        old = None
    if new is None and old is None:
        return
    comparison = compare_files(old, new, change.status, replace(options, base=base))
    if change.status == "renamed":
        comparison.notes.append(f"renamed from {old_shown}")
    report.comparisons.append(comparison)


def _read(path: str, name: str, read: ReadOptions) -> PolicyFile:
    return read_policy_file(path, name=name, parameters=read.parameters, account=read.account, region=read.region)


def _apply_baseline(report: GateReport) -> GateReport:
    accepted = report.baseline.accepted
    used: set[str] = set()
    for comparison in report.comparisons:
        findings = []
        for finding in comparison.findings:
            reason = accepted.get(finding.id)
            if reason is not None:
                used.add(finding.id)
                finding = replace(finding, accepted=reason)
            findings.append(finding)
        comparison.findings = findings
    report.unused = [i for i in accepted if i not in used]
    return report
