"""Statements → formulas: does a statement apply to the symbolic request, and how does it name the principal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from iamproof.ast import ActionBlock, Effect, PrincipalBlock, PrincipalEntry, PrincipalKey, ResourceBlock, Statement
from iamproof.evaluate.matching import EXECUTE_API_SHORTHAND
from iamproof.evaluate.request import PrincipalType
from iamproof.evaluate.semantics import AwsStar, Semantics
from iamproof.patterns import Glob, Wild, literal_glob, parse_glob, parse_pattern, variable_outside_resource_part
from iamproof.smt.compile_conditions import ConditionCompiler
from iamproof.smt.formula import (
    FALSE,
    TRUE,
    And,
    Formula,
    Match,
    MatchMode,
    Or,
    PrincipalIs,
    Slot,
    StrTerm,
    TemplateMatch,
    conj,
    disj,
    neg,
)
from iamproof.smt.request_terms import is_iam, is_kind

P = PrincipalType
_ROOT = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):root$")
_USER = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):user/((?:.+/)?)([^/]+)$")
_ROLE = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([^/]+)$")
_SESSION = re.compile(r"^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/([^/]+)$")
_FEDERATED = re.compile(r"^arn:(aws[a-z-]*):sts::(\d{12}):federated-user/([^/]+)$")
_ACCOUNT = re.compile(r"^\d{12}$")


def equals(slot: Slot, value: str) -> Formula:
    return Match(StrTerm.of(slot), literal_glob(value), MatchMode.PLAIN)


@dataclass(frozen=True)
class Naming:
    """How a Principal element names the request's principal (cf. evaluate.matching.PrincipalMatch)."""

    account: Formula = FALSE
    role: Formula = FALSE
    exact: Formula = FALSE
    everyone: Formula = FALSE
    external: Formula = FALSE  # a service principal, identity provider or canonical user by name

    @property
    def any(self) -> Formula:
        return disj([self.account, self.role, self.exact, self.everyone, self.external])


@dataclass(frozen=True)
class CompiledStatement:
    statement: Statement
    applies: Formula  # action, resource and conditions (and the principal, for NotPrincipal)
    naming: Naming | None  # None when the statement has no Principal element

    @property
    def effect(self) -> Effect:
        return self.statement.effect

    def applies_to_anyone_named(self) -> Formula:
        return conj([self.applies, self.naming.any if self.naming else TRUE])


@dataclass(frozen=True)
class StatementCompiler:
    conditions: ConditionCompiler
    semantics: Semantics

    def compile(
        self, statement: Statement, variables: bool, has_boundary: bool, attached: bool = False
    ) -> CompiledStatement:
        """`attached`: the statement belongs to the resource-based policy of the requested resource."""
        applies = conj(
            [
                action_formula(statement.action),
                self.resource_formula(statement.resource, variables, attached),
                self.conditions.statement(statement.conditions, variables),
            ]
        )
        naming = self.naming(statement, has_boundary) if statement.principal is not None else None
        return CompiledStatement(statement, applies, naming)

    def resource_formula(self, block: ResourceBlock | None, variables: bool, attached: bool = False) -> Formula:
        if block is None:
            return TRUE
        hit = disj(self._resource_item(item.text, variables, attached) for item in block.items)
        return neg(hit) if block.negated else hit

    def _resource_item(self, text: str, variables: bool, attached: bool) -> Formula:
        if text == "*":
            return TRUE
        if text.startswith(EXECUTE_API_SHORTHAND):
            if not attached:
                return FALSE
            # expanded with the requested method ARN's own partition, region, account and API ID
            text = "arn:?*:execute-api:*:*:" + _SEGMENT_MARK + text[len(EXECUTE_API_SHORTHAND) - 1 :]
        if variables and variable_outside_resource_part(parse_pattern(text, variables=True)):
            return FALSE
        term = StrTerm.of(Slot.RESOURCE)
        formula = self.conditions.pattern_match(term, text, wildcards=True, mode=MatchMode.ARN, variables=variables)
        return _with_segment(formula)

    def naming(self, statement: Statement, has_boundary: bool) -> Naming:
        block = statement.principal
        assert block is not None
        if not block.negated:
            return principal_naming(block, self.semantics)
        exempt = not_principal_exempt(block, self.semantics)
        if statement.effect is Effect.DENY and has_boundary:
            exempt = conj([exempt, neg(is_iam())])
        return Naming(everyone=neg(exempt))


_SEGMENT_MARK = "\x00api-id\x00"


def _with_segment(formula: Formula) -> Formula:
    """Replace the API-ID marker of an expanded shorthand with the internal SEGMENT wildcard."""
    if isinstance(formula, Match):
        return Match(formula.term, _segment_glob(formula.glob), formula.mode)
    if isinstance(formula, TemplateMatch):
        pieces = tuple(p if isinstance(p, StrTerm) else _segment_glob(p) for p in formula.pieces)
        return TemplateMatch(formula.term, pieces, formula.mode)
    if isinstance(formula, And | Or):
        return type(formula)(tuple(_with_segment(arg) for arg in formula.args))
    return formula


def _segment_glob(glob: Glob) -> Glob:
    out: list[str | Wild] = []
    for part in glob:
        if isinstance(part, str) and _SEGMENT_MARK in part:
            before, after = part.split(_SEGMENT_MARK, 1)
            out += [x for x in (before, Wild.SEGMENT, after) if x != ""]
        else:
            out.append(part)
    return tuple(out)


def action_formula(block: ActionBlock) -> Formula:
    term = StrTerm.of(Slot.ACTION)
    hit = disj(Match(term, parse_glob(item.text.lower()), MatchMode.IGNORE_CASE) for item in block.items)
    return neg(hit) if block.negated else hit


def principal_naming(block: PrincipalBlock, semantics: Semantics) -> Naming:
    if block.everyone:
        return Naming(everyone=TRUE)
    parts = [entry_naming(entry, semantics) for entry in block.entries]
    return Naming(
        account=disj(p.account for p in parts),
        role=disj(p.role for p in parts),
        exact=disj(p.exact for p in parts),
        everyone=disj(p.everyone for p in parts),
        external=disj(p.external for p in parts),
    )


def entry_naming(entry: PrincipalEntry, semantics: Semantics) -> Naming:
    value = entry.value
    if entry.key is PrincipalKey.SERVICE:
        return Naming(external=conj([PrincipalIs(P.SERVICE.value), _value_ignore_case(value)]))
    if entry.key is PrincipalKey.FEDERATED:
        return Naming(external=conj([PrincipalIs(P.WEB_IDENTITY.value), equals(Slot.PRINCIPAL_VALUE, value)]))
    if entry.key is PrincipalKey.CANONICAL_USER:
        return Naming(external=conj([PrincipalIs(P.CANONICAL_USER.value), equals(Slot.PRINCIPAL_VALUE, value)]))
    return _aws_naming(value, semantics)


def _value_ignore_case(value: str) -> Formula:
    """A service principal named in a Principal element, compared ignoring case (as the evaluator does).
    A request's service principal is lower case (`wellformed.py`), so with the principal a service, as in
    `entry_naming`, this is equality with the lower-cased name: an atom Z3 decides like a Boolean, where
    a regular expression of each letter in either case goes to its string solver."""
    return equals(Slot.PRINCIPAL_VALUE, value.lower())


def _aws_naming(value: str, semantics: Semantics) -> Naming:
    if value == "*":
        return Naming(everyone=TRUE if semantics.aws_star is AwsStar.EVERYONE else is_iam())
    if _ACCOUNT.match(value):
        return Naming(account=conj([is_iam(), equals(Slot.PRINCIPAL_ACCOUNT, value)]))
    if m := _ROOT.match(value):
        return Naming(account=conj([is_iam(), _partition_account(m.group(1), m.group(2))]))
    if m := _USER.match(value):
        fields = [(Slot.PRINCIPAL_PATH, m.group(3)), (Slot.PRINCIPAL_NAME, m.group(4))]
        # the user behind a federated-user session: counts like a role ARN (§4.1 step 4)
        parent = conj([PrincipalIs(P.FEDERATED_USER.value), equals(Slot.PRINCIPAL_PARENT, value)])
        return Naming(exact=_exact(P.USER, m, fields), role=parent)
    if m := _SESSION.match(value):
        fields = [(Slot.PRINCIPAL_NAME, m.group(3)), (Slot.PRINCIPAL_SESSION, m.group(4))]
        exact = _exact(P.ROLE_SESSION, m, fields)
        # a session ARN names one session; it is never the account or the role
        return Naming(exact=exact)
    if m := _FEDERATED.match(value):
        return Naming(exact=_exact(P.FEDERATED_USER, m, [(Slot.PRINCIPAL_NAME, m.group(3))]))
    if m := _ROLE.match(value):
        role = conj([PrincipalIs(P.ROLE_SESSION.value), _partition_account(m.group(1), m.group(2))])
        return Naming(role=conj([role, equals(Slot.PRINCIPAL_NAME, m.group(3))]))
    return Naming()


def _partition_account(partition: str, account: str) -> Formula:
    return conj([equals(Slot.PRINCIPAL_PARTITION, partition), equals(Slot.PRINCIPAL_ACCOUNT, account)])


def _exact(kind: PrincipalType, match: re.Match[str], fields: list[tuple[Slot, str]]) -> Formula:
    parts = [PrincipalIs(kind.value), _partition_account(match.group(1), match.group(2))]
    return conj(parts + [equals(slot, text) for slot, text in fields])


def not_principal_exempt(block: PrincipalBlock, semantics: Semantics) -> Formula:
    """The symbolic counterpart of evaluate.matching.not_principal_exempts."""
    if block.everyone:
        return TRUE
    naming = principal_naming(block, semantics)
    iam_levels = {
        P.ROOT: naming.account,
        P.USER: conj([naming.account, naming.exact]),
        P.FEDERATED_USER: conj([naming.account, naming.exact]),
        P.ROLE_SESSION: conj([naming.account, naming.role, naming.exact]),
    }
    exempt = [conj([PrincipalIs(kind.value), levels]) for kind, levels in iam_levels.items()]
    exempt.append(conj([is_kind(P.SERVICE, P.WEB_IDENTITY, P.CANONICAL_USER), naming.external]))
    return disj([naming.everyone, *exempt])
