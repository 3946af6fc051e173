"""The benchmark's quick mode, on generated pairs only: the JSON it writes has the documented structure."""

from __future__ import annotations

import json

from benchmarks import bench_policies
from benchmarks.generate import EDITS, generate_bucket

VERDICTS = {"sat", "unsat", "unknown"}
STATS = {"count", "median", "p95", "p99", "max", "unknown", "unknown_reasons", "sat", "unsat", "error"}


def test_generated_corpus_is_reproducible():
    first = generate_bucket(7, "gen-010", "realistic", 10, 5)
    again = generate_bucket(7, "gen-010", "realistic", 10, 5)
    assert [(p.old, p.new, p.edit) for p in first] == [(p.old, p.new, p.edit) for p in again]
    assert all(len(p.old["Statement"]) == 10 for p in first)
    assert {p.edit.kind for p in first} <= set(EDITS)
    assert {p.edit.expect for p in first} <= {"subset", "superset"}


def test_quick_mode_writes_the_expected_json(tmp_path, capsys):
    out = tmp_path / "quick.json"
    assert bench_policies.main(["--quick", "--no-corpora", "--quiet", "--out", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))

    assert {"machine", "settings", "buckets", "records"} <= set(report)
    assert {"nproc", "cpu", "z3", "python"} <= set(report["machine"])
    assert report["settings"]["quick"] is True
    names = [b["name"] for b in report["buckets"]]
    assert names[:3] == ["gen-010", "gen-050", "gen-100"]
    assert any(name.startswith("patho-") for name in names)
    for bucket in report["buckets"]:
        assert bucket["corpus"] == "generated"
        assert bucket["pairs"] >= 1
        assert bucket["peak_rss_mib"] > 0
        assert set(bucket["queries"]) == {"diff1", "diff5", "equiv", "all"}
        for stats in bucket["queries"].values():
            assert set(stats) >= STATS
            assert stats["median"] <= stats["p95"] <= stats["p99"] <= stats["max"]

    assert len(report["records"]) == sum(b["pairs"] for b in report["buckets"])
    for record in report["records"]:
        assert "error" not in record, record.get("error")
        assert set(record["queries"]) == {"diff1", "diff5", "equiv"}
        for name, result in record["queries"].items():
            assert result["verdict"] in VERDICTS, (record["id"], name, result.get("error"))
            assert result["seconds"] >= 0
        assert record["queries"]["equiv"]["relation"] in {"equivalent", "less", "more", "incomparable", "unknown"}
    assert "gen-010" in capsys.readouterr().out
