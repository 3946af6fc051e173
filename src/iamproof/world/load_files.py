"""The files of a world directory: read, decoded with positions, and recognised by their content.

`*.json` files must be JSON; `*.yaml`/`*.yml` files with a top-level `openapi`/`swagger` key are read
as YAML API exports (other YAML files are skipped); any other file is read as JSON when its text
starts with `{`, and is otherwise skipped as not JSON.
A decoded file is recognised as one of the world shapes, or skipped with the reason why. Skipped
files are reported, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from iamproof.errors import InputError
from iamproof.parsing.documents import read_text
from iamproof.parsing.json_tree import JObject, JValue, describe, parse_json
from iamproof.parsing.policy_builder import POLICY_KEYS
from iamproof.world.load_api_export import is_api_export
from iamproof.world.load_authorization_details import is_authorization_details
from iamproof.world.load_function_policy import is_function_policy
from iamproof.world.model import SkippedFile

JSON_SUFFIXES = (".json",)
YAML_SUFFIXES = (".yaml", ".yml")
NOT_JSON = "not a JSON file"
_YAML_EXPORT = re.compile(r"^[\"']?(?:openapi|swagger)[\"']?\s*:", re.MULTILINE)


class Shape(Enum):
    AUTHORIZATION_DETAILS = "aws iam get-account-authorization-details output"
    FUNCTION_POLICY = "aws lambda get-policy output"
    API_EXPORT = "aws apigateway get-export output"


@dataclass(frozen=True)
class WorldFile:
    path: str
    shape: Shape
    root: JObject


def world_files(directory: Path) -> tuple[list[WorldFile], list[SkippedFile]]:
    """Every file under `directory` (sorted, recursively): the recognised ones and the skipped ones."""
    found: list[WorldFile] = []
    skipped: list[SkippedFile] = []
    for path in _walk(directory):
        name = str(path)
        if path.is_dir():
            hidden = path.name.startswith(".")
            reason = "a hidden directory, not read" if hidden else "a link to a directory, not followed"
            skipped.append(SkippedFile(name, reason))
            continue
        if not path.is_file():  # a pipe, a socket or a broken link: reading it could block or fail
            skipped.append(SkippedFile(name, "not a regular file"))
            continue
        root = _decode(path)
        if isinstance(root, str):
            skipped.append(SkippedFile(name, root))
            continue
        shape = recognise(root)
        if shape is None or not isinstance(root, JObject):
            skipped.append(SkippedFile(name, unrecognised_reason(root)))
        else:
            found.append(WorldFile(name, shape, root))
    return found, skipped


def _walk(directory: Path) -> Iterator[Path]:
    """The entries under `directory` in name order; a hidden directory (`.git`) or a link to a directory is
    yielded itself, not entered."""
    for path in sorted(directory.iterdir()):
        if path.is_dir() and not path.is_symlink() and not path.name.startswith("."):
            yield from _walk(path)
        else:
            yield path


def _decode(path: Path) -> JValue | str:
    """The positioned tree of a JSON file (or of a YAML API export), or why the file is not read."""
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        return parse_json(read_text(path), str(path))
    try:
        text = read_text(path)
    except InputError:
        return NOT_JSON  # not text: an image, an archive
    if suffix in YAML_SUFFIXES:
        if not _YAML_EXPORT.search(text):
            return "a YAML file that is not an API export"
        from iamproof.world.cfn_decode import decode_template

        return decode_template(str(path))
    if not text.lstrip("\ufeff \t\r\n").startswith("{"):
        return NOT_JSON
    return parse_json(text, str(path))


def recognise(root: JValue) -> Shape | None:
    if not isinstance(root, JObject):
        return None
    if is_api_export(root):
        return Shape.API_EXPORT
    if is_authorization_details(root):
        return Shape.AUTHORIZATION_DETAILS
    if is_function_policy(root):
        return Shape.FUNCTION_POLICY
    return None


_OTHER_SHAPES = (
    (("AWSTemplateFormatVersion",), "a CloudFormation template (load it on its own, not in a directory)"),
    (("Resources",), "a CloudFormation template (load it on its own, not in a directory)"),
    (("format_version", "planned_values"), "a Terraform plan (load it on its own, not in a directory)"),
    (("PolicyVersion",), "aws iam get-policy-version output, which does not say who the policy is attached to"),
    (("PolicyDocument",), "an inline policy on its own; get-account-authorization-details holds it with its owner"),
    (("Policy",), "aws iam get-policy output (policy metadata without a document)"),
    (("Policies",), "aws iam list-policies output (no policy documents)"),
)


def unrecognised_reason(root: JValue) -> str:
    """Why a JSON file is not part of the world, as specific as its content allows."""
    expected = "expected get-account-authorization-details, lambda get-policy or apigateway get-export output"
    if not isinstance(root, JObject):
        return f"a JSON file holding {describe(root)}, not an AWS CLI output ({expected})"
    if any(root.get(key) is not None for key in POLICY_KEYS):
        return "a policy document that is not attached to any principal or resource"
    for keys, reason in _OTHER_SHAPES:
        if all(root.get(key) is not None for key in keys):
            return reason
    return f"not a recognised AWS CLI output ({expected})"
