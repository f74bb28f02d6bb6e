"""Integrity checks (queries/checks/*-violation.rq): each check fires, on the right node, with its message."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from pjgj import validate
from pjgj.config import Config

from .shapecase import CHECKS, ROOT, Expect, assert_problems, problems, variant

LEADS = "pj-claim:s1-hafiz-saeed-leads-let"
BASED = "pj-claim:s1-let-based-in-muridke"
FOUNDED = "pj-claim:s1-let-founded"
CARRIED = "pj-claim:s1-mumbai-attacks-carried-out-by-let"
BLAMED = "pj-claim:s1-mumbai-attacks-blamed-on-india"
QUOTE = "pj-claim:s1-let-statement-quote"
WORDS_26 = " ".join(f"word{n}" for n in range(26))
WORDS_25_AND_CUTS = " (...) ".join(f"word{n}" for n in range(25)) + " ..."

CASES = [
    # ------------------------------------------------------------ claim-range
    pytest.param(
        f"{LEADS} rdf:object pj-org:lashkar-e-taiba .",
        f"{LEADS} rdf:object pj-place:muridke .",
        [
            Expect(
                LEADS,
                "claim-range",
                "the object pj-place:muridke of this org:headOf claim has the type schema:Place, "
                "but the range of org:headOf is org:Organization",
            )
        ],
        id="object-outside-range",
    ),
    pytest.param(
        f"{BASED} rdf:subject pj-org:lashkar-e-taiba .",
        f"{BASED} rdf:subject pj-event:2008-11-mumbai-attacks .",
        [
            Expect(
                BASED,
                "claim-range",
                "the subject pj-event:2008-11-mumbai-attacks of this pjo:basedIn claim has the type sem:Event, "
                "but the domain of pjo:basedIn is foaf:Agent",
            )
        ],
        id="subject-outside-domain",
    ),
    pytest.param(
        f"{FOUNDED} rdf:subject pj-event:1990-markaz-founding .",
        f"{FOUNDED} rdf:subject pj-event:2008-11-mumbai-attacks .",
        [
            Expect(
                FOUNDED,
                "claim-range",
                "the subject pj-event:2008-11-mumbai-attacks of this org:resultingOrganization claim "
                "has the type sem:Event, but the domain of org:resultingOrganization is org:ChangeEvent",
            ),
            Expect("pj-event:1990-markaz-founding", "pjs:mentioned-in-count", "is not mentioned in any paragraph"),
        ],
        id="standard-domain-of-a-reused-property",
    ),
    pytest.param(
        f"{CARRIED} rdf:object pj-org:lashkar-e-taiba .",
        f'{CARRIED} rdf:object "LeT"@en .',
        [Expect(CARRIED, "claim-range", 'the object of this pjo:carriedOutBy claim is the text "LeT"')],
        id="literal-where-a-record-is-expected",
    ),
    pytest.param(
        "",
        """pj-claim:s1-mumbai-attacks-target a pjo:Claim ;
            rdf:subject pj-event:2008-11-mumbai-attacks ; rdf:predicate pjo:target ; rdf:object "the Taj hotel"@en ;
            pjo:status pjc:asserted ; prov:wasDerivedFrom pj-report:s1-p2 .""",
        [
            Expect(
                "pj-claim:s1-mumbai-attacks-target",
                "claim-range",
                'the object of this pjo:target claim is the text "the Taj hotel", but pjo:target links two records',
            )
        ],
        id="literal-object-of-an-object-property",
    ),
    # ----------------------------------------------------- dangling-reference
    pytest.param(
        f"{LEADS} rdf:object pj-org:lashkar-e-taiba .",
        f"{LEADS} rdf:object pj-org:lashkar-e-toiba .",
        [
            Expect(
                LEADS, "dangling-reference", "refers to pj-org:lashkar-e-toiba (with rdf:object), which is not defined"
            )
        ],
        id="dangling-record",
    ),
    pytest.param(
        f"{LEADS} org:role pjc:role-leader .",
        f"{LEADS} org:role pjc:role-leadr .",
        [
            Expect(LEADS, "dangling-reference", "refers to pjc:role-leadr (with org:role), which is not a concept"),
            Expect(LEADS, "concept-scheme", "org:role is pjc:role-leadr, which is not a concept of pjc:roles"),
        ],
        id="dangling-concept",
    ),
    # ---------------------------------------------------------- untyped-node
    pytest.param(
        "",
        'pj-person:abu-jindal skos:prefLabel "Abu Jindal"@en .',
        [Expect("pj-person:abu-jindal", "untyped-node", "has properties but no rdf:type")],
        id="untyped-node",
    ),
    # ----------------------------------------------------- closed-vocabulary
    pytest.param(
        "",
        'pj-person:hafiz-saeed skos:prefLable "Hafiz Sahib"@en .',
        [Expect("pj-person:hafiz-saeed", "closed-vocabulary", "uses the property skos:prefLable")],
        id="unknown-property",
    ),
    pytest.param(
        "",
        "pj-person:hafiz-saeed a foaf:Agent .",
        [Expect("pj-person:hafiz-saeed", "closed-vocabulary", "has the class foaf:Agent")],
        id="unknown-class",
    ),
    pytest.param(
        "",
        "pj-org:lashkar-e-taiba pjo:organisationType pjc:orgtype-militant-group .",
        [Expect("pj-org:lashkar-e-taiba", "closed-vocabulary", "uses the property pjo:organisationType")],
        id="misspelt-ontology-property",
    ),
    # ------------------------------------------------------ concept-scheme
    pytest.param(
        "pj-org:government-of-pakistan pjo:organizationType pjc:orgtype-government .",
        "pj-org:government-of-pakistan pjo:organizationType pjc:place-country .",
        [
            Expect(
                "pj-org:government-of-pakistan",
                "concept-scheme",
                "pjo:organizationType is pjc:place-country, which is not a concept of pjc:organization-types: "
                "use a concept of that scheme",
            )
        ],
        id="organization-type-from-another-scheme",
    ),
    pytest.param(
        f"{FOUNDED} pjo:status pjc:asserted .",
        f"{FOUNDED} pjo:status pjc:early .",
        [
            Expect(
                FOUNDED,
                "concept-scheme",
                "pjo:status is pjc:early, which is not a concept of pjc:statuses: "
                "use one of pjc:asserted, pjc:reported",
            )
        ],
        id="status-from-another-scheme",
    ),
    pytest.param(
        "pj-event:2008-11-mumbai-attacks pjo:eventType pjc:event-attack .",
        "pj-event:2008-11-mumbai-attacks pjo:eventType pjc:orgtype-cell .",
        [Expect("pj-event:2008-11-mumbai-attacks", "concept-scheme", "which is not a concept of pjc:event-types")],
        id="event-type-from-another-scheme",
    ),
    pytest.param(
        "pj-place:muridke pjo:placeType pjc:place-city .",
        "pj-place:muridke pjo:placeType pjc:event-attack .",
        [Expect("pj-place:muridke", "concept-scheme", "which is not a concept of pjc:place-types")],
        id="place-type-from-another-scheme",
    ),
    pytest.param(
        f"{LEADS} org:role pjc:role-leader .",
        f"{LEADS} org:role pjc:orgtype-cell .",
        [Expect(LEADS, "concept-scheme", "org:role is pjc:orgtype-cell, which is not a concept of pjc:roles")],
        id="role-from-another-scheme",
    ),
    pytest.param(
        "pj-claim:s1-mumbai-attacks-killed pjo:countQualifier pjc:about .",
        "pj-claim:s1-mumbai-attacks-killed pjo:countQualifier pjc:around .",
        [
            Expect(
                "pj-claim:s1-mumbai-attacks-killed",
                "concept-scheme",
                "pjo:countQualifier is pjc:around, which is not a concept of pjc:count-qualifiers: use one of",
            )
        ],
        id="count-qualifier-from-another-scheme",
    ),
    pytest.param(
        "pj-claim:s1-let-global-reach pjo:assessmentType pjc:assessment-trend .",
        "pj-claim:s1-let-global-reach pjo:assessmentType pjc:event-attack .",
        [Expect("pj-claim:s1-let-global-reach", "concept-scheme", "which is not a concept of pjc:assessment-types")],
        id="assessment-type-from-another-scheme",
    ),
    # ---------------------------------------------------------- entity-kind
    pytest.param(
        "",
        "pj-person:hafiz-saeed a org:Organization ; pjo:organizationType pjc:orgtype-militant-group .",
        [
            Expect(
                "pj-person:hafiz-saeed",
                "entity-kind",
                "is both a person (foaf:Person) and an organization (org:Organization)",
            ),
            Expect("pj-person:hafiz-saeed", "iri-kind", "has the type org:Organization, so its IRI must start with"),
        ],
        id="two-kinds",
    ),
    # -------------------------------------------------------------- iri-kind
    pytest.param(
        "",
        'pj-org:abu-jindal a foaf:Person ; skos:prefLabel "Abu Jindal"@en ; pjo:mentionedIn pj-report:s1-p1 .',
        [
            Expect(
                "pj-org:abu-jindal",
                "iri-kind",
                "has the type foaf:Person, so its IRI must start with "
                "https://w3id.org/pjgj/id/person/ (prefix pj-person:)",
            )
        ],
        id="iri-of-another-kind",
    ),
    pytest.param(
        "",
        'pj-person:Abu_Jindal a foaf:Person ; skos:prefLabel "Abu Jindal"@en ; pjo:mentionedIn pj-report:s1-p1 .',
        [Expect("pj-person:Abu_Jindal", "iri-kind", 'has the slug "Abu_Jindal": a slug is ASCII lower case')],
        id="slug-not-lower-case",
    ),
    # ------------------------------------------------------------ shared-label
    pytest.param(
        "",
        'pj-org:government-of-pakistan skos:altLabel "Lashkar e Taiba"@en .',
        [
            Expect(
                "pj-org:government-of-pakistan",
                "shared-label",
                'its skos:altLabel "Lashkar e Taiba" is also a skos:prefLabel of pj-org:lashkar-e-taiba',
            )
        ],
        id="altlabel-is-another-prefLabel",
    ),
    pytest.param(
        "",
        'pj-place:muridke skos:hiddenLabel "l\'e’t"@en .',
        [
            Expect(
                "pj-org:lashkar-e-taiba",
                "shared-label",
                'its skos:altLabel "LeT" is also a skos:hiddenLabel of pj-place:muridke ("l\'e’t")',
            )
        ],
        id="labels-equal-without-case-and-apostrophes",
    ),
    # ---------------------------------------------------- duplicate-preflabel
    pytest.param(
        "",
        'pj-person:hafiz-saeed-2 a foaf:Person ; skos:prefLabel "Hafiz-saeed"@en ; pjo:mentionedIn pj-report:s1-p2 .',
        [
            Expect(
                "pj-person:hafiz-saeed",
                "duplicate-preflabel",
                'has the same skos:prefLabel as pj-person:hafiz-saeed-2 ("Hafiz Saeed" / "Hafiz-saeed")',
            )
        ],
        id="same-prefLabel",
    ),
    # ------------------------------------------------------------ quote-length
    pytest.param(
        f'{QUOTE} rdf:object "We will not stop (...) until the end."@en .',
        f'{QUOTE} rdf:object "{WORDS_26}"@en .',
        [Expect(QUOTE, "quote-length", "the quotation has 26 words; at most 25 are allowed")],
        id="quote-too-long",
    ),
    # ------------------------------------------------------ hand-written bounds
    pytest.param(
        "",
        f"{LEADS} pjo:datePrecision pjc:precision-year .",
        [Expect(LEADS, "hand-written-bounds", "has a hand-written pjo:datePrecision")],
        id="hand-written-precision",
    ),
    # ------------------------------------------------------------ direct-fact
    pytest.param(
        "",
        "pj-person:hafiz-saeed org:headOf pj-org:lashkar-e-taiba .",
        [Expect("pj-person:hafiz-saeed", "direct-fact", "states org:headOf as a plain triple")],
        id="fact-without-claim",
    ),
    # --------------------------------------------------------- reciprocal-link
    pytest.param(
        f"{BLAMED} pjo:contestedBy {CARRIED} .",
        "",
        [
            Expect(
                CARRIED, "reciprocal-link", f"has pjo:contestedBy {BLAMED}, but that claim has no pjo:contestedBy back"
            )
        ],
        id="contested-one-way",
    ),
    pytest.param(
        "",
        "pj-claim:s1-let-statement-date-2005 pjo:conflictsWith pj-claim:s1-let-statement-date-2005 .",
        [
            Expect(
                "pj-claim:s1-let-statement-date-2005",
                "reciprocal-link",
                "is linked to itself with pjo:conflictsWith",
            )
        ],
        id="conflicts-with-itself",
    ),
    pytest.param(
        f'{BLAMED} pjo:status pjc:reported . {BLAMED} pjo:accordingToUnnamed "media reports"@en .',
        f"{BLAMED} pjo:status pjc:asserted .",
        [
            Expect(CARRIED, "reciprocal-link", f"is contested by {BLAMED}, but both are in the report's own voice"),
            Expect(BLAMED, "reciprocal-link", f"is contested by {CARRIED}, but both are in the report's own voice"),
        ],
        id="contested-by-the-report-itself",
    ),
    # ---------------------------------------------------------- duplicate-claim
    pytest.param(
        "",
        """pj-claim:s1-let-founded-again a pjo:Claim ;
            rdf:subject pj-event:1990-markaz-founding ; rdf:predicate org:resultingOrganization ;
            rdf:object pj-org:lashkar-e-taiba ; pjo:status pjc:asserted ; prov:wasDerivedFrom pj-report:s1-p1 .""",
        [Expect(FOUNDED, "duplicate-claim", "records the same fact as pj-claim:s1-let-founded-again")],
        id="same-claim-twice",
    ),
]

NOT_PROBLEMS = [
    pytest.param(
        f'{QUOTE} rdf:object "We will not stop (...) until the end."@en .',
        f'{QUOTE} rdf:object "{WORDS_25_AND_CUTS}"@en .',
        id="quote-of-25-words-with-cuts",
    ),
    pytest.param(
        "",
        'pj-person:hafiz-saeed-2 a foaf:Person ; skos:prefLabel "Hafiz Saeed"@en ; pjo:mentionedIn pj-report:s1-p2 . '
        'pj-name:hafiz-saeed a pjo:AmbiguousName ; pjo:nameString "Hafiz Saeed"@en ; '
        "pjo:mayDenote pj-person:hafiz-saeed , pj-person:hafiz-saeed-2 .",
        id="same-prefLabel-registered-as-ambiguous",
    ),
    pytest.param(
        "",
        'pj-person:hafiz-saeed-2 a foaf:Person ; skos:prefLabel "Hafiz Saeed (2)"@en ; '
        'skos:altLabel "Hafiz Saeed"@en ; owl:deprecated true ; dct:isReplacedBy pj-person:hafiz-saeed ; '
        "pjo:mentionedIn pj-report:s1-p2 .",
        id="deprecated-duplicate-keeps-its-labels",
    ),
    pytest.param(
        "",
        """pj-claim:s1-let-founded-in-1990 a pjo:Claim ;
            rdf:subject pj-event:1990-markaz-founding ; rdf:predicate org:resultingOrganization ;
            rdf:object pj-org:lashkar-e-taiba ; pjo:dateText "in 1990"@en ; pjo:edtf "1990" ;
            pjo:status pjc:asserted ; prov:wasDerivedFrom pj-report:s1-p1 .""",
        id="same-fact-with-another-date-is-not-a-duplicate",
    ),
]


@pytest.mark.parametrize(("remove", "add", "expected"), CASES)
def test_check_fires(config: Config, tmp_path: Path, remove: str, add: str, expected: list[Expect]) -> None:
    assert_problems(problems(config, variant(tmp_path, remove, add)), expected)


@pytest.mark.parametrize(("remove", "add"), NOT_PROBLEMS)
def test_check_allows(config: Config, tmp_path: Path, remove: str, add: str) -> None:
    assert problems(config, variant(tmp_path, remove, add)) == []


def test_schema_org_https_is_caught_even_past_the_parser(config: Config) -> None:
    """The parser refuses https://schema.org/ (tests/unit/test_sources.py); the check guards the graph itself."""
    assembled = validate.assemble(config, data=[ROOT / "tests/shapes/fixtures/valid.ttl"], shapes=[])
    person = URIRef("https://w3id.org/pjgj/id/person/hafiz-saeed")
    assembled.data.add((person, URIRef("https://schema.org/name"), Literal("Hafiz Saeed")))
    found = validate.integrity_problems(assembled, config.root, CHECKS)
    assert_problems(
        found,
        [
            Expect("pj-person:hafiz-saeed", "schema-org-https", "uses <https://schema.org/name>: schema.org terms"),
            Expect("pj-person:hafiz-saeed", "closed-vocabulary", "uses the property <https://schema.org/name>"),
        ],
    )
