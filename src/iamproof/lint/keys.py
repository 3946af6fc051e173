"""Condition keys as the lint checks see them: the global table for `aws:` keys, the catalogue for the rest."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum

from iamproof import catalogue
from iamproof.catalogue import KeyBase, KeyType
from iamproof.lint.global_keys import GLOBAL_KEYS, global_key


class KeyStatus(Enum):
    KNOWN = "known"
    BAD_FORMAT = "bad format"
    UNKNOWN_GLOBAL = "unknown global key"
    UNKNOWN_SERVICE_KEY = "unknown service key"
    OPEN = "identity-provider key"
    """Keys of web-identity and SAML providers (`accounts.google.com:aud`): an open set; not checked."""


@dataclass(frozen=True)
class KeyInfo:
    status: KeyStatus
    type: KeyType | None = None
    alternative: KeyBase | None = None
    message: str = ""

    @property
    def bases(self) -> tuple[KeyBase, ...]:
        """The base types the key's values can be compared as."""
        if self.type is None:
            return ()
        return (self.type.base,) if self.alternative is None else (self.type.base, self.alternative)


def lookup_key(key: str) -> KeyInfo:
    """What is known about a condition key as written in a policy."""
    prefix, sep, name = key.partition(":")
    if not sep or not prefix or not name:
        return KeyInfo(KeyStatus.BAD_FORMAT, message=f"condition key {key!r} is not of the form prefix:name")
    if prefix.lower() == "aws":
        return _global(key)
    entry = catalogue.condition_key(key)
    if entry is not None:
        return KeyInfo(KeyStatus.KNOWN, entry.type)
    if "." in prefix or "/" in prefix:
        return KeyInfo(KeyStatus.OPEN)
    return KeyInfo(KeyStatus.UNKNOWN_SERVICE_KEY, message=_unknown_service_key(key, prefix))


def _global(key: str) -> KeyInfo:
    entry = global_key(key)
    if entry is not None:
        return KeyInfo(KeyStatus.KNOWN, entry.type, entry.alternative)
    names = {known.name.lower(): known.name for known in GLOBAL_KEYS if "${" not in known.name}
    close = difflib.get_close_matches(key.lower(), list(names), n=1, cutoff=0.8)
    hint = f"; did you mean {names[close[0]]!r}?" if close else ""
    return KeyInfo(KeyStatus.UNKNOWN_GLOBAL, message=f"{key!r} is not a known global condition key{hint}")


def _unknown_service_key(key: str, prefix: str) -> str:
    if not catalogue.condition_key_prefix_exists(prefix):
        if catalogue.service_exists(prefix):
            return f"service {prefix.lower()!r} has no condition keys in the catalogue, so {key!r} is unknown"
        return f"no service has condition keys with the prefix {prefix!r} ({key!r})"
    known = {name.lower(): name for name in catalogue.condition_keys_of(prefix)}
    close = difflib.get_close_matches(key.lower(), list(known), n=1, cutoff=0.8)
    hint = f"; did you mean {known[close[0]]!r}?" if close else ""
    return f"the catalogue of {prefix.lower()!r} has no condition key {key!r}{hint}"
