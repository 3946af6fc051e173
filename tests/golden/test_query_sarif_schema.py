"""The SARIF output of every symbolic command validates against the SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from iamproof.cli import run

SCHEMA = Path(__file__).parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json"
INPUTS = Path(__file__).parent / "inputs"

COMMANDS = [
    ["diff", "old.json", "new.json"],
    ["diff", "new.json", "old.json"],
    ["equiv", "old.json", "new.json"],
    ["can", "can-through-api.json"],
    ["check-public", "function-policy.json"],
    ["check-not-granted", "new.json", "--action", "s3:Put*"],
    ["diff", "old.json", "mixed-types.json"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: "-".join(argv[:2]))
def test_sarif_validates(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cwd = os.getcwd()
    os.chdir(INPUTS)
    try:
        run([*argv, "--format", "sarif"])
    finally:
        os.chdir(cwd)
    log = json.loads(capsys.readouterr().out)
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    for result in log["runs"][0]["results"]:
        for location in result.get("locations", []):
            assert location["physicalLocation"]["region"]["startLine"] >= 1


def test_the_schema_rejects_a_broken_log() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft4Validator)
