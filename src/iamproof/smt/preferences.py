"""Soft choices that make witnesses read like real requests (a user alice in 111122223333, few keys)."""

from __future__ import annotations

import z3

from iamproof.evaluate.request import PrincipalType
from iamproof.smt.encode import PRINCIPAL_KINDS, Encoder
from iamproof.smt.formula import Slot

EXAMPLE_ACCOUNT = "111122223333"


def preferences(encoder: Encoder) -> list[z3.BoolRef]:
    s = encoder.string
    kind = encoder.kind
    prefs: list[z3.BoolRef] = [
        kind == PRINCIPAL_KINDS.index(PrincipalType.USER),
        kind == PRINCIPAL_KINDS.index(PrincipalType.ROLE_SESSION),
        s(Slot.PRINCIPAL_PARTITION) == z3.StringVal("aws"),
        s(Slot.PRINCIPAL_ACCOUNT) == z3.StringVal(EXAMPLE_ACCOUNT),
        s(Slot.RESOURCE_ACCOUNT) == s(Slot.PRINCIPAL_ACCOUNT),
        s(Slot.PRINCIPAL_NAME) == z3.StringVal("alice"),
        s(Slot.PRINCIPAL_PATH) == z3.StringVal(""),
        s(Slot.PRINCIPAL_SESSION) == z3.StringVal("session1"),
    ]
    prefs += [z3.Not(present) for _, present in sorted(encoder.present.items(), key=lambda item: repr(item[0]))]
    return prefs
