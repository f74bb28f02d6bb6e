"""Claims and assessments (shapes/statements.ttl): each constraint fires, on the right node, with its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from pjgj.config import Config

from .shapecase import Expect, assert_problems, problems, variant

FOUNDED = "pj-claim:s1-let-founded"
KILLED = "pj-claim:s1-mumbai-attacks-killed"
MEMBERS = "pj-claim:s1-let-member-count"
BLAMED = "pj-claim:s1-mumbai-attacks-blamed-on-india"
BASED = "pj-claim:s1-let-based-in-muridke"
DATE = "pj-claim:s1-mumbai-attacks-date"
QUOTE = "pj-claim:s1-let-statement-quote"
ASSESSMENT = "pj-claim:s1-let-global-reach"

CASES = [
    # ------------------------------------------------------------ claim parts
    pytest.param(
        f"{FOUNDED} rdf:subject pj-event:1990-markaz-founding .",
        "",
        [
            Expect(FOUNDED, "pjs:claim-subject", "a claim needs exactly one rdf:subject"),
            # the founding event is touched by no other claim
            Expect("pj-event:1990-markaz-founding", "pjs:mentioned-in-count", "is not mentioned in any paragraph"),
        ],
        id="subject-missing",
    ),
    pytest.param(
        "",
        f"{FOUNDED} rdf:predicate org:originalOrganization .",
        [Expect(FOUNDED, "pjs:claim-predicate-count", "a claim needs exactly one rdf:predicate")],
        id="predicate-two",
    ),
    pytest.param(
        f"{FOUNDED} rdf:predicate org:resultingOrganization .",
        f"{FOUNDED} rdf:predicate org:linkedTo .",
        [Expect(FOUNDED, "pjs:claim-predicate-fact-property", "must be a fact property of ontology/facts.ttl")],
        id="predicate-not-a-fact-property",
    ),
    pytest.param(
        f"{FOUNDED} rdf:predicate org:resultingOrganization .",
        f"{FOUNDED} rdf:predicate pjo:resultingOrganisation .",
        [
            Expect(FOUNDED, "pjs:claim-predicate-fact-property", "must be a fact property of ontology/facts.ttl"),
            Expect(FOUNDED, "closed-vocabulary", "refers to pjo:resultingOrganisation (with rdf:predicate)"),
        ],
        id="predicate-misspelt",
    ),
    pytest.param(
        f"{FOUNDED} rdf:object pj-org:lashkar-e-taiba .",
        "",
        [Expect(FOUNDED, "pjs:claim-object", "a claim needs exactly one rdf:object")],
        id="object-missing",
    ),
    # ------------------------------------------------------ voice and source
    pytest.param(
        f"{FOUNDED} pjo:status pjc:asserted .",
        "",
        [Expect(FOUNDED, "pjs:statement-status", "needs exactly one pjo:status")],
        id="status-missing",
    ),
    pytest.param(
        "",
        f"{FOUNDED} pjo:status pjc:reported .",
        [
            Expect(FOUNDED, "pjs:statement-status", "needs exactly one pjo:status"),
            Expect(FOUNDED, "pjs:ReportedSourceShape", "has pjo:status pjc:reported but no source"),
        ],
        id="status-two",
    ),
    pytest.param(
        f"{FOUNDED} prov:wasDerivedFrom pj-report:s1-p1 .",
        "",
        [
            Expect(FOUNDED, "pjs:statement-derived-from-count", "has no prov:wasDerivedFrom"),
            Expect("pj-event:1990-markaz-founding", "pjs:mentioned-in-count", "is not mentioned in any paragraph"),
        ],
        id="derived-from-missing",
    ),
    pytest.param(
        f"{FOUNDED} prov:wasDerivedFrom pj-report:s1-p1 .",
        f"{FOUNDED} prov:wasDerivedFrom pj-report:s1 .",
        [
            Expect(FOUNDED, "pjs:statement-derived-from-paragraph", "must be a paragraph of data/report.ttl"),
            # the build turns the citation into mentions of the section
            Expect("pj-event:1990-markaz-founding", "pjs:mentioned-in-paragraph", "must point to a paragraph"),
            Expect("pj-org:lashkar-e-taiba", "pjs:mentioned-in-paragraph", "must point to a paragraph"),
        ],
        id="derived-from-a-section",
    ),
    pytest.param(
        f"{BASED} pjo:accordingTo pj-person:stephen-tankel .",
        f"{BASED} pjo:accordingTo pj-place:muridke .",
        [Expect(BASED, "pjs:statement-according-to", "must be a person or organization record")],
        id="according-to-a-place",
    ),
    pytest.param(
        f'{BLAMED} pjo:accordingToUnnamed "media reports"@en .',
        f'{BLAMED} pjo:accordingToUnnamed "media reports" .',
        [Expect(BLAMED, "pjs:statement-according-to-unnamed", "as a string tagged @en")],
        id="according-to-unnamed-not-english",
    ),
    pytest.param(
        f"{BASED} pjo:citedWork pj-work:tankel-2011 .",
        f"{BASED} pjo:citedWork pj-person:stephen-tankel .",
        [Expect(BASED, "pjs:statement-cited-work", "must be a work record")],
        id="cited-work-a-person",
    ),
    pytest.param(
        f'{BLAMED} pjo:accordingToUnnamed "media reports"@en .',
        "",
        [Expect(BLAMED, "pjs:ReportedSourceShape", "has pjo:status pjc:reported but no source")],
        id="reported-without-source",
    ),
    pytest.param(
        "",
        f"{FOUNDED} pjo:accordingTo pj-person:stephen-tankel .",
        [Expect(FOUNDED, "pjs:sourced-is-reported", "has a source (pjo:accordingTo or pjo:accordingToUnnamed)")],
        id="asserted-with-source",
    ),
    pytest.param(
        "",
        f"{BLAMED} pjo:citedWork pj-work:tankel-2011 .",
        [Expect(BLAMED, "pjs:cited-work-needs-according-to", "has pjo:citedWork but no pjo:accordingTo")],
        id="cited-work-without-named-source",
    ),
    pytest.param(
        "",
        f'{FOUNDED} skos:editorialNote "Founded in Kunar." .',
        [Expect(FOUNDED, "pjs:editorial-note-english", "skos:editorialNote must be a string tagged @en")],
        id="editorial-note-not-english",
    ),
    # ----------------------------------------------- contested and conflicting
    pytest.param(
        "",
        f"{FOUNDED} pjo:contestedBy pj-org:lashkar-e-taiba .",
        [Expect(FOUNDED, "pjs:claim-contested-by", "pjo:contestedBy must point to another claim")],
        id="contested-by-not-a-claim",
    ),
    pytest.param(
        "",
        "pj-claim:s1-let-statement-date-2005 pjo:conflictsWith pj-report:s1-p1 .",
        [
            Expect(
                "pj-claim:s1-let-statement-date-2005",
                "pjs:claim-conflicts-with",
                "pjo:conflictsWith must point to another claim",
            )
        ],
        id="conflicts-with-not-a-claim",
    ),
    pytest.param(
        'pj-claim:s1-let-statement-date-2006 skos:editorialNote "Paragraph 1 dates the statement 2005, '
        'paragraph 2 dates it 2006."@en .',
        "",
        [
            Expect(
                "pj-claim:s1-let-statement-date-2006",
                "pjs:conflict-needs-note",
                "has pjo:conflictsWith but no skos:editorialNote",
            )
        ],
        id="conflict-without-note",
    ),
    # ------------------------------------------------------------- qualifiers
    pytest.param(
        "pj-claim:s1-hafiz-saeed-leads-let org:role pjc:role-leader .",
        'pj-claim:s1-hafiz-saeed-leads-let org:role "leader"@en .',
        [
            Expect("pj-claim:s1-hafiz-saeed-leads-let", "pjs:claim-role", "org:role must be a role of pjc:roles"),
            Expect(
                "pj-claim:s1-hafiz-saeed-leads-let", "concept-scheme", 'org:role is "leader", which is not a concept'
            ),
        ],
        id="role-literal",
    ),
    pytest.param(
        "",
        f"{KILLED} pjo:countQualifier pjc:at-least .",
        [Expect(KILLED, "pjs:claim-count-qualifier", "pjo:countQualifier is one of")],
        id="count-qualifier-two",
    ),
    pytest.param(
        f'{KILLED} pjo:countScope "civilians"@en .',
        f'{KILLED} pjo:countScope "civilians" .',
        [Expect(KILLED, "pjs:claim-count-scope", "pjo:countScope is one string tagged @en")],
        id="count-scope-not-english",
    ),
    pytest.param(
        "",
        f"{MEMBERS} pjo:upperCount 16 .",
        [Expect(MEMBERS, "pjs:claim-upper-count", "pjo:upperCount is one whole number")],
        id="upper-count-two",
    ),
    pytest.param(
        f"{MEMBERS} pjo:upperCount 15 .",
        f"{MEMBERS} pjo:upperCount 12 .",
        [Expect(MEMBERS, "pjs:claim-upper-count-order", "rdf:object is greater than pjo:upperCount")],
        id="upper-count-below-object",
    ),
    pytest.param(
        f"{KILLED} rdf:object 160 .",
        f"{KILLED} rdf:object -5 .",
        [Expect(KILLED, "pjs:count-object", "rdf:object must be a whole number >= 0")],
        id="count-negative",
    ),
    pytest.param(
        f"{MEMBERS} rdf:object 13 . {MEMBERS} pjo:upperCount 15 .",
        f'{MEMBERS} rdf:object "thirteen"@en .',
        [
            Expect(MEMBERS, "pjs:count-object", "rdf:object must be a whole number >= 0"),
            Expect(MEMBERS, "claim-range", "must be a literal of type xsd:integer (the range of pjo:memberCount)"),
        ],
        id="count-in-words",
    ),
    pytest.param(
        "",
        f'{FOUNDED} pjo:countScope "militants"@en .',
        [Expect(FOUNDED, "pjs:count-qualifier-on-count", "is not a count claim")],
        id="count-qualifier-on-a-non-count",
    ),
    # ---------------------------------------------------------- dates and text
    pytest.param(
        f'{DATE} rdf:object "2008-11" .',
        f'{DATE} rdf:object "November 2008" .',
        [
            Expect(DATE, "pjs:date-claim-object", "rdf:object must be a plain EDTF string"),
            Expect(DATE, "date", "'November 2008' is not an EDTF date this project reads"),
        ],
        id="date-claim-not-edtf",
    ),
    pytest.param(
        f'{DATE} rdf:object "2008-11" .',
        f"{DATE} rdf:object 2008 .",
        [
            Expect(DATE, "pjs:date-claim-object", "rdf:object must be a plain EDTF string"),
            Expect(DATE, "claim-range", "must be a literal of type xsd:string (the range of pjo:date)"),
        ],
        id="date-claim-integer",
    ),
    pytest.param(
        f'{DATE} pjo:dateText "November 2008"@en .',
        "",
        [Expect(DATE, "pjs:date-claim-text", "is a pjo:date claim without pjo:dateText")],
        id="date-claim-without-text",
    ),
    pytest.param(
        f'{QUOTE} rdf:object "We will not stop (...) until the end."@en .',
        f'{QUOTE} rdf:object "We will not stop (...) until the end." .',
        [
            Expect(QUOTE, "pjs:text-claim-object", "rdf:object must be a string tagged @en"),
            Expect(QUOTE, "claim-range", "must be a literal of type rdf:langString (the range of pjo:quote)"),
        ],
        id="quote-not-english",
    ),
    # ------------------------------------------------------------ assessments
    pytest.param(
        f'{ASSESSMENT} dct:description "Lashkar-e-Taiba is extending its reach beyond Kashmir."@en .',
        "",
        [Expect(ASSESSMENT, "pjs:assessment-description", "needs exactly one dct:description")],
        id="assessment-description-missing",
    ),
    pytest.param(
        "",
        f"{ASSESSMENT} dct:subject {FOUNDED} .",
        [Expect(ASSESSMENT, "pjs:assessment-subject", "must be an entity record")],
        id="assessment-subject-a-claim",
    ),
    pytest.param(
        f"{ASSESSMENT} pjo:assessmentType pjc:assessment-trend .",
        "",
        [Expect(ASSESSMENT, "pjs:assessment-type", "needs a pjo:assessmentType")],
        id="assessment-type-missing",
    ),
    pytest.param(
        f"{ASSESSMENT} prov:wasDerivedFrom pj-report:s1-p2 .",
        "",
        [Expect(ASSESSMENT, "pjs:statement-derived-from-count", "has no prov:wasDerivedFrom")],
        id="assessment-without-paragraph",
    ),
]


@pytest.mark.parametrize(("remove", "add", "expected"), CASES)
def test_statement_constraint_fires(
    config: Config, tmp_path: Path, remove: str, add: str, expected: list[Expect]
) -> None:
    assert_problems(problems(config, variant(tmp_path, remove, add)), expected)
