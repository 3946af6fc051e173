"""The global condition keys (`aws:*`), typed.

The action catalogue lists only three global keys (`aws:RequestTag/${TagKey}`, `aws:ResourceTag/${TagKey}`,
`aws:TagKeys`, under the services that support them), so the global keys are kept here. The first group is
the table of docs/iam-semantics.md §3.5; the second holds further keys of the IAM global condition key
reference. `alternative` names a second base type the key's values can be compared as (`aws:EpochTime`
works with both Date and Numeric operators).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from iamproof.catalogue import KeyBase, KeyType, template_glob
from iamproof.patterns import Glob, glob_match


@dataclass(frozen=True)
class GlobalKey:
    name: str
    type: KeyType
    alternative: KeyBase | None = None


_S, _A, _B, _N, _D, _I = KeyBase.STRING, KeyBase.ARN, KeyBase.BOOL, KeyBase.NUMERIC, KeyBase.DATE, KeyBase.IP


def _single(name: str, base: KeyBase, alternative: KeyBase | None = None) -> GlobalKey:
    return GlobalKey(name, KeyType(base, multivalued=False), alternative)


def _multi(name: str, base: KeyBase) -> GlobalKey:
    return GlobalKey(name, KeyType(base, multivalued=True))


GLOBAL_KEYS: tuple[GlobalKey, ...] = (
    # docs/iam-semantics.md §3.5
    _single("aws:SourceArn", _A),
    _single("aws:SourceAccount", _S),
    _single("aws:SourceOrgID", _S),
    _multi("aws:SourceOrgPaths", _S),
    _single("aws:SourceOwner", _S),
    _single("aws:PrincipalArn", _A),
    _single("aws:PrincipalAccount", _S),
    _single("aws:PrincipalOrgID", _S),
    _multi("aws:PrincipalOrgPaths", _S),
    _single("aws:PrincipalType", _S),
    _single("aws:userid", _S),
    _single("aws:username", _S),
    _single("aws:PrincipalTag/${TagKey}", _S),
    _single("aws:PrincipalIsAWSService", _B),
    _single("aws:PrincipalServiceName", _S),
    _multi("aws:PrincipalServiceNamesList", _S),
    _multi("aws:CalledVia", _S),
    _single("aws:CalledViaFirst", _S),
    _single("aws:CalledViaLast", _S),
    _single("aws:ViaAWSService", _B),
    _single("aws:SourceIp", _I),
    _single("aws:SourceVpc", _S),
    _single("aws:SourceVpce", _S),
    _single("aws:VpcSourceIp", _I),
    _single("aws:MultiFactorAuthPresent", _B),
    _single("aws:TokenIssueTime", _D),
    _single("aws:CurrentTime", _D),
    _single("aws:EpochTime", _D, alternative=_N),
    _single("aws:SecureTransport", _B),
    _single("aws:RequestedRegion", _S),
    _single("aws:ResourceAccount", _S),
    _single("aws:ResourceOrgID", _S),
    _multi("aws:ResourceOrgPaths", _S),
    _multi("aws:TagKeys", _S),
    _single("aws:RequestTag/${TagKey}", _S),
    _single("aws:ResourceTag/${TagKey}", _S),
    # further keys of the IAM global condition key reference
    _single("aws:MultiFactorAuthAge", _N),
    _single("aws:FederatedProvider", _S),
    _single("aws:SourceIdentity", _S),
    _single("aws:AssumedRoot", _B),
    _single("aws:Referer", _S),
    _single("aws:UserAgent", _S),
    _single("aws:SourceVpcArn", _A),
    _single("aws:VpceAccount", _S),
    _single("aws:VpceOrgID", _S),
    _multi("aws:VpceOrgPaths", _S),
    _single("aws:Ec2InstanceSourceVpc", _S),
    _single("aws:Ec2InstanceSourcePrivateIPv4", _I),
    _single("aws:ChatbotSourceArn", _A),
)


@cache
def _index() -> tuple[dict[str, GlobalKey], tuple[tuple[Glob, GlobalKey], ...]]:
    exact = {key.name.lower(): key for key in GLOBAL_KEYS if "${" not in key.name}
    templates: list[tuple[Glob, GlobalKey]] = []
    for key in GLOBAL_KEYS:
        glob = template_glob(key.name) if "${" in key.name else None
        if glob is not None:
            templates.append((glob, key))
    return exact, tuple(templates)


def global_key(key: str) -> GlobalKey | None:
    """The global key a condition key names (case-insensitive; `aws:PrincipalTag/team` included)."""
    exact, templates = _index()
    lowered = key.lower()
    if lowered in exact:
        return exact[lowered]
    for glob, entry in templates:
        if glob_match(glob, lowered):
            return entry
    return None
