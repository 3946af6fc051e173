"""Paths from a principal to an action on a resource, each hop checked by the symbolic engine.

Path kinds (design.md, "The world model and API Gateway"):
- `direct`: the principal's own request is allowed (identity policies and/or the resource policy);
- `gateway-role`: the principal may call an API method whose integration uses a credentials role, the role
  trusts `apigateway.amazonaws.com`, and the role's session may make the request;
- `gateway-caller`: the integration uses the caller's own credentials (`arn:aws:iam::*:user/*`), so the
  caller must also be allowed the request itself;
- `gateway-permission`: the integration has no credentials and the function policy allows
  `apigateway.amazonaws.com` for this API (its `aws:SourceArn`);
- `confused-deputy`: the function policy allows `apigateway.amazonaws.com` for some API that is not one of
  the world's (no `aws:SourceArn`/`aws:SourceAccount`, or one that matches other APIs too);
- `role-chain`: the principal may `sts:AssumeRole` into a role (to any depth) that has one of the paths above.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from iamproof.ast import Policy
from iamproof.evaluate.decision import PolicySet
from iamproof.evaluate.matching import resource_pattern_matches
from iamproof.evaluate.request import Request, RequestPrincipal, parse_principal
from iamproof.evaluate.semantics import Semantics
from iamproof.patterns import glob_match, parse_glob
from iamproof.query.solver import Verdict
from iamproof.query.template import RequestTemplate
from iamproof.smt.formula import TRUE, Formula, KeySlot, Match, MatchMode, Present, StrTerm, conj, disj, neg
from iamproof.smt.keys import KeyInfo
from iamproof.span import Span
from iamproof.world.actors import Actor, role_actor, world_actors
from iamproof.world.hop import Hop, HopChecker, HopResult
from iamproof.world.model import IAM_CALLER_CREDENTIALS, Api, Function, Method, Role, World

APIGATEWAY = "apigateway.amazonaws.com"
INVOKE = "lambda:InvokeFunction"
CALL = "execute-api:Invoke"
ASSUME = "sts:AssumeRole"
_SPAN = Span.whole_file("<world>")


@dataclass(frozen=True)
class Path:
    kind: str
    principal: str  # as actors.py names it
    steps: tuple[HopResult, ...]
    api: str | None = None  # the API a gateway path goes through
    method: str | None = None  # and its method, "GET /orders"

    @property
    def through(self) -> str | None:
        """The world API this path goes through (gateway-role and gateway-permission paths)."""
        return self.api if self.kind in ("gateway-role", "gateway-permission") else None


@dataclass
class Reachability:
    """Answers "who reaches ACTION on RESOURCE, and how" over one world."""

    world: World
    semantics: Semantics
    timeout: float
    checker: HopChecker = field(init=False)
    actors: list[Actor] = field(init=False)
    unknown: list[str] = field(default_factory=list)
    _assume: dict[tuple[str, str], HopResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.checker = HopChecker(self.semantics, self.timeout)
        self.actors = world_actors(self.world)

    # --- one hop ----------------------------------------------------------------------------------------

    def resource_policy(self, resource: str) -> Policy | None:
        function = self.world.function(resource) if ":lambda:" in resource else None
        if function is not None:
            return function.policy
        for api in self.world.apis:
            if api.policy is not None and resource_pattern_matches(api.arn_pattern(), resource, None):
                return api.policy
        role = self.world.role(resource) if ":role/" in resource else None
        return role.trust if role is not None else None

    def template(
        self, principal: RequestPrincipal | None, action: str, resource: str, where: dict[str, str] | None = None
    ) -> RequestTemplate:
        where = where or {}
        parts = resource.split(":")
        account = parts[4] if len(parts) > 5 and parts[4] and "*" not in parts[4] else self.world.account
        return RequestTemplate(
            principal=principal,
            action=parse_glob(action.lower()),
            resource=parse_glob(resource),
            resource_account=account,
            context={key.lower(): (value,) for key, value in where.items()},
            spelling={key.lower(): key for key in where},
        )

    def hop(
        self,
        description: str,
        actor: Actor,
        action: str,
        resource: str,
        *,
        resource_policy: Policy | None,
        where: dict[str, str] | None = None,
        extra: Callable[[dict[str, KeyInfo]], Formula] | None = None,
        extra_check: Callable[[Request], bool] | None = None,
    ) -> HopResult:
        constraint = actor.constraint
        formula_extra = extra
        if constraint is not None:
            base = extra

            def formula_extra(keys: dict[str, KeyInfo]) -> Formula:
                assert constraint is not None
                return conj([constraint(), base(keys) if base is not None else TRUE])

        check = _both(actor.check, extra_check)
        hop = Hop(
            description,
            actor.policy_set(resource_policy),
            self.template(actor.principal, action, resource, where),
            formula_extra,
            check,
            action if "*" not in action and "?" not in action else "",
            resource if "*" not in resource and "?" not in resource else "",
            actor.representative,
        )
        result = self.checker.check(hop)
        if result.verdict is Verdict.UNKNOWN:
            self.unknown.append(f"{description}: {result.reason or 'the solver gave up'}")
        return result

    # --- paths ------------------------------------------------------------------------------------------

    def paths(self, action: str, resource: str, where: dict[str, str] | None = None) -> list[Path]:
        """Every path, for every actor of the world, to `action` on `resource`."""
        found: list[Path] = []
        function = self.world.function(resource) if ":lambda:" in resource else None
        invokes = glob_match(parse_glob(action), INVOKE, ignore_case=True)
        for actor in self.actors:
            if function is not None and invokes and actor.name == f"service:{APIGATEWAY}":
                continue  # API Gateway's grants are the gateway and confused-deputy paths below
            result = self.direct(actor, action, resource, where)
            if result.verdict is Verdict.SAT:
                found.append(Path("direct", actor.name, (result,)))
        if function is not None and invokes:
            found += self.gateway_paths(function, where)
            found += self.confused_deputy(function)
        found += self.role_chains(found, action, resource, where)
        return found

    def direct(self, actor: Actor, action: str, resource: str, where: dict[str, str] | None = None) -> HopResult:
        return self.hop(
            f"{actor.name} does {action} on {resource}",
            actor,
            action,
            resource,
            resource_policy=self.resource_policy(resource),
            where=where,
        )

    def gateway_paths(self, function: Function, where: dict[str, str] | None = None) -> list[Path]:
        found: list[Path] = []
        for api in self.world.apis:
            for method in api.methods:
                integration = method.integration
                if integration is None or integration.function_arn != function.arn:
                    continue
                for stage in api.stages or ("*",):
                    found += self._through_method(api, method, stage, function, where)
        return found

    def _through_method(
        self, api: Api, method: Method, stage: str, function: Function, where: dict[str, str] | None
    ) -> list[Path]:
        integration = method.integration
        assert integration is not None
        call = concrete_method_arn(api, method, stage)
        label = f"{method.verb} {method.path}"
        callers = self.callers(api, method, call, where)
        if not callers:
            return []
        credentials = integration.credentials
        if credentials == IAM_CALLER_CREDENTIALS:
            found = []
            for actor, first in callers:
                own = self.direct(actor, INVOKE, function.arn) if actor.principal is not None else None
                if own is not None and own.verdict is Verdict.SAT:
                    found.append(Path("gateway-caller", actor.name, (first, own), api.id, label))
            return found
        if credentials is None:
            backend = self._permission(api, call, function)
            kind = "gateway-permission"
        else:
            backend = self._role_backend(api, call, credentials, function)
            kind = "gateway-role"
        if backend is None:
            return []
        return [Path(kind, actor.name, (first, *backend), api.id, label) for actor, first in callers]

    def callers(
        self, api: Api, method: Method, call: str, where: dict[str, str] | None
    ) -> list[tuple[Actor, HopResult]]:
        """Who may call the method: with AWS_IAM authorization, the actors whose `execute-api:Invoke` on the
        method ARN is allowed (identity policies and the API's resource policy); without it, anyone the
        API's resource policy lets in (IAM is not checked)."""

        def description(who: str) -> str:  # not str.format: a path may hold "{id}"
            return f"{who} calls {method.verb} {method.path} of API {api.id}"

        if method.authorization == "AWS_IAM":
            found = []
            for actor in self.actors:
                if actor.name in ("anonymous",) or actor.name.startswith("service:"):
                    continue
                result = self.hop(description(actor.name), actor, CALL, call, resource_policy=api.policy, where=where)
                if result.verdict is Verdict.SAT:
                    found.append((actor, result))
            return found
        anonymous = next(a for a in self.actors if a.name == "anonymous")
        what = f"authorization {method.authorization}: IAM is not checked"
        if api.policy is None:
            hop = Hop(
                f"anyone calls {method.verb} {method.path} of API {api.id} ({what})",
                PolicySet(),
                self.template(anonymous.principal, CALL, call),
            )
            return [(anonymous, HopResult(hop, Verdict.SAT))]
        result = self.hop(
            description(f"anyone ({what})"), anonymous, CALL, call, resource_policy=api.policy, where=where
        )
        return [(anonymous, result)] if result.verdict is Verdict.SAT else []

    def _permission(self, api: Api, call: str, function: Function) -> tuple[HopResult, ...] | None:
        gateway = _gateway_actor()
        result = self.hop(
            f"API Gateway, for API {api.id}, invokes {function.arn}",
            gateway,
            INVOKE,
            function.arn,
            resource_policy=function.policy,
            where={"aws:SourceArn": call, "aws:SourceAccount": api.account},
        )
        return (result,) if result.verdict is Verdict.SAT else None

    def _role_backend(self, api: Api, call: str, role_arn: str, function: Function) -> tuple[HopResult, ...] | None:
        role = self.world.role(role_arn)
        if role is None:
            self.unknown.append(f"API {api.id} uses the credentials role {role_arn}, which is not in the world")
            return None
        trust = self.hop(
            f"API Gateway, for API {api.id}, assumes {role.arn}",
            _gateway_actor(),
            ASSUME,
            role.arn,
            resource_policy=role.trust,
            where={"aws:SourceArn": call, "aws:SourceAccount": api.account},
        )
        if trust.verdict is not Verdict.SAT:
            return None
        invoke = self.direct(role_actor(self.world, role), INVOKE, function.arn)
        return (trust, invoke) if invoke.verdict is Verdict.SAT else None

    def confused_deputy(self, function: Function) -> list[Path]:
        """API Gateway acting for an API that is not one of the world's may invoke the function."""
        if function.policy is None:
            return []
        patterns = [parse_glob(api.arn_pattern()) for api in self.world.apis]
        key = "aws:sourcearn"

        def elsewhere(keys: dict[str, KeyInfo]) -> Formula:
            if key not in keys:
                return TRUE
            slot = KeySlot(key)
            inside = disj(Match(StrTerm.of(slot), p, MatchMode.ARN) for p in patterns)
            return conj([Present(slot), neg(inside)])

        def check(request: Request) -> bool:
            values = request.lookup(key)
            return not values or not any(
                resource_pattern_matches(api.arn_pattern(), str(v), None) for v in values for api in self.world.apis
            )

        result = self.hop(
            f"API Gateway, for an API outside the world, invokes {function.arn}",
            _gateway_actor(),
            INVOKE,
            function.arn,
            resource_policy=function.policy,
            extra=elsewhere,
            extra_check=check,
        )
        if result.verdict is not Verdict.SAT:
            return []
        return [Path("confused-deputy", f"service:{APIGATEWAY}", (result,))]

    # --- role chains ------------------------------------------------------------------------------------

    def assume(self, actor: Actor, role: Role) -> HopResult:
        key = (actor.name, role.arn)
        if key not in self._assume:
            self._assume[key] = self.hop(
                f"{actor.name} assumes {role.arn}", actor, ASSUME, role.arn, resource_policy=role.trust
            )
        return self._assume[key]

    def role_chains(self, found: list[Path], action: str, resource: str, where: dict[str, str] | None) -> list[Path]:
        """Actors that reach, by a chain of AssumeRole hops, a role that has a path of its own.

        Searched backwards from those roles (level by level, so each actor gets a shortest chain): only
        the trust policies of roles on some chain are ever checked.
        """
        targets: dict[str, Path] = {}
        for path in found:
            if path.principal not in targets and self.world.role(path.principal) is not None:
                targets[path.principal] = path
        onward: dict[str, tuple[list[HopResult], Path]] = {arn: ([], path) for arn, path in targets.items()}
        chains: dict[str, tuple[list[HopResult], Path]] = {}
        frontier = list(targets)
        while frontier:
            following: list[str] = []
            for role_arn in frontier:
                role = self.world.role(role_arn)
                if role is None or role.trust is None:
                    continue
                rest, target = onward[role_arn]
                for actor in self.actors:
                    if actor.name == f"service:{APIGATEWAY}" or actor.name in onward or actor.name in chains:
                        continue  # API Gateway's role use is the gateway paths; roles already placed
                    result = self.assume(actor, role)
                    if result.verdict is not Verdict.SAT:
                        continue
                    chain = [result, *rest]
                    chains[actor.name] = (chain, target)
                    if actor.role is not None:
                        onward[actor.name] = (chain, target)
                        following.append(actor.name)
            frontier = following
        return [
            Path("role-chain", name, (*chain, *target.steps), target.api, target.method)
            for name, (chain, target) in chains.items()
        ]


def concrete_method_arn(api: Api, method: Method, stage: str) -> str:
    """The ARN of one call to `method`: path parameters filled in, ANY called as GET."""
    verb = "GET" if method.verb == "ANY" else method.verb
    path = "/".join(_fill(segment) for segment in method.path.split("/"))
    stage_name = "prod" if stage == "*" else stage
    return f"arn:aws:execute-api:{api.region}:{api.account}:{api.id}/{stage_name}/{verb}{path}"


def _fill(segment: str) -> str:
    return "example" if segment.startswith("{") and segment.endswith("}") else segment


def _gateway_actor() -> Actor:
    return Actor(f"service:{APIGATEWAY}", parse_principal({"Service": APIGATEWAY}, _SPAN), outside=True)


def _both(
    first: Callable[[Request], bool] | None, second: Callable[[Request], bool] | None
) -> Callable[[Request], bool] | None:
    checks: Iterable[Callable[[Request], bool]] = [c for c in (first, second) if c is not None]
    checks = list(checks)
    if not checks:
        return None
    return lambda request: all(check(request) for check in checks)
