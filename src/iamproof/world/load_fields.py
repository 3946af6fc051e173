"""Strict readers for the members of AWS CLI outputs: a missing or mistyped field is an InputError at its span.

The world loaders read documents AWS wrote; a field of the wrong type means the file is not what it
looks like, and guessing would drop something silently, so every accessor here fails loudly instead.
"""

from __future__ import annotations

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.parsing.documents import _embedded as decode_embedded
from iamproof.parsing.json_tree import JArray, JNull, JObject, JString, JValue, describe
from iamproof.world.policy_nodes import policy_from_node


def expect_object(node: JValue, what: str) -> JObject:
    if not isinstance(node, JObject):
        raise InputError(f"{what} must be an object, not {describe(node)}", node.span)
    return node


def expect_string(node: JValue, what: str) -> JString:
    if not isinstance(node, JString):
        raise InputError(f"{what} must be a string, not {describe(node)}", node.span)
    return node


def optional(obj: JObject, key: str) -> JValue | None:
    """The value of `key`; a missing member and `null` both read as None."""
    found = obj.get(key)
    return None if found is None or isinstance(found.value, JNull) else found.value


def required(obj: JObject, key: str, what: str) -> JValue:
    value = optional(obj, key)
    if value is None:
        raise InputError(f"{what} has no {key!r}", obj.span)
    return value


def required_string(obj: JObject, key: str, what: str) -> JString:
    return expect_string(required(obj, key, what), f"{key!r} of {what}")


def optional_string(obj: JObject, key: str, what: str) -> JString | None:
    value = optional(obj, key)
    return None if value is None else expect_string(value, f"{key!r} of {what}")


def list_items(obj: JObject, key: str, what: str) -> tuple[JValue, ...]:
    """The items of the list `key` (none when the member is missing)."""
    value = optional(obj, key)
    if value is None:
        return ()
    if not isinstance(value, JArray):
        raise InputError(f"{key!r} of {what} must be a list, not {describe(value)}", value.span)
    return value.items


def object_items(obj: JObject, key: str, what: str) -> tuple[JObject, ...]:
    """The items of the list `key`, each of which must be an object."""
    return tuple(expect_object(item, f"an item of {key!r} in {what}") for item in list_items(obj, key, what))


def document_policy(node: JValue, key: str, what: str) -> Policy:
    """A policy document given as an object, as JSON text, or as URL-encoded JSON text (the raw IAM API)."""
    return policy_from_node(decode_embedded(node, key), what)
