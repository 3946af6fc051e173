"""A world from a directory of AWS CLI outputs, recognised by their content (file names do not matter):

- `aws iam get-account-authorization-details` (one or more pages) → users, groups, roles, managed policies;
- `aws lambda get-policy` (one file per function) → functions and their resource-based policies;
- `aws apigateway get-export` (OpenAPI 3.0 or Swagger 2.0, one file per stage) → APIs and their methods.

Functions that API integrations invoke but no get-policy file describes are added without a policy.
Files that are none of these are listed in `World.skipped`; a file that has one of these shapes but is
malformed is an InputError at `file:line:col`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from iamproof.errors import InputError
from iamproof.span import Span
from iamproof.world.load_api_export import ApiExport, read_api_export
from iamproof.world.load_authorization_details import (
    Principals,
    merge_authorization_pages,
    read_authorization_page,
)
from iamproof.world.load_files import Shape, WorldFile, world_files
from iamproof.world.load_function_policy import read_function_policy
from iamproof.world.model import IAM_CALLER_CREDENTIALS, Api, Function, World

DEFAULT_REGION = "us-east-1"


def load_world(path: str, *, account: str | None = None, region: str | None = None) -> World:
    """Load the world held by the directory `path`; `account` and `region` override what the files imply."""
    directory = Path(path)
    if not directory.is_dir():
        raise InputError(f"{path}: not a directory")
    files, skipped = world_files(directory)
    if not files:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped) or "the directory is empty"
        raise InputError(f"{path}: no AWS CLI output found ({reasons})", Span.whole_file(path))
    principals = merge_authorization_pages(
        [read_authorization_page(f.root) for f in _of(files, Shape.AUTHORIZATION_DETAILS)]
    )
    exports = [read_api_export(f.root) for f in _of(files, Shape.API_EXPORT)]
    functions = _functions(_of(files, Shape.FUNCTION_POLICY), exports)
    notes = [note for export in exports for note in export.notes]
    world_account = account or _account(principals, functions, exports, path)
    world_region = region or _region(exports, functions)
    if world_region is None:
        world_region = DEFAULT_REGION
        notes.append(f"no API or function names a region; the world's region is taken to be {DEFAULT_REGION}")
    return World(
        account=world_account,
        region=world_region,
        users=principals.users,
        groups=principals.groups,
        roles=principals.roles,
        functions=functions,
        apis=merge_api_exports(exports, world_account),
        placeholders=tuple(p for export in exports for p in export.placeholders),
        sources=tuple(f.path for f in files),
        skipped=tuple(skipped),
        notes=tuple(notes),
    )


def _of(files: Sequence[WorldFile], shape: Shape) -> list[WorldFile]:
    return [f for f in files if f.shape is shape]


def _functions(policy_files: Iterable[WorldFile], exports: Sequence[ApiExport]) -> tuple[Function, ...]:
    """Functions with a policy file, then those only API integrations name (policy None)."""
    found: dict[str, Function] = {}
    for file in policy_files:
        function = read_function_policy(file.root)
        earlier = found.setdefault(function.arn, function)
        if earlier is not function:
            raise InputError(
                f"two get-policy outputs describe function {function.arn} (the other is {earlier.span})",
                function.span,
            )
    for export in exports:
        for method in export.methods:
            integration = method.integration
            if integration is not None and integration.function_arn is not None:
                found.setdefault(integration.function_arn, Function(integration.function_arn, None, integration.span))
    return tuple(found.values())


def _account(principals: Principals, functions: Sequence[Function], exports: Sequence[ApiExport], path: str) -> str:
    """The most common account of the IAM users and roles; without any, of the functions; without any, of
    the roles API integrations use as credentials."""
    iam = [user.account for user in principals.users] + [role.account for role in principals.roles]
    credentials = [
        m.integration.credentials.split(":")[4]
        for export in exports
        for m in export.methods
        if m.integration is not None and m.integration.credentials not in (None, IAM_CALLER_CREDENTIALS)
    ]
    found = _most_common(iam) or _most_common([f.account for f in functions]) or _most_common(credentials)
    if found is None:
        raise InputError(
            f"{path}: no user, role or function ARN says which account this is; give the account explicitly",
            Span.whole_file(path),
        )
    return found


def _region(exports: Sequence[ApiExport], functions: Sequence[Function]) -> str | None:
    return _most_common([export.region for export in exports]) or _most_common([f.region for f in functions])


def _most_common(values: Sequence[str]) -> str | None:
    """The most frequent value, ties broken by the smallest (so the result does not depend on file order)."""
    counts = Counter(values)
    return min(counts, key=lambda value: (-counts[value], value)) if counts else None


def merge_api_exports(exports: Sequence[ApiExport], account: str) -> tuple[Api, ...]:
    """One Api per id; exports of several stages of one API must describe the same methods and policy."""
    merged: dict[str, tuple[ApiExport, list[str]]] = {}
    for export in exports:
        earlier = merged.get(export.id)
        if earlier is None:
            merged[export.id] = (export, [])
        elif earlier[0].fingerprint != export.fingerprint or earlier[0].region != export.region:
            raise InputError(
                f"API {export.id} is exported twice with different methods, resource policy or region"
                f" (the other export is {earlier[0].span}); a world holds one method set per API",
                export.span,
            )
        if export.stage is not None:
            merged[export.id][1].append(export.stage)
    return tuple(
        Api(
            id=first.id,
            name=first.name,
            region=first.region,
            account=account,
            stages=tuple(dict.fromkeys(stages)),
            methods=first.methods,
            policy=first.policy,
            span=first.span,
        )
        for first, stages in merged.values()
    )
