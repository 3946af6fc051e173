"""`iamproof diff --base REF [PATHS...]` in a git checkout built by the test: every policy-bearing file
changed since REF (modified, added, deleted, renamed, untracked), matched per policy; files that hold no
policy are listed as skipped; a changed file that cannot be parsed fails the gate with its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gate.gate_helpers import Repo, allow, diff, diff_json, fixture_text, policy


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    repository = Repo(tmp_path / "checkout")
    repository.write("policies/read.json", policy(allow("s3:GetObject", "arn:aws:s3:::data/*")))
    repository.write("policies/queue.json", policy(allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q")))
    repository.write("infra/app.yaml", fixture_text("sam_app.yaml"))
    repository.write("package.json", '{"name": "app"}\n')
    repository.commit("base")
    monkeypatch.chdir(repository.root)
    return repository


def test_no_change_passes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, body = diff_json(capsys, "--base", "HEAD")
    assert (code, body["result"], body["findings"], body["files"]) == (0, "pass", [], [])


def test_modified_policy_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(
        "policies/read.json",
        policy(allow("s3:GetObject", "arn:aws:s3:::data/*"), allow("s3:PutObject", "arn:aws:s3:::data/*", Sid="Write")),
    )
    code, body = diff_json(capsys, "--base", "HEAD")
    assert code == 1
    [finding] = body["findings"]
    assert (finding["rule"], finding["file"], finding["policy"]) == (
        "NEW_ACCESS",
        "policies/read.json",
        "policies/read.json",
    )
    assert finding["examples"][0]["request"]["action"] == "s3:PutObject"
    assert [s["sid"] for s in finding["examples"][0]["statements"]] == ["Write"]
    assert finding["line"] == 9  # the second statement's opening brace: `{`, Version, Statement, 5 lines of the first
    assert body["files"] == [
        {
            "file": "policies/read.json",
            "status": "modified",
            "kind": "policy",
            "compared": 1,
            "unchanged": 0,
            "notes": [],
        }
    ]


def test_staged_and_committed_changes_since_an_older_base(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("policies/queue.json", policy(allow("sqs:*", "arn:aws:sqs:us-east-1:111122223333:q")))
    repo.commit("widen the queue policy")
    code, body = diff_json(capsys, "--base", base)
    assert code == 1
    assert [f["file"] for f in body["findings"]] == ["policies/queue.json"]
    assert body["base"] == base


def test_added_policy_is_compared_with_nothing_and_untracked_files_count(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "policies/new.json", policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/t"))
    )
    code, body = diff_json(capsys, "--base", "HEAD")  # not even staged
    assert code == 1
    [finding] = body["findings"]
    assert finding["policy"] == "policies/new.json" and "new since HEAD" in finding["message"]
    assert body["files"][0]["status"] == "added"


def test_deleted_policy_file_is_reported_and_does_not_fail(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.root / "policies/queue.json").unlink()
    code, body = diff_json(capsys, "--base", "HEAD")
    assert code == 0
    [finding] = body["findings"]
    assert (finding["rule"], finding["severity"], finding["file"]) == (
        "DELETED_POLICY",
        "SUGGESTION",
        "policies/queue.json",
    )
    code, body = diff_json(capsys, "--base", "HEAD", "--fail-on", "suggestion")
    assert code == 1


def test_renamed_file_keeps_its_policies_matched(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("mv", "infra/app.yaml", "infra/service.yaml")
    code, body = diff_json(capsys, "--base", "HEAD")
    assert (code, body["findings"]) == (0, [])
    [entry] = body["files"]
    assert (entry["file"], entry["status"], entry["compared"]) == ("infra/service.yaml", "renamed", 0)
    assert entry["unchanged"] == 5  # trust, two function-role policies, function and API resource policies


def test_template_change_in_git(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = fixture_text("sam_app.yaml").replace("Action: sqs:SendMessage", "Action: sqs:*")
    repo.write("infra/app.yaml", text)
    code, out, err = diff(capsys, "--base", "HEAD")
    assert (code, err) == (1, "")
    assert "infra/app.yaml:28:15: ERROR NEW_ACCESS: OrdersFunctionRole/OrdersFunctionRolePolicy1" in out
    assert "granted by infra/app.yaml:28:15:" in out


def test_paths_restrict_the_files_compared(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("policies/read.json", policy(allow("s3:*")))
    repo.write("infra/app.yaml", fixture_text("sam_app.yaml").replace("Action: sqs:SendMessage", "Action: sqs:*"))
    code, body = diff_json(capsys, "--base", "HEAD", "infra")
    assert code == 1
    assert {f["file"] for f in body["findings"]} == {"infra/app.yaml"}


def test_files_without_policies_are_skipped(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("package.json", '{"name": "app", "version": "2"}\n')
    repo.write("README.md", "hello\n")
    repo.write(".github/workflows/ci.yml", "on: push\njobs: {}\n")
    code, body = diff_json(capsys, "--base", "HEAD")
    assert code == 0
    skipped = {s["file"]: s["reason"] for s in body["skipped"]}
    assert set(skipped) == {"package.json", "README.md", ".github/workflows/ci.yml"}
    assert "not a policy document" in skipped["package.json"]


def test_a_changed_file_that_cannot_be_parsed_fails_the_gate(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("policies/read.json", '{"Version": "2012-10-17", "Statement": [\n  {"Effect": "Allow",}\n]}\n')
    code, out, err = diff(capsys, "--base", "HEAD")
    assert (code, out) == (2, "")
    assert err.startswith("policies/read.json:2:")
    repo.write("policies/read.json", policy(allow("s3:GetObject", "arn:aws:s3:::data/*")))
    repo.write("infra/app.yaml", "Resources:\n  X: [\n")
    code, out, err = diff(capsys, "--base", "HEAD")
    assert code == 2 and err.startswith("infra/app.yaml:")


def test_subdirectory_working_directory_shows_paths_from_there(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("policies/read.json", policy(allow("s3:*", "arn:aws:s3:::data/*")))
    monkeypatch.chdir(repo.root / "policies")
    code, body = diff_json(capsys, "--base", "HEAD", ".")
    assert code == 1
    assert [f["file"] for f in body["findings"]] == ["read.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base", "no-such-ref"], "--base 'no-such-ref' is not a commit"),
        (["--base", "HEAD", "/"], "not inside the repository"),
        (["--base", "HEAD", "--case"], "do not apply with --base"),
    ],
)
def test_bad_git_arguments(repo: Repo, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = diff(capsys, *args)
    assert (code, out) == (2, "")
    assert message in err


def test_outside_a_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out, err = diff(capsys, "--base", "HEAD")
    assert (code, out) == (2, "")
    assert "--base needs a git checkout" in err


def test_old_and_new_without_base_are_two_files(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = diff(capsys, "policies/read.json")
    assert (code, out) == (2, "") and "give OLD and NEW, or --base REF" in err
