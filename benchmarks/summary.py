"""Statistics over the records of a run: per bucket and query, the Quacky comparison, managed-policy changes."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

Json = dict[str, Any]
VERDICTS = ("sat", "unsat", "unknown")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def timing(results: Sequence[Json]) -> Json:
    """count, median, p95, p99, max (seconds), verdict counts and the reasons of the unknowns."""
    seconds = [r["seconds"] for r in results]
    verdicts = Counter(r["verdict"] for r in results)
    reasons = Counter(r.get("reason") or "(none)" for r in results if r["verdict"] == "unknown")
    errors = Counter(r.get("error", "") for r in results if r["verdict"] == "error")
    out: Json = {"count": len(results)}
    if seconds:
        out |= {
            "median": statistics.median(seconds),
            "p95": percentile(seconds, 0.95),
            "p99": percentile(seconds, 0.99),
            "max": max(seconds),
            "total": sum(seconds),
        }
    out |= {v: verdicts.get(v, 0) for v in (*VERDICTS, "error")}
    clocks = [r["solver"] for r in results if "solver" in r]
    out["solver"] = {
        key: round(sum(c[key] for c in clocks), 3)
        for key in ("main_checks", "main_seconds", "preference_checks", "preference_seconds", "preference_unknown")
    }
    out["unknown_reasons"] = dict(reasons)
    out["errors"] = dict(errors)
    return out


def bucket_summary(records: Sequence[Json], queries: Iterable[str]) -> Json:
    per_query: Json = {}
    everything: list[Json] = []
    for name in queries:
        results = [r["queries"][name] for r in records if name in r.get("queries", {})]
        everything += results
        per_query[name] = timing(results)
    per_query["all"] = timing(everything)
    parse = [r["parse_seconds"] for r in records if "parse_seconds" in r]
    load_errors = [f"{r['id']}: {r['error']}" for r in records if "error" in r]
    return {
        "pairs": len(records),
        "queries": per_query,
        "parse": {"median": statistics.median(parse), "max": max(parse)} if parse else {},
        "load_errors": load_errors,
        "inconsistencies": [f"{r['id']}: {issue}" for r in records for issue in inconsistencies(r)],
    }


def inconsistencies(record: Json) -> list[str]:
    """Answers of one pair that contradict each other or the edit's known direction."""
    queries: Json = record.get("queries", {})
    verdict = {name: q["verdict"] for name, q in queries.items() if q["verdict"] in ("sat", "unsat")}
    issues: list[str] = []
    if "diff1" in verdict and "diff5" in verdict and verdict["diff1"] != verdict["diff5"]:
        issues.append(f"diff1 says {verdict['diff1']}, diff5 says {verdict['diff5']}")
    relation = queries.get("equiv", {}).get("relation")
    if relation not in (None, "unknown"):
        new_only = relation in ("less", "incomparable")
        old_only = relation in ("more", "incomparable")
        for name, expected in (("diff1", new_only), ("diff5", new_only), ("diff1_back", old_only)):
            if name in verdict and (verdict[name] == "sat") != expected:
                issues.append(f"{name} says {verdict[name]} but equiv says {relation}")
    expect = record.get("meta", {}).get("expect")
    if expect == "subset":
        if verdict.get("diff1") == "sat" or verdict.get("diff5") == "sat":
            issues.append("the edit only narrows the policy, yet a diff found new access")
        if relation in ("less", "incomparable"):
            issues.append(f"the edit only narrows the policy, yet equiv says {relation}")
    if expect == "superset" and relation in ("more", "incomparable"):
        issues.append(f"the edit only widens the policy, yet equiv says {relation}")
    return issues


# --- Quacky ------------------------------------------------------------------------------------------

DIRECTIONS = (("p2_implies_p1", "diff1"), ("p1_implies_p2", "diff1_back"))
"""Quacky's column and the query that answers the same question (OLD = P1, NEW = P2)."""


def quacky_summary(records: Sequence[Json]) -> Json:
    agreement: Json = {}
    ratios: list[float] = []
    ours_ms: list[float] = []
    theirs_ms: list[float] = []
    disagreements: list[Json] = []
    for column, query in DIRECTIONS:
        counts: Counter[str] = Counter()
        for record in records:
            result = record.get("queries", {}).get(query)
            theirs = record["meta"]["quacky"][column].strip().lower()
            if result is None or result["verdict"] not in ("sat", "unsat"):
                counts[result["verdict"] if result else "load error"] += 1
                continue
            counts["agree" if result["verdict"] == theirs else "disagree"] += 1
            if result["verdict"] != theirs:
                disagreements.append(_disagreement(record, column, query, theirs))
            quacky_ms = record["meta"]["quacky_ms"][column]
            if quacky_ms:
                ratios.append(result["seconds"] * 1000 / quacky_ms)
                ours_ms.append(result["seconds"] * 1000)
                theirs_ms.append(quacky_ms)
        agreement[column] = dict(counts)
    both = sum(1 for r in records if all(_agrees(r, column, query) for column, query in DIRECTIONS))
    return {
        "pairs": len(records),
        "agreement": agreement,
        "pairs_agreeing_both_directions": both,
        "median_ratio_ours_to_quacky": statistics.median(ratios) if ratios else None,
        "median_ms": {"ours": _median(ours_ms), "quacky": _median(theirs_ms)},
        "total_ms": {"ours": sum(ours_ms), "quacky": sum(theirs_ms)},
        "disagreements": disagreements,
    }


def _agrees(record: Json, column: str, query: str) -> bool:
    result = record.get("queries", {}).get(query)
    return result is not None and result["verdict"] == record["meta"]["quacky"][column].strip().lower()


def _disagreement(record: Json, column: str, query: str, theirs: str) -> Json:
    result = record["queries"][query]
    return {
        "id": record["id"],
        "p1": record["meta"]["p1"],
        "p2": record["meta"]["p2"],
        "question": column.replace("_implies_", " => ").upper(),
        "quacky": theirs,
        "ours": result["verdict"],
        "witness": (result.get("witnesses") or [None])[0],
    }


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


# --- managed policies --------------------------------------------------------------------------------


def managed_summary(records: Sequence[Json]) -> Json:
    diff = Counter(r["queries"]["diff1"]["verdict"] for r in records if "diff1" in r.get("queries", {}))
    relations = Counter(
        r["queries"]["equiv"].get("relation", "error") for r in records if "equiv" in r.get("queries", {})
    )
    slowest = sorted(records, key=lambda r: -max((q["seconds"] for q in r.get("queries", {}).values()), default=0))
    return {
        "pairs": len(records),
        "policies": len({r["meta"]["policy"] for r in records}),
        "new_access": diff.get("sat", 0),
        "no_new_access": diff.get("unsat", 0),
        "diff_unknown": diff.get("unknown", 0),
        "diff_error": diff.get("error", 0),
        "relations": dict(relations),
        "load_errors": sum(1 for r in records if "error" in r),
        "slowest": [
            {"id": r["id"], "seconds": {n: round(q["seconds"], 3) for n, q in r["queries"].items()}}
            for r in slowest[:5]
            if r.get("queries")
        ],
    }
