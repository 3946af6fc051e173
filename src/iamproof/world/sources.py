"""Where a world comes from: a directory of AWS CLI outputs, a CloudFormation/SAM template, or a Terraform plan."""

from __future__ import annotations

from pathlib import Path

from iamproof.errors import InputError
from iamproof.world.model import World

_TEMPLATE_SUFFIXES = (".yaml", ".yml", ".template")


def load_world_source(
    path: str,
    *,
    account: str | None = None,
    region: str | None = None,
    parameters: dict[str, str] | None = None,
) -> World:
    """Load a world from `path`, recognising what it is by its content."""
    location = Path(path)
    if location.is_dir():
        if parameters:
            raise InputError("--parameter applies only to a CloudFormation template, not to a directory")
        from iamproof.world.load_directory import load_world

        return load_world(path, account=account, region=region)
    if not location.is_file():
        raise InputError(f"{path}: no such file or directory")
    kind = _file_kind(location)
    if kind == "terraform":
        if parameters:
            raise InputError("--parameter applies only to a CloudFormation template, not to a Terraform plan")
        from iamproof.world.from_terraform import load_plan

        return load_plan(path, account=account, region=region)
    from iamproof.world.from_cloudformation import load_template

    return load_template(path, parameters=parameters, account=account, region=region)


def _file_kind(location: Path) -> str:
    """`terraform` for a plan (`format_version` and `planned_values`/`resource_changes`), else `template`."""
    if location.suffix.lower() in _TEMPLATE_SUFFIXES:
        return "template"
    head = location.read_bytes()[: 1 << 20].decode("utf-8", errors="replace")
    if '"format_version"' in head and ('"planned_values"' in head or '"resource_changes"' in head):
        return "terraform"
    return "template"
