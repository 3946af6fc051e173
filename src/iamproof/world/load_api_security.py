"""The authorization type of an API Gateway method, from the security requirements of an OpenAPI/Swagger export.

API Gateway writes each authorizer as a security scheme (OpenAPI 3 `components.securitySchemes`,
Swagger 2 `securityDefinitions`) with its extensions:
- `x-amazon-apigateway-authtype: awsSigv4` (scheme `sigv4`) → AWS_IAM;
- `x-amazon-apigateway-authtype: cognito_user_pools`, or an authorizer of that type → COGNITO_USER_POOLS;
- `x-amazon-apigateway-authtype: custom`, or an authorizer of type `token`/`request` → CUSTOM;
- an HTTP API authorizer of type `jwt` → JWT;
- the `api_key` scheme is an API key requirement, not an authorization type.
A method without security requirements (its own, or the document's top-level `security`) is NONE.
A scheme iamproof cannot classify is an error: guessing NONE would make a protected method public,
guessing AWS_IAM would hide a public one.
"""

from __future__ import annotations

from iamproof.errors import InputError
from iamproof.parsing.json_tree import JArray, JObject, JString, JValue, describe
from iamproof.span import Span
from iamproof.world.load_fields import expect_object, optional

NONE = "NONE"
AWS_IAM = "AWS_IAM"
_AUTHTYPES = {"awssigv4": AWS_IAM, "cognito_user_pools": "COGNITO_USER_POOLS", "custom": "CUSTOM"}
_AUTHORIZERS = {
    "token": "CUSTOM",
    "request": "CUSTOM",
    "cognito_user_pools": "COGNITO_USER_POOLS",
    "jwt": "JWT",
}
_API_KEY_HEADER = "x-api-key"


def security_schemes(root: JObject) -> dict[str, JObject]:
    """The named schemes of an OpenAPI 3 (`components.securitySchemes`) or Swagger 2 (`securityDefinitions`) export."""
    components = optional(root, "components")
    holder = optional(expect_object(components, "'components'"), "securitySchemes") if components else None
    if holder is None:
        holder = optional(root, "securityDefinitions")
    if holder is None:
        return {}
    schemes = expect_object(holder, "the security schemes")
    return {m.key: expect_object(m.value, f"security scheme {m.key!r}") for m in schemes.members}


def method_authorization(requirement: JValue | None, schemes: dict[str, JObject], method: str) -> str:
    """The authorization type a method's security requirement (a list of {scheme: scopes} objects) asks for."""
    if requirement is None:
        return NONE
    if not isinstance(requirement, JArray):
        raise InputError(f"'security' of {method} must be a list, not {describe(requirement)}", requirement.span)
    found: dict[str, Span] = {}
    for alternative in requirement.items:
        for member in expect_object(alternative, f"an item of 'security' of {method}").members:
            scheme = schemes.get(member.key)
            if scheme is None:
                raise InputError(f"security scheme {member.key!r} is not defined in the export", member.key_span)
            kind = scheme_authorization(member.key, scheme)
            if kind is not None:
                found.setdefault(kind, member.key_span)
    if len(found) > 1:
        kinds = " and ".join(sorted(found))
        raise InputError(f"{method} asks for two authorization types ({kinds})", max(found.values()))
    return next(iter(found), NONE)


def scheme_authorization(name: str, scheme: JObject) -> str | None:
    """The authorization type of one scheme; None for an API key requirement."""
    authtype = _lower_string(scheme, "x-amazon-apigateway-authtype", name)
    if authtype is not None and authtype[0] in _AUTHTYPES and authtype[0] != "custom":
        return _AUTHTYPES[authtype[0]]
    authorizer = optional(scheme, "x-amazon-apigateway-authorizer")
    if authorizer is not None:
        kind = _lower_string(expect_object(authorizer, f"the authorizer of scheme {name!r}"), "type", name)
        if kind is None or kind[0] not in _AUTHORIZERS:
            where = kind[1] if kind is not None else authorizer.span
            raise InputError(f"unknown authorizer type in security scheme {name!r}", where)
        return _AUTHORIZERS[kind[0]]
    if authtype is not None:
        if authtype[0] in _AUTHTYPES:
            return _AUTHTYPES[authtype[0]]
        raise InputError(f"unknown x-amazon-apigateway-authtype {authtype[0]!r} in scheme {name!r}", authtype[1])
    if name == "sigv4":
        return AWS_IAM
    if _is_api_key(name, scheme):
        return None
    raise InputError(
        f"cannot tell which API Gateway authorization security scheme {name!r} stands for"
        " (no x-amazon-apigateway-authtype or x-amazon-apigateway-authorizer)",
        scheme.span,
    )


def _is_api_key(name: str, scheme: JObject) -> bool:
    kind, where, header = (optional(scheme, key) for key in ("type", "in", "name"))
    plain = [node.value.lower() if isinstance(node, JString) else None for node in (kind, where, header)]
    return name == "api_key" or plain == ["apikey", "header", _API_KEY_HEADER]


def _lower_string(node: JObject, key: str, scheme: str) -> tuple[str, Span] | None:
    value = optional(node, key)
    if value is None:
        return None
    if not isinstance(value, JString):
        raise InputError(f"{key!r} of security scheme {scheme!r} must be a string", value.span)
    return value.value.lower(), value.span
