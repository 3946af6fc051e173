"""JSON text → a tree of frozen nodes that remember where they came from.

The Lark grammar `grammar/policy.lark` recognises strict JSON; the transformer here builds the nodes,
rejects duplicate keys (AWS does too) and the parse errors are mapped to `file:line:col: message`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from iamproof.errors import InputError
from iamproof.parsing.grammar_files import grammar_text
from iamproof.span import Span

MAX_INPUT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class JString:
    value: str
    span: Span


@dataclass(frozen=True)
class JNumber:
    text: str
    span: Span


@dataclass(frozen=True)
class JBool:
    value: bool
    span: Span


@dataclass(frozen=True)
class JNull:
    span: Span


@dataclass(frozen=True)
class JArray:
    items: tuple[JValue, ...]
    span: Span


@dataclass(frozen=True)
class JMember:
    key: str
    key_span: Span
    value: JValue


@dataclass(frozen=True)
class JObject:
    members: tuple[JMember, ...]
    span: Span

    def get(self, key: str) -> JMember | None:
        for member in self.members:
            if member.key == key:
                return member
        return None

    def __iter__(self) -> Iterator[JMember]:
        return iter(self.members)


JValue = JString | JNumber | JBool | JNull | JArray | JObject


def describe(node: JValue) -> str:
    """A short name of a node's JSON type, for error messages."""
    names: dict[type, str] = {
        JString: "a string",
        JNumber: "a number",
        JBool: "a boolean",
        JNull: "null",
        JArray: "a list",
        JObject: "an object",
    }
    return names[type(node)]


def to_python(node: JValue) -> object:
    """The plain Python value of a node (positions dropped)."""
    if isinstance(node, JObject):
        return {m.key: to_python(m.value) for m in node.members}
    if isinstance(node, JArray):
        return [to_python(item) for item in node.items]
    if isinstance(node, JNumber):
        return json.loads(node.text)
    if isinstance(node, JNull):
        return None
    return node.value


_TOKEN_NAMES = {
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "COLON": "':'",
    "STRING": "a string",
    "NUMBER": "a number",
    "TRUE": "true",
    "FALSE": "false",
    "NULL": "null",
    "$END": "end of input",
}


@cache
def _parser() -> Lark:
    return Lark(
        grammar_text("policy.lark"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
    )


class _Builder(Transformer_NonRecursive):
    def __init__(self, file: str) -> None:
        super().__init__()
        self._file = file

    def _span(self, start: Token, end: Token | None = None) -> Span:
        last = end or start
        return Span(self._file, start.line or 0, start.column or 0, last.end_line or 0, last.end_column or 0)

    def string(self, children: list[Token]) -> JString:
        token = children[0]
        return JString(json.loads(str(token)), self._span(token))

    def number(self, children: list[Token]) -> JNumber:
        return JNumber(str(children[0]), self._span(children[0]))

    @v_args(meta=True)
    def true(self, meta: object, children: list[Token]) -> JBool:
        return JBool(True, self._meta_span(meta))

    @v_args(meta=True)
    def false(self, meta: object, children: list[Token]) -> JBool:
        return JBool(False, self._meta_span(meta))

    @v_args(meta=True)
    def null(self, meta: object, children: list[Token]) -> JNull:
        return JNull(self._meta_span(meta))

    def _meta_span(self, meta: object) -> Span:
        return Span(
            self._file,
            getattr(meta, "line", 0),
            getattr(meta, "column", 0),
            getattr(meta, "end_line", 0),
            getattr(meta, "end_column", 0),
        )

    @v_args(meta=True)
    def array(self, meta: object, children: list[JValue]) -> JArray:
        return JArray(tuple(children), self._meta_span(meta))

    def pair(self, children: list[object]) -> JMember:
        key_token, value = children
        assert isinstance(key_token, Token)
        return JMember(json.loads(str(key_token)), self._span(key_token), value)  # type: ignore[arg-type]

    @v_args(meta=True)
    def object(self, meta: object, children: list[JMember]) -> JObject:
        seen: dict[str, JMember] = {}
        for member in children:
            if member.key in seen:
                first = seen[member.key].key_span
                raise InputError(
                    f"duplicate key {member.key!r} (first at line {first.line}, column {first.column})",
                    member.key_span,
                )
            seen[member.key] = member
        return JObject(tuple(children), self._meta_span(meta))


def parse_json(text: str, file: str) -> JValue:
    """Parse JSON text into positioned nodes, or raise InputError with file:line:col."""
    if len(text) > MAX_INPUT_BYTES:
        raise InputError(f"input is larger than {MAX_INPUT_BYTES} bytes", Span.whole_file(file))
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError("empty input; expected a JSON value", Span.whole_file(file))
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, file) from None
    try:
        result: JValue = _Builder(file).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, InputError):
            raise exc.orig_exc from None
        raise
    return result


def _syntax_error(exc: UnexpectedInput, text: str, file: str) -> InputError:
    line, column = exc.line, exc.column
    eof = isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    if isinstance(exc, UnexpectedEOF) or eof or line is None or line < 1:
        return InputError("unexpected end of input; the JSON value is incomplete", _end_span(text, file))
    span = Span(file, line, column, line, column + 1)
    if isinstance(exc, UnexpectedCharacters):
        return InputError(_bad_character_message(text, exc.pos_in_stream or 0), span)
    if isinstance(exc, UnexpectedToken):
        return InputError(_unexpected_token_message(exc, text), span)
    return InputError("invalid JSON", span)


def _end_span(text: str, file: str) -> Span:
    lines = text.split("\n")
    return Span(file, len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 1)


def _bad_character_message(text: str, pos: int) -> str:
    char = text[pos]
    if char == '"':
        return "unterminated string, or a string with a control character or an invalid escape"
    if char == "'":
        return "single-quoted strings are not JSON; use double quotes"
    if char in "/#":
        return "comments are not allowed in JSON"
    word = _word_at(text, pos)
    if word:
        return f"unexpected {word!r}; strings must be in double quotes"
    return f"unexpected character {char!r}"


def _word_at(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and (text[end].isalnum() or text[end] in "_-+."):
        end += 1
    return text[pos:end]


def _unexpected_token_message(exc: UnexpectedToken, text: str) -> str:
    token = exc.token
    expected = sorted(_TOKEN_NAMES.get(name, name) for name in exc.expected)
    found = "end of input" if token.type == "$END" else repr(str(token))
    if token.type in ("RBRACE", "RSQB") and _previous_significant(text, token.start_pos or 0) == ",":
        return f"trailing comma before {found} is not allowed"
    if token.type == "$END":
        return "unexpected end of input; the JSON value is incomplete"
    return f"unexpected {found}; expected {' or '.join(expected)}"


def _previous_significant(text: str, pos: int) -> str:
    index = pos - 1
    while index >= 0 and text[index] in " \t\r\n":
        index -= 1
    return text[index] if index >= 0 else ""
