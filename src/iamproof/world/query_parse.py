"""Parse the query language (`grammar/query.lark`) into the questions of `query_ast`, and print them back.

Syntax errors become InputError at the line and column of the offending token (or of the end of the
query), worded after what the parser was waiting for: `expected 'do' after the principal, found 'on'`.
What each string must hold is checked here too: a non-empty string everywhere, `service:action` for
an action, a Lambda function ARN after `invoke` and `only-through`, a bare API id (not its ARN), and
`VERB /path` for a method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, VisitError
from lark.tree import Meta

from iamproof.errors import InputError
from iamproof.parsing.grammar_files import grammar_text
from iamproof.span import Span
from iamproof.world.query_ast import (
    BypassQuery,
    CanQuery,
    CompareQuery,
    OnlyThroughQuery,
    Query,
    Where,
    WhoCanQuery,
)

HTTP_VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")

_ACTION = re.compile(r"[A-Za-z0-9*?_-]+:[A-Za-z0-9*?_-]+")
_FUNCTION_ARN = re.compile(
    r"arn:[a-z][a-z0-9-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9$_-]+)?"
)
_API_ID = re.compile(r"[A-Za-z0-9]+")
_METHOD = re.compile(r"([A-Za-z]+) (/\S*)")
_ESCAPE = re.compile(r"\\(.)")

# What the parser waits for, in words, keyed by the last one or two symbols on its stack (keywords by
# their terminal names in grammar/query.lark, reduced rules by their names).
_EXPECTED: dict[tuple[str, ...], str] = {
    (): "a query ('can', 'who can', 'only-through' or 'compare')",
    ("_CAN",): "the principal after 'can' (a quoted ARN, 'anyone' or 'any caller')",
    ("_WHO",): "'can' after 'who'",
    ("_WHO", "_CAN"): "'do' after 'who can'",
    ("_ANY",): "'caller' after 'any'",
    ("_CAN", "STRING"): "'do' after the principal",
    ("_CAN", "_ANYONE"): "'do' or 'invoke' after 'anyone'",
    ("_CALLER",): "'do' after 'any caller'",
    ("_DO",): "the action in quotes after 'do'",
    ("_DO", "STRING"): "'on' after the action",
    ("_ON",): "the resource in quotes after 'on'",
    ("_ON", "STRING"): "'where' or the end of the query after the resource",
    ("_INVOKE",): "the function ARN in quotes after 'invoke'",
    ("_INVOKE", "STRING"): "'without' after the function ARN",
    ("_WITHOUT",): "the API id in quotes after 'without'",
    ("_WITHOUT", "STRING"): "the end of the query after the API id",
    ("_ONLY_THROUGH",): "the API id in quotes after 'only-through'",
    ("_ONLY_THROUGH", "STRING"): "the function ARN in quotes after the API id",
    ("STRING", "STRING"): "the end of the query after the function ARN",
    ("_COMPARE",): "'callers' after 'compare'",
    ("_CALLERS",): "'and' after 'compare callers'",
    ("_CALLERS", "_AND"): "'role' after 'compare callers and'",
    ("_ROLE",): "'of' after 'role'",
    ("_OF",): "the API id in quotes after 'of'",
    ("_OF", "STRING"): "'method' or the end of the query after the API id",
    ("_METHOD",): "the method in quotes after 'method' (like \"GET /orders\")",
    ("_METHOD", "STRING"): "the end of the query after the method",
    ("_WHERE",): "a context key in quotes after 'where'",
    ("_AND",): "a context key in quotes after 'and'",
    ("_WHERE", "STRING"): "'=' after the context key",
    ("_AND", "STRING"): "'=' after the context key",
    ("_EQ",): "the value in quotes after '='",
    ("_EQ", "STRING"): "'and' or the end of the query after the condition",
}


def parse_query(text: str, source: str = "<query>") -> Query:
    """Parse one query, or raise InputError pointing at `source:line:column`."""
    interactive = _parser().parse_interactive(text)
    try:
        for _token in interactive.iter_parse():
            pass
        tree: Tree[Token] = interactive.feed_eof()  # type: ignore[no-untyped-call]  # lark leaves it untyped
    except UnexpectedInput as exc:
        stack = [_symbol(value) for value in interactive.parser_state.value_stack]
        raise _syntax_error(exc, stack, text, source) from None
    try:
        query: Query = _Builder(source).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, InputError):
            raise exc.orig_exc from None
        raise
    return query


def format_query(query: Query) -> str:
    """The query in the query language, on one line; `parse_query` reads it back to an equal query."""
    match query:
        case CanQuery(principal, action, resource, where, _):
            who = "anyone" if principal is None else _quote(principal)
            return f"can {who} do {_quote(action)} on {_quote(resource)}{_format_where(where)}"
        case WhoCanQuery(action, resource, where, _):
            return f"who can do {_quote(action)} on {_quote(resource)}{_format_where(where)}"
        case BypassQuery(function, api_id, _):
            return f"can anyone invoke {_quote(function)} without {_quote(api_id)}"
        case OnlyThroughQuery(api_id, function, _):
            return f"only-through {_quote(api_id)} {_quote(function)}"
        case CompareQuery(api_id, method, _):
            suffix = "" if method is None else f" method {_quote(method)}"
            return f"compare callers and role of {_quote(api_id)}{suffix}"
    raise TypeError(f"not a query: {query!r}")


def _format_where(where: tuple[Where, ...]) -> str:
    if not where:
        return ""
    return " where " + " and ".join(f"{_quote(w.key)} = {_quote(w.value)}" for w in where)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@cache
def _parser() -> Lark:
    return Lark(
        grammar_text("query.lark"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
    )


# --- syntax errors ---------------------------------------------------------------------------------


def _symbol(value: Any) -> str:
    if isinstance(value, Token):
        return value.type
    if isinstance(value, Tree):
        return str(value.data)
    return type(value).__name__


def _syntax_error(exc: UnexpectedInput, stack: list[str], text: str, source: str) -> InputError:
    token = getattr(exc, "token", None)
    if isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream or 0
    elif isinstance(token, Token) and token.type != "$END":
        offset = token.start_pos or 0
    else:
        offset = len(text.rstrip())
    line, column = _position(text, offset)
    rest = text[offset:]
    if rest.startswith('"'):
        if isinstance(exc, UnexpectedCharacters):
            return InputError("unterminated string (no closing '\"' on its line)", _point(source, line, column))
        found = rest[: _string_length(rest)]
    elif rest.startswith("'"):
        return InputError("strings are written in double quotes, not single quotes", _point(source, line, column))
    else:
        word = re.match(r"[^\s\"']+", rest)
        found = word.group(0) if word else ""
    expected = _EXPECTED.get(tuple(stack[-2:])) or _EXPECTED.get(tuple(stack[-1:]), "the query to go on")
    if not found:
        found_words = "the end of the query"
    elif found.startswith('"'):
        found_words = _shorten(found)
    else:
        found_words = f"'{_shorten(found)}'"
    span = Span(source, line, column, line, column + len(found))  # neither a word nor a string spans lines
    return InputError(f"expected {expected}, found {found_words}", span)


def _string_length(rest: str) -> int:
    """The length of the string literal `rest` starts with (the grammar's STRING terminal)."""
    match = re.match(r'"(?:[^"\\\r\n]|\\[^\r\n])*"', rest)
    return match.end() if match else 1


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _point(source: str, line: int, column: int) -> Span:
    return Span(source, line, column, line, column + 1)


# --- building the questions ------------------------------------------------------------------------


@dataclass(frozen=True)
class _String:
    """A decoded string literal and the span of its quotes."""

    value: str
    span: Span


class _Builder(Transformer[Token, Query]):
    """Turns the parse tree into a query, checking what each string holds; method names are rule names."""

    def __init__(self, source: str) -> None:
        super().__init__(visit_tokens=True)
        self.source = source

    def STRING(self, token: Token) -> _String:
        line, column = token.line or 1, token.column or 1
        span = Span(self.source, line, column, token.end_line or line, token.end_column or column)
        raw = str(token)[1:-1]
        for escape in _ESCAPE.finditer(raw):
            if escape.group(1) not in '"\\':
                at = column + 1 + escape.start()
                raise InputError(
                    f"unknown escape '\\{escape.group(1)}' in a string (only \\\" and \\\\ are escapes)",
                    Span(self.source, line, at, line, at + 2),
                )
        return _String(_ESCAPE.sub(r"\1", raw), span)

    def _span(self, meta: Meta) -> Span:
        return Span(self.source, meta.line, meta.column, meta.end_line, meta.end_column)

    @v_args(meta=True)
    def can_query(self, meta: Meta, children: list[Any]) -> CanQuery:
        principal, action, resource, *rest = children
        return CanQuery(
            principal=principal,
            action=_action(action),
            resource=_nonempty(resource, "resource"),
            where=rest[0] if rest else (),
            span=self._span(meta),
        )

    @v_args(meta=True)
    def who_can_query(self, meta: Meta, children: list[Any]) -> WhoCanQuery:
        action, resource, *rest = children
        return WhoCanQuery(
            action=_action(action),
            resource=_nonempty(resource, "resource"),
            where=rest[0] if rest else (),
            span=self._span(meta),
        )

    @v_args(meta=True)
    def bypass_query(self, meta: Meta, children: list[Any]) -> BypassQuery:
        function, api_id = children
        return BypassQuery(_function_arn(function), _api_id(api_id), self._span(meta))

    @v_args(meta=True)
    def only_through_query(self, meta: Meta, children: list[Any]) -> OnlyThroughQuery:
        api_id, function = children
        return OnlyThroughQuery(_api_id(api_id), _function_arn(function), self._span(meta))

    @v_args(meta=True)
    def compare_query(self, meta: Meta, children: list[Any]) -> CompareQuery:
        api_id, *rest = children
        method = _method(rest[0]) if rest else None
        return CompareQuery(_api_id(api_id), method, self._span(meta))

    @v_args(meta=True)
    def named_principal(self, meta: Meta, children: list[Any]) -> str:
        return _nonempty(children[0], "principal")

    @v_args(meta=True)
    def any_principal(self, meta: Meta, children: list[Any]) -> None:
        return None

    @v_args(meta=True)
    def where(self, meta: Meta, children: list[Any]) -> tuple[Where, ...]:
        return tuple(children)

    @v_args(meta=True)
    def condition(self, meta: Meta, children: list[Any]) -> Where:
        key, value = children
        return Where(_nonempty(key, "context key"), _nonempty(value, "context value"), self._span(meta))


def _nonempty(string: _String, role: str) -> str:
    if not string.value:
        raise InputError(f"the {role} is empty", string.span)
    return string.value


def _action(string: _String) -> str:
    value = _nonempty(string, "action")
    if not _ACTION.fullmatch(value):
        raise InputError(
            f'the action must look like service:action (like "s3:GetObject" or "s3:*"), not {_quote(value)}',
            string.span,
        )
    return value


def _function_arn(string: _String) -> str:
    value = _nonempty(string, "function ARN")
    if not _FUNCTION_ARN.fullmatch(value):
        raise InputError(
            f"{_quote(value)} is not a Lambda function ARN "
            "(arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])",
            string.span,
        )
    return value


def _api_id(string: _String) -> str:
    value = _nonempty(string, "API id")
    if _API_ID.fullmatch(value):
        return value
    if "/" in value or ":" in value:
        hint = 'give the API id, not its ARN or URL (like "a1b2c3d4e5")'
    else:
        hint = 'an API id has only letters and digits (like "a1b2c3d4e5")'
    raise InputError(f"{_quote(value)} is not an API id: {hint}", string.span)


def _method(string: _String) -> str:
    value = _nonempty(string, "method")
    shape = _METHOD.fullmatch(value)
    if shape is None:
        raise InputError(
            f"the method must look like \"GET /orders\" (a verb, one space and a path starting with '/'), "
            f"not {_quote(value)}",
            string.span,
        )
    verb = shape.group(1).upper()
    if verb not in HTTP_VERBS:
        raise InputError(
            f"unknown HTTP method {shape.group(1)!r} (expected {', '.join(HTTP_VERBS[:-1])} or {HTTP_VERBS[-1]})",
            string.span,
        )
    return f"{verb} {shape.group(2)}"
