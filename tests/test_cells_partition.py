"""The cell partition agrees with the reference glob matcher (`iamproof.patterns.glob_match`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from iamproof.cells.glob_automaton import HeadIndex, compile_glob
from iamproof.cells.partition import Cell, partition
from iamproof.evaluate.conditions import arn_like
from iamproof.patterns import glob_match, parse_glob

ALPHABET = "ab:/*?"
patterns = st.lists(st.text(alphabet=ALPHABET, max_size=7), min_size=1, max_size=5)
texts = st.text(alphabet="ab:/cx", max_size=9)


def _signature(globs: list[str], text: str, arn: bool) -> frozenset[int]:
    if arn:
        return frozenset(i for i, g in enumerate(globs) if arn_like(parse_glob(g), text))
    return frozenset(i for i, g in enumerate(globs) if glob_match(parse_glob(g), text))


@settings(max_examples=300, deadline=None)
@given(patterns, st.lists(texts, max_size=10), st.booleans())
def test_every_string_falls_in_a_cell_with_its_signature(globs: list[str], samples: list[str], arn: bool) -> None:
    automata = [compile_glob(parse_glob(g), arn=arn) for g in globs]
    result = partition(automata)
    signatures = {cell.signature for cell in result.cells}
    for text in samples:
        assert _signature(globs, text, arn) in signatures
        for automaton, glob in zip(automata, globs, strict=True):
            expected = arn_like(parse_glob(glob), text) if arn else glob_match(parse_glob(glob), text)
            assert automaton.matches(text) == expected


@settings(max_examples=300, deadline=None)
@given(patterns, st.booleans())
def test_every_witness_has_its_cell_signature(globs: list[str], arn: bool) -> None:
    automata = [compile_glob(parse_glob(g), arn=arn) for g in globs]
    result = partition(automata)
    assert len({cell.signature for cell in result.cells}) == len(result.cells)
    for cell in result.cells:
        assert cell.witnesses
        for witness in cell.witnesses:
            assert _signature(globs, witness, arn) == cell.signature


def test_question_mark_is_exactly_one_character() -> None:
    globs = ["/restapis/??????????", "/restapis/*"]
    automata = [compile_glob(parse_glob(g)) for g in globs]
    result = partition(automata)
    both = [cell for cell in result.cells if cell.signature == frozenset({0, 1})]
    assert len(both) == 1
    assert all(len(w) == len("/restapis/") + 10 for w in both[0].witnesses)


def test_literal_only_cell_is_a_single_string() -> None:
    automata = [compile_glob(parse_glob("s3:getobject")), compile_glob(parse_glob("s3:*"))]
    result = partition(automata)
    exact = next(cell for cell in result.cells if cell.signature == frozenset({0, 1}))
    assert exact.witnesses == ["s3:getobject"]
    assert not exact.many


def test_required_pattern_restricts_the_domain() -> None:
    automata = [compile_glob(parse_glob("?*:?*")), compile_glob(parse_glob("s3:*"))]
    result = partition(automata, required=[0])
    assert {cell.signature for cell in result.cells} == {frozenset({0}), frozenset({0, 1})}


shared_heads = st.lists(
    st.tuples(st.sampled_from(["", "ab", "ab:", "ab:a", "ab:ab/"]), st.text(alphabet=ALPHABET, max_size=4)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(shared_heads, st.lists(texts, max_size=12), st.booleans())
def test_patterns_sharing_literal_heads(parts: list[tuple[str, str]], samples: list[str], arn: bool) -> None:
    """Patterns that share literal heads join the walk at different depths; cells stay exact, and a
    cell that claims to hold only its witnesses holds no other string."""
    _check_cells([head + tail for head, tail in parts], [*samples, *(head for head, _ in parts)], arn)


def _check_cells(globs: list[str], texts: list[str], arn: bool) -> list[Cell]:
    """Each text is in the cell of its signature (among a cell's witnesses, unless the cell has more
    members), and each witness has its cell's signature."""
    automata = [compile_glob(parse_glob(g), arn=arn) for g in globs]
    result = partition(automata)
    by_signature = {cell.signature: cell for cell in result.cells}
    for text in texts:
        signature = _signature(globs, text, arn)
        assert signature in by_signature, (globs, text)
        cell = by_signature[signature]
        if not cell.many:
            assert text in cell.witnesses
    for cell in result.cells:
        for witness in cell.witnesses:
            assert _signature(globs, witness, arn) == cell.signature
    return list(result.cells)


long_heads = st.lists(
    st.tuples(
        st.sampled_from(["", "arn:aws:s3:::", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket-two/", "s3:getobject"]),
        st.text(alphabet=ALPHABET, max_size=4),
    ),
    min_size=1,
    max_size=6,
)
long_texts = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(["", "arn:aws:s3:::", "arn:aws:s3:::buck", "arn:aws:s3:::bucket-two/", "s3:get", "arn:aws:s"]),
    texts,
)


@settings(max_examples=300, deadline=None)
@given(long_heads, st.lists(long_texts, max_size=12), st.booleans())
def test_long_literal_heads(parts: list[tuple[str, str]], samples: list[str], arn: bool) -> None:
    """Long literal heads make chains of trie nodes that the walk skips; every string still falls in the cell
    of its signature, witnesses keep theirs, and a cell that claims to hold only its witnesses holds no
    other string."""
    heads = [head for head, _ in parts]
    texts = [*samples, *heads, *(head[: len(head) // 2] for head in heads)]
    cells = _check_cells([head + tail for head, tail in parts], texts, arn)
    assert len({cell.signature for cell in cells}) == len(cells)


@settings(max_examples=300, deadline=None)
@given(long_heads, st.lists(long_texts, max_size=12), st.booleans())
def test_the_head_index_gives_every_texts_signature(
    parts: list[tuple[str, str]], samples: list[str], arn: bool
) -> None:
    """Reading only the automata whose literal head starts the text loses no match."""
    globs = [head + tail for head, tail in parts]
    index = HeadIndex.of([compile_glob(parse_glob(g), arn=arn) for g in globs])
    for text in [*samples, *(head for head, _ in parts), *globs]:
        assert index.signature(text) == _signature(globs, text, arn), (globs, text)


@settings(max_examples=300, deadline=None)
@given(long_heads, st.lists(long_texts, max_size=12), st.booleans())
def test_no_cell_member_leaves_the_alphabet(parts: list[tuple[str, str]], samples: list[str], arn: bool) -> None:
    """With an alphabet without `t`, the walk (its skips along long literal heads included) finds only
    members without `t`, and every text without `t` still falls in the cell of its signature."""
    globs = [head + tail for head, tail in parts]
    automata = [compile_glob(parse_glob(g), arn=arn) for g in globs]
    result = partition(automata, alphabet=lambda char: char != "t")
    by_signature = {cell.signature for cell in result.cells}
    for cell in result.cells:
        assert all("t" not in witness for witness in cell.witnesses), (globs, cell)
    for text in [*samples, *(head for head, _ in parts)]:
        if "t" not in text:
            assert _signature(globs, text, arn) in by_signature, (globs, text)
