"""The `iamproof` command line: a thin layer of click commands over the library."""

from __future__ import annotations

import os
import sys

import click

from iamproof.errors import IamproofError, clip_values, error_line
from iamproof.gc_pause import collector_paused


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="iamproof")
def cli() -> None:
    """Exact static analysis of AWS IAM policies."""


def _register() -> None:
    from iamproof.commands import check_cmds, diff_cmd, eval_cmd, query_cmd, symbolic_cmds, validate_cmd

    cli.add_command(validate_cmd.validate)
    cli.add_command(eval_cmd.eval_command)
    cli.add_command(symbolic_cmds.can_command)
    cli.add_command(symbolic_cmds.equiv_command)
    cli.add_command(diff_cmd.diff_command)
    cli.add_command(check_cmds.check_not_granted_command)
    cli.add_command(check_cmds.check_public_command)
    cli.add_command(query_cmd.query_command)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Every IamproofError becomes one line on stderr: `file:line:col: message`, or `iamproof: error: message`
    when it has no position (see `error_line`)."""
    _register()
    try:
        with collector_paused():  # parsing and queries: see gc_pause.py
            result = cli.main(args=argv, prog_name="iamproof", standalone_mode=False)
    except IamproofError as exc:
        click.echo(error_line(exc), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("iamproof: aborted", err=True)
        return 2
    except click.ClickException as exc:
        exc.show()
        return 2
    except RecursionError:
        click.echo("iamproof: error: input is nested too deeply", err=True)
        return 2
    except Exception as exc:  # a bug of ours: report it briefly, never as a bare traceback
        if os.environ.get("IAMPROOF_DEBUG"):
            raise
        detail = clip_values(f"{type(exc).__name__}: {exc}")
        click.echo(f"iamproof: internal error: {detail} (set IAMPROOF_DEBUG=1 for details)", err=True)
        return 4
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
