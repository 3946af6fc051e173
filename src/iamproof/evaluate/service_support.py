"""Facts about AWS services that the decision logic needs, from the maintained action catalogue."""

from __future__ import annotations

import re

from iamproof import catalogue


def rcp_supported(service: str) -> bool:
    """Do resource control policies govern actions of this service prefix?"""
    return service.lower() in catalogue.rcp_services()


def rcp_services() -> frozenset[str]:
    """The service prefixes whose actions RCPs govern (lower-case)."""
    return catalogue.rcp_services()


_ROLE = re.compile(r"^arn:[^:]+:iam::[^:]*:role/")
_KMS_KEY = re.compile(r"^arn:[^:]+:kms:[^:]*:[^:]*:key/")


def required_resource_policy(service: str, resource: str) -> str | None:
    """The resource-based policy that must itself allow the principal, even in the principal's own account.

    "For most resources, you only need an explicit allow in either an identity-based policy or a
    resource-based policy. IAM role trust policies and KMS key policies are exceptions" (IAM User Guide,
    evaluation logic; iam-semantics.md §4.1 step 4): an identity-based allow counts only if the trust
    policy or the key policy allows the principal (naming its account is enough: that delegates to IAM).
    Returns "trust policy", "key policy", or None for every other resource.
    """
    service = service.lower()
    if service == "sts" and _ROLE.match(resource):
        return "trust policy"
    if service == "kms" and _KMS_KEY.match(resource):
        return "key policy"
    return None
