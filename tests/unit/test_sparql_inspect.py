"""What a query is and whether it runs, decided before the engine sees it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pjgj.errors import BadRequest, PayloadTooLarge, QueryRefused
from pjgj.namespaces import sparql_prologue
from pjgj.sparql import MAX_NESTING, _inspect_plain, _inspect_tokens, check_dataset, inspect, parse_timeout, tokens

G = "https://w3id.org/pjgj/sparql#default-graph"


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("select * { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://e/> BASE <http://b/> ASK { ex:a ?p ?o }", "ASK"),
        ("# a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://e/a>", "DESCRIBE"),
        ("PREFIX : <http://e/> SELECT ?x { :a :b ?x }", "SELECT"),
    ],
)
def test_forms(query: str, form: str) -> None:
    assert inspect(query, G).form == form


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <a> <b> <c> }",
        "PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/x>",
        "CLEAR ALL",
        "WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        inspect(query, G)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o OPTIONAL { SERVICE ?endpoint { ?s ?q ?r } } }",
    ],
)
def test_service_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        inspect(query, G)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/>" }',
        "SELECT * { ?s ?p '''FROM NAMED\n<x>''' }",
        "SELECT * { ?s <http://e/SERVICE> ?o }",
        "SELECT ?service { ?service ?p ?o }",
        "PREFIX service: <http://e/> SELECT * { ?s service:from ?o }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/>",
    ],
)
def test_keywords_in_strings_iris_names_and_comments_do_not_count(query: str) -> None:
    assert inspect(query, G).form == "SELECT"


def test_from_default_graph_only() -> None:
    assert inspect(f"SELECT * FROM <{G}> WHERE {{ ?s ?p ?o }}", G).from_graphs == (G,)
    with pytest.raises(QueryRefused, match="only the default graph"):
        inspect("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", G)
    with pytest.raises(QueryRefused, match="FROM NAMED"):
        inspect(f"SELECT * FROM NAMED <{G}> WHERE {{ ?s ?p ?o }}", G)


def test_dataset_parameters() -> None:
    check_dataset([G], [], G)
    with pytest.raises(QueryRefused):
        check_dataset(["http://example.org/g"], [], G)
    with pytest.raises(QueryRefused):
        check_dataset([], [G], G)


def test_nesting_limit() -> None:
    ok = "SELECT * WHERE " + "{" * MAX_NESTING + "?s ?p ?o" + "}" * MAX_NESTING
    assert inspect(ok, G).form == "SELECT"
    deep = "SELECT * WHERE { FILTER(" + "(" * MAX_NESTING + "1" + ")" * MAX_NESTING + ") }"
    with pytest.raises(QueryRefused, match="nested"):
        inspect(deep, G)


def test_size_nul_and_empty() -> None:
    with pytest.raises(PayloadTooLarge):
        inspect("SELECT * { ?s ?p ?o } #" + "x" * 300_000, G)
    with pytest.raises(BadRequest):
        inspect("SELECT \x00", G)
    with pytest.raises(BadRequest):
        inspect("   # nothing\n", G)


def test_token_positions() -> None:
    toks = tokens('SELECT ?x\n  WHERE { ?x ?p "a\nb" . SERVICE }')
    service = next(t for t in toks if t.text == "SERVICE")
    assert (service.line, service.column) == (3, 6)


def test_timeout_parameter() -> None:
    assert parse_timeout(None, 10) == 10
    assert parse_timeout("2.5", 10) == 2.5
    assert parse_timeout("60", 10) == 10  # never above the server's limit
    for bad in ("x", "0", "-3", "nan"):
        with pytest.raises(BadRequest):
            parse_timeout(bad, 10)


def _outcome(read: Callable[[], object]) -> object:
    try:
        return read()
    except (BadRequest, PayloadTooLarge, QueryRefused) as err:
        return type(err)


def _corpus() -> list[str]:
    """Every query of the repository: examples, benchmark queries, the hostile corpus's query parameters."""
    from urllib.parse import parse_qs, urlsplit

    from tests.hostile.requests import CASES

    root = Path(__file__).resolve().parents[2]
    found = [p.read_text(encoding="utf-8") for p in sorted(root.glob("queries/**/*.rq"))]
    found += [p.read_text(encoding="utf-8") for p in sorted(root.glob("bench/queries/*.rq"))]
    for case in CASES:
        with contextlib.suppress(UnicodeDecodeError):
            found += parse_qs(urlsplit(case.path).query, errors="strict").get("query", [])
    return [sparql_prologue() + q for q in found] + found


def test_the_quick_reading_agrees_with_the_lexer_on_every_query_we_have() -> None:
    """The regular-expression path may only answer when the lexer would answer the same."""
    corpus = _corpus()
    assert len(corpus) > 150
    quick = 0
    for query in corpus:
        if "\x00" in query:
            continue
        plain = _outcome(lambda q=query: _inspect_plain(q, MAX_NESTING))
        if plain is not None:
            quick += 1
            assert plain == _outcome(lambda q=query: _inspect_tokens(q, G, MAX_NESTING)), query
    assert quick > len(corpus) // 2, "the quick path should take the common queries"


_PIECES = [
    *("SELECT", "ask", "Construct", "DESCRIBE", "INSERT", "WITH", "service", "FROM", "NAMED", "PREFIX", "BASE"),
    *("ex:", ":", "ex:SELECT", "ex:from", ":a.b", "?s", "$o", "@en", "_:b", "é", "-", ".", "\\", "#", "'", '"'),
    *("<http://e/#x>", "<", ">", "<a b>", '"a # {"', "'''x\n'''", "# c\n", "{", "}", "(", ")", "[", "]", " ", "\n"),
]


@settings(max_examples=3000, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_the_quick_reading_agrees_with_the_lexer_on_generated_text(pieces: list[str]) -> None:
    query = "".join(pieces)
    plain = _outcome(lambda: _inspect_plain(query, 4))
    if plain is not None:
        assert plain == _outcome(lambda: _inspect_tokens(query, G, 4)), query
