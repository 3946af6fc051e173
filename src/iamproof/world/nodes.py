"""Small helpers to read and build positioned JSON nodes in the template and plan loaders."""

from __future__ import annotations

from iamproof.parsing.json_tree import JArray, JBool, JMember, JNumber, JObject, JString, JValue
from iamproof.span import Span


def member(node: JValue | None, key: str) -> JValue | None:
    """The value of `key` in an object node (None if absent or not an object)."""
    if not isinstance(node, JObject):
        return None
    found = node.get(key)
    return None if found is None else found.value


def text(node: JValue | None) -> str | None:
    """A scalar node as text (strings, numbers, booleans), else None."""
    if isinstance(node, JString):
        return node.value
    if isinstance(node, JNumber):
        return node.text
    if isinstance(node, JBool):
        return "true" if node.value else "false"
    return None


def texts(node: JValue | None) -> list[tuple[str, Span]]:
    """A scalar or a list of scalars as (text, span) pairs; other items are skipped by the caller's choice."""
    if node is None:
        return []
    items = node.items if isinstance(node, JArray) else (node,)
    found: list[tuple[str, Span]] = []
    for item in items:
        value = text(item)
        if value is not None:
            found.append((value, item.span))
    return found


def items(node: JValue | None) -> tuple[JValue, ...]:
    if isinstance(node, JArray):
        return node.items
    return () if node is None else (node,)


def string(value: str, span: Span) -> JString:
    return JString(value, span)


def obj(pairs: list[tuple[str, JValue]], span: Span) -> JObject:
    """An object node whose keys all point at `span` (for documents built from other fields)."""
    return JObject(tuple(JMember(key, span, value) for key, value in pairs), span)


def array(values: list[JValue], span: Span) -> JArray:
    return JArray(tuple(values), span)
