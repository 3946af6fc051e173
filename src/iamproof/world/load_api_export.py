"""`aws apigateway get-export` output (OpenAPI 3.0 or Swagger 2.0, with the `x-amazon-apigateway-*`
extensions) → one API: its id, region and stage, its methods with authorization and integration, and
its resource policy.

The API id, region and stage come from OpenAPI 3's `servers[0].url`
(`https://ID.execute-api.REGION.amazonaws.com/{basePath}` with `variables.basePath.default` `/STAGE`)
or Swagger's `host` and `basePath`. The account is not in the export; the directory loader supplies it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from iamproof.ast import Policy
from iamproof.errors import InputError
from iamproof.parsing.json_tree import JObject, JString, JValue, to_python
from iamproof.span import Span
from iamproof.world.load_api_integration import IntegrationRead, read_integration
from iamproof.world.load_api_security import method_authorization, security_schemes
from iamproof.world.load_fields import expect_object, list_items, optional, optional_string, required
from iamproof.world.model import Method, Placeholder
from iamproof.world.policy_nodes import policy_from_node

VERBS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
POLICY = "x-amazon-apigateway-policy"
_HOST = re.compile(r"(?P<id>[a-z0-9]+)\.execute-api\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?")
_URL = re.compile(r"https?://(?P<host>[^/]+)(?P<path>/.*)?")
_VARIABLE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class ApiExport:
    """An API as one export describes it (one stage); exports of other stages of the same API are merged later."""

    id: str
    name: str
    region: str
    stage: str | None
    methods: tuple[Method, ...]
    policy: Policy | None
    span: Span
    fingerprint: str  # methods and resource policy without positions, to compare exports of one API
    placeholders: tuple[Placeholder, ...] = ()
    notes: tuple[str, ...] = ()


def is_api_export(node: JObject) -> bool:
    return node.get("openapi") is not None or node.get("swagger") is not None


def read_api_export(node: JObject) -> ApiExport:
    api_id, region, stage = _location(node)
    info = optional(node, "info")
    title = optional_string(expect_object(info, "'info'"), "title", "'info'") if info is not None else None
    schemes = security_schemes(node)
    default_security = optional(node, "security")
    methods: list[Method] = []
    reads: list[IntegrationRead] = []
    paths = expect_object(required(node, "paths", "the API export"), "'paths'")
    for path in paths.members:
        item = expect_object(path.value, f"path {path.key!r}")
        if item.get("$ref") is not None:
            raise InputError(f"path {path.key!r} is a $ref, which API Gateway exports never use", item.span)
        for member in item.members:
            verb = "ANY" if member.key == ANY_METHOD else member.key.upper() if member.key in VERBS else None
            if verb is None:
                continue
            what = f"{verb} {path.key}"
            operation = expect_object(member.value, what)
            security = optional(operation, "security") if operation.get("security") is not None else default_security
            authorization = method_authorization(security, schemes, what)
            integration = optional(operation, INTEGRATION)
            read = read_integration(integration, what) if integration is not None else None
            if read is not None:
                reads.append(read)
            methods.append(Method(path.key, verb, authorization, read.integration if read else None, member.key_span))
    policy_node = optional(node, POLICY)
    policy = policy_from_node(policy_node, f"the resource policy of API {api_id}") if policy_node is not None else None
    notes = [note for read in reads for note in read.notes]
    if any(m.integration is None for m in methods):
        missing = ", ".join(f"{m.verb} {m.path}" for m in methods if m.integration is None)
        notes.append(
            f"{node.span.file}: API {api_id}: no {INTEGRATION} for {missing}; their backends are unknown"
            " (export with --parameters extensions=integrations)"
        )
    return ApiExport(
        id=api_id,
        name=title.value if title is not None else api_id,
        region=region,
        stage=stage,
        methods=tuple(methods),
        policy=policy,
        span=node.span,
        fingerprint=_fingerprint(methods, policy_node),
        placeholders=tuple(p for read in reads for p in read.placeholders),
        notes=tuple(notes),
    )


def _location(node: JObject) -> tuple[str, str, str | None]:
    """The API id, region and stage named by the export's server URL (OpenAPI 3) or host and basePath (Swagger 2)."""
    servers = list_items(node, "servers", "the API export")
    if servers:
        server = expect_object(servers[0], "the first item of 'servers'")
        url = required(server, "url", "the first server")
        if not isinstance(url, JString):
            raise InputError("the server 'url' must be a string", url.span)
        found = _URL.fullmatch(_substitute(url, server))
        if found is None:
            raise InputError(f"server URL {url.value!r} is not an https:// URL", url.span)
        return _from_host(found.group("host"), found.group("path") or "", url)
    host = optional(node, "host")
    if isinstance(host, JString):
        base = optional_string(node, "basePath", "the API export")
        return _from_host(host.value, base.value if base is not None else "", host)
    raise InputError(
        "the export does not say which API it is: expected servers[0].url (OpenAPI 3) or host (Swagger 2)"
        " of the form ID.execute-api.REGION.amazonaws.com",
        (host or node).span,
    )


def _substitute(url: JString, server: JObject) -> str:
    """The URL with each `{variable}` replaced by its default value."""
    variables = optional(server, "variables")
    table = expect_object(variables, "the server 'variables'") if variables is not None else None

    def default(match: re.Match[str]) -> str:
        variable = optional(table, match.group(1)) if table is not None else None
        value = optional(expect_object(variable, "a server variable"), "default") if variable else None
        if not isinstance(value, JString):
            raise InputError(f"server variable {match.group(1)!r} has no default value", url.span)
        return value.value

    return _VARIABLE.sub(default, url.value)


def _from_host(host: str, base_path: str, where: JString) -> tuple[str, str, str | None]:
    found = _HOST.fullmatch(host)
    if found is None:
        raise InputError(
            f"host {host!r} is not an execute-api endpoint (ID.execute-api.REGION.amazonaws.com);"
            " export the API from its stage rather than through a custom domain",
            where.span,
        )
    stage = base_path.strip("/").split("/", 1)[0]
    return found.group("id"), found.group("region"), stage or None


def _fingerprint(methods: list[Method], policy: JValue | None) -> str:
    shapes = sorted(
        (
            m.path,
            m.verb,
            m.authorization,
            *(
                (
                    m.integration.type,
                    m.integration.uri,
                    m.integration.function_arn or "",
                    m.integration.credentials or "",
                )
                if m.integration is not None
                else ("",) * 4
            ),
        )
        for m in methods
    )
    document = to_python(policy) if policy is not None else None
    return json.dumps([shapes, document], sort_keys=True)
