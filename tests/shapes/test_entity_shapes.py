"""Entity records (shapes/entities.ttl): each constraint fires, on the right node, with its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from pjgj.config import Config

from .shapecase import Expect, assert_problems, problems, variant

CASES = [
    # ----------------------------------------------------------------- labels
    pytest.param(
        'pj-person:hafiz-saeed skos:prefLabel "Hafiz Saeed"@en .',
        "",
        [Expect("pj-person:hafiz-saeed", "pjs:preflabel-count", "needs exactly one skos:prefLabel")],
        id="preflabel-missing",
    ),
    pytest.param(
        "",
        'pj-place:muridke skos:prefLabel "Muridke town"@en .',
        [Expect("pj-place:muridke", "pjs:preflabel-count", "needs exactly one skos:prefLabel")],
        id="preflabel-two",
    ),
    pytest.param(
        'pj-person:hafiz-saeed skos:prefLabel "Hafiz Saeed"@en .',
        'pj-person:hafiz-saeed skos:prefLabel "Hafiz Saeed" .',
        [Expect("pj-person:hafiz-saeed", "pjs:preflabel-english", "must be a string tagged @en")],
        id="preflabel-not-english",
    ),
    pytest.param(
        'pj-org:lashkar-e-taiba skos:altLabel "LeT"@en .',
        'pj-org:lashkar-e-taiba skos:altLabel "LeT"@fr .',
        [Expect("pj-org:lashkar-e-taiba", "pjs:altlabel-english", "every skos:altLabel must be a string tagged @en")],
        id="altlabel-not-english",
    ),
    pytest.param(
        'pj-org:lashkar-e-taiba skos:hiddenLabel "Laskhar-e-Taiba"@en .',
        'pj-org:lashkar-e-taiba skos:hiddenLabel "Laskhar-e-Taiba" .',
        [Expect("pj-org:lashkar-e-taiba", "pjs:hiddenlabel-english", "every skos:hiddenLabel must be")],
        id="hiddenlabel-not-english",
    ),
    pytest.param(
        "",
        'pj-place:muridke skos:altLabel "Muridke"@en .',
        [Expect("pj-place:muridke", "pjs:labels-pref-alt-disjoint", "both skos:prefLabel and skos:altLabel")],
        id="labels-pref-alt-not-disjoint",
    ),
    pytest.param(
        "",
        'pj-place:muridke skos:hiddenLabel "Muridke"@en .',
        [Expect("pj-place:muridke", "pjs:labels-pref-hidden-disjoint", "both skos:prefLabel and skos:hiddenLabel")],
        id="labels-pref-hidden-not-disjoint",
    ),
    pytest.param(
        "",
        'pj-org:lashkar-e-taiba skos:hiddenLabel "LeT"@en .',
        [Expect("pj-org:lashkar-e-taiba", "pjs:labels-alt-hidden-disjoint", "both skos:altLabel and skos:hiddenLabel")],
        id="labels-alt-hidden-not-disjoint",
    ),
    # ---------------------------------------------------------- other entity facts
    pytest.param(
        "",
        'pj-person:hafiz-saeed rdfs:comment "Founder of Markaz al-Dawa."@en .',
        [Expect("pj-person:hafiz-saeed", "pjs:comment-one-english", "rdfs:comment is one identifying sentence")],
        id="comment-two",
    ),
    pytest.param(
        "pj-place:pakistan pjo:mentionedIn pj-report:s1-p1 .",
        "",
        [Expect("pj-place:pakistan", "pjs:mentioned-in-count", "is not mentioned in any paragraph")],
        id="mentioned-in-missing",
    ),
    pytest.param(
        "",
        "pj-org:lashkar-e-taiba pjo:mentionedIn pj-report:s1 .",
        [Expect("pj-org:lashkar-e-taiba", "pjs:mentioned-in-paragraph", "must point to a paragraph")],
        id="mentioned-in-section",
    ),
    pytest.param(
        "",
        'pj-org:lashkar-e-taiba owl:deprecated "yes" .',
        [
            Expect("pj-org:lashkar-e-taiba", "pjs:deprecated-boolean", "owl:deprecated is written once, as true"),
            Expect("pj-org:lashkar-e-taiba", "pjs:deprecated-replaced-by", "is deprecated (owl:deprecated) but"),
        ],
        id="deprecated-not-boolean",
    ),
    pytest.param(
        "",
        "pj-org:government-of-pakistan owl:deprecated true .",
        [Expect("pj-org:government-of-pakistan", "pjs:deprecated-replaced-by", "is deprecated (owl:deprecated) but")],
        id="deprecated-without-replacement",
    ),
    pytest.param(
        "",
        'pj-org:lashkar-e-taiba dct:isReplacedBy "LeT"@en .',
        [Expect("pj-org:lashkar-e-taiba", "pjs:replaced-by", "dct:isReplacedBy names the one surviving record")],
        id="replaced-by-literal",
    ),
    pytest.param(
        "pj-org:government-of-pakistan pjo:organizationType pjc:orgtype-government .",
        "",
        [Expect("pj-org:government-of-pakistan", "pjs:organization-type", "needs at least one pjo:organizationType")],
        id="organization-type-missing",
    ),
    pytest.param(
        "pj-place:muridke pjo:placeType pjc:place-city .",
        "",
        [Expect("pj-place:muridke", "pjs:place-type", "needs at least one pjo:placeType")],
        id="place-type-missing",
    ),
    pytest.param(
        "",
        "pj-place:muridke schema:containedInPlace pj-org:lashkar-e-taiba .",
        [Expect("pj-place:muridke", "pjs:contained-in-place", "must be another place")],
        id="contained-in-place-not-a-place",
    ),
    pytest.param(
        "pj-event:2008-11-mumbai-attacks pjo:eventType pjc:event-attack .",
        "",
        [Expect("pj-event:2008-11-mumbai-attacks", "pjs:event-type", "needs at least one pjo:eventType")],
        id="event-type-missing",
    ),
    pytest.param(
        "",
        "pj-org:government-of-pakistan a org:ChangeEvent .",
        [Expect("pj-org:government-of-pakistan", "pjs:ChangeEventShape", "is an org:ChangeEvent but not a sem:Event")],
        id="change-event-not-an-event",
    ),
    # ------------------------------------------------------------------ works
    pytest.param(
        'pj-work:tankel-2011 dct:title "Storming the World Stage: The Story of Lashkar-e-Taiba"@en .',
        "",
        [Expect("pj-work:tankel-2011", "pjs:work-title", "a work needs exactly one dct:title")],
        id="work-title-missing",
    ),
    pytest.param(
        "pj-work:tankel-2011 dct:creator pj-person:stephen-tankel .",
        'pj-work:tankel-2011 dct:creator "Stephen Tankel"@en .',
        [Expect("pj-work:tankel-2011", "pjs:work-creator", "dct:creator must be a person or organization record")],
        id="work-creator-literal",
    ),
    pytest.param(
        "",
        "pj-work:tankel-2011 dct:publisher pj-place:pakistan .",
        [Expect("pj-work:tankel-2011", "pjs:work-publisher", "dct:publisher must be an organization")],
        id="work-publisher-not-an-agent",
    ),
    pytest.param(
        'pj-work:tankel-2011 dct:issued "2011"^^xsd:gYear .',
        'pj-work:tankel-2011 dct:issued "2011" .',
        [Expect("pj-work:tankel-2011", "pjs:work-issued", "dct:issued is one date")],
        id="work-issued-plain-string",
    ),
    pytest.param(
        "",
        'pj-work:tankel-2011 dct:bibliographicCitation "Tankel (2011)."@en .',
        [Expect("pj-work:tankel-2011", "pjs:work-citation", "is the one bibliography line")],
        id="work-citation-two",
    ),
    pytest.param(
        "pj-work:tankel-2011 pjo:inBibliography true .",
        'pj-work:tankel-2011 pjo:inBibliography "yes" .',
        [Expect("pj-work:tankel-2011", "pjs:work-in-bibliography", "pjo:inBibliography is written once")],
        id="work-in-bibliography-not-boolean",
    ),
    pytest.param(
        "pj-work:tankel-2011 pjo:mentionedIn pj-report:bibliography-p1 .",
        "",
        [Expect("pj-work:tankel-2011", "pjs:WorkMentionedShape", "has no pjo:mentionedIn")],
        id="work-not-mentioned",
    ),
    pytest.param(
        'pj-work:tankel-2011 dct:bibliographicCitation "Tankel, Stephen. Storming the World Stage. 2011."@en .',
        "",
        [Expect("pj-work:tankel-2011", "pjs:BibliographyCitationShape", "has no dct:bibliographicCitation")],
        id="bibliography-entry-without-citation",
    ),
    # --------------------------------------------------------- ambiguous names
    pytest.param(
        'pj-name:pakistan pjo:nameString "Pakistan"@en .',
        "",
        [Expect("pj-name:pakistan", "pjs:name-string", "needs exactly one pjo:nameString")],
        id="name-string-missing",
    ),
    pytest.param(
        "pj-name:pakistan pjo:mayDenote pj-org:government-of-pakistan .",
        "",
        [
            Expect("pj-name:pakistan", "pjs:may-denote-count", "lists at least two entities"),
            # no longer registered: the government's altLabel "Pakistan" is the country's prefLabel
            Expect(
                "pj-org:government-of-pakistan", "shared-label", 'its skos:altLabel "Pakistan" is also a skos:prefLabel'
            ),
        ],
        id="may-denote-one",
    ),
    pytest.param(
        "",
        "pj-name:pakistan pjo:mayDenote pj-claim:s1-let-founded .",
        [Expect("pj-name:pakistan", "pjs:may-denote-entity", "must point to an entity record")],
        id="may-denote-a-claim",
    ),
    pytest.param(
        'pj-name:pakistan skos:scopeNote "The country and its government."@en .',
        'pj-name:pakistan skos:scopeNote "The country and its government." .',
        [Expect("pj-name:pakistan", "pjs:scope-note-english", "skos:scopeNote must be a string tagged @en")],
        id="scope-note-not-english",
    ),
    # ---------------------------------------------------------------- concepts
    pytest.param(
        "",
        'pjc:role-emir a skos:Concept ; skos:prefLabel "emir"@en .',
        [
            Expect("pjc:role-emir", "pjs:concept-in-scheme", "belongs to exactly one concept scheme"),
            Expect("pjc:role-emir", "closed-vocabulary", "has the class skos:Concept"),
        ],
        id="concept-without-scheme",
    ),
    pytest.param(
        "",
        "pjc:role-emir a skos:Concept ; skos:inScheme pjc:roles .",
        [
            Expect("pjc:role-emir", "pjs:preflabel-count", "needs exactly one skos:prefLabel"),
            Expect("pjc:role-emir", "closed-vocabulary", "has the class skos:Concept"),
            Expect("pjc:role-emir", "closed-vocabulary", "uses the property skos:inScheme"),
        ],
        id="concept-without-label",
    ),
]


@pytest.mark.parametrize(("remove", "add", "expected"), CASES)
def test_entity_constraint_fires(config: Config, tmp_path: Path, remove: str, add: str, expected: list[Expect]) -> None:
    assert_problems(problems(config, variant(tmp_path, remove, add)), expected)
