"""Running the queries of each pair, timed, in a worker process per bucket.

A worker runs the pairs of one bucket one after another and sends one record per pair. Peak memory is the
worker's `resource.getrusage(RUSAGE_SELF).ru_maxrss` (a fresh interpreter started with the "spawn" method,
so the number is that of the bucket alone); the record also carries the worker's resident-set peak right
after the imports, so that the growth caused by the queries can be told apart from the interpreter's own.
A pair that runs far past its time limit gets the worker killed; it is recorded as an error and a new
worker goes on with the rest of the bucket.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import resource
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.clock import start as start_clock
from benchmarks.clock import stop as stop_clock

Json = dict[str, Any]

QUERIES = ("diff1", "diff5", "equiv", "diff1_back")
"""diff1/diff5: check_no_new_access(OLD, NEW) with 1 or 5 witnesses; equiv: check_equivalent(OLD, NEW);
diff1_back: check_no_new_access(NEW, OLD), the other direction."""


@dataclass(frozen=True)
class Task:
    """One pair of policies: documents (dicts) or paths of policy files (read with the AUTO kind)."""

    corpus: str
    bucket: str
    id: str
    old: Json | str
    new: Json | str
    kind: str | None  # "identity" / "resource" for documents; None: inferred from the file
    queries: tuple[str, ...]
    meta: Json = field(default_factory=dict)


def peak_rss_mib() -> float:
    """This process's peak resident set size (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- one pair ----------------------------------------------------------------------------------------


def run_task(task: Task, timeout: float, report: Callable[[str, Json], None] | None = None) -> Json:
    """Parse both policies, run each query and time it; exceptions become records, never escape.

    `report(query, result)` is called after each query (the worker sends it to the parent at once).
    """
    record: Json = {"id": task.id, "bucket": task.bucket, "corpus": task.corpus, "meta": task.meta}
    started = time.perf_counter()
    try:
        old, new = _subject(task.old, task.kind, "old"), _subject(task.new, task.kind, "new")
    except Exception as exc:  # parse or load failure: a finding, reported with the pair
        record["parse_seconds"] = time.perf_counter() - started
        record["error"] = f"load: {type(exc).__name__}: {exc}"
        return record
    record["parse_seconds"] = time.perf_counter() - started
    record["kinds"] = {"old": old.kind.value, "new": new.kind.value}
    record["statements"] = {"old": _statement_count(old), "new": _statement_count(new)}
    record["queries"] = {}
    for name in task.queries:
        if report is not None:
            report("begin", {"query": name})
        record["queries"][name] = _run_query(name, old, new, timeout)
        if report is not None:
            report("result", {"query": name, "result": record["queries"][name]})
    return record


def _subject(source: Json | str, kind: str | None, label: str) -> Any:
    from iamproof.evaluate.decision import PolicyKind
    from iamproof.parsing.documents import parse_policy_text
    from iamproof.query.loading import SubjectKind, load_subject
    from iamproof.query.subjects import Subject

    if isinstance(source, str):
        return load_subject(source, SubjectKind.AUTO)
    policy = parse_policy_text(json.dumps(source, indent=1), f"<{label}>")
    return Subject(label, policy=policy, kind=PolicyKind(kind or "identity"))


def _statement_count(subject: Any) -> int:
    return len(subject.policy.statements) if subject.policy is not None else 0


def _run_query(name: str, old: Any, new: Any, timeout: float) -> Json:
    clock = start_clock()
    try:
        result = _timed_query(name, old, new, timeout)
    finally:
        result["solver"] = stop_clock(clock)
    return result


def _timed_query(name: str, old: Any, new: Any, timeout: float) -> Json:
    from iamproof.query.relations import check_equivalent, check_no_new_access

    started = time.perf_counter()
    try:
        if name == "equiv":
            equiv = check_equivalent(old, new, timeout=timeout)
            seconds = time.perf_counter() - started
            return _equiv_record(equiv, seconds)
        first, second = (new, old) if name == "diff1_back" else (old, new)
        result = check_no_new_access(first, second, max_witnesses=5 if name == "diff5" else 1, timeout=timeout)
        seconds = time.perf_counter() - started
    except Exception as exc:  # a crash of the engine: recorded with its traceback
        return {
            "verdict": "error",
            "seconds": time.perf_counter() - started,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=8),
        }
    return {
        "verdict": result.verdict.value,
        "seconds": seconds,
        "reason": result.reason,
        "witnesses": [w.document for w in result.witnesses],
    }


def _equiv_record(equiv: Any, seconds: float) -> Json:
    relation = equiv.relation.value
    verdict = "unknown" if relation == "unknown" else ("unsat" if relation == "equivalent" else "sat")
    witnesses = {side: w.document for side, w in (("only_old", equiv.only_a), ("only_new", equiv.only_b)) if w}
    return {"verdict": verdict, "relation": relation, "seconds": seconds, "reason": equiv.reason, **witnesses}


# --- worker processes --------------------------------------------------------------------------------


def _worker(tasks: Sequence[Task], timeout: float, channel: Any) -> None:
    import iamproof.query.relations  # noqa: F401  (imports before the baseline is taken)

    channel.put(("ready", peak_rss_mib()))
    for index, task in enumerate(tasks):

        def report(kind: str, data: Json, index: int = index) -> None:
            channel.put((kind, index, data))

        record = run_task(task, timeout, report)
        channel.put(("record", index, record, peak_rss_mib()))
    channel.put(("done", peak_rss_mib()))


@dataclass
class BucketRun:
    records: list[Json]
    peak_rss_mib: float
    baseline_rss_mib: float
    workers: int
    memory_method: str
    hangs: list[str] = field(default_factory=list)


def run_bucket(
    tasks: Sequence[Task],
    timeout: float,
    *,
    isolate: bool = True,
    kill_after: float = 120.0,
    progress: Callable[[Json], None] | None = None,
) -> BucketRun:
    """Run every task; with `isolate`, in spawned worker processes (peak memory per bucket).

    A query that runs for more than `kill_after` seconds gets its worker killed: the query is recorded as
    an error ("hang") and a new worker resumes with the next query.
    """
    if not isolate:
        return _run_in_process(tasks, timeout, progress)
    run = BucketRun([], 0.0, 0.0, 0, "ru_maxrss of a spawned worker process per bucket")
    remaining = list(tasks)
    partial: Json | None = None  # results of a pair whose worker was killed
    while remaining:
        run.workers += 1
        remaining, partial = _run_worker(remaining, partial, timeout, kill_after, run, progress)
    return run


def _run_worker(
    tasks: list[Task],
    partial: Json | None,
    timeout: float,
    kill_after: float,
    run: BucketRun,
    progress: Callable[[Json], None] | None,
) -> tuple[list[Task], Json | None]:
    """One worker over `tasks`; returns what is left to run after a hang (and the hung pair's results)."""
    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    process = context.Process(target=_worker, args=(tasks, timeout, channel), daemon=True)
    process.start()
    current: tuple[int, str] | None = None
    received: dict[str, Json] = {}  # results of the current pair so far
    try:
        while True:
            message = _next_message(channel, process, kill_after if current else 300.0)
            if message is None:
                process.kill()
                if current is None:
                    raise RuntimeError("a benchmark worker did not start")
                if current[0] == 0 and partial:
                    received = {**partial, **received}
                failure = _failure(process, kill_after)
                return _after_failure(tasks, current, received, failure, run, progress)
            kind = message[0]
            if kind == "ready":
                run.baseline_rss_mib = max(run.baseline_rss_mib, message[1])
            elif kind == "begin":
                if current is None or current[0] != message[1]:
                    received = {}
                current = (message[1], message[2]["query"])
            elif kind == "result":
                received[message[2]["query"]] = message[2]["result"]
            elif kind == "record":
                record = message[2]
                if partial is not None and message[1] == 0:
                    record["queries"] = {**partial, **record.get("queries", {})}
                    partial = None
                run.records.append(record)
                run.peak_rss_mib = max(run.peak_rss_mib, message[3])
                current = None
                if progress is not None:
                    progress(record)
            elif kind == "done":
                run.peak_rss_mib = max(run.peak_rss_mib, message[1])
                return [], None
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def _next_message(channel: Any, process: Any, limit: float) -> tuple[Any, ...] | None:
    """The worker's next message, or None when it sends nothing for `limit` seconds or has died."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            message: tuple[Any, ...] = channel.get(timeout=1.0)
            return message
        except queue.Empty:
            if not process.is_alive():
                return None
    return None


def _failure(process: Any, kill_after: float) -> Json:
    process.join(timeout=5)
    if process.exitcode not in (None, 0) and process.exitcode != -9:
        return {"verdict": "error", "seconds": 0.0, "error": f"crash: the worker exited with code {process.exitcode}"}
    return {
        "verdict": "error",
        "seconds": kill_after,
        "error": f"killed: no answer after {kill_after:.0f} s (hang or overrun)",
    }


def _after_failure(
    tasks: list[Task],
    current: tuple[int, str],
    received: Json,
    failure: Json,
    run: BucketRun,
    progress: Callable[[Json], None] | None,
) -> tuple[list[Task], Json | None]:
    """The failed query becomes an error; the pair resumes after it in a new worker (its done queries kept)."""
    index, name = current
    task = tasks[index]
    run.hangs.append(f"{task.id} {name}: {failure['error']}")
    done = {**received, name: failure}
    rest = tuple(q for q in task.queries if q not in done)
    if not rest:
        record: Json = {"id": task.id, "bucket": task.bucket, "corpus": task.corpus, "meta": task.meta, "queries": done}
        run.records.append(record)
        if progress is not None:
            progress(record)
        return tasks[index + 1 :], None
    resumed = Task(task.corpus, task.bucket, task.id, task.old, task.new, task.kind, rest, task.meta)
    return [resumed, *tasks[index + 1 :]], done


def _run_in_process(tasks: Sequence[Task], timeout: float, progress: Callable[[Json], None] | None) -> BucketRun:
    """Without worker processes: the peak is this process's ru_maxrss so far (it never goes down)."""
    records: list[Json] = []
    baseline = peak_rss_mib()
    for task in tasks:
        records.append(run_task(task, timeout))
        if progress is not None:
            progress(records[-1])
    method = "ru_maxrss of the benchmark process itself (a running maximum over the buckets run so far)"
    return BucketRun(records, peak_rss_mib(), baseline, 0, method)
