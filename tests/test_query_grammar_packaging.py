"""The query grammar travels with the package: found in a built wheel, and in a source checkout."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from iamproof.parsing import grammar_files
from iamproof.world.query_ast import CompareQuery
from iamproof.world.query_parse import parse_query

REPO = Path(__file__).resolve().parents[1]
BUILD_TOOLS = all(importlib.util.find_spec(name) is not None for name in ("build", "hatchling"))

# Run in the extracted wheel, from a directory outside the checkout, with site-packages added by hand
# (after the wheel, and without processing .pth files, so an editable install cannot leak in).
PROBE = """
import json, sys
sys.path.extend(json.loads(sys.argv[1]))
from iamproof.parsing.grammar_files import grammar_location
from iamproof.world.query_parse import parse_query
query = parse_query('compare callers and role of "a1b2c3" method "GET /orders"')
modules = sorted({m.__file__ for n, m in sys.modules.items() if n.startswith("iamproof.") and m.__file__})
print(json.dumps({"grammar": grammar_location("query.lark"), "method": query.method, "modules": modules}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not BUILD_TOOLS:
        pytest.fail("building the wheel needs 'build' and 'hatchling' from the dev extra (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("iamproof-*.whl")
    return built


def test_wheel_contains_the_query_grammar(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "iamproof/grammar/query.lark" in names
        assert archive.read("iamproof/grammar/query.lark") == (REPO / "grammar" / "query.lark").read_bytes()
        assert "iamproof/world/query_parse.py" in names


def test_extracted_wheel_parses_queries_with_its_own_grammar(wheel: Path, tmp_path: Path) -> None:
    extracted = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(extracted)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    dependencies = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    result = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, json.dumps(dependencies)],
        cwd=elsewhere,
        env={"PYTHONPATH": str(extracted), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert Path(report["grammar"]) == extracted / "iamproof" / "grammar" / "query.lark"
    assert report["method"] == "GET /orders"
    assert report["modules"], "no iamproof module was imported"
    for module in report["modules"]:
        assert Path(module).is_relative_to(extracted), module


def test_checkout_finds_the_repository_query_grammar() -> None:
    module = Path(grammar_files.__file__).resolve()
    if not module.is_relative_to(REPO / "src"):
        pytest.skip(f"iamproof is imported from {module}, not from this checkout")
    location = Path(grammar_files.grammar_location("query.lark"))
    assert location == REPO / "grammar" / "query.lark"
    assert grammar_files.grammar_text("query.lark") == location.read_text(encoding="utf-8")
    query = parse_query('compare callers and role of "a1b2c3"')
    assert isinstance(query, CompareQuery)
    assert query.api_id == "a1b2c3"
