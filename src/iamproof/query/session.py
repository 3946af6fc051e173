"""One symbolic query: encode the formulas, solve, decode the model, and re-check it concretely."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from iamproof.errors import InternalError
from iamproof.evaluate.case_file import build_request
from iamproof.evaluate.request import Request
from iamproof.parsing.json_tree import JObject, parse_json
from iamproof.query.solver import Outcome, Verdict, check_preferring, to_smt2
from iamproof.smt.decode import decode_request
from iamproof.smt.encode import Encoder
from iamproof.smt.formula import Formula, Slot
from iamproof.smt.keys import KeyInfo
from iamproof.smt.preferences import preferences
from iamproof.smt.wellformed import all_constraints


@dataclass(frozen=True)
class Witness:
    """A concrete request the solver found, already confirmed by the concrete evaluator."""

    request: Request
    document: dict[str, Any]  # the `request` object of a case file


@dataclass
class Session:
    """Encodes every formula of a query with one encoder, so all share one set of cells."""

    formulas: Sequence[Formula]
    keys: dict[str, KeyInfo]
    timeout: float
    encoder: Encoder = field(init=False)
    base: list[z3.BoolRef] = field(init=False)

    def __post_init__(self) -> None:
        self.encoder = Encoder(self.formulas, self.keys)
        encoded = [self.encoder.encode(f) for f in self.formulas]
        del encoded
        self.base = []

    def assertions(self, goal: Formula, extra: Sequence[z3.BoolRef] = ()) -> list[z3.BoolRef]:
        main = self.encoder.encode(goal)
        return [main, *extra, *all_constraints(self.encoder)]

    def smt2(self, goal: Formula) -> str:
        return to_smt2(self.assertions(goal))

    def solve(
        self,
        goal: Formula,
        confirm: Callable[[Request], bool],
        extra: Sequence[z3.BoolRef] = (),
        complete: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> tuple[Outcome, Witness | None]:
        """Solve `goal`; a model is decoded and must satisfy `confirm` (the concrete evaluator)."""
        outcome = check_preferring(self.assertions(goal, extra), preferences(self.encoder), self.timeout)
        if outcome.verdict is not Verdict.SAT:
            return outcome, None
        assert outcome.model is not None
        document = decode_request(self.encoder, outcome.model)
        if complete is not None:
            document = complete(document)
        request = request_from_document(document)
        if not confirm(request):
            raise InternalError(
                "the concrete evaluator rejects the solver's witness " + json.dumps(document, sort_keys=True)
            )
        return outcome, Witness(request, document)

    def block(self, outcome: Outcome, slots: Sequence[Slot] = (Slot.ACTION, Slot.RESOURCE)) -> z3.BoolRef:
        """Excludes the action and resource (cells) of a model, so that the next witness differs."""
        assert outcome.model is not None
        parts: list[z3.BoolRef] = []
        for slot in slots:
            var = self.encoder.cell_vars.get(slot)
            term = var if var is not None else self.encoder.string(slot)
            parts.append(term == outcome.model.eval(term, model_completion=True))
        return z3.Not(z3.And(*parts))


def request_from_document(document: dict[str, Any]) -> Request:
    node = parse_json(json.dumps(document), "<witness>")
    assert isinstance(node, JObject)
    return build_request(node)
