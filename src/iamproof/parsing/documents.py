"""Policy files as people have them: a bare policy document, or an AWS CLI output that wraps one.

Recognised by content:
- a policy document (`{"Version": ..., "Statement": ...}`);
- `aws iam get-policy-version` (`{"PolicyVersion": {"Document": ...}}`), document decoded or URL-encoded;
- `aws iam get-role-policy` / `get-user-policy` / `get-group-policy` (`{"PolicyDocument": ...}`);
- `aws lambda get-policy` (`{"Policy": "<json string>", "RevisionId": ...}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import unquote

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.parsing.json_tree import JObject, JString, JValue, parse_json
from iamproof.parsing.policy_builder import build_policy
from iamproof.span import Span


class DocumentShape(Enum):
    POLICY = "policy document"
    POLICY_VERSION = "aws iam get-policy-version output"
    INLINE_POLICY = "aws iam get-*-policy output"
    FUNCTION_POLICY = "aws lambda get-policy output"


@dataclass(frozen=True)
class PolicyDocument:
    policy: Policy
    shape: DocumentShape


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file, or raise InputError naming the file."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", Span.whole_file(name)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError("file is not valid UTF-8 text", Span(name, line, column, line, column + 1)) from None


def load_policy_file(path: str | Path) -> PolicyDocument:
    """Load a policy from a file in any of the recognised shapes."""
    name = str(path)
    return policy_document_from_node(parse_json(read_text(path), name))


def parse_policy_text(text: str, file: str = "<string>") -> Policy:
    """Parse the text of a bare policy document."""
    return build_policy(parse_json(text, file))


def policy_document_from_node(node: JValue) -> PolicyDocument:
    """Unwrap the recognised CLI shapes around a policy document node."""
    if isinstance(node, JObject) and node.get("Statement") is None:
        for key, shape in (
            ("PolicyVersion", DocumentShape.POLICY_VERSION),
            ("PolicyDocument", DocumentShape.INLINE_POLICY),
            ("Policy", DocumentShape.FUNCTION_POLICY),
        ):
            member = node.get(key)
            if member is None:
                continue
            inner = member.value
            if shape is DocumentShape.POLICY_VERSION:
                inner = _member_value(inner, "Document", "'PolicyVersion'")
            return PolicyDocument(build_policy(_embedded(inner)), shape)
    return PolicyDocument(build_policy(node), DocumentShape.POLICY)


def _member_value(node: JValue, key: str, what: str) -> JValue:
    if not isinstance(node, JObject):
        raise InputError(f"{what} must be an object", node.span)
    member = node.get(key)
    if member is None:
        raise InputError(f"{what} has no {key!r}", node.span)
    return member.value


def _embedded(node: JValue) -> JValue:
    """A document given as a JSON string (possibly URL-encoded) is parsed as its own text."""
    if not isinstance(node, JString):
        return node
    text = node.value
    if text.lstrip().startswith("%7"):
        text = unquote(text)
    label = f"{node.span.file}:{node.span.line}:{node.span.column}(embedded)"
    return parse_json(text, label)
