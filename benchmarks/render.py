"""The tables printed after a run (rich when installed, plain text otherwise) and the files saved beside it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.runner import Task

Json = dict[str, Any]
COLUMNS = ("bucket", "pairs", "query", "n", "median ms", "p95 ms", "p99 ms", "max ms", "unknown", "error", "peak MiB")


def table_rows(report: Json) -> list[list[str]]:
    rows: list[list[str]] = []
    for bucket in report["buckets"]:
        first = True
        for name, stats in bucket["queries"].items():
            if not stats["count"]:
                continue
            rows.append(
                [
                    bucket["name"] if first else "",
                    str(bucket["pairs"]) if first else "",
                    name,
                    str(stats["count"]),
                    *(f"{stats[k] * 1000:.0f}" for k in ("median", "p95", "p99", "max")),
                    str(stats["unknown"]),
                    str(stats["error"]),
                    f"{bucket['peak_rss_mib']:.0f}" if first else "",
                ]
            )
            first = False
    return rows


def summary_lines(report: Json) -> list[str]:
    lines: list[str] = []
    for bucket in report["buckets"]:
        for issue in bucket["inconsistencies"][:10]:
            lines.append(f"INCONSISTENT {issue}")
        for error in bucket["load_errors"][:10]:
            lines.append(f"LOAD ERROR {error}")
        for hang in bucket["hangs"]:
            lines.append(f"HANG {hang}")
    quacky = report.get("quacky")
    if quacky:
        lines.append(f"quacky: {quacky['pairs']} pairs, agreement {json.dumps(quacky['agreement'])}")
        ratio = quacky["median_ratio_ours_to_quacky"]
        if ratio is not None:
            medians = quacky["median_ms"]
            lines.append(
                f"quacky: median time ours/Quacky's = {ratio:.3f} "
                f"(medians {medians['ours']:.1f} ms vs {medians['quacky']:.1f} ms)"
            )
        for d in quacky["disagreements"]:
            lines.append(f"DISAGREE {d['id']} {d['question']}: ours {d['ours']}, Quacky {d['quacky']} ({d['p2']})")
    managed = report.get("managed")
    if managed:
        lines.append(
            f"managed: {managed['pairs']} version pairs of {managed['policies']} policies: "
            f"new access {managed['new_access']}, none {managed['no_new_access']}, "
            f"unknown {managed['diff_unknown']}, error {managed['diff_error']}; "
            f"equiv {json.dumps(managed['relations'])}"
        )
    return lines


def print_tables(report: Json) -> None:
    rows = table_rows(report)
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        _print_plain(rows)
    else:
        table = Table(title=f"iamproof queries (timeout {report['settings']['timeout']} s)")
        for column in COLUMNS:
            table.add_column(column, justify="left" if column in ("bucket", "query") else "right")
        for row in rows:
            table.add_row(*row)
        Console(width=max(140, Console().width)).print(table)
    for line in summary_lines(report):
        print(line)


def _print_plain(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.rjust(w) for c, w in zip(COLUMNS, widths, strict=True)))
    for row in rows:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))


# --- files saved beside the JSON ---------------------------------------------------------------------


def save_disagreements(report: Json, folder: Path) -> None:
    """Each pair where our answer differs from Quacky's: the policies, both answers, and our witness as
    case files that `iamproof eval` decides under each policy."""
    disagreements = report["quacky"]["disagreements"]
    if not disagreements:
        return
    folder.mkdir(parents=True, exist_ok=True)
    root = Path(report["settings"]["corpora"]) / "quacky"
    kinds = {r["id"]: r.get("kinds", {}) for r in report["records"] if r["corpus"] == "quacky"}
    for d in disagreements:
        stem = f"{d['id'].replace('#', '-')}-{d['question'].replace(' => ', '-implies-').lower()}"
        texts = {side: (root / d[side].lstrip("/")).read_text(encoding="utf-8") for side in ("p1", "p2")}
        entry = {**d, "policies": {side: json.loads(text) for side, text in texts.items()}}
        (folder / f"{stem}.json").write_text(json.dumps(entry, indent=1), encoding="utf-8")
        if d["witness"] is None:
            continue
        for side, label in (("p1", "old"), ("p2", "new")):
            member = "resource" if kinds.get(d["id"], {}).get(label) == "resource" else "identity"
            policy = entry["policies"][side]
            policies = {member: policy if member == "resource" else [policy]}
            case = {"policies": policies, "request": d["witness"]}
            (folder / f"{stem}.{side}.case.json").write_text(json.dumps(case, indent=1), encoding="utf-8")


def save_slowest(report: Json, plan: Sequence[tuple[str, list[Task], Json]], folder: Path, count: int = 8) -> None:
    """The slowest pairs (by their slowest query), in a form `benchmarks/profile_query.py` reads."""
    tasks = {task.id: task for _, bucket, _ in plan for task in bucket}

    def slowest(record: Json) -> float:
        return max((q["seconds"] for q in record.get("queries", {}).values()), default=0.0)

    ranked = sorted((r for r in report["records"] if r["id"] in tasks), key=slowest, reverse=True)[:count]
    if not ranked:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for record in ranked:
        task = tasks[record["id"]]
        entry = {
            "id": task.id,
            "kind": task.kind,
            "old": task.old,
            "new": task.new,
            "seconds": {name: round(q["seconds"], 3) for name, q in record.get("queries", {}).items()},
            "verdicts": {name: q["verdict"] for name, q in record.get("queries", {}).items()},
        }
        name = task.id.replace("#", "-").replace("->", "-to-").replace(":", "_").replace("/", "_")
        (folder / f"{name}.json").write_text(json.dumps(entry, indent=1), encoding="utf-8")


# --- markdown, for the README ------------------------------------------------------------------------


def markdown(report: Json) -> str:
    """Per bucket: pairs, and per query median / p99 / max in ms, unknowns, errors; peak memory."""
    lines = [
        "| bucket | pairs | query | median ms | p95 ms | p99 ms | max ms | unknown | error "
        "| z3 main s | z3 pref s | peak MiB |",
        "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for bucket in report["buckets"]:
        for name, stats in bucket["queries"].items():
            if not stats["count"]:
                continue
            solver = stats.get("solver", {})
            cells = [
                bucket["name"],
                str(bucket["pairs"]),
                name,
                *(f"{stats[k] * 1000:.0f}" for k in ("median", "p95", "p99", "max")),
                str(stats["unknown"]),
                str(stats["error"]),
                f"{solver.get('main_seconds', 0):.1f}",
                f"{solver.get('preference_seconds', 0):.1f}",
                f"{bucket['peak_rss_mib']:.0f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    import sys

    paths = list(argv if argv is not None else sys.argv[1:])
    for path in paths:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
        print(markdown(report))
        for line in summary_lines(report):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
