"""The small text rules behind the pages: search folding, fallback labels, ordering, safe IRIs."""

from __future__ import annotations

import pytest

from pjgj.web.pages.claims import date_range
from pjgj.web.pages.search import normalize
from pjgj.web.pages.site import safe_iri, twins
from pjgj.web.pages.terms import humanize, natural_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Lashkar-e-Taiba", "lashkar e taiba"),
        ("LASHKAR E TAIBA", "lashkar e taiba"),
        ("al-Qa'ida", "al qaida"),
        ("al-Qa’ida", "al qaida"),
        ("São Paulo", "sao paulo"),
        ("  Jaish-e-Mohammed (JEM)  ", "jaish e mohammed jem"),
        ("26/11", "26 11"),
    ],
)
def test_normalize(text: str, folded: str) -> None:
    assert normalize(text) == folded


@pytest.mark.parametrize(
    ("iri", "words"),
    [
        ("http://www.w3.org/ns/org#headOf", "head of"),
        ("https://w3id.org/pjgj/ontology#AmbiguousName", "ambiguous name"),
        ("https://w3id.org/pjgj/concept/event-attack", "event attack"),
        ("https://w3id.org/pjgj/ontology#EDTF", "EDTF"),
    ],
)
def test_humanize(iri: str, words: str) -> None:
    assert humanize(iri) == words


def test_natural_order_puts_paragraph_2_before_10() -> None:
    labels = ["Section 1, paragraph 10", "Section 1, paragraph 2", "section 1, paragraph 1"]
    assert sorted(labels, key=natural_key) == [
        "section 1, paragraph 1",
        "Section 1, paragraph 2",
        "Section 1, paragraph 10",
    ]


@pytest.mark.parametrize(
    ("iri", "safe"),
    [
        ("https://w3id.org/pjgj/id/org/lashkar-e-taiba", True),
        ("https://w3id.org/pjgj/id/org/x> } <y", False),
        ('https://w3id.org/pjgj/id/org/"x', False),
        ("https://w3id.org/pjgj/id/org/a\\b", False),
        ("", False),
    ],
)
def test_safe_iri(iri: str, safe: bool) -> None:
    assert safe_iri(iri) is safe


def test_twins_drop_the_fragment() -> None:
    assert [t.url for t in twins("/ontology#Claim")] == [
        "/ontology.ttl",
        "/ontology.jsonld",
        "/ontology.nt",
        "/ontology.rdf",
    ]


def test_date_range_in_words() -> None:
    import pyoxigraph as ox

    day = ox.Literal("2008-11-26", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    pjo = "https://w3id.org/pjgj/ontology#"
    assert date_range({pjo + "earliestStart": [day], pjo + "latestEnd": [day]}) == ("2008-11-26", "2008-11-26")
    end = ox.Literal("2008-11-30", datatype=day.datatype)
    assert (
        date_range({pjo + "earliestStart": [day], pjo + "latestEnd": [end]})[0] == "between 2008-11-26 and 2008-11-30"
    )
    assert date_range({}) == ("", "")
