"""The files changed in a git checkout since a base revision, and their content at that revision.

The working tree is compared with the base (staged and unstaged changes alike), untracked files that are
not ignored count as added, and renames are followed so that a moved file's policies are matched with
their old versions.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from iamproof.errors import InputError


@dataclass(frozen=True)
class Change:
    """One changed file; paths are relative to the repository's top directory."""

    status: str  # added, deleted, modified, renamed
    old_path: str | None  # at the base revision
    new_path: str | None  # in the working tree


@dataclass(frozen=True)
class Repository:
    top: Path

    def run(self, *args: str) -> bytes:
        return _git(self.top, *args)

    def changes(self, base: str, paths: tuple[str, ...]) -> list[Change]:
        """Files changed between `base` and the working tree, restricted to `paths` (all if empty)."""
        self.verify(base)
        specs = self.pathspecs(paths)
        out = self.run("diff", "--name-status", "-M", "-z", "--no-ext-diff", base, "--", *specs)
        changes = _parse_name_status(out)
        untracked = self.run("ls-files", "--others", "--exclude-standard", "-z", "--", *specs)
        for name in untracked.decode("utf-8", errors="surrogateescape").split("\0"):
            if name:
                changes.append(Change("added", None, name))
        return sorted(changes, key=lambda c: c.new_path or c.old_path or "")

    def verify(self, base: str) -> None:
        try:
            self.run("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
        except InputError:
            raise InputError(f"--base {base!r} is not a commit of the repository at {self.top}") from None

    def pathspecs(self, paths: tuple[str, ...]) -> list[str]:
        """PATHS given on the command line (relative to the working directory) as paths from the top."""
        specs = []
        for given in paths:
            absolute = Path(given).resolve()
            try:
                relative = absolute.relative_to(self.top)
            except ValueError:
                raise InputError(f"{given}: not inside the repository at {self.top}") from None
            specs.append(relative.as_posix() or ".")
        return specs

    def read_at(self, base: str, path: str) -> bytes:
        return self.run("show", f"{base}:{path}")

    def shown(self, path: str) -> str:
        """How a path from the top is shown: relative to the working directory when below it."""
        absolute = self.top / path
        try:
            return absolute.relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return os.path.relpath(absolute)


def open_repository(start: str = ".") -> Repository:
    try:
        top = _git(Path(start), "rev-parse", "--show-toplevel").decode().strip()
    except InputError as exc:
        raise InputError(f"--base needs a git checkout: {exc}") from None
    return Repository(Path(top).resolve())


def _git(where: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, check=False, timeout=120, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise InputError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"git {args[0]} did not finish in 120 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed: {message[-1] if message else f'exit {done.returncode}'}")
    return done.stdout


def _parse_name_status(out: bytes) -> list[Change]:
    fields = out.decode("utf-8", errors="surrogateescape").split("\0")
    changes: list[Change] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        code = status[0]
        if code in "RC":
            old, new = fields[index + 1], fields[index + 2]
            index += 3
            changes.append(Change("renamed", old, new) if code == "R" else Change("added", None, new))
            continue
        path = fields[index + 1]
        index += 2
        if code == "A":
            changes.append(Change("added", None, path))
        elif code == "D":
            changes.append(Change("deleted", path, None))
        else:  # M, T (type change), U (unmerged)
            changes.append(Change("modified", path, path))
    return changes
