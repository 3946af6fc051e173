"""The query language: every form parses to its question, errors point at the offending token, and
`format_query` prints any question back to text that parses to the same question."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamproof.errors import IamproofError, InputError
from iamproof.span import Span
from iamproof.world.query_ast import BypassQuery, CanQuery, CompareQuery, OnlyThroughQuery, Query, Where, WhoCanQuery
from iamproof.world.query_parse import HTTP_VERBS, format_query, parse_query

FN = "arn:aws:lambda:us-east-1:111122223333:function:orders"
ALICE = "arn:aws:iam::111122223333:user/alice"
PETS = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3/prod/GET/pets"
NO_SPAN = Span("", 0, 0, 0, 0)


def whole(text: str, source: str = "<query>") -> Span:
    """The span of a one-line query with no surrounding whitespace."""
    return Span(source, 1, 1, 1, len(text) + 1)


def between(text: str, first: str, last: str) -> Span:
    """The span on line 1 from the first occurrence of `first` to the end of the next `last` after it."""
    start = text.index(first)
    end = text.index(last, start + len(first)) + len(last)
    return Span("<query>", 1, start + 1, 1, end + 1)


def without_spans(query: Query) -> Query:
    if isinstance(query, CanQuery | WhoCanQuery):
        where = tuple(dataclasses.replace(w, span=NO_SPAN) for w in query.where)
        return dataclasses.replace(query, where=where, span=NO_SPAN)
    return dataclasses.replace(query, span=NO_SPAN)


# --- every form ------------------------------------------------------------------------------------

CAN_ALICE = f'can "{ALICE}" do "execute-api:Invoke" on "{PETS}"'
WHO_CAN = f'who can do "lambda:InvokeFunction" on "{FN}"'
BYPASS = f'can anyone invoke "{FN}" without "a1b2c3"'
ANY_CALLER = 'can any caller do "s3:*" on "arn:aws:s3:::payroll/*" where "aws:SecureTransport" = "false"'
ANYONE = 'can anyone do "s3:GetObject" on "arn:aws:s3:::b/*"'
WHO_TWO_WHERE = f'who can do "lambda:InvokeFunction" on "{FN}" where "k1" = "v1" and "k2" = "v2"'
ONLY_THROUGH = f'only-through "a1b2c3" "{FN}"'
COMPARE = 'compare callers and role of "a1b2c3"'
COMPARE_METHOD = 'compare callers and role of "a1b2c3" method "GET /orders"'

FORMS: list[tuple[str, Query]] = [
    (CAN_ALICE, CanQuery(ALICE, "execute-api:Invoke", PETS, (), whole(CAN_ALICE))),
    (WHO_CAN, WhoCanQuery("lambda:InvokeFunction", FN, (), whole(WHO_CAN))),
    (BYPASS, BypassQuery(FN, "a1b2c3", whole(BYPASS))),
    (
        ANY_CALLER,
        CanQuery(
            None,
            "s3:*",
            "arn:aws:s3:::payroll/*",
            (Where("aws:SecureTransport", "false", between(ANY_CALLER, '"aws:Secure', '"false"')),),
            whole(ANY_CALLER),
        ),
    ),
    (ANYONE, CanQuery(None, "s3:GetObject", "arn:aws:s3:::b/*", (), whole(ANYONE))),
    (
        WHO_TWO_WHERE,
        WhoCanQuery(
            "lambda:InvokeFunction",
            FN,
            (
                Where("k1", "v1", between(WHO_TWO_WHERE, '"k1"', '"v1"')),
                Where("k2", "v2", between(WHO_TWO_WHERE, '"k2"', '"v2"')),
            ),
            whole(WHO_TWO_WHERE),
        ),
    ),
    (ONLY_THROUGH, OnlyThroughQuery("a1b2c3", FN, whole(ONLY_THROUGH))),
    (COMPARE, CompareQuery("a1b2c3", None, whole(COMPARE))),
    (COMPARE_METHOD, CompareQuery("a1b2c3", "GET /orders", whole(COMPARE_METHOD))),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_every_form_parses_to_its_question(text: str, expected: Query) -> None:
    assert parse_query(text) == expected


def test_where_spans_point_at_key_and_value() -> None:
    query = parse_query(ANY_CALLER)
    assert isinstance(query, CanQuery)
    (where,) = query.where
    assert (where.span.column, where.span.end_column) == (60, 91)
    assert ANY_CALLER[where.span.column - 1 : where.span.end_column - 1] == '"aws:SecureTransport" = "false"'


@pytest.mark.parametrize(
    "text",
    [CAN_ALICE, WHO_CAN, BYPASS, ANYONE, WHO_TWO_WHERE, ONLY_THROUGH, COMPARE, COMPARE_METHOD],
)
def test_canonical_text_prints_back_unchanged(text: str) -> None:
    assert format_query(parse_query(text)) == text


def test_any_caller_prints_as_anyone() -> None:
    assert format_query(parse_query(ANY_CALLER)) == ANY_CALLER.replace("any caller", "anyone")


def test_source_names_the_file_of_every_span() -> None:
    query = parse_query(WHO_TWO_WHERE, "questions.txt")
    assert isinstance(query, WhoCanQuery)
    assert query.span == whole(WHO_TWO_WHERE, "questions.txt")
    assert {w.span.file for w in query.where} == {"questions.txt"}


# --- keywords, whitespace, escapes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (f'CAN "{ALICE}" DO "execute-api:Invoke" ON "{PETS}"', CAN_ALICE),
        (f'Who Can Do "lambda:InvokeFunction" oN "{FN}"', WHO_CAN),
        (f'can AnyOne INVOKE "{FN}" WITHOUT "a1b2c3"', BYPASS),
        (ANY_CALLER.replace("any caller", "ANY Caller").replace("where", "WHERE"), ANY_CALLER),
        (WHO_TWO_WHERE.replace(" and ", " AND "), WHO_TWO_WHERE),
        (ONLY_THROUGH.replace("only-through", "Only-Through"), ONLY_THROUGH),
        ('COMPARE Callers AND Role OF "a1b2c3" METHOD "GET /orders"', COMPARE_METHOD),
        (f'  who\tcan\n do  "lambda:InvokeFunction"\n\non   "{FN}"  \n', WHO_CAN),
        (f'who can do"lambda:InvokeFunction"on"{FN}"', WHO_CAN),
        ('compare callers and role of "a1b2c3" method "get /orders"', COMPARE_METHOD),
        (
            'who can do "s3:x" on "r" where "k"="v"and"k2"="v2"',
            'who can do "s3:x" on "r" where "k" = "v" and "k2" = "v2"',
        ),
    ],
)
def test_keywords_ignore_case_and_whitespace_is_free(text: str, canonical: str) -> None:
    assert without_spans(parse_query(text)) == without_spans(parse_query(canonical))


def test_escapes_decode_quote_and_backslash() -> None:
    query = parse_query(r'can "a\"b\\c" do "s3:GetObject" on "arn:aws:s3:::b/\\*" where "k\"" = "\\"')
    assert isinstance(query, CanQuery)
    assert query.principal == 'a"b\\c'
    assert query.resource == "arn:aws:s3:::b/\\*"
    assert [(w.key, w.value) for w in query.where] == [('k"', "\\")]
    assert format_query(query) == r'can "a\"b\\c" do "s3:GetObject" on "arn:aws:s3:::b/\\*" where "k\"" = "\\"'


def test_multi_line_query_spans_its_lines() -> None:
    text = f'who can\n  do "s3:x"\n  on "{FN}"\n  where "k" = "v"\n'
    query = parse_query(text)
    assert isinstance(query, WhoCanQuery)
    assert query.span == Span("<query>", 1, 1, 4, 18)
    assert query.where[0].span == Span("<query>", 4, 9, 4, 18)


def test_function_arn_may_carry_a_qualifier() -> None:
    query = parse_query(f'can anyone invoke "{FN}:prod" without "a1b2c3d4e5"')
    assert query == BypassQuery(f"{FN}:prod", "a1b2c3d4e5", query.span)


@pytest.mark.parametrize("verb", HTTP_VERBS)
def test_every_http_verb_is_a_method(verb: str) -> None:
    query = parse_query(f'compare callers and role of "a1b2c3" method "{verb.lower()} /pets/{{id}}"')
    assert isinstance(query, CompareQuery)
    assert query.method == f"{verb} /pets/{{id}}"


# --- errors ----------------------------------------------------------------------------------------

MALFORMED: list[tuple[str, int, int, str]] = [
    ("", 1, 1, "expected a query ('can', 'who can', 'only-through' or 'compare'), found the end of the query"),
    ("   \n  ", 1, 1, "expected a query ('can', 'who can', 'only-through' or 'compare'), found the end of the query"),
    ('cann "x"', 1, 1, "expected a query ('can', 'who can', 'only-through' or 'compare'), found 'cann'"),
    (f'can "{ALICE}" on "x"', 1, 44, "expected 'do' after the principal, found 'on'"),
    (f'can "{ALICE}"', 1, 43, "expected 'do' after the principal, found the end of the query"),
    (
        "can anyonex",
        1,
        5,
        "expected the principal after 'can' (a quoted ARN, 'anyone' or 'any caller'), found 'anyonex'",
    ),
    ('can anyone on "x"', 1, 12, "expected 'do' or 'invoke' after 'anyone', found 'on'"),
    ('can any "s3:x"', 1, 9, "expected 'caller' after 'any', found \"s3:x\""),
    ('can any caller on "x"', 1, 16, "expected 'do' after 'any caller', found 'on'"),
    ("who do", 1, 5, "expected 'can' after 'who', found 'do'"),
    ('who can "x"', 1, 9, "expected 'do' after 'who can', found \"x\""),
    ("who can do on", 1, 12, "expected the action in quotes after 'do', found 'on'"),
    ('who can do "s3:x" "r"', 1, 19, "expected 'on' after the action, found \"r\""),
    ('who can do "s3:x" on', 1, 21, "expected the resource in quotes after 'on', found the end of the query"),
    ('who can do "s3:x" on "r" and', 1, 26, "expected 'where' or the end of the query after the resource, found 'and'"),
    ('who can do "s3:x" on "r" where =', 1, 32, "expected a context key in quotes after 'where', found '='"),
    ('who can do "s3:x" on "r" where "k" "v"', 1, 36, "expected '=' after the context key, found \"v\""),
    (
        'who can do "s3:x" on "r" where "k" =',
        1,
        37,
        "expected the value in quotes after '=', found the end of the query",
    ),
    (
        'who can do "s3:x" on "r" where "k" = "v" "w"',
        1,
        42,
        "expected 'and' or the end of the query after the condition, found \"w\"",
    ),
    (
        'who can do "s3:x" on "r" where "k" = "v" and',
        1,
        45,
        "expected a context key in quotes after 'and', found the end of the query",
    ),
    ('can anyone invoke without "a"', 1, 19, "expected the function ARN in quotes after 'invoke', found 'without'"),
    (f'can anyone invoke "{FN}" "a"', 1, 75, "expected 'without' after the function ARN, found \"a\""),
    (
        f'can anyone invoke "{FN}" without',
        1,
        82,
        "expected the API id in quotes after 'without', found the end of the query",
    ),
    (
        f'can anyone invoke "{FN}" without "a" where',
        1,
        87,
        "expected the end of the query after the API id, found 'where'",
    ),
    ("only-through", 1, 13, "expected the API id in quotes after 'only-through', found the end of the query"),
    (
        'only-through "a1b2c3"',
        1,
        22,
        "expected the function ARN in quotes after the API id, found the end of the query",
    ),
    (f'only-through "a" "{FN}" "x"', 1, 74, 'expected the end of the query after the function ARN, found "x"'),
    ("compare role", 1, 9, "expected 'callers' after 'compare', found 'role'"),
    ("compare callers role", 1, 17, "expected 'and' after 'compare callers', found 'role'"),
    ("compare callers and of", 1, 21, "expected 'role' after 'compare callers and', found 'of'"),
    ('compare callers and role "a"', 1, 26, "expected 'of' after 'role', found \"a\""),
    ("compare callers and role of method", 1, 29, "expected the API id in quotes after 'of', found 'method'"),
    (
        'compare callers and role of "a" "GET /"',
        1,
        33,
        "expected 'method' or the end of the query after the API id, found \"GET /\"",
    ),
    (
        'compare callers and role of "a" method',
        1,
        39,
        "expected the method in quotes after 'method' (like \"GET /orders\"), found the end of the query",
    ),
    (
        'compare callers and role of "a" method "GET /" x',
        1,
        48,
        "expected the end of the query after the method, found 'x'",
    ),
    ('can "alice do "s3:x" on "r"', 1, 16, "expected 'do' after the principal, found 's3:x'"),
    ('who can do "s3:x" on "r', 1, 22, "unterminated string (no closing '\"' on its line)"),
    ('can "alice\n do "s3:x" on "r"', 1, 5, "unterminated string (no closing '\"' on its line)"),
    ('can "alice\\" do', 1, 5, "unterminated string (no closing '\"' on its line)"),
    ("who can do 's3:x'", 1, 12, "strings are written in double quotes, not single quotes"),
    ('who can do "s3:x" on "r" where "k" == "v"', 1, 37, "expected the value in quotes after '=', found '='"),
    ('who can do "s3:x" on "r" @', 1, 26, "expected 'where' or the end of the query after the resource, found '@'"),
    ('who can\n  do "s3:x"\n  "r"', 3, 3, "expected 'on' after the action, found \"r\""),
    ('who can\n  do "s3:x"\n  on', 3, 5, "expected the resource in quotes after 'on', found the end of the query"),
    # what the strings hold
    ('can "" do "s3:x" on "r"', 1, 5, "the principal is empty"),
    ('who can do "" on "r"', 1, 12, "the action is empty"),
    ('who can do "s3:x" on ""', 1, 22, "the resource is empty"),
    ('who can do "s3:x" on "r" where "" = "v"', 1, 32, "the context key is empty"),
    ('who can do "s3:x" on "r" where "k" = ""', 1, 38, "the context value is empty"),
    (
        'who can do "s3" on "r"',
        1,
        12,
        'the action must look like service:action (like "s3:GetObject" or "s3:*"), not "s3"',
    ),
    (
        'who can do "*" on "r"',
        1,
        12,
        'the action must look like service:action (like "s3:GetObject" or "s3:*"), not "*"',
    ),
    (
        'who can do "s3:Get Object" on "r"',
        1,
        12,
        'the action must look like service:action (like "s3:GetObject" or "s3:*"), not "s3:Get Object"',
    ),
    (
        'can anyone invoke "arn:aws:lambda:us-east-1:111122223333:layer:x" without "a"',
        1,
        19,
        '"arn:aws:lambda:us-east-1:111122223333:layer:x" is not a Lambda function ARN '
        "(arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])",
    ),
    (
        'only-through "a" "orders"',
        1,
        18,
        '"orders" is not a Lambda function ARN (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])',
    ),
    (
        f'can anyone invoke "{FN}" without "arn:aws:execute-api:us-east-1:111122223333:a1b2c3"',
        1,
        83,
        '"arn:aws:execute-api:us-east-1:111122223333:a1b2c3" is not an API id: '
        'give the API id, not its ARN or URL (like "a1b2c3d4e5")',
    ),
    (
        f'only-through "a1b2c3/prod" "{FN}"',
        1,
        14,
        '"a1b2c3/prod" is not an API id: give the API id, not its ARN or URL (like "a1b2c3d4e5")',
    ),
    (
        'compare callers and role of "a1b2-c3"',
        1,
        29,
        '"a1b2-c3" is not an API id: an API id has only letters and digits (like "a1b2c3d4e5")',
    ),
    (
        'compare callers and role of "a" method "FETCH /orders"',
        1,
        40,
        "unknown HTTP method 'FETCH' (expected GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY)",
    ),
    (
        'compare callers and role of "a" method "GET orders"',
        1,
        40,
        'the method must look like "GET /orders" (a verb, one space and a path starting with \'/\'), not "GET orders"',
    ),
    (
        'compare callers and role of "a" method "/orders"',
        1,
        40,
        'the method must look like "GET /orders" (a verb, one space and a path starting with \'/\'), not "/orders"',
    ),
    ('can "a\\n" do "s3:x" on "r"', 1, 7, "unknown escape '\\n' in a string (only \\\" and \\\\ are escapes)"),
    ('who can do "s3:x"\n  on "a\\tb"', 2, 8, "unknown escape '\\t' in a string (only \\\" and \\\\ are escapes)"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), MALFORMED)
def test_malformed_query_points_at_the_offending_token(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_query(text, "q.txt")
    error = caught.value
    assert error.message == message
    assert error.span is not None
    assert (error.span.file, error.span.line, error.span.column) == ("q.txt", line, column)
    assert str(error) == f"q.txt:{line}:{column}: {message}"


def test_errors_are_input_errors_with_exit_code_2() -> None:
    with pytest.raises(IamproofError) as caught:
        parse_query("who can")
    assert type(caught.value) is InputError
    assert caught.value.exit_code == 2
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_string_errors_span_the_whole_string() -> None:
    with pytest.raises(InputError) as caught:
        parse_query('who can do "s3" on "r"')
    assert caught.value.span == Span("<query>", 1, 12, 1, 16)


VALID = [text for text, _ in FORMS] + [ANY_CALLER.replace("any caller", "anyone")]


@pytest.mark.parametrize("text", VALID)
def test_every_cut_of_a_valid_query_says_what_was_expected(text: str) -> None:
    """Cut a valid query after each token: the error names what should come next, never a fallback."""
    cuts = [i for i, char in enumerate(text) if char == " " and text[:i].count('"') % 2 == 0]
    for cut in cuts:
        following = text[cut:].split()[0]
        if following in ("where", "method") or (following == "and" and "where" in text[:cut]):  # a whole query
            parse_query(text[:cut])
            continue
        with pytest.raises(InputError) as caught:
            parse_query(text[:cut])
        assert caught.value.message.startswith("expected ")
        assert caught.value.message.endswith(", found the end of the query")
        assert "the query to go on" not in caught.value.message, text[:cut]
        assert caught.value.span is not None
        assert caught.value.span.column == len(text[:cut].rstrip()) + 1


# --- printing back ---------------------------------------------------------------------------------

LINE_TEXT = st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]), min_size=1, max_size=24)
ACTIONS = st.from_regex(r"[A-Za-z0-9*?_-]{1,10}:[A-Za-z0-9*?_-]{1,12}", fullmatch=True)
API_IDS = st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True)
FUNCTIONS = st.builds(
    "arn:{}:lambda:{}:{}:function:{}{}".format,
    st.sampled_from(["aws", "aws-cn", "aws-us-gov"]),
    st.from_regex(r"[a-z]{2}-[a-z]{4,9}-[0-9]", fullmatch=True),
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r":[A-Za-z0-9$_-]{1,20}", fullmatch=True)),
)
METHODS = st.builds(
    "{} /{}".format,
    st.sampled_from(HTTP_VERBS),
    st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), max_size=20).filter(
        lambda path: not any(char.isspace() for char in path)
    ),
)
WHERES = st.lists(st.builds(Where, LINE_TEXT, LINE_TEXT, st.just(NO_SPAN)), max_size=3).map(tuple)
QUERIES: st.SearchStrategy[Query] = st.one_of(
    st.builds(CanQuery, st.none() | LINE_TEXT, ACTIONS, LINE_TEXT, WHERES, st.just(NO_SPAN)),
    st.builds(WhoCanQuery, ACTIONS, LINE_TEXT, WHERES, st.just(NO_SPAN)),
    st.builds(BypassQuery, FUNCTIONS, API_IDS, st.just(NO_SPAN)),
    st.builds(OnlyThroughQuery, API_IDS, FUNCTIONS, st.just(NO_SPAN)),
    st.builds(CompareQuery, API_IDS, st.none() | METHODS, st.just(NO_SPAN)),
)


@given(QUERIES)
def test_printed_query_parses_back_to_itself(query: Query) -> None:
    text = format_query(query)
    parsed = parse_query(text)
    assert without_spans(parsed) == query
    assert parsed.span == whole(text)


@given(QUERIES)
def test_printed_query_survives_shouting_keywords(query: Query) -> None:
    """Upper-casing the text outside its strings changes nothing (the strings keep their case)."""
    text = format_query(query)
    pieces = text.split('"')
    shouted = '"'.join(piece.upper() if i % 2 == 0 else piece for i, piece in enumerate(pieces))
    if '\\"' not in text:
        assert without_spans(parse_query(shouted)) == query


def test_format_query_rejects_what_is_not_a_query() -> None:
    with pytest.raises(TypeError):
        format_query("who can do everything")  # type: ignore[arg-type]


def test_long_unexpected_strings_are_shortened_in_the_message() -> None:
    long = "x" * 60
    with pytest.raises(InputError) as caught:
        parse_query(f'who can "{long}"')
    assert caught.value.message == f"expected 'do' after 'who can', found \"{'x' * 36}..."
    assert caught.value.span == Span("<query>", 1, 9, 1, 9 + len(long) + 2)
