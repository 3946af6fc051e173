"""How each context key reads from the symbolic request: derived keys by principal kind, free keys by slot."""

from __future__ import annotations

from dataclasses import dataclass

from iamproof.evaluate.request import PrincipalType
from iamproof.smt.formula import FALSE, Formula, KeySlot, Present, PrincipalIs, Slot, StrTerm, conj, disj, neg
from iamproof.smt.keys import DERIVED_KEYS

P = PrincipalType
IAM_KINDS = (P.USER, P.ROLE_SESSION, P.FEDERATED_USER, P.ROOT)


def is_kind(*kinds: PrincipalType) -> Formula:
    return disj(PrincipalIs(kind.value) for kind in kinds)


def is_iam() -> Formula:
    return is_kind(*IAM_KINDS)


@dataclass(frozen=True)
class DerivedCase:
    """Under `guard`, the key's value is `value` (None: the key is absent)."""

    guard: Formula
    value: StrTerm | None


def _t(*parts: str | Slot | KeySlot) -> StrTerm:
    return StrTerm(tuple(parts))


_PART, _ACCT = Slot.PRINCIPAL_PARTITION, Slot.PRINCIPAL_ACCOUNT
_NAME, _PATH, _VALUE = Slot.PRINCIPAL_NAME, Slot.PRINCIPAL_PATH, Slot.PRINCIPAL_VALUE


def principal_arn_term(kind: PrincipalType) -> StrTerm | None:
    """The principal's own ARN (the session ARN for a role session)."""
    terms = {
        P.USER: _t("arn:", _PART, ":iam::", _ACCT, ":user/", _PATH, _NAME),
        P.ROLE_SESSION: _t("arn:", _PART, ":sts::", _ACCT, ":assumed-role/", _NAME, "/", Slot.PRINCIPAL_SESSION),
        P.FEDERATED_USER: _t("arn:", _PART, ":sts::", _ACCT, ":federated-user/", _NAME),
        P.ROOT: _t("arn:", _PART, ":iam::", _ACCT, ":root"),
    }
    return terms.get(kind)


def _by_kind(values: dict[PrincipalType, StrTerm | None]) -> list[DerivedCase]:
    return [DerivedCase(PrincipalIs(kind.value), values.get(kind)) for kind in PrincipalType]


def derived_cases(key: str) -> list[DerivedCase] | None:
    """The cases of a derived key (lower-cased name), or None if the key is not derived."""
    if key not in DERIVED_KEYS:
        return None
    if key == "aws:resourceaccount":
        return [DerivedCase(_true(), StrTerm.of(Slot.RESOURCE_ACCOUNT))]
    if key == "aws:userid":
        slot = KeySlot("aws:userid")
        others = [kind for kind in PrincipalType if kind not in (P.ROOT, P.FEDERATED_USER)]
        present, absent = Present(slot), neg(Present(slot))
        return [
            DerivedCase(PrincipalIs(P.ROOT.value), StrTerm.of(_ACCT)),
            DerivedCase(PrincipalIs(P.FEDERATED_USER.value), _t(_ACCT, ":", _NAME)),
            DerivedCase(conj([is_kind(*others), present]), StrTerm.of(slot)),
            DerivedCase(conj([is_kind(*others), absent]), None),
        ]
    return _by_kind(_DERIVED[key]())


def _true() -> Formula:
    return disj([PrincipalIs(kind.value) for kind in PrincipalType])


def _principal_arn() -> dict[PrincipalType, StrTerm | None]:
    values = {kind: principal_arn_term(kind) for kind in IAM_KINDS}
    values[P.ROLE_SESSION] = _t("arn:", _PART, ":iam::", _ACCT, ":role/", _NAME)
    return values


def _principal_account() -> dict[PrincipalType, StrTerm | None]:
    values: dict[PrincipalType, StrTerm | None] = {kind: StrTerm.of(_ACCT) for kind in IAM_KINDS}
    values[P.ANONYMOUS] = _t("anonymous")
    return values


def _principal_type() -> dict[PrincipalType, StrTerm | None]:
    names = {P.USER: "User", P.ROLE_SESSION: "AssumedRole", P.FEDERATED_USER: "FederatedUser", P.ROOT: "Account"}
    values: dict[PrincipalType, StrTerm | None] = {kind: _t(name) for kind, name in names.items()}
    values[P.ANONYMOUS] = _t("Anonymous")
    return values


def _is_service() -> dict[PrincipalType, StrTerm | None]:
    values: dict[PrincipalType, StrTerm | None] = {kind: _t("false") for kind in IAM_KINDS}
    values[P.SERVICE] = _t("true")
    return values


def _service_name() -> dict[PrincipalType, StrTerm | None]:
    return {P.SERVICE: StrTerm.of(_VALUE)}


def _username() -> dict[PrincipalType, StrTerm | None]:
    return {P.USER: StrTerm.of(_NAME)}


_DERIVED = {
    "aws:principalarn": _principal_arn,
    "aws:principalaccount": _principal_account,
    "aws:principaltype": _principal_type,
    "aws:principalisawsservice": _is_service,
    "aws:principalservicename": _service_name,
    "aws:principalservicenameslist": _service_name,
    "aws:username": _username,
}

__all__ = ["FALSE", "DerivedCase", "derived_cases", "is_iam", "is_kind", "principal_arn_term"]
