"""JSON text → a tree of frozen nodes that remember where they came from.

The Lark grammar `grammar/policy.lark` recognises strict JSON (RFC 8259); the transformer here builds
the nodes and rejects duplicate keys (AWS does too), unpaired surrogates and nesting deeper than
`MAX_DEPTH`. Every failure is an `InputError` at `file:line:col` (1-based; columns count characters)
with a message that says what is wrong and, where it can, what to write instead.

A JSON document can itself hold a JSON document as a string (`aws lambda get-policy` does that);
`parse_embedded_json` parses such a string with positions that point into the outer file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lark import PostLex

from iamproof.errors import InputError
from iamproof.parsing.grammar_files import grammar_text
from iamproof.span import Span

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""Longest input accepted by default, in characters: files that hold many policies (an account's
`aws iam get-account-authorization-details` output, a CloudFormation template, a Terraform plan)."""
MAX_POLICY_BYTES = 1024 * 1024
"""Longest policy file accepted: far above AWS's largest policy document limit (`MAX_AWS_POLICY_BYTES`), and
small enough to parse in a few seconds."""
MAX_AWS_POLICY_BYTES = 32 * 1024
"""AWS's largest policy document limit (a KMS key policy; most policy types allow far less)."""
MAX_DEPTH = 100
"""Deepest nesting of objects and lists accepted (policies and AWS CLI outputs need about ten)."""

Origin = Callable[[int], tuple[int, int]]
"""Maps an offset in a parsed text to the (line, column) it came from in the file."""


@dataclass(frozen=True)
class JString:
    """A string value; `raw` is the token as written (quotes included) when it contains escapes."""

    value: str
    span: Span
    raw: str | None = field(default=None, compare=False, repr=False)
    locate: Origin | None = field(default=None, compare=False, repr=False)

    def locator(self) -> Callable[[int], tuple[int, int]]:
        """Maps an index into `value` (up to len(value), the closing quote) to its (line, column)."""
        offsets = string_offsets(self.raw) if self.raw is not None else None
        locate, line, column = self.locate, self.span.line, self.span.column

        def at(index: int) -> tuple[int, int]:
            offset = offsets[index] if offsets is not None else index + 1
            return locate(offset) if locate is not None else (line, column + offset)

        return at

    def char_span(self, index: int, length: int = 1) -> Span:
        """The span of `value[index:index + length]` in the source."""
        at = self.locator()
        index = max(0, min(index, len(self.value)))
        end = min(index + max(length, 0), len(self.value))
        (line, column), (end_line, end_column) = at(index), at(end)
        return Span(self.span.file, line, column, end_line, end_column if end > index else end_column + 1)


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


def string_offsets(raw: str) -> list[int]:
    """For a JSON string token, the offset in `raw` of each decoded character, then of the closing quote."""
    offsets: list[int] = []
    index, end = 1, len(raw) - 1
    while index < end:
        offsets.append(index)
        if raw[index] != "\\":
            index += 1
        elif raw[index + 1] != "u":
            index += 2
        elif _HIGH.fullmatch(raw, index, index + 6) and _LOW.fullmatch(raw, index + 6, index + 12):
            index += 12  # a surrogate pair decodes to one character
        else:
            index += 6
    offsets.append(end)
    return offsets


_HIGH = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}")
_LOW = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


# --- parsing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    file: str
    origin: Origin | None


_SOURCE: ContextVar[_Source] = ContextVar("iamproof_json_source")
"""The text being parsed; the node builder runs inside the Lark parser, which is shared."""


class _TooDeep(Exception):
    def __init__(self, token: Token) -> None:
        super().__init__("nesting limit")
        self.token = token


class _DepthLimit(PostLex):
    """Stops the token stream at the first bracket that opens level MAX_DEPTH + 1."""

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth = 0
        for token in stream:
            kind = token.type
            if kind == "LBRACE" or kind == "LSQB":
                depth += 1
                if depth > MAX_DEPTH:
                    raise _TooDeep(token)
            elif kind == "RBRACE" or kind == "RSQB":
                depth -= 1
            yield token


def _span(first: Token, last: Token) -> Span:
    source = _SOURCE.get()
    if source.origin is None:
        return Span(source.file, first.line or 0, first.column or 0, last.end_line or 0, last.end_column or 0)
    line, column = source.origin(first.start_pos or 0)
    end_line, end_column = source.origin(last.end_pos or 0)
    return Span(source.file, line, column, end_line, end_column)


class _Builder(Transformer[Token, JValue]):
    """Builds the nodes while the LALR parser reduces (no parse tree is ever built).

    Scalars arrive as tokens (the grammar inlines them); brackets arrive as tokens and give the spans.
    """

    def STRING(self, token: Token) -> JString:
        raw = str(token)
        escaped = "\\" in raw
        value = json.loads(raw) if escaped else raw[1:-1]
        locate: Origin | None = None
        origin = _SOURCE.get().origin
        if origin is not None:
            start = token.start_pos or 0

            def locate(offset: int) -> tuple[int, int]:
                return origin(start + offset)

        node = JString(value, _span(token, token), raw if escaped else None, locate)
        if not value.isascii():
            surrogate = _SURROGATE.search(value)
            if surrogate is not None:
                index = surrogate.start()
                raise InputError(
                    f"invalid string: unpaired surrogate \\u{ord(value[index]):04x} is not a character",
                    node.char_span(index),
                )
        return node

    def NUMBER(self, token: Token) -> JNumber:
        return JNumber(str(token), _span(token, token))

    def TRUE(self, token: Token) -> JBool:
        return JBool(True, _span(token, token))

    def FALSE(self, token: Token) -> JBool:
        return JBool(False, _span(token, token))

    def NULL(self, token: Token) -> JNull:
        return JNull(_span(token, token))

    def array(self, children: list[Any]) -> JArray:
        return JArray(tuple(children[1:-1]), _span(children[0], children[-1]))

    def pair(self, children: list[Any]) -> JMember:
        key, value = children
        return JMember(key.value, key.span, value)

    def object(self, children: list[Any]) -> JObject:
        members: tuple[JMember, ...] = tuple(children[1:-1])
        seen: dict[str, JMember] = {}
        for member in members:
            earlier = seen.get(member.key)
            if earlier is not None:
                where = earlier.key_span
                raise InputError(
                    f"duplicate key {member.key!r} (first at line {where.line}, column {where.column})",
                    member.key_span,
                )
            seen[member.key] = member
        return JObject(members, _span(children[0], children[-1]))


@cache
def _parser(limit_depth: bool) -> Lark:
    return Lark(
        grammar_text("policy.lark"),
        parser="lalr",
        lexer="basic",
        postlex=_DepthLimit() if limit_depth else None,
        transformer=_Builder(),
        maybe_placeholders=False,
    )


def parse_json(text: str, file: str) -> JValue:
    """Parse JSON text into positioned nodes, or raise InputError with file:line:col.

    A text longer than `MAX_INPUT_BYTES` characters is rejected before parsing."""
    return _parse(text, file, None)


def parse_embedded_json(text: str, file: str, origin: Origin) -> JValue:
    """Parse JSON text that came from inside a file; `origin` maps offsets in `text` to file positions."""
    return _parse(text, file, origin)


def size_text(size: int) -> str:
    """A size in bytes as people write it: `1 MiB`, `32 KiB`, `100 bytes`."""
    for unit, name in ((1024 * 1024, "MiB"), (1024, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size} bytes"


def _parse(text: str, file: str, origin: Origin | None) -> JValue:
    if len(text) > MAX_INPUT_BYTES:
        raise InputError(f"input is larger than {size_text(MAX_INPUT_BYTES)}", Span.whole_file(file))
    if text.startswith("\ufeff"):  # a byte order mark is not part of the text, nor of its columns
        text = text[1:]
        if origin is not None:
            outer = origin

            def origin(offset: int) -> tuple[int, int]:
                return outer(offset + 1)

    if not text.strip(" \t\r\n"):
        raise InputError("empty input; expected a JSON value", _point(text, file, origin, 0))
    # Only a text with more brackets than the limit can nest too deeply; the others skip the counting.
    limit_depth = text.count("[") + text.count("{") > MAX_DEPTH
    token = _SOURCE.set(_Source(file, origin))
    try:
        result: JValue = _parser(limit_depth).parse(text)  # type: ignore[assignment]
    except UnexpectedInput as exc:
        message, offset = _syntax_problem(exc, text, origin)
        raise InputError(message, _point(text, file, origin, offset)) from None
    except _TooDeep as exc:
        offset = exc.token.start_pos or 0
        raise InputError(
            f"JSON is nested more than {MAX_DEPTH} levels deep", _point(text, file, origin, offset)
        ) from None
    finally:
        _SOURCE.reset(token)
    return result


def _position(text: str, origin: Origin | None, offset: int) -> tuple[int, int]:
    if origin is not None:
        return origin(offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _point(text: str, file: str, origin: Origin | None, offset: int) -> Span:
    line, column = _position(text, origin, offset)
    return Span(file, line, column, line, column + 1)


# --- syntax errors: what went wrong, in words --------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-")
_SCAN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_NAMED_CHARS = {
    "\ufeff": "a byte order mark (U+FEFF)",
    "\u00a0": "a non-breaking space (U+00A0)",
    **{
        quote: f"a typographic quote (U+{ord(quote):04X}); JSON strings need plain double quotes"
        for quote in "\u201c\u201d\u2018\u2019"
    },
}


def _syntax_problem(exc: UnexpectedInput, text: str, origin: Origin | None) -> tuple[str, int]:
    """The message and the offset of a syntax error."""
    if isinstance(exc, UnexpectedToken):
        eof = exc.token.type == "$END"
        offset = len(text) if eof else exc.token.start_pos or 0
    elif isinstance(exc, UnexpectedCharacters):
        eof, offset = False, exc.pos_in_stream or 0
    else:  # UnexpectedEOF: the LALR parser reports the end of input as an UnexpectedToken, but be safe
        eof, offset = True, len(text)
    if eof:
        return _structural_problem(text, offset, True, _scan(text, offset), origin)
    lexical = _lexical_problem(text, offset)
    if lexical is not None and lexical[1] < offset:
        return lexical  # the bad token is glued to the one before it (e.g. `01`, `1.`)
    context = _scan(text, offset)
    if not context.open and context.last and (lexical is None or text[offset] in _WORD_CHARS):
        return f"unexpected {_found(text, offset)} after the end of the JSON value", offset
    return lexical or _structural_problem(text, offset, False, context, origin)


def _lexical_problem(text: str, offset: int) -> tuple[str, int] | None:
    """A malformed token at `offset` (string, number, literal, comment, stray character), if any."""
    char = text[offset]
    if char == '"':
        return _string_problem(text, offset)
    if char == "'":
        return "single-quoted strings are not JSON; use double quotes", offset
    if char == "#" or text.startswith(("//", "/*"), offset):
        return "comments are not allowed in JSON", offset
    if char in _WORD_CHARS:
        return _word_problem(text, offset)
    if char in "{}[]:,":
        return None
    return f"unexpected character {_char_name(char)}", offset


def _string_problem(text: str, start: int) -> tuple[str, int] | None:
    if _STRING.match(text, start):
        return None
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            escape = text[index + 1 : index + 2]
            if escape == "u" and not re.fullmatch(r"[0-9a-fA-F]{4}", text[index + 2 : index + 6]):
                return "invalid \\u escape in a string: it needs exactly 4 hexadecimal digits", index
            if escape and escape not in '"\\/bfnrtu':
                return (
                    f"invalid escape '\\{escape}' in a string; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t"
                    " and \\uXXXX (write a backslash as \\\\)",
                    index,
                )
            index += 2
        elif char in "\r\n":
            break
        elif char < " ":
            escape = {"\t": "\\t", "\b": "\\b", "\f": "\\f"}.get(char, f"\\u{ord(char):04x}")
            return f"control character U+{ord(char):04X} is not allowed in a string; write it as {escape}", index
        else:
            index += 1
    return "unterminated string: the closing '\"' is missing on this line", start


def _word_problem(text: str, offset: int) -> tuple[str, int] | None:
    start, end = offset, offset
    while start > 0 and text[start - 1] in _WORD_CHARS:
        start -= 1
    while end < len(text) and text[end] in _WORD_CHARS:
        end += 1
    word = text[start:end]
    if word in ("true", "false", "null") or _NUMBER.fullmatch(word):
        return None
    bare = word.lstrip("+-")
    if bare in ("NaN", "Infinity", "inf", "nan"):
        return f"{word!r} is not a JSON number; write it as a string if it is meant as text", start
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T[0-9:.]*Z?)?", word):
        return f'unexpected {word!r}; write a date as a string: "{word}"', start
    if word[0] in "0123456789+-.":
        return f"invalid number {word!r}: {_number_problem(word)}", start
    if word.lower() in ("true", "false", "null"):
        return f"unexpected {word!r}; JSON literals are lower-case: {word.lower()}", start
    if word in ("None", "nil", "undefined"):
        return f"unexpected {word!r}; JSON writes a missing value as null", start
    return f"unexpected {word!r}; strings must be in double quotes", start


def _number_problem(word: str) -> str:
    if word.startswith("+"):
        return "a JSON number cannot start with '+'"
    if re.match(r"-?0[xX]", word):
        return "hexadecimal numbers are not JSON"
    if re.match(r"-?0[0-9]", word):
        return "a JSON number cannot have leading zeros"
    if re.match(r"-?\.", word):
        return "a JSON number needs a digit before the decimal point"
    if re.search(r"\.(?![0-9])", word):
        return "a JSON number needs a digit after the decimal point"
    if re.search(r"[eE](?![+-]?[0-9])", word):
        return "a JSON number needs digits in its exponent"
    if word == "-":
        return "'-' must be followed by digits"
    return "not a JSON number"


@dataclass
class _Context:
    """Where the parser stood: the open brackets (offsets) and the last token before the error."""

    open: list[int]
    last: str  # "", "{", "[", ",", ":", "key", "value"
    last_offset: int
    key: str


def _scan(text: str, end: int) -> _Context:
    """Re-read the (valid) prefix text[:end] to learn the innermost container and the last token."""
    context = _Context([], "", 0, "")
    for match in _SCAN.finditer(text, 0, end):
        token, offset = match.group(), match.start()
        context.last_offset = offset
        if token in ("{", "["):
            context.open.append(offset)
            context.last = token
        elif token in ("}", "]"):
            context.open.pop()
            context.last = "value"
        elif token in (",", ":"):
            context.last = token
        elif token.startswith('"') and context.open and text[context.open[-1]] == "{" and context.last in ("{", ","):
            context.last, context.key = "key", _clip(token)
        else:
            context.last = "value"
    return context


def _structural_problem(text: str, offset: int, eof: bool, context: _Context, origin: Origin | None) -> tuple[str, int]:
    """A well-formed token (or the end of input) where the grammar does not allow it."""
    if eof:
        offset = len(text.rstrip(" \t\r\n"))
        if not context.open:
            return "unexpected end of input; expected a JSON value", offset
        return f"unexpected end of input: {_opened(text, context.open[-1], origin)} is not closed", offset
    found = _found(text, offset)
    if not context.open:  # nothing came before (trailing content after a value is reported earlier)
        return f"unexpected {found}; expected a JSON value", offset
    opener = text[context.open[-1]]
    closer = "}" if opener == "{" else "]"
    char = text[offset]
    if char in "}]" and char != closer:
        return f"unexpected '{char}': {_opened(text, context.open[-1], origin)} must be closed with '{closer}'", offset
    if context.last == "," and char == closer:
        return f"trailing comma before '{closer}' is not allowed", context.last_offset
    return f"unexpected {found}; {_expectation(opener, context)}", offset


def _expectation(opener: str, context: _Context) -> str:
    if opener == "{":
        expected = {
            "{": "expected a key in double quotes or '}'",
            ",": "expected a key in double quotes after ','",
            "key": f"expected ':' after the key {context.key}",
            ":": f"expected the value of the key {context.key}",
            "value": "expected ',' or '}' after a member (is a comma missing?)",
        }
    else:
        expected = {
            "[": "expected a value or ']'",
            ",": "expected a value after ','",
            "value": "expected ',' or ']' after a list item (is a comma missing?)",
        }
    return expected.get(context.last, "this token is not allowed here")


def _found(text: str, offset: int) -> str:
    char = text[offset]
    if char in "{}[]:,":
        return f"'{char}'"
    if char == '"':
        match = _STRING.match(text, offset)
        return f"string {_clip(match.group() if match else char)}"
    end = offset
    while end < len(text) and text[end] in _WORD_CHARS:
        end += 1
    return repr(text[offset:end]) if end > offset else f"character {_char_name(char)}"


def _clip(token: str) -> str:
    """A JSON string token shown in a syntax error (other echoed values are shortened by `InputError`)."""
    return token if len(token) <= 40 else token[:37] + "..."


def _char_name(char: str) -> str:
    return _NAMED_CHARS.get(char) or (repr(char) if char.isprintable() else f"U+{ord(char):04X}")


def _opened(text: str, offset: int, origin: Origin | None) -> str:
    kind = "the object" if text[offset] == "{" else "the list"
    line, column = _position(text, origin, offset)
    return f"{kind} opened at line {line}, column {column}"
