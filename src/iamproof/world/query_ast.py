"""The questions `iamproof query` answers, as `grammar/query.lark` parses them."""

from __future__ import annotations

from dataclasses import dataclass

from iamproof.span import Span


@dataclass(frozen=True)
class Where:
    """`where "KEY" = "VALUE"`: the request carries this context value."""

    key: str
    value: str
    span: Span


@dataclass(frozen=True)
class CanQuery:
    """`can "PRINCIPAL" do "ACTION" on "RESOURCE" [where ...]`; `can anyone|any caller do ...` leaves
    the principal open (principal is None)."""

    principal: str | None
    action: str
    resource: str
    where: tuple[Where, ...]
    span: Span


@dataclass(frozen=True)
class WhoCanQuery:
    """`who can do "ACTION" on "RESOURCE" [where ...]`."""

    action: str
    resource: str
    where: tuple[Where, ...]
    span: Span


@dataclass(frozen=True)
class BypassQuery:
    """`can anyone invoke "FUNCTION-ARN" without "API-ID"`."""

    function: str
    api_id: str
    span: Span


@dataclass(frozen=True)
class OnlyThroughQuery:
    """`only-through "API-ID" "FUNCTION-ARN"`: no caller reaches the function except via the API."""

    api_id: str
    function: str
    span: Span


@dataclass(frozen=True)
class CompareQuery:
    """`compare callers and role of "API-ID" [method "VERB /path"]`: caller-based vs role-based access."""

    api_id: str
    method: str | None  # "GET /orders", or None for every method
    span: Span


Query = CanQuery | WhoCanQuery | BypassQuery | OnlyThroughQuery | CompareQuery
