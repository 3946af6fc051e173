"""Cell domains for the action, the resource and context keys: the patterns on each, partitioned into cells."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from iamproof.cells.deadline import NO_DEADLINE, Deadline
from iamproof.cells.glob_automaton import (
    COLON,
    AnyChar,
    AnyRun,
    CharSet,
    GlobAutomaton,
    HeadIndex,
    Unit,
    compile_glob,
)
from iamproof.cells.partition import DEFAULT_MAX_STATES, Cell, Partition, PartitionTooLarge, partition
from iamproof.patterns import Glob, Wild, parse_glob, split_at_colons
from iamproof.smt.formula import KeySlot, MatchMode, Slot
from iamproof.smt.keys import Unsupported

ACTION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.:")
DIGITS = frozenset("0123456789")
_NOT_SERVICE = frozenset("_.:")


@dataclass
class CellDomain:
    """A string variable abstracted into the cells of its patterns."""

    slot: Slot | KeySlot
    automata: list[GlobAutomaton] = field(default_factory=list)
    index: dict[tuple[Glob, MatchMode], int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)  # resource: account literal -> automaton
    twelve_digits: int | None = None  # resource: "the account component is 12 digits"
    literal_accounts: dict[int, str] = field(default_factory=dict)  # resource pattern -> its literal account
    partition: Partition = field(default_factory=lambda: Partition((), 0))

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.partition.cells

    def signature(self, text: str) -> frozenset[int]:
        """The automata that match `text` (read through an index of their heads, built once the domain's
        automata are all there)."""
        heads = self.__dict__.get("_heads")
        if heads is None or len(heads.automata) != len(self.automata):
            heads = self.__dict__["_heads"] = HeadIndex.of(self.automata)
        return heads.signature(text)

    def cells_matching(self, glob: Glob, mode: MatchMode) -> list[int]:
        return self.partition.cells_matching(self.index[(glob, mode)])

    def cell_account(self, cell: Cell) -> str | None:
        """For a resource cell: the account literal its ARN carries, if one."""
        for account, automaton in self.accounts.items():
            if automaton in cell.signature:
                return account
        return None

    def has_twelve_digit_account(self, cell: Cell) -> bool:
        return self.twelve_digits is not None and self.twelve_digits in cell.signature


Globs = set[tuple[Glob, MatchMode]] | frozenset[tuple[Glob, MatchMode]]
DomainKey = tuple[Slot | str, frozenset[tuple[Glob, MatchMode]]]
RECENT_DOMAINS = 8  # per kind: action and resource domains, and (apart) context-key domains
RECENT_CONTEXT_DOMAINS = 256  # a query may have dozens of small context-key domains
_RECENT: dict[bool, OrderedDict[DomainKey, CellDomain]] = {False: OrderedDict(), True: OrderedDict()}
_TOO_LARGE: dict[bool, OrderedDict[DomainKey, bool]] = {False: OrderedDict(), True: OrderedDict()}


def _key(slot: Slot | KeySlot, globs: Globs) -> DomainKey:
    """Context keys with the same patterns (the elements of a multivalued key) share one domain."""
    return (slot if isinstance(slot, Slot) else "context", frozenset(globs))


def _limit(context: bool) -> int:
    return RECENT_CONTEXT_DOMAINS if context else RECENT_DOMAINS


def cell_domain(
    slot: Slot | KeySlot, globs: Globs, deadline: Deadline = NO_DEADLINE, max_states: int = DEFAULT_MAX_STATES
) -> CellDomain:
    """The cell domain of the action, the resource or a context key; the last few are kept (context-key
    domains in a cache of their own, so that their number does not push out the action and the resource),
    so that queries over the same policies (both directions of an equivalence, a diff after an
    equivalence) partition once."""
    key, context = _key(slot, globs), isinstance(slot, KeySlot)
    too_large, recent = _TOO_LARGE[context], _RECENT[context]
    if key in too_large:
        too_large.move_to_end(key)
        raise PartitionTooLarge("the partition of these patterns passed its budget in an earlier query")
    domain = recent.get(key)
    if domain is None:
        domain = domain_automata(slot, globs)
        alphabet = ACTION_CHARS.__contains__ if slot is Slot.ACTION else None
        domain.partition = partition(
            domain.automata, alphabet=alphabet, required=[0], deadline=deadline, max_states=max_states
        )
        recent[key] = domain
        while len(recent) > _limit(context):
            recent.popitem(last=False)
    recent.move_to_end(key)
    return domain


def remember_too_large(slot: Slot | KeySlot, globs: Globs) -> None:
    """The partition of these patterns passed its budget: later queries over them skip the attempt."""
    context = isinstance(slot, KeySlot)
    too_large = _TOO_LARGE[context]
    too_large[_key(slot, globs)] = True
    while len(too_large) > _limit(context):
        too_large.popitem(last=False)


def forget_domains() -> None:
    """Drops the recent domains (tests that change the partition budget)."""
    for context in (False, True):
        _RECENT[context].clear()
        _TOO_LARGE[context].clear()


def domain_automata(slot: Slot | KeySlot, globs: Globs) -> CellDomain:
    """The automata of a domain (automaton 0 is the domain's shape, which every value matches), unpartitioned."""
    if slot is Slot.ACTION:
        return _action_automata(globs)
    if slot is Slot.RESOURCE:
        return _resource_automata(globs)
    return _context_automata(slot, globs)


def _context_automata(slot: Slot | KeySlot, globs: Globs) -> CellDomain:
    """A context key's value: non-empty (a request reads "" as absent), matched in each pattern's mode."""
    domain = CellDomain(slot)
    domain.automata.append(_non_empty())
    for glob, mode in sorted(globs, key=repr):
        domain.index[(glob, mode)] = len(domain.automata)
        ignore_case = mode is MatchMode.IGNORE_CASE
        domain.automata.append(compile_glob(glob, ignore_case=ignore_case, arn=mode is MatchMode.ARN))
    return domain


def _action_automata(globs: Globs) -> CellDomain:
    domain = CellDomain(Slot.ACTION)
    domain.automata.append(_action_shape())
    for glob, mode in sorted(globs, key=repr):
        domain.index[(glob, mode)] = len(domain.automata)
        lowered = tuple(part.lower() if isinstance(part, str) else part for part in glob)
        domain.automata.append(compile_glob(lowered))
    return domain


def _resource_automata(globs: Globs) -> CellDomain:
    domain = CellDomain(Slot.RESOURCE)
    domain.automata.append(_non_empty())
    accounts: set[str] = set()
    for glob, mode in sorted(globs, key=repr):
        if mode is not MatchMode.ARN:
            raise Unsupported(f"resource matched in {mode.value} mode")
        accounts |= _account_literals(glob)
        pieces = split_at_colons(glob)
        if pieces is not None and all(isinstance(part, str) for part in pieces[4]):
            domain.literal_accounts[len(domain.automata)] = "".join(str(part) for part in pieces[4])
        domain.index[(glob, mode)] = len(domain.automata)
        domain.automata.append(compile_glob(glob, arn=True))
    for account in sorted(accounts):
        domain.accounts[account] = len(domain.automata)
        domain.automata.append(compile_glob(parse_glob(f"*:*:*:*:{account}:*"), arn=True))
    domain.twelve_digits = len(domain.automata)
    domain.automata.append(_twelve_digit_account())
    return domain


def _account_literals(glob: Glob) -> set[str]:
    """Literal accounts in a resource pattern; a wildcard inside the account component is unsupported."""
    pieces = split_at_colons(glob)
    if pieces is None:
        if _digits_may_reach_account(glob):
            raise Unsupported("a digit in a resource pattern without ARN components may fall in the account")
        return set()
    account = pieces[4]
    if any(isinstance(p, Wild) for p in account):
        if account != (Wild.STAR,):
            raise Unsupported("a wildcard inside the account component of a resource pattern")
        return set()
    text = "".join(p for p in account if isinstance(p, str))
    return {text} if len(text) == 12 and set(text) <= DIGITS else set()


def _digits_may_reach_account(glob: Glob) -> bool:
    """A whole-string pattern (fewer than five colons) could tell 12-digit accounts apart only through a
    digit that may land in the account component: one after the first wildcard, or one after the fourth
    colon. Digits in a literal head before the fourth colon (`arn:aws:ec2:*`) cannot."""
    if not any(isinstance(part, Wild) for part in glob):
        return False  # matches only itself, which has no account component
    colons = 0
    for index, part in enumerate(glob):
        if isinstance(part, Wild):
            rest = glob[index:]
            return any(isinstance(p, str) and any(c in DIGITS for c in p) for p in rest)
        for char in part:
            if char == ":":
                colons += 1
            elif char in DIGITS and colons >= 4:
                return True
    return False


@lru_cache(maxsize=1)
def _action_shape() -> GlobAutomaton:
    return GlobAutomaton((AnyChar(_NOT_SERVICE), AnyRun(_NOT_SERVICE), CharSet(COLON), AnyChar(COLON), AnyRun(COLON)))


@lru_cache(maxsize=1)
def _non_empty() -> GlobAutomaton:
    return GlobAutomaton((AnyChar(), AnyRun()))


@lru_cache(maxsize=1)
def _twelve_digit_account() -> GlobAutomaton:
    units: list[Unit] = []
    for _ in range(4):
        units += [AnyRun(COLON), CharSet(COLON)]
    units += [CharSet(DIGITS)] * 12
    units += [CharSet(COLON), AnyRun()]
    return GlobAutomaton(tuple(units))
