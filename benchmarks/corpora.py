"""Pairs from the real corpora: Quacky's mutation study and the AWS managed policies' version history."""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

from benchmarks.runner import Task

QUACKY_SERVICES = ("s3", "ec2", "iam")
_VERSION = re.compile(r"^v(\d+)\.json$")


def quacky_tasks(root: Path, queries: tuple[str, ...], limit: int | None = None) -> list[Task]:
    """The (original, mutant) pairs of results/icse22/raw_csv/encoding_mutations/*.csv, with Quacky's answers.

    OLD is Policy 1 (the original) and NEW Policy 2 (the mutant), so Quacky's `P2 => P1` (P2 allows a request
    that P1 does not) is our diff OLD → NEW, and `P1 => P2` is the diff NEW → OLD (diff1_back).
    """
    tasks: list[Task] = []
    for service in QUACKY_SERVICES:
        table = root / "results" / "icse22" / "raw_csv" / "encoding_mutations" / f"{service}.csv"
        with table.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header = rows[0]
        forward, backward = header.index("P1 => P2"), header.index("P2 => P1")
        for number, row in enumerate(rows[1:]):
            if len(row) <= backward + 1:
                continue
            meta = {
                "p1": row[0],
                "p2": row[1],
                "service": service,
                "quacky": {"p1_implies_p2": row[forward], "p2_implies_p1": row[backward]},
                "quacky_ms": {"p1_implies_p2": _number(row[forward + 1]), "p2_implies_p1": _number(row[backward + 1])},
            }
            old, new = str(root / row[0].lstrip("/")), str(root / row[1].lstrip("/"))
            tasks.append(
                Task("quacky", f"quacky-{service}", f"quacky-{service}#{number}", old, new, None, queries, meta)
            )
    return tasks[:limit] if limit is not None else tasks


def managed_tasks(root: Path, queries: tuple[str, ...], limit: int | None = None) -> list[Task]:
    """Consecutive versions (v_i, v_i+1) of every AWS managed policy, versions sorted by number."""
    tasks: list[Task] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        versions = sorted(
            (int(match.group(1)), path) for path in folder.iterdir() if (match := _VERSION.match(path.name)) is not None
        )
        for (a, old), (b, new) in itertools.pairwise(versions):
            meta = {"policy": folder.name, "old": f"v{a}", "new": f"v{b}", "bytes": new.stat().st_size}
            tasks.append(
                Task("managed", "aws-managed", f"{folder.name}:v{a}->v{b}", str(old), str(new), None, queries, meta)
            )
    return tasks[:limit] if limit is not None else tasks


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
