"""Readable witnesses: the solver's request with plainer values wherever the concrete evaluator agrees.

The solver's first model is a correct witness but may read badly (an account `000000000000`, a user
named `+`, context keys that play no part). Each step below changes one field towards a plain value
(a user alice in 111122223333, the resource in the caller's account, fewer context keys) and is kept
only if the concrete evaluator still confirms the request, so a polished witness is as correct as the
solver's and needs no further solver calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from iamproof import catalogue
from iamproof.errors import InputError

Document = dict[str, Any]
EXAMPLE_ACCOUNT = "111122223333"
EXAMPLE_USER = "alice"
EXAMPLE_SESSION = "session1"

_USER = re.compile(r"^arn:([^:]*):iam::(\d{12}):user/(.*/)?([^/]+)$")
_ROOT = re.compile(r"^arn:([^:]*):iam::(\d{12}):root$")
_SESSION = re.compile(r"^arn:([^:]*):sts::(\d{12}):assumed-role/([^/]+)/([^/]+)$")
_FEDERATED = re.compile(r"^arn:([^:]*):sts::(\d{12}):federated-user/([^/]+)$")


@dataclass(frozen=True)
class _Iam:
    """An IAM principal of the witness, field by field."""

    kind: str  # "user", "session", "federated", "root"
    partition: str
    account: str
    path: str = ""
    name: str = ""
    session: str = ""

    def arn(self) -> str:
        head = f"arn:{self.partition}"
        if self.kind == "user":
            return f"{head}:iam::{self.account}:user/{self.path}{self.name}"
        if self.kind == "session":
            return f"{head}:sts::{self.account}:assumed-role/{self.name}/{self.session}"
        if self.kind == "federated":
            return f"{head}:sts::{self.account}:federated-user/{self.name}"
        return f"{head}:iam::{self.account}:root"


def _parse_iam(principal: object) -> _Iam | None:
    if not isinstance(principal, str):
        return None
    if m := _USER.match(principal):
        return _Iam("user", m.group(1), m.group(2), m.group(3) or "", m.group(4))
    if m := _SESSION.match(principal):
        return _Iam("session", m.group(1), m.group(2), name=m.group(3), session=m.group(4))
    if m := _FEDERATED.match(principal):
        return _Iam("federated", m.group(1), m.group(2), name=m.group(3))
    if m := _ROOT.match(principal):
        return _Iam("root", m.group(1), m.group(2))
    return None


def polish(document: Document, confirm: Callable[[Document], bool], like: Document | None = None) -> Document:
    """The plainest variant of `document` (already confirmed) that `confirm` accepts.

    The plainest request of all is tried first (most witnesses are that plain); then, given `like` (an
    earlier polished witness of the same query), the caller and context of `like` with this witness's
    action and resource, made plain (a diff's witnesses mostly differ in those two only: one or two
    evaluations instead of a dozen); otherwise the steps one at a time, each kept if confirmed.
    """
    steps: list[Step] = [_as_user, _as_session, _both_in_example_account]
    steps += [_set_field(name, value) for name, value in _FIELDS]
    steps += [*_RESOURCE_STEPS, _without_context]
    plainest = document
    for step in steps:
        plainest = step(plainest) or plainest
    if plainest == document:
        return document
    if confirm(plainest):
        return plainest
    if like is not None:
        alike = _like(document, like)
        if alike != document and confirm(alike):
            for step in _RESOURCE_STEPS:
                changed = step(alike)
                if changed is not None and changed != alike and confirm(changed):
                    alike = changed
            return alike
    best = document
    for step in steps[:-1]:
        candidate = step(best)
        if candidate is not None and candidate != best and confirm(candidate):
            best = candidate
    context = best.get("context")
    keys = sorted(context) if isinstance(context, dict) else []
    if len(keys) > 1 and confirm(_without_context(best) or best):
        return _without_context(best) or best
    for key in keys:
        candidate = _without_key(best, key)
        if confirm(candidate):
            best = candidate
    return best


_OWN = ("action", "resource", "resource_account")  # what `_like` keeps of the witness itself


def _like(document: Document, like: Document) -> Document:
    """`document`'s action and resource with everything else (caller, context) from `like`."""
    candidate = {key: value for key, value in like.items() if key not in _OWN}
    candidate.update({key: document[key] for key in _OWN if key in document})
    return candidate


def _without_context(document: Document) -> Document | None:
    if "context" not in document:
        return None
    return {k: v for k, v in document.items() if k != "context"}


Step = Callable[[Document], Document | None]
_FIELDS = (
    ("partition", "aws"),
    ("account", EXAMPLE_ACCOUNT),
    ("name", EXAMPLE_USER),
    ("path", ""),
    ("session", EXAMPLE_SESSION),
)
_NAMED = {"name": ("user", "session", "federated"), "path": ("user",), "session": ("session",)}


def _with_principal(document: Document, principal: _Iam) -> Document:
    return {**document, "principal": principal.arn()}


def _as_user(document: Document) -> Document | None:
    """Most real requests come from a user; nothing else changes."""
    current = _parse_iam(document.get("principal"))
    if current is not None and current.kind == "user":
        return None
    base = current or _Iam("root", "aws", EXAMPLE_ACCOUNT)
    return _with_principal(document, _Iam("user", base.partition, base.account, "", base.name or EXAMPLE_USER))


def _as_session(document: Document) -> Document | None:
    """Else a role session."""
    current = _parse_iam(document.get("principal"))
    if current is not None and current.kind in ("user", "session"):
        return None
    base = current or _Iam("root", "aws", EXAMPLE_ACCOUNT)
    name = base.name or EXAMPLE_USER
    return _with_principal(document, _Iam("session", base.partition, base.account, "", name, EXAMPLE_SESSION))


def _both_in_example_account(document: Document) -> Document | None:
    """The caller and, if it was in the caller's account, the resource, in the example account."""
    current = _parse_iam(document.get("principal"))
    if current is None or current.account == EXAMPLE_ACCOUNT:
        return None
    moved = _with_principal(document, replace(current, account=EXAMPLE_ACCOUNT))
    if document.get("resource_account") != current.account:
        return moved
    return _move_resource(moved, current.account, EXAMPLE_ACCOUNT)


def _move_resource(document: Document, old: str, new: str) -> Document:
    resource = str(document.get("resource", ""))
    parts = resource.split(":", 5)
    if len(parts) == 6 and parts[4] == old:
        parts[4] = new
        resource = ":".join(parts)
    return {**document, "resource_account": new, "resource": resource}


def _set_field(name: str, value: str) -> Step:
    def step(document: Document) -> Document | None:
        current = _parse_iam(document.get("principal"))
        if current is None or current.kind not in _NAMED.get(name, (current.kind,)):
            return None
        return _with_principal(document, replace(current, **{name: value}))

    return step


def _resource_in_own_account(document: Document) -> Document | None:
    """The resource in the caller's own account (the ARN's account component follows along)."""
    current = _parse_iam(document.get("principal"))
    old = document.get("resource_account")
    if current is None or not isinstance(old, str) or old == current.account:
        return None
    return _move_resource(document, old, current.account)


_FILLERS = "xyzwvqkj0123456789"


def _plain_resource(document: Document) -> Document | None:
    """A resource that is no ARN (the solver's choice for "any resource") written as "*"."""
    resource = document.get("resource")
    if not isinstance(resource, str) or resource == "*" or resource.startswith("arn:"):
        return None
    return {**document, "resource": "*"}


def _star_for_untyped_action(document: Document) -> Document | None:
    """`*` as the resource of an action without resource types (AWS authorizes it on `*`, §2.2 rule 6)."""
    resource, action = document.get("resource"), document.get("action")
    if resource == "*" or not isinstance(action, str) or catalogue.canonical_action(action) is None:
        return None
    return None if catalogue.action_arn_templates(action) else {**document, "resource": "*"}


def _plain_characters(document: Document) -> Document | None:
    """Characters outside printable ASCII in the resource and context values (the solver picks any),
    each replaced by a distinct plain letter that the request does not use yet."""
    text = "".join(_strings(document))
    exotic = sorted({c for c in text if not " " <= c <= "~"})
    fillers = [c for c in _FILLERS if c not in text]
    if not exotic or len(fillers) < len(exotic):
        return None
    table = str.maketrans(dict(zip(exotic, fillers, strict=False)))

    def plain(value: Any) -> Any:
        if isinstance(value, str):
            return value.translate(table)
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    candidate = {**document, "resource": plain(document.get("resource"))}
    context = document.get("context")
    if isinstance(context, dict):
        candidate["context"] = {key: plain(value) for key, value in context.items()}
    return candidate


_RESOURCE_STEPS: tuple[Step, ...] = (
    _resource_in_own_account,
    _plain_resource,
    _star_for_untyped_action,
    _plain_characters,
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _without_key(document: Document, key: str) -> Document:
    context = {k: v for k, v in document["context"].items() if k != key}
    candidate = {k: v for k, v in document.items() if k != "context"}
    if context:
        candidate["context"] = context
    return candidate


def confirming(confirm: Callable[[Any], bool], build: Callable[[Document], Any]) -> Callable[[Document], bool]:
    """`confirm` over documents: a variant the request builder rejects is simply not accepted."""

    def check(document: Document) -> bool:
        try:
            return confirm(build(document))
        except InputError:
            return False

    return check
