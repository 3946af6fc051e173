"""CloudFormation/SAM template text → the positioned JSON tree of `iamproof.parsing.json_tree`.

A JSON template is read by our own JSON parser (exact positions, worded errors). A YAML template is
read by cfn-lint's decoder, which understands the short-form intrinsic tags (`!Ref`, `!Sub`, ...,
turned into their `Ref`/`Fn::*` long forms) and keeps the line and column of every mapping, list
and string; its nodes are converted here into `JObject`/`JArray`/`JString` nodes with spans.
Numbers, booleans and nulls carry no marks in the decoder, so they take the span of their parent.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable
from typing import Any

from iamproof.errors import InputError
from iamproof.parsing.documents import read_text
from iamproof.parsing.json_tree import (
    JArray,
    JBool,
    JMember,
    JNull,
    JNumber,
    JObject,
    JString,
    JValue,
    parse_json,
)
from iamproof.span import Span


def decode_template(path: str) -> JObject:
    """Read a template file (JSON or YAML) into a positioned tree whose root is an object."""
    root = decode_document(path)
    if not isinstance(root, JObject):
        raise InputError("a CloudFormation template must be a mapping at its top level", root.span)
    return root


def decode_document(path: str) -> JValue:
    """Read a JSON or YAML file (CloudFormation's short-form tags allowed) into a positioned tree."""
    text = read_text(path)
    stripped = text.lstrip("\ufeff \t\r\n")
    return parse_json(text, path) if stripped.startswith("{") else _decode_yaml(text, path)


def _decode_yaml(text: str, path: str) -> JValue:
    import yaml  # type: ignore[import-untyped]
    from cfnlint.decode import cfn_yaml  # type: ignore[import-untyped]

    try:
        data = cfn_yaml.loads(text, path)
    except cfn_yaml.CfnParseError as exc:
        match = exc.matches[-1]  # for a duplicate key: the repeated one
        line, column = max(match.linenumber, 1), max(match.columnnumber, 1)
        raise InputError(f"invalid template: {match.message}", Span(path, line, column, line, column + 1)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"invalid YAML: {problem}", Span(path, line, column, line, column + 1)) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise InputError(f"invalid YAML: {exc}", Span.whole_file(path)) from None
    converter = _Converter(path, text.splitlines())
    try:
        return converter.convert(data, Span.whole_file(path))
    except RecursionError:
        raise InputError("template is nested too deeply", Span.whole_file(path)) from None


class _Converter:
    """Turns cfn-lint's dict_node/list_node/str_node (with 0-based marks) into spanned nodes."""

    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines

    def span_of(self, node: Any, fallback: Span) -> Span:
        start, end = getattr(node, "start_mark", None), getattr(node, "end_mark", None)
        if start is None or end is None or (start.line, start.column, end.line, end.column) == (0, 0, 0, 0):
            return fallback
        return Span(self.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def convert(self, node: Any, parent: Span) -> JValue:
        span = self.span_of(node, parent)
        if isinstance(node, dict):
            members = tuple(
                JMember(str(key), self.span_of(key, span), self.convert(value, self.span_of(key, span)))
                for key, value in node.items()
            )
            return JObject(members, span)
        if isinstance(node, list):
            return JArray(tuple(self.convert(item, span) for item in node), span)
        if isinstance(node, bool):
            return JBool(node, span)
        if isinstance(node, int | float):
            return _number(node, span)
        if node is None:
            return JNull(span)
        if isinstance(node, datetime.date | datetime.datetime):
            return JString(node.isoformat(), span)  # `Version: 2012-10-17` unquoted is a string to CloudFormation
        if isinstance(node, bytes):
            return JString(node.decode("utf-8", errors="replace"), span)
        return JString(str(node), span, locate=self._locator(span) if span is not parent else None)

    def _locator(self, span: Span) -> Callable[[int], tuple[int, int]] | None:
        """Plain (unquoted) one-line scalars have no opening quote: offset 1 is the first character."""
        if span.line != span.end_line or not 0 < span.line <= len(self.lines):
            return None
        first = self.lines[span.line - 1][span.column - 1 : span.column]
        if first in ("'", '"'):
            return None
        line, column = span.line, span.column

        def at(offset: int) -> tuple[int, int]:
            return line, column + max(offset - 1, 0)

        return at


def _number(value: float, span: Span) -> JValue:
    if isinstance(value, float) and not math.isfinite(value):
        return JString(str(value), span)
    return JNumber(json.dumps(value), span)
