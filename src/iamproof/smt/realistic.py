"""Readable members of a cell: a real action name, an ARN with its wildcards filled in plausibly, of a
resource type the witness's action acts on where the cell holds one.

The shortest member of a cell (what the automaton walk finds first) is exact but reads badly
(`s3:get`, `arn:aws:s3:::b/`); these helpers look for a member of the same cell that reads like a
real request, and fall back to the shortest member, so no witness is ever lost.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from iamproof import catalogue
from iamproof.cells.partition import Cell
from iamproof.patterns import Glob, Wild, split_at_colons
from iamproof.smt.domains import CellDomain

_FILL = {0: "arn", 1: "aws", 2: "service", 3: "us-east-1", 4: "111122223333"}
MAX_CANDIDATES = 400


def first_member(domain: CellDomain, cell: Cell, candidates: Iterable[str]) -> str | None:
    for count, candidate in enumerate(candidates):
        if count >= MAX_CANDIDATES:
            return None
        if domain.signature(candidate) == cell.signature:
            return candidate
    return None


def filled_patterns(domain: CellDomain, cell: Cell, *, arn: bool) -> Iterator[str]:
    """The cell's patterns with their wildcards filled with plausible text, most specific first."""
    for glob in _cell_globs(domain, cell):
        yield from _fills(glob, arn)


def _cell_globs(domain: CellDomain, cell: Cell) -> list[Glob]:
    """The patterns the cell's members match, most specific (most literal text) first."""
    globs = [glob for (glob, _), index in domain.index.items() if index in cell.signature]
    globs.sort(key=lambda g: -sum(len(p) for p in g if isinstance(p, str)))
    return globs


def _fills(glob: Glob, arn: bool) -> Iterator[str]:
    pieces = split_at_colons(glob) if arn else None
    for word in ("example", "Example", "x", ""):
        if pieces is None:
            yield _fill(glob, word)
            continue
        yield ":".join(
            _fill(piece, _FILL.get(i, word) if i < 5 and piece == (Wild.STAR,) else word)
            for i, piece in enumerate(pieces)
        )


def _fill(glob: Glob, word: str) -> str:
    out: list[str] = []
    for part in glob:
        if part is Wild.STAR:
            out.append(word)
        elif part is Wild.QUESTION:
            out.append("x")
        elif part is Wild.SEGMENT:
            out.append("a1b2c3d4e5")
        else:
            assert isinstance(part, str)
            out.append(part)
    return "".join(out)


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_PLACEHOLDER_VALUES = {
    "partition": "aws",
    "region": "us-east-1",
    "bucketname": "example-bucket",
    "objectname": "example.txt",
    "method": "GET",
    "stage": "prod",
    "apiid": "a1b2c3d4e5",
    "functionname": "example-function",
    "rolenamewithpath": "example-role",
    "usernamewithpath": "alice",
    "tablename": "example-table",
    "queuename": "example-queue",
    "topicname": "example-topic",
    "keyid": "1234abcd-12ab-34cd-56ef-1234567890ab",
}


def placeholder_value(name: str, account: str) -> str:
    """A plausible value for a catalogue ARN placeholder (`BucketName` → `example-bucket`)."""
    lowered = name.lower()
    return account if lowered == "account" else _PLACEHOLDER_VALUES.get(lowered, "example")


def filled_template(template: str, account: str) -> str:
    """A catalogue ARN template (`arn:${Partition}:s3:::${BucketName}`) with plausible values."""
    return _PLACEHOLDER.sub(lambda match: placeholder_value(match.group(1), account), template)


# --- resources of the witness action's resource types ----------------------------------------------------

TYPED_GLOBS = 32  # of the cell's patterns (most specific first), read against the action's templates
SHAPED_TRIES = 128  # (template, pattern) pairs searched for a shaped fill, per witness
MAX_SHAPE_STATES = 1000  # search states of one pattern read against one template


def resource_candidates(domain: CellDomain, cell: Cell, action: str, account: str) -> Iterator[str]:
    """Readable resources for a witness of `action`, most plausible first, each once (`first_member`
    keeps the first in the cell):

    1. `*` for an action of the catalogue without resource types (`s3:ListAllMyBuckets`);
    2. a filled pattern of the cell that is an ARN of one of the action's resource types;
    3. a pattern of the cell filled to the shape of such an ARN (`arn:aws:s3:::*` for `s3:GetObject`:
       `arn:aws:s3:::example-bucket/example.txt`);
    4. the action's ARN templates with plausible values;
    5. any filled pattern, the ARN templates of the action's service, `*`.
    """
    templates = catalogue.action_arn_templates(action)
    service = action.split(":", 1)[0].lower()
    first = ["*"] if not templates and catalogue.canonical_action(action) is not None else []
    rest = _service_templates(service, account)
    candidates = itertools.chain(
        first,
        typed_resources(domain, cell, templates, account),
        filled_patterns(domain, cell, arn=True),
        rest,
        ["*"],
    )
    return _unique(candidates)


def _service_templates(service: str, account: str) -> Iterator[str]:
    """The service's ARN templates, filled; read from the catalogue only if the candidates get this far,
    and from the service's own file before every service's (the first read of all of them takes tens of
    milliseconds)."""
    for template in catalogue.own_arn_templates(service):
        yield filled_template(template, account)
    for template in catalogue.arn_templates(service):
        yield filled_template(template, account)


def _unique(candidates: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for candidate in candidates:
        if candidate not in seen:
            seen.add(candidate)
            yield candidate


def typed_resources(domain: CellDomain, cell: Cell, templates: Sequence[str], account: str) -> Iterator[str]:
    """Steps 2 to 4 of `resource_candidates`, for the ARN templates of the action's resource types."""
    if not templates:
        return
    globs = _cell_globs(domain, cell)[:TYPED_GLOBS]
    regexes = [template_regex(template) for template in templates]
    for glob in globs:
        yield from (text for text in _fills(glob, True) if any(regex.fullmatch(text) for regex in regexes))
    pairs = itertools.islice(itertools.product(templates, globs), SHAPED_TRIES)
    yield from (text for template, glob in pairs if (text := shaped_fill(glob, template, account)) is not None)
    for template in templates:
        yield filled_template(template, account)


@dataclass(frozen=True)
class _Hole:
    """A placeholder of an ARN template: one or more characters, none of `stop` (the literal character
    that ends it, and `:` in the first five ARN components); `value` is its plausible text."""

    value: str
    stop: frozenset[str]


@lru_cache(maxsize=1024)
def _template_pieces(template: str, account: str) -> tuple[str | _Hole, ...]:
    """The template's literal characters one by one, and its placeholders as holes."""
    parts = _PLACEHOLDER.split(template)  # literal text, placeholder name, literal text, ...
    pieces: list[str | _Hole] = []
    colons = 0
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pieces += part
            colons += part.count(":")
            continue
        stop = frozenset(({parts[index + 1][0]} if parts[index + 1] else set()) | ({":"} if colons < 5 else set()))
        value = placeholder_value(part, account)
        pieces.append(_Hole(value if not stop & set(value) else "example", stop))
    return tuple(pieces)


@lru_cache(maxsize=1024)
def template_regex(template: str) -> re.Pattern[str]:
    """The well-formed ARNs of a catalogue template: each placeholder one or more characters, none of
    them the character that ends it (`${BucketName}/${ObjectName}`: a bucket name without `/`), nor `:`
    in the first five ARN components."""
    parts: list[str] = []
    for piece in _template_pieces(template, ""):
        if isinstance(piece, str):
            parts.append(re.escape(piece))
        else:
            parts.append(f"[^{re.escape(''.join(sorted(piece.stop)))}]+" if piece.stop else ".+")
    return re.compile("".join(parts), re.DOTALL)


_State = tuple[int, int, bool]  # (next pattern token, next template piece, that piece is a hole with text)
_Step = tuple[str, _State]  # the text a step appends, and the state it leads to


@dataclass(frozen=True)
class _Shapes:
    """A pattern (one token per character or wildcard) read against a template's pieces; `tokens_arn[i]`:
    token i lies in the pattern's first five ARN components, where a wildcard takes no `:`."""

    tokens: tuple[str | Wild, ...]
    pieces: tuple[str | _Hole, ...]
    tokens_arn: tuple[bool, ...]

    def steps(self, state: _State) -> list[_Step]:
        """The moves from `state`, preferred first."""
        i, j, _ = state
        token = self.tokens[i] if i < len(self.tokens) else None
        piece = self.pieces[j] if j < len(self.pieces) else None
        if isinstance(piece, _Hole):
            return self._hole_steps(token, piece, state)
        if piece is None:  # the template is done: only a trailing `*` may end
            return [("", (i + 1, j, False))] if token is Wild.STAR else []
        colon_inside = piece == ":" and self.tokens_arn[i]
        if token is Wild.STAR:  # stop here, or cover the template's next character
            return [("", (i + 1, j, False))] + ([] if colon_inside else [(piece, (i, j + 1, False))])
        one = token is Wild.QUESTION and not colon_inside
        segment = token is Wild.SEGMENT and piece not in "/:"
        if token == piece or one or segment:
            return [(piece, (i + 1, j + 1, False))]
        return []

    def _hole_steps(self, token: str | Wild | None, hole: _Hole, state: _State) -> list[_Step]:
        i, j, filled = state
        done: list[_Step] = [("", (i, j + 1, False))] if filled else []  # the placeholder's text ends
        if token is None:
            return done
        if token is Wild.STAR:
            if filled:
                return [("", (i + 1, j, True)), *done]
            return [(hole.value, (i, j, True)), ("", (i + 1, j, False))]
        if token is Wild.QUESTION:
            return [("x", (i + 1, j, True)), *done] if "x" not in hole.stop else done
        if token is Wild.SEGMENT:
            text = hole.value if not {"/", ":"} & set(hole.value) else "x"
            return [*done, (text, (i + 1, j, True))]
        if token in hole.stop:
            return done
        return [*done, (token, (i + 1, j, True))]


@lru_cache(maxsize=4096)
def shaped_fill(glob: Glob, template: str, account: str) -> str | None:
    """A string that matches both the (ARN) pattern `glob` and the ARN `template` (as `template_regex`
    reads it), or None if the search finds none within its budget.

    The pattern's wildcards take the text the template puts there (its literal text, a placeholder's
    plausible value) and the template's placeholders take the pattern's literal text where they meet it:
    `arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/*` with the API template gives
    `...:a1b2c3/prod/GET/example`. A depth-first search over (pattern position, template position);
    whether a state leads to a match does not depend on the way there, so each state is expanded once.
    """
    tokens = tuple(c for part in glob for c in ((part,) if isinstance(part, Wild) else part))
    arn = split_at_colons(glob) is not None  # else the pattern is matched against the whole string
    tokens_arn = tuple(arn and count < 5 for count in itertools.accumulate((t == ":" for t in tokens), initial=0))
    shapes = _Shapes(tokens, _template_pieces(template, account), tokens_arn)
    end = (len(shapes.tokens), len(shapes.pieces))
    parents: dict[_State, tuple[_State | None, str]] = {}
    stack: list[tuple[_State, _State | None, str]] = [((0, 0, False), None, "")]
    while stack:
        state, parent, text = stack.pop()
        if state in parents:
            continue
        parents[state] = (parent, text)
        if state[:2] == end:
            return _path_text(parents, state)
        if len(parents) > MAX_SHAPE_STATES:
            return None
        stack.extend((target, state, added) for added, target in reversed(shapes.steps(state)))
    return None


def _path_text(parents: dict[_State, tuple[_State | None, str]], state: _State | None) -> str:
    texts: list[str] = []
    while state is not None:
        state, text = parents[state]
        texts.append(text)
    return "".join(reversed(texts))
