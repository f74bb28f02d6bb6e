"""Dates (shapes/dates.ttl) and the report's paragraphs (shapes/report.ttl): each constraint fires."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from pjgj import dates, sources
from pjgj.config import Config

from .shapecase import SHAPES, Expect, assert_problems, problems, variant

LEADS = "pj-claim:s1-hafiz-saeed-leads-let"  # edtf 2006/2009-10, start qualifier early
BASED = "pj-claim:s1-let-based-in-muridke"  # edtf 199X, date qualifier early
FOUNDED = "pj-claim:s1-let-founded"  # no date
MUMBAI = "pj-event:2008-11-mumbai-attacks"  # dated by a pjo:date claim


def bounds(start: str, latest_start: str, earliest_end: str, end: str) -> str:
    """Hand-written precision and bounds on the undated claim."""
    return (
        f'{FOUNDED} pjo:datePrecision pjc:precision-year ; pjo:earliestStart "{start}"^^xsd:date ; '
        f'pjo:latestStart "{latest_start}"^^xsd:date ; pjo:earliestEnd "{earliest_end}"^^xsd:date ; '
        f'pjo:latestEnd "{end}"^^xsd:date .'
    )


HAND_WRITTEN = [
    Expect(FOUNDED, "hand-written-bounds", f"has a hand-written pjo:{name}")
    for name in ("datePrecision", "earliestStart", "latestStart", "earliestEnd", "latestEnd")
]

CASES = [
    # ------------------------------------------------------- what curators write
    pytest.param(
        f'{BASED} pjo:edtf "199X" .',
        f'{BASED} pjo:edtf "1990s" .',
        [
            Expect(BASED, "pjs:date-edtf", "pjo:edtf is one plain string in an EDTF form the project reads"),
            Expect(BASED, "date", "'1990s' is not an EDTF date this project reads"),
            Expect(BASED, "pjs:date-precision", "not exactly one derived pjo:datePrecision"),
        ],
        id="edtf-not-edtf",
    ),
    pytest.param(
        f'{LEADS} pjo:edtf "2006/2009-10" .',
        f'{LEADS} pjo:edtf "../2009-10" .',
        [
            Expect(LEADS, "pjs:date-edtf", "pjo:edtf is one plain string in an EDTF form the project reads"),
            Expect(LEADS, "date", "an open start is not supported"),
            Expect(LEADS, "pjs:date-precision", "not exactly one derived pjo:datePrecision"),
        ],
        id="edtf-open-start",
    ),
    pytest.param(
        f'{LEADS} pjo:dateText "between 2006 and 2009"@en .',
        "",
        [Expect(LEADS, "pjs:edtf-needs-text", "has pjo:edtf but no pjo:dateText")],
        id="edtf-without-text",
    ),
    pytest.param(
        f'{LEADS} pjo:dateText "between 2006 and 2009"@en .',
        f'{LEADS} pjo:dateText "between 2006 and 2009" .',
        [Expect(LEADS, "pjs:date-text", "pjo:dateText is one string tagged @en")],
        id="date-text-not-english",
    ),
    pytest.param(
        "",
        f"{BASED} pjo:dateQualifier pjc:late .",
        [Expect(BASED, "pjs:date-qualifier", "pjo:dateQualifier is one of")],
        id="date-qualifier-two",
    ),
    pytest.param(
        "",
        f"{LEADS} pjo:startQualifier pjc:late .",
        [Expect(LEADS, "pjs:date-start-qualifier", "pjo:startQualifier is one of")],
        id="start-qualifier-two",
    ),
    pytest.param(
        "",
        f"{LEADS} pjo:endQualifier pjc:early , pjc:late .",
        [Expect(LEADS, "pjs:date-end-qualifier", "pjo:endQualifier is one of")],
        id="end-qualifier-two",
    ),
    pytest.param(
        f"{BASED} pjo:dateQualifier pjc:early .",
        f"{BASED} pjo:dateQualifier pjc:about .",
        [
            Expect(
                BASED, "concept-scheme", "pjo:dateQualifier is pjc:about, which is not a concept of pjc:date-qualifiers"
            ),
            Expect(BASED, "date", "unknown date qualifier 'about'"),
            Expect(BASED, "pjs:date-precision", "not exactly one derived pjo:datePrecision"),
        ],
        id="date-qualifier-from-another-scheme",
    ),
    pytest.param(
        "",
        f"{FOUNDED} pjo:dateQualifier pjc:early .",
        [Expect(FOUNDED, "pjs:date-precision", "has date information but not exactly one derived pjo:datePrecision")],
        id="qualifier-without-date",
    ),
    # ------------------------------------------------------ what the build adds
    pytest.param(
        "",
        f'{MUMBAI} pjo:edtf "2008" ; pjo:dateText "2008"@en .',
        [
            Expect(MUMBAI, "pjs:date-precision", "not exactly one derived pjo:datePrecision"),
            Expect(MUMBAI, "pjs:date-earliest-start", "needs exactly one xsd:date pjo:earliestStart"),
            Expect(MUMBAI, "pjs:date-latest-start", "needs exactly one xsd:date pjo:latestStart"),
            Expect(MUMBAI, "pjs:date-earliest-end", "needs exactly one xsd:date pjo:earliestEnd"),
            Expect(MUMBAI, "pjs:date-latest-end", "needs exactly one xsd:date pjo:latestEnd"),
        ],
        id="event-dated-twice",
    ),
    pytest.param(
        "",
        f"{LEADS} pjo:datePrecision pjc:early .",
        [
            Expect(LEADS, "pjs:date-precision", "not exactly one derived pjo:datePrecision"),
            Expect(
                LEADS, "concept-scheme", "pjo:datePrecision is pjc:early, which is not a concept of pjc:date-precisions"
            ),
            Expect(LEADS, "hand-written-bounds", "has a hand-written pjo:datePrecision"),
        ],
        id="precision-from-another-scheme",
    ),
    pytest.param(
        "",
        f'{FOUNDED} pjo:earliestStart "1990-01-01"^^xsd:date .',
        [
            Expect(FOUNDED, "pjs:date-precision", "not exactly one derived pjo:datePrecision"),
            Expect(FOUNDED, "pjs:date-latest-start", "needs exactly one xsd:date pjo:latestStart"),
            Expect(FOUNDED, "pjs:date-earliest-end", "needs exactly one xsd:date pjo:earliestEnd"),
            Expect(FOUNDED, "pjs:date-latest-end", "needs exactly one xsd:date pjo:latestEnd"),
            Expect(FOUNDED, "hand-written-bounds", "has a hand-written pjo:earliestStart"),
        ],
        id="hand-written-bound-without-the-others",
    ),
    pytest.param(
        "",
        bounds("2010-01-01", "2010-01-01", "2009-01-01", "2009-12-31"),
        [Expect(FOUNDED, "pjs:date-start-before-end", "pjo:earliestStart is after pjo:latestEnd"), *HAND_WRITTEN],
        id="starts-after-it-ends",
    ),
    pytest.param(
        "",
        bounds("2010-06-01", "2010-01-01", "2010-06-01", "2010-12-31"),
        [Expect(FOUNDED, "pjs:date-start-order", "pjo:earliestStart is after pjo:latestStart"), *HAND_WRITTEN],
        id="start-bounds-reversed",
    ),
    pytest.param(
        "",
        bounds("2010-01-01", "2010-01-01", "2010-12-31", "2010-06-30"),
        [Expect(FOUNDED, "pjs:date-end-order", "pjo:earliestEnd is after pjo:latestEnd"), *HAND_WRITTEN],
        id="end-bounds-reversed",
    ),
    pytest.param(
        "",
        f'{FOUNDED} pjo:datePrecision pjc:precision-year ; pjo:earliestStart "2010"^^xsd:gYear ; '
        'pjo:latestStart "2010-12-31"^^xsd:date ; pjo:earliestEnd "2010-01-01"^^xsd:date ; '
        'pjo:latestEnd "2010-12-31"^^xsd:date .',
        [
            Expect(FOUNDED, "pjs:date-earliest-start", "needs exactly one xsd:date pjo:earliestStart"),
            # a gYear cannot be compared with a date: both order constraints on earliestStart fail too
            Expect(FOUNDED, "pjs:date-start-before-end", "pjo:earliestStart is after pjo:latestEnd"),
            Expect(FOUNDED, "pjs:date-start-order", "pjo:earliestStart is after pjo:latestStart"),
            *HAND_WRITTEN,
        ],
        id="bound-not-a-date",
    ),
    # ------------------------------------------------------ the report's parts
    pytest.param(
        "",
        'pj-report:s1-p1 rdfs:label "Paragraph one"@en .',
        [Expect("pj-report:s1-p1", "pjs:part-label", "has exactly one rdfs:label tagged @en")],
        id="part-label-two",
    ),
    pytest.param(
        "pj-report:s1 dct:isPartOf pj-work:pakistani-jihadis-and-global-jihad .",
        "",
        [Expect("pj-report:s1", "pjs:part-of", "is part of exactly one thing")],
        id="part-of-missing",
    ),
    pytest.param(
        "pj-report:s1-p2 dct:isPartOf pj-report:s1 .",
        "pj-report:s1-p2 dct:isPartOf pj-work:pakistani-jihadis-and-global-jihad .",
        [Expect("pj-report:s1-p2", "pjs:paragraph-in-section", "a paragraph is part of a section")],
        id="paragraph-not-in-a-section",
    ),
    pytest.param(
        "pj-report:s1-p2 pjo:paragraphNumber 2 .",
        "pj-report:s1-p2 pjo:paragraphNumber 0 .",
        [Expect("pj-report:s1-p2", "pjs:paragraph-number", "exactly one pjo:paragraphNumber, a whole number from 1")],
        id="paragraph-number-zero",
    ),
    pytest.param(
        "",
        'pj-report:s1-p2 bibo:pageStart "4" .',
        [Expect("pj-report:s1-p2", "pjs:paragraph-page-start", "at most one bibo:pageStart")],
        id="page-start-two",
    ),
    pytest.param(
        'pj-report:s1-p2 bibo:pageEnd "4" .',
        "pj-report:s1-p2 bibo:pageEnd 4 .",
        [Expect("pj-report:s1-p2", "pjs:paragraph-page-end", "at most one bibo:pageEnd, a plain string")],
        id="page-end-integer",
    ),
    pytest.param(
        "pj-report:s1-p2 pjo:pageInferred false .",
        'pj-report:s1-p2 pjo:pageInferred "no" .',
        [Expect("pj-report:s1-p2", "pjs:paragraph-page-inferred", "at most one pjo:pageInferred, true or false")],
        id="page-inferred-not-boolean",
    ),
]


@pytest.mark.parametrize(("remove", "add", "expected"), CASES)
def test_date_and_report_constraint_fires(
    config: Config, tmp_path: Path, remove: str, add: str, expected: list[Expect]
) -> None:
    assert_problems(problems(config, variant(tmp_path, remove, add)), expected)


def _edtf_patterns() -> set[str]:
    graph = Graph(bind_namespaces="none")
    for path in SHAPES:
        graph += sources.parse(path).graph
    pattern = URIRef("http://www.w3.org/ns/shacl#pattern")
    shapes = [URIRef("https://w3id.org/pjgj/shapes#" + n) for n in ("date-edtf", "date-claim-object")]
    return {str(p) for shape in shapes for p in graph.objects(shape, pattern)}


@pytest.mark.parametrize(
    "edtf",
    [
        "2010-02-13",
        "2009-10",
        "2009",
        "2012-22",
        "2012-24",
        "199X",
        "19XX",
        "2006/2009",
        "2006/2009-10",
        "2001-05/2002-03-01",
        "2010/..",
        "199X/2003",
        "2009?",
        "2009-10~",
        "2006%/2009",
        "2006-2009",
        "1990s",
        "199X-05",
        "19XX-01",
        "../2009",
        "/2009",
        "2009/",
        "2010/../..",
        "09-10",
        "2009-1",
        "20091",
        "late 2001",
        "2009 ",
        "2009/2010/2011",
        "",
    ],
)
def test_edtf_pattern_accepts_what_dates_reads(edtf: str) -> None:
    """The shapes' EDTF pattern accepts exactly the forms of src/pjgj/dates.py that docs/authoring.md allows."""
    patterns = _edtf_patterns()
    assert len(patterns) == 1, "pjs:date-edtf and pjs:date-claim-object use one pattern"
    try:
        dates.bounds(edtf)
        readable = edtf != "2009/"  # dates.py also reads an empty end; the authoring guide asks for "2009/.."
    except dates.DateError:
        readable = False
    assert (re.search(patterns.pop(), edtf) is not None) == readable
