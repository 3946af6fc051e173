"""Policy files as people have them: a bare policy document, or an AWS CLI output that wraps one.

Recognised by content:
- a policy document (`{"Version": ..., "Statement": ...}`);
- `aws iam get-policy-version` (`{"PolicyVersion": {"Document": ...}}`), document decoded or URL-encoded;
- `aws iam get-role-policy` / `get-user-policy` / `get-group-policy` (`{"PolicyDocument": ...}`);
- `aws lambda get-policy` (`{"Policy": "<json string>", "RevisionId": ...}`).

A document given as a string (JSON text, or URL-encoded JSON text as the IAM API returns it) is parsed
with positions that point into the file itself, through the string's escapes and percent-encoding.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.parsing.json_tree import (
    MAX_AWS_POLICY_BYTES,
    MAX_POLICY_BYTES,
    JObject,
    JString,
    JValue,
    parse_embedded_json,
    parse_json,
    size_text,
)
from iamproof.parsing.policy_builder import POLICY_KEYS, build_policy
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


_WRAPPERS = (
    ("PolicyVersion", DocumentShape.POLICY_VERSION),
    ("PolicyDocument", DocumentShape.INLINE_POLICY),
    ("Policy", DocumentShape.FUNCTION_POLICY),
)


def read_text(path: str | Path, *, limit: int | None = None, what: str = "file", hint: str = "") -> str:
    """Read a text file (UTF-8, or UTF-16 with a byte order mark), or raise InputError naming the file.

    With a `limit`, a file of more than `limit` bytes is an error, found without reading more than
    `limit + 1` bytes: "`what` is larger than `limit` (size)`hint`"."""
    name = str(path)
    try:
        with Path(path).open("rb") as stream:
            data = stream.read() if limit is None else stream.read(limit + 1)
            if limit is not None and len(data) > limit:
                message = _too_large(what, limit, os.fstat(stream.fileno())) + hint
                raise InputError(message, Span.whole_file(name))
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", Span.whole_file(name)) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(
                "file starts with a UTF-16 byte order mark but is not valid UTF-16 text", Span.whole_file(name)
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"file is not valid UTF-8 text (byte 0x{data[exc.start]:02X} at offset {exc.start})",
            _byte_span(name, data, exc.start),
        ) from None


def _too_large(what: str, limit: int, status: os.stat_result) -> str:
    size = f" ({status.st_size:,} bytes)" if stat.S_ISREG(status.st_mode) else ""
    return f"{what} is larger than {size_text(limit)}{size}"


def _byte_span(name: str, data: bytes, offset: int) -> Span:
    """The line and (character) column of byte `offset`; a UTF-8 byte order mark takes no column."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    before = data[line_start:offset]
    if line_start == 0 and before.startswith(codecs.BOM_UTF8):
        before = before[len(codecs.BOM_UTF8) :]
    line = data.count(b"\n", 0, offset) + 1
    column = len(before.decode("utf-8", errors="replace")) + 1
    return Span(name, line, column, line, column + 1)


def load_policy_file(path: str | Path, *, lenient: bool = False) -> PolicyDocument:
    """Load a policy from a file in any of the recognised shapes (`lenient`: see `build_policy`).

    A file over `MAX_POLICY_BYTES` is an error; files that hold many policies (account outputs, templates,
    plans) are read by their own loaders, with the larger default limit."""
    name = str(path)
    hint = f"; AWS accepts no policy document over {size_text(MAX_AWS_POLICY_BYTES)}"
    text = read_text(path, limit=MAX_POLICY_BYTES, what="policy file", hint=hint)
    return policy_document_from_node(parse_json(text, name), lenient=lenient)


def parse_policy_text(text: str, file: str = "<string>") -> Policy:
    """Parse the text of a bare policy document."""
    return build_policy(parse_json(text, file))


def policy_document_from_node(node: JValue, *, lenient: bool = False) -> PolicyDocument:
    """Unwrap the recognised CLI shapes around a policy document node.

    An object with a policy element (`Version`, `Id`, `Statement`) is a policy document; otherwise the
    first wrapper key present decides the shape. `lenient`: see `build_policy`.
    """
    if isinstance(node, JObject) and all(node.get(key) is None for key in POLICY_KEYS):
        for key, shape in _WRAPPERS:
            member = node.get(key)
            if member is None:
                continue
            inner, what = member.value, key
            if shape is DocumentShape.POLICY_VERSION:
                inner, what = _member_value(inner, "Document", "'PolicyVersion'"), "Document"
            return PolicyDocument(build_policy(_embedded(inner, what), lenient=lenient), shape)
    return PolicyDocument(build_policy(node, lenient=lenient), DocumentShape.POLICY)


def _member_value(node: JValue, key: str, what: str) -> JValue:
    if not isinstance(node, JObject):
        raise InputError(f"{what} must be an object", node.span)
    member = node.get(key)
    if member is None:
        raise InputError(f"{what} has no {key!r}", node.span)
    return member.value


_ENCODED = re.compile(r"\s*%[0-9a-fA-F]{2}")


def _embedded(node: JValue, key: str) -> JValue:
    """A document given as a JSON string (possibly URL-encoded) is parsed as its own text."""
    if not isinstance(node, JString):
        return node
    text = node.value
    at = node.locator()
    index_map: list[int] | None = None
    if _ENCODED.match(text):
        text, index_map = _percent_decode(text)

    def origin(offset: int) -> tuple[int, int]:
        return at(index_map[offset] if index_map is not None else offset)

    try:
        return parse_embedded_json(text, node.span.file, origin)
    except InputError as exc:
        raise InputError(f"{exc.message} (in the policy text of the {key!r} string)", exc.span) from None


def _percent_decode(text: str) -> tuple[str, list[int]]:
    """URL-decode `text` (RFC 3986 %XX, UTF-8); also return, for each decoded character and for the end,
    its index in `text`. Malformed escapes stay as they are; invalid UTF-8 becomes U+FFFD."""
    chars: list[str] = []
    where: list[int] = []
    index = 0
    while index < len(text):
        if not _is_escape(text, index):
            chars.append(text[index])
            where.append(index)
            index += 1
            continue
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        char_start = index
        while _is_escape(text, index):
            decoded = decoder.decode(bytes([int(text[index + 1 : index + 3], 16)]))
            index += 3
            chars.extend(decoded)
            where.extend([char_start] * len(decoded))
            if decoded:
                char_start = index
        tail = decoder.decode(b"", final=True)
        chars.extend(tail)
        where.extend([char_start] * len(tail))
    where.append(len(text))
    return "".join(chars), where


def _is_escape(text: str, index: int) -> bool:
    return text.startswith("%", index) and re.fullmatch(r"[0-9a-fA-F]{2}", text[index + 1 : index + 3]) is not None
