"""Options shared by the symbolic commands (can, equiv, diff, check-*)."""

from __future__ import annotations

from pathlib import Path

import click

from iamproof.errors import InputError


def timeout_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=30.0,
        show_default=True,
        help="Seconds the solver may take for each question; past it the answer is unknown (exit 3).",
    )(function)


def format_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--format", "output_format", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True
    )(function)


def smt2_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--emit-smt2",
        "emit_smt2",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Also write the query in SMT-LIB 2 to this file (for other solvers).",
    )(function)


def write_smt2(path: str | None, text: str) -> None:
    if path is None:
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
