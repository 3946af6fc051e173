"""An `x-amazon-apigateway-integration` object → the method's Integration.

A Lambda integration's `uri` is
`arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations`; the function
ARN is kept unqualified (an alias or version belongs to the same function). A function named through
a stage variable cannot be determined from the export: it is recorded as a placeholder and a note
rather than dropped. `credentials` is a role ARN, `arn:aws:iam::*:user/*` (the caller's own identity)
or absent (the function's resource-based policy decides).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iamproof.errors import InputError
from iamproof.parsing.json_tree import JValue
from iamproof.world.lambda_permission import function_of_uri
from iamproof.world.load_fields import expect_object, optional_string, required_string
from iamproof.world.model import IAM_CALLER_CREDENTIALS, Integration, Placeholder, unqualified_function_arn

TYPES = ("aws", "aws_proxy", "http", "http_proxy", "mock")
_LAMBDA_PATH = ":lambda:path/"
_FUNCTION_ARN = re.compile(r"arn:[^:]+:lambda:[^:]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?")
_LAMBDA_ARN = re.compile(r"arn:[^:]+:lambda:")
_ROLE_ARN = re.compile(r"arn:[^:]+:iam::\d{12}:role/.+")


@dataclass(frozen=True)
class IntegrationRead:
    integration: Integration
    placeholders: tuple[Placeholder, ...] = ()
    notes: tuple[str, ...] = ()


def read_integration(node: JValue, method: str) -> IntegrationRead:
    what = f"the integration of {method}"
    integration = expect_object(node, what)
    kind = required_string(integration, "type", what)
    if kind.value.lower() not in TYPES:
        raise InputError(f"unknown integration type {kind.value!r} (expected one of {', '.join(TYPES)})", kind.span)
    uri = optional_string(integration, "uri", what)
    credentials = optional_string(integration, "credentials", what)
    if credentials is not None and not (
        credentials.value == IAM_CALLER_CREDENTIALS or _ROLE_ARN.fullmatch(credentials.value)
    ):
        raise InputError(
            f"integration credentials {credentials.value!r} are neither a role ARN nor {IAM_CALLER_CREDENTIALS}",
            credentials.span,
        )
    function = None
    placeholders: list[Placeholder] = []
    notes: list[str] = []
    if uri is not None and (_LAMBDA_PATH in uri.value or _LAMBDA_ARN.match(uri.value)):
        function = _function(uri.value)
        if function is None:
            reason = f"{method} invokes a Lambda function the export does not determine ({uri.value})"
            placeholders.append(Placeholder(uri.value, reason, uri.span))
            notes.append(f"{uri.span}: {reason}; no path through this method reaches a known function")
    return IntegrationRead(
        Integration(
            type=kind.value.lower(),
            uri=uri.value if uri is not None else "",
            function_arn=function,
            credentials=credentials.value if credentials is not None else None,
            span=integration.span,
        ),
        tuple(placeholders),
        tuple(notes),
    )


def _function(uri: str) -> str | None:
    """The unqualified function ARN of a Lambda integration URI (or of a bare function ARN), if it names one."""
    arn = function_of_uri(uri) if _LAMBDA_PATH in uri else uri
    if arn is None or "${" in arn:
        return None
    return unqualified_function_arn(arn) if _FUNCTION_ARN.fullmatch(arn) else None
