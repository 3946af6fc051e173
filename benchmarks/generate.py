"""A reproducible corpus of (policy, edited policy) pairs, bucketed by size, plus pathological shapes.

Every policy is a plain JSON document (a dict). Each pair records which edit made the second policy and
whether the edit can only shrink or only grow what the policy allows, so that every answer of the engine
can be checked against that expectation.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.catalogue import RESOURCE_POLICY_SERVICES, Service, load_catalogue

Json = dict[str, Any]
SIZES = (10, 50, 100, 200, 300, 500)
PATHOLOGICAL_SIZES = (20, 100)
STYLES = ("infix", "qmark", "literals", "overlap")
EDITS = ("remove", "add", "widen_action", "drop_condition", "widen_resource")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
ACCOUNTS = ("111122223333", "444455556666", "777788889999")
NAMES = ("orders", "payments", "logs", "analytics", "web", "prod", "dev", "data", "backup", "reports", "images")
TAGS = ("team", "env", "project", "cost-center")
TAG_VALUES = ("payments", "orders", "prod", "dev", "blue")
SERVICE_PRINCIPALS = ("lambda.amazonaws.com", "apigateway.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com")


@dataclass(frozen=True)
class Edit:
    kind: str  # one of EDITS
    detail: str
    expect: str  # "subset": NEW allows no more than OLD; "superset": NEW allows at least what OLD allows


@dataclass(frozen=True)
class Pair:
    id: str
    bucket: str
    size: int  # statements in OLD
    kind: str  # "identity" or "resource"
    old: Json
    new: Json
    edit: Edit


class StatementMaker:
    """Random statements in one style: "realistic" or one of the pathological STYLES."""

    def __init__(self, rng: random.Random, style: str, resource_service: str | None) -> None:
        self.rng = rng
        self.style = style
        self.catalogue = load_catalogue()
        self.services = sorted(self.catalogue)
        self.resource_service = resource_service  # set for a resource-based policy

    # --- statements ----------------------------------------------------------------------------------

    def statement(self, sid: str) -> Json:
        rng = self.rng
        if self.style != "realistic":
            return self._pathological(sid)
        effect = "Deny" if rng.random() < 0.18 else "Allow"
        service = self._service()
        statement: Json = {"Sid": sid, "Effect": effect}
        if self.resource_service is not None:
            statement["Principal"] = self._principal()
        if effect == "Deny" and rng.random() < 0.4:
            statement.update(self._carve_out(service))
            return statement
        statement["NotAction" if rng.random() < 0.07 else "Action"] = self._actions(service)
        statement["NotResource" if rng.random() < 0.06 else "Resource"] = self._resources(service)
        if rng.random() < 0.35 or (self.resource_service is not None and statement.get("Principal") == "*"):
            statement["Condition"] = self._conditions(rng.choice((1, 1, 1, 2, 2, 3)))
        return statement

    def _service(self) -> Service:
        if self.resource_service is not None:
            return self.catalogue[self.resource_service]
        return self.catalogue[self.rng.choice(self.services)]

    def _principal(self) -> Any:
        rng = self.rng
        choice = rng.random()
        if choice < 0.45:
            accounts = rng.sample(ACCOUNTS, rng.choice((1, 1, 2)))
            values = [
                rng.choice((a, f"arn:aws:iam::{a}:root", f"arn:aws:iam::{a}:role/{rng.choice(NAMES)}"))
                for a in accounts
            ]
            return {"AWS": values[0] if len(values) == 1 else values}
        if choice < 0.75:
            return {"Service": rng.choice(SERVICE_PRINCIPALS)}
        return "*"

    def _carve_out(self, service: Service) -> Json:
        """A Deny that cuts an exception out of broad grants."""
        rng = self.rng
        shape = rng.randrange(4)
        if shape == 0:
            return {
                "Action": f"{service.prefix}:*",
                "Resource": self._resources(service),
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        if shape == 1:
            return {
                "NotAction": sorted({f"{s}:*" for s in rng.sample(self.services, 3)}),
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": sorted(rng.sample(REGIONS, 2))}},
            }
        if shape == 2:
            verb = rng.choice(("Delete", "Put", "Update", "Create"))
            return {
                "Action": [f"{service.prefix}:{verb}*"],
                "Resource": self._resources(service),
                "Condition": {"StringNotEquals": {f"aws:PrincipalTag/{rng.choice(TAGS)}": "admin"}},
            }
        return {"Action": self._actions(service), "Resource": self._resources(service)}

    # --- actions -------------------------------------------------------------------------------------

    def _actions(self, service: Service) -> Any:
        rng = self.rng
        count = rng.choice((1, 1, 2, 2, 3, 4, 5, 8))
        items: set[str] = set()
        for _ in range(count):
            roll = rng.random()
            if roll < 0.70:
                items.add(f"{service.prefix}:{rng.choice(service.actions)}")
            elif roll < 0.90:
                items.add(f"{service.prefix}:{rng.choice(service.verbs())}*")
            elif roll < 0.95:
                items.add(f"{service.prefix}:*")
            else:
                other = self.catalogue[rng.choice(self.services)]
                items.add(f"{other.prefix}:{rng.choice(other.actions)}")
        ordered = sorted(items)
        return ordered[0] if len(ordered) == 1 and rng.random() < 0.5 else ordered

    # --- resources -----------------------------------------------------------------------------------

    def _resources(self, service: Service) -> Any:
        rng = self.rng
        if rng.random() < 0.10 and self.resource_service is None:
            return "*"
        items = sorted({self.arn(rng.choice(service.arns)) for _ in range(rng.choice((1, 1, 2, 3)))})
        return items[0] if len(items) == 1 and rng.random() < 0.5 else items

    def arn(self, template: str) -> str:
        """Fill an ARN template; the resource part may get `*` and `?` wildcards."""
        rng = self.rng
        parts = template.split(":", 5)
        if len(parts) < 6:
            return template.replace("${Partition}", "aws")
        head = parts[:5]
        head[1] = "aws"
        if head[3] == "${Region}":
            head[3] = "*" if rng.random() < 0.08 else rng.choice(REGIONS)
        if head[4] == "${Account}":
            head[4] = "*" if rng.random() < 0.04 else rng.choice(ACCOUNTS)
        head = [h.replace("${Partition}", "aws").replace("${Region}", "us-east-1") for h in head]
        return ":".join([*head, self._resource_part(parts[5])])

    def _resource_part(self, text: str) -> str:
        pieces = text.split("${")
        out = [pieces[0]]
        for position, piece in enumerate(pieces[1:]):
            name, _, rest = piece.partition("}")
            last = position == len(pieces) - 2
            out.append(self._placeholder(name, last) + rest)
        return "".join(out)

    def _placeholder(self, name: str, last: bool) -> str:
        rng = self.rng
        base = rng.choice(NAMES)
        if "Id" in name or "Token" in name:
            base = "".join(rng.choice("0123456789abcdef") for _ in range(8))
        if not last:
            return "*" if rng.random() < 0.05 else base
        roll = rng.random()
        if roll < 0.45:
            return base
        if roll < 0.70:
            return "*"
        if roll < 0.85:
            return base[:3] + "*"
        if roll < 0.93:
            return base[:-2] + "??"
        return "*" + base[1:4] + "*"

    # --- conditions ----------------------------------------------------------------------------------

    def _conditions(self, count: int) -> Json:
        block: Json = {}
        for _ in range(count):
            operator, key, values = self.rng.choice(CONDITION_MAKERS)(self.rng)
            block.setdefault(operator, {})[key] = values
        return block

    # --- pathological shapes -------------------------------------------------------------------------

    def _pathological(self, sid: str) -> Json:
        rng = self.rng
        service = self._service()
        make: dict[str, Callable[[Service], tuple[Any, Any]]] = {
            "infix": self._infix,
            "qmark": self._qmark,
            "literals": self._literals,
            "overlap": self._overlap,
        }
        actions, resources = make[self.style](service)
        statement: Json = {"Sid": sid, "Effect": "Deny" if rng.random() < 0.3 else "Allow"}
        if self.resource_service is not None:
            statement["Principal"] = self._principal()
        statement["Action"] = actions
        statement["Resource"] = resources
        if rng.random() < 0.2:
            statement["Condition"] = self._conditions(1)
        return statement

    def _fragments(self, service: Service) -> list[str]:
        words = sorted({w for a in service.actions for w in _split_words(a)})
        return words or ["Get"]

    def _infix(self, service: Service) -> tuple[Any, Any]:
        rng = self.rng
        words = self._fragments(service)
        actions = sorted(
            {f"{service.prefix}:*" + "*".join(rng.sample(words, min(len(words), rng.choice((2, 3))))) + "*"}
            | {f"{service.prefix}:{rng.choice(words)}*{rng.choice(words)}*" for _ in range(2)}
        )
        letters = "abcdeor"
        resources = sorted(
            {
                f"arn:aws:s3:::{rng.choice(letters)}*{rng.choice(letters)}*{rng.choice(letters)}*/"
                f"*{rng.choice(letters)}*{rng.choice(letters)}*"
                for _ in range(rng.choice((1, 2, 3)))
            }
        )
        return actions, resources

    def _qmark(self, service: Service) -> tuple[Any, Any]:
        rng = self.rng
        actions: set[str] = set()
        for _ in range(rng.choice((1, 2, 3))):
            name = rng.choice(service.actions)
            keep = rng.randrange(1, max(2, len(name) // 2))
            tail = "".join(rng.choice(("?", c)) for c in name[keep:])
            actions.add(f"{service.prefix}:{name[:keep]}{tail}{'*' if rng.random() < 0.3 else ''}")
        resources = sorted(
            {
                f"arn:aws:s3:::{rng.choice(NAMES)[:2]}{'?' * rng.randrange(1, 6)}/{'?' * rng.randrange(0, 4)}*"
                for _ in range(rng.choice((1, 2)))
            }
        )
        return sorted(actions), resources

    def _literals(self, service: Service) -> tuple[Any, Any]:
        rng = self.rng
        actions: set[str] = set()
        for prefix in rng.sample(self.services, 4):
            other = self.catalogue[prefix]
            actions |= {f"{prefix}:{a}" for a in rng.sample(other.actions, min(len(other.actions), 40))}
        resources = sorted({self.arn(rng.choice(service.arns)).replace("*", "x").replace("?", "y") for _ in range(30)})
        return sorted(actions), resources

    def _overlap(self, service: Service) -> tuple[Any, Any]:
        rng = self.rng
        segments = ("a", "b", "ab", "data", "tmp")
        resources: set[str] = set()
        for _ in range(rng.choice((1, 2, 3))):
            depth = rng.randrange(1, 4)
            path = "/".join(rng.choice((f"{s}*", f"*{s}", f"*{s}*", s, "*")) for s in rng.choices(segments, k=depth))
            resources.add(f"arn:aws:s3:::shared/{path}")
        actions = sorted({f"s3:{rng.choice(('Get', 'Put', 'Delete', 'List'))}*", f"{service.prefix}:*"})
        return actions, sorted(resources)


def _leading_words(name: str, count: int) -> str:
    """A true prefix of `name`: its first `count` capitalised words ("CreateDBCluster", 1 -> "Create")."""
    starts = [i for i, char in enumerate(name) if char.isupper() and i > 0 and not name[i - 1].isupper()]
    return name[: starts[count - 1]] if len(starts) >= count else name


def _split_words(action: str) -> list[str]:
    words: list[str] = []
    for char in action:
        if char.isupper() or not words:
            words.append(char)
        else:
            words[-1] += char
    return [w for w in words if len(w) > 1]


# --- conditions --------------------------------------------------------------------------------------

Condition = tuple[str, str, Any]


def _tag_equals(rng: random.Random) -> Condition:
    key = f"aws:ResourceTag/{rng.choice(TAGS)}"
    return "StringEquals", key, sorted(rng.sample(TAG_VALUES, rng.choice((1, 2))))


def _tag_like(rng: random.Random) -> Condition:
    return "StringLike", f"aws:RequestTag/{rng.choice(TAGS)}", rng.choice(TAG_VALUES)[:3] + "*"


def _principal_tag(rng: random.Random) -> Condition:
    return "StringEquals", f"aws:PrincipalTag/{rng.choice(TAGS)}", rng.choice(TAG_VALUES)


def _source_ip(rng: random.Random) -> Condition:
    operator = rng.choice(("IpAddress", "IpAddress", "NotIpAddress"))
    return operator, "aws:SourceIp", sorted(rng.sample(("203.0.113.0/24", "198.51.100.0/24", "192.0.2.7/32"), 2))


def _secure_transport(rng: random.Random) -> Condition:
    return "Bool", "aws:SecureTransport", "true"


def _mfa_age(rng: random.Random) -> Condition:
    return "NumericLessThan", "aws:MultiFactorAuthAge", str(rng.choice((900, 3600, 86400)))


def _current_time(rng: random.Random) -> Condition:
    if rng.random() < 0.5:
        return "DateLessThan", "aws:CurrentTime", rng.choice(("2026-12-31T23:59:59Z", "2027-06-30T00:00:00Z"))
    return "DateGreaterThan", "aws:CurrentTime", "2024-01-01T00:00:00Z"


def _source_arn(rng: random.Random) -> Condition:
    account = rng.choice(ACCOUNTS)
    return "ArnLike", "aws:SourceArn", f"arn:aws:sns:{rng.choice(REGIONS)}:{account}:{rng.choice(NAMES)}-*"


def _tag_keys(rng: random.Random) -> Condition:
    if rng.random() < 0.6:
        return "ForAnyValue:StringEquals", "aws:TagKeys", sorted(rng.sample(TAGS, 2))
    return "ForAllValues:StringLike", "aws:TagKeys", sorted({rng.choice(TAGS), "env*"})


def _region_if_exists(rng: random.Random) -> Condition:
    return "StringEqualsIfExists", "aws:RequestedRegion", sorted(rng.sample(REGIONS, 2))


def _org_id(rng: random.Random) -> Condition:
    return "StringEquals", "aws:PrincipalOrgID", rng.choice(("o-a1b2c3d4e5", "o-f6g7h8i9j0"))


def _source_account(rng: random.Random) -> Condition:
    return "StringEquals", "aws:SourceAccount", rng.choice(ACCOUNTS)


CONDITION_MAKERS: tuple[Callable[[random.Random], Condition], ...] = (
    _tag_equals,
    _tag_like,
    _principal_tag,
    _source_ip,
    _secure_transport,
    _mfa_age,
    _current_time,
    _source_arn,
    _tag_keys,
    _region_if_exists,
    _org_id,
    _source_account,
)


# --- policies and edits ------------------------------------------------------------------------------


def make_policy(maker: StatementMaker, size: int) -> Json:
    return {"Version": "2012-10-17", "Statement": [maker.statement(f"S{i}") for i in range(size)]}


def edit_policy(maker: StatementMaker, policy: Json, kind: str) -> tuple[Json, Edit] | None:
    """Apply one edit; None when the policy has nothing it applies to."""
    new = copy.deepcopy(policy)
    statements: list[Json] = new["Statement"]
    rng = maker.rng
    if kind == "remove":
        index = rng.randrange(len(statements))
        removed = statements.pop(index)
        return new, Edit(kind, f"statement {index} removed", _expect(removed, grows=False))
    if kind == "add":
        added = maker.statement(f"Added{len(statements)}")
        statements.append(added)
        return new, Edit(kind, f"{added['Effect']} statement added", _expect(added, grows=True))
    if kind == "widen_action":
        return _widen_action(maker, new)
    if kind == "drop_condition":
        candidates = [i for i, s in enumerate(statements) if s.get("Condition")]
        if not candidates:
            return None
        index = rng.choice(candidates)
        block: Json = statements[index]["Condition"]
        operator = rng.choice(sorted(block))
        key = rng.choice(sorted(block[operator]))
        del block[operator][key]
        if not block[operator]:
            del block[operator]
        if not block:
            del statements[index]["Condition"]
        detail = f"statement {index}: condition {operator} {key} dropped"
        return new, Edit(kind, detail, _expect(statements[index], grows=True))
    if kind == "widen_resource":
        return _widen_resource(maker, new)
    raise ValueError(f"unknown edit {kind!r}")


def _expect(statement: Json, *, grows: bool) -> str:
    """How the policy changes when one statement matches more (grows) or fewer requests."""
    allow = statement["Effect"] == "Allow"
    return "superset" if grows == allow else "subset"


def _widen_action(maker: StatementMaker, policy: Json) -> tuple[Json, Edit] | None:
    rng = maker.rng
    candidates: list[tuple[int, str, int]] = []
    for i, statement in enumerate(policy["Statement"]):
        for element in ("Action", "NotAction"):
            items = _as_list(statement.get(element))
            candidates += [(i, element, j) for j, item in enumerate(items) if ":" in item and "*" not in item]
    if not candidates:
        return None
    index, element, position = rng.choice(candidates)
    statement = policy["Statement"][index]
    items = _as_list(statement[element])
    prefix, name = items[position].split(":", 1)
    items[position] = f"{prefix}:{_leading_words(name, rng.choice((1, 1, 2)))}*"
    statement[element] = items
    detail = f"statement {index}: {element} {prefix}:{name} widened to {items[position]}"
    return policy, Edit("widen_action", detail, _expect(statement, grows=element == "Action"))


def _widen_resource(maker: StatementMaker, policy: Json) -> tuple[Json, Edit] | None:
    rng = maker.rng
    candidates: list[tuple[int, str, int]] = []
    for i, statement in enumerate(policy["Statement"]):
        for element in ("Resource", "NotResource"):
            items = _as_list(statement.get(element))
            candidates += [(i, element, j) for j, item in enumerate(items) if item.startswith("arn:")]
    if not candidates:
        return None
    index, element, position = rng.choice(candidates)
    statement = policy["Statement"][index]
    items = _as_list(statement[element])
    before = items[position]
    items[position] = _wider_arn(rng, before)
    statement[element] = items
    detail = f"statement {index}: {element} {before} widened to {items[position]}"
    return policy, Edit("widen_resource", detail, _expect(statement, grows=element == "Resource"))


def _wider_arn(rng: random.Random, arn: str) -> str:
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return "*"
    if rng.random() < 0.3 and parts[3] not in ("", "*"):
        parts[3] = "*"
        return ":".join(parts)
    resource = parts[5]
    cut = max(resource.rfind("/"), resource.rfind(":"))
    parts[5] = resource[: cut + 1] + "*" if cut >= 0 else resource[:2] + "*"
    if parts[5] == resource:
        parts[5] = "*"
    return ":".join(parts)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


# --- the corpus --------------------------------------------------------------------------------------


def generate_bucket(seed: int, bucket: str, style: str, size: int, pairs: int) -> list[Pair]:
    """`pairs` pairs of `size`-statement policies; edits cycle through EDITS; a quarter are resource policies."""
    rng = random.Random(f"{seed}/{bucket}")
    out: list[Pair] = []
    attempt = 0
    first_edit = rng.randrange(len(EDITS))  # so that buckets of one pair still vary
    while len(out) < pairs:
        number = len(out)
        resource = (first_edit + number) % 4 == 3
        service = rng.choice(RESOURCE_POLICY_SERVICES) if resource else None
        maker = StatementMaker(rng, style, service)
        policy = make_policy(maker, size)
        start = (first_edit + number) % len(EDITS)
        kinds = EDITS[start:] + EDITS[:start]
        for kind in kinds:
            edited = edit_policy(maker, policy, kind)
            if edited is not None:
                new, edit = edited
                out.append(
                    Pair(f"{bucket}#{number}", bucket, size, "resource" if resource else "identity", policy, new, edit)
                )
                break
        attempt += 1
        if attempt > pairs * 10:
            raise RuntimeError(f"cannot generate pairs for {bucket}")
    return out


def bucket_plan(
    sizes: tuple[int, ...] = SIZES, pathological_sizes: tuple[int, ...] = PATHOLOGICAL_SIZES
) -> list[tuple[str, str, int]]:
    """(bucket name, style, statements) for every generated bucket."""
    plan = [(f"gen-{size:03d}", "realistic", size) for size in sizes]
    plan += [(f"patho-{style}-{size:03d}", style, size) for style in STYLES for size in pathological_sizes]
    return plan
