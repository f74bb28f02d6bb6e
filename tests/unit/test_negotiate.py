"""Content negotiation: q-values, wildcards, specificity, parameters, the format override, 406."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pjgj.errors import NotAcceptable
from pjgj.formats import (
    GRAPH_FORMATS,
    HTML,
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESOURCE_FORMATS,
    RESULT_FORMATS,
    RESULTS_CSV,
    RESULTS_JSON,
    RESULTS_XML,
    TURTLE,
)
from pjgj.negotiate import choose, parse_accept, prefers_html

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, TURTLE),
        ("", TURTLE),
        ("*/*", TURTLE),
        ("application/ld+json", JSONLD),
        ("application/rdf+xml;q=0.5, application/n-triples", NTRIPLES),
        ("text/*", TURTLE),
        ("application/*", JSONLD),  # server order among application/ types
        ("*/*;q=0.1, application/rdf+xml", RDFXML),
        ("text/turtle;q=0, */*", JSONLD),  # q=0 refuses Turtle even under */*
        ("text/*;q=0, text/turtle", TURTLE),  # the more specific range wins
        ('application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', JSONLD),
        ("text/turtle; charset=utf-8", TURTLE),
        ("application/x-turtle", TURTLE),
        (BROWSER, HTML),
        ("garbage, application/n-triples", NTRIPLES),
        ("text/turtle;q=abc, application/n-triples;q=0.2", NTRIPLES),
    ],
)
def test_choose_resources(accept: str | None, expected: object) -> None:
    assert choose(accept, RESOURCE_FORMATS) == expected


def test_results_aliases() -> None:
    assert choose("application/json", RESULT_FORMATS) == RESULTS_JSON
    assert choose("application/xml", RESULT_FORMATS) == RESULTS_XML
    assert choose("text/csv;q=0.9, text/tab-separated-values;q=0.8", RESULT_FORMATS) == RESULTS_CSV


def test_format_parameter_wins_and_accepts_names_extensions_media_types() -> None:
    assert choose("text/turtle", RESOURCE_FORMATS, "jsonld") == JSONLD
    assert choose(None, RESOURCE_FORMATS, "nt") == NTRIPLES
    assert choose(None, RESOURCE_FORMATS, "application/rdf+xml") == RDFXML
    assert choose(None, RESULT_FORMATS, "CSV") == RESULTS_CSV


def test_406_names_what_is_available() -> None:
    with pytest.raises(NotAcceptable) as err:
        choose("image/png", GRAPH_FORMATS)
    assert err.value.status == 406
    for fmt in GRAPH_FORMATS:
        assert fmt.media_type in err.value.message
    with pytest.raises(NotAcceptable):
        choose(None, RESULT_FORMATS, "turtle")


def test_parse_accept_ignores_malformed_ranges() -> None:
    ranges = parse_accept("text/, /x, *, text/plain;q=2, text/html;q=0.5")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "html", 0.5)]


def test_prefers_html_only_for_explicit_html() -> None:
    assert prefers_html(BROWSER, RESOURCE_FORMATS)
    assert not prefers_html("*/*", RESOURCE_FORMATS)
    assert not prefers_html("text/turtle, text/html;q=0.5", RESOURCE_FORMATS)


@given(st.text(max_size=200), st.sampled_from([RESOURCE_FORMATS, RESULT_FORMATS, GRAPH_FORMATS]))
def test_any_header_gives_a_format_or_406(accept: str, available: tuple[object, ...]) -> None:
    with contextlib.suppress(NotAcceptable):
        assert choose(accept, available) in available  # type: ignore[arg-type]
