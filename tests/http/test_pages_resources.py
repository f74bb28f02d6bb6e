"""Resource pages: labels and aliases, facts in words with where and by whom, contested claims, incoming links."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from flask import Flask

from pjgj.web.pages import resource

from .conftest import FlaskHttp, Http
from .test_pages import html_get, words

LET = "/id/org/lashkar-e-taiba"


def test_entity_header_shows_label_aliases_type_and_description(http: Http) -> None:
    page = html_get(http, LET)
    text = words(page)
    assert "<title>Lashkar-e-Taiba ·" in http.get(LET, Accept="text/html").text
    assert "Also known as Lashkar i Taiba, LeT" in text
    assert "Misspelt in the report as Laskhar-e-Taiba" in text
    assert "Kashmir-focused Pakistani militant group" in text
    assert page.link_to("/concept/orgtype-militant-group", "militant group")


def test_facts_are_grouped_by_property_label_with_locator_and_attribution(http: Http) -> None:
    text = words(html_get(http, "/id/person/hafiz-saeed"))
    # "led Lashkar-e-Taiba (role: leader), since 1986 — where — according to whom (which work)"
    assert re.search(
        r"head of 1 Lashkar-e-Taiba \(role: leader\), since 1986 \[between 1986-01-01 and 2021-06-30\] reported "
        r"Section 1, paragraph 2, p\. 3 — according to Stephen Tankel "
        r"\(Storming the World Stage: The Story of Lashkar-e-Taiba\)",
        text,
    ), text


def test_unnamed_sources_and_own_voice_are_said(http: Http) -> None:
    text = words(html_get(http, LET))
    assert "India reported Section 1, paragraph 1, p. 3 — reported, source unnamed: media reports" in text
    assert "Markaz al-Da'wa wal-Irshad asserted Section 1, paragraph 1, p. 3 — in the report's own voice" in text


def test_inferred_pages_are_marked(http: Http) -> None:
    page = html_get(http, "/id/event/2008-11-26-mumbai-attacks")
    assert "Section 3, paragraph 1, pp. 10-11 page inferred" in words(page)


def test_incoming_facts_are_grouped_and_counted(http: Http) -> None:
    text = words(html_get(http, LET))
    assert "Facts pointing here 4" in text
    assert "… head of Lashkar-e-Taiba 1 Hafiz Saeed (role: leader)" in text
    assert "… carried out by Lashkar-e-Taiba 1 2008 Mumbai attacks" in text


def test_contested_claims_are_marked_and_linked(http: Http) -> None:
    page = html_get(http, "/id/event/2003-12-musharraf-attempts")
    text = words(page)
    assert "contested" in text
    assert page.link_to(
        "/id/claim/s2-musharraf-planned-by-let", "December 2003 attempts on Musharraf planned by Lashkar-e-Taiba"
    )
    assert "according to Government of Pakistan" in text
    assert 'class="fact is-contested"' in http.get("/id/event/2003-12-musharraf-attempts", Accept="text/html").text


def test_self_contradictions_are_marked_with_the_note(http: Http) -> None:
    page = html_get(http, "/id/event/1999-release-of-azhar")
    text = words(page)
    assert "self-contradiction" in text
    assert page.link_to("/id/claim/s2-azhar-release-1998", "Release of Masood Azhar date late 1998")
    assert "Note: Section 1 says December 1999; section 2 says late 1998." in text
    # dates in the report's words, then the derived day range
    assert "late 1998 [between 1998-09-01 and 1998-12-31]" in text
    assert "All dates together: between 1998-09-01 and 1999-12-31" in text


def test_event_at_a_glance(http: Http) -> None:
    text = words(html_get(http, "/id/event/2008-11-26-mumbai-attacks"))
    assert "When 26 November 2008 [2008-11-26]" in text
    assert "Where Mumbai" in text
    assert "Carried out by Lashkar-e-Taiba" in text
    assert "Planner <script>alert('pwned')</script>" in text  # the role, then the (escaped) label
    assert "Killed at least 166" in text


def test_claim_page_says_the_statement_status_source_and_qualifiers(http: Http) -> None:
    page = html_get(http, "/id/claim/s1-hafiz-saeed-leads-let")
    text = words(page)
    assert "Hafiz Saeed head of Lashkar-e-Taiba" in text
    assert "Status reported The report relays what someone else said." in text
    assert "Where the report says it Section 1, paragraph 2, p. 3" in text
    assert "Attribution according to Stephen Tankel" in text
    assert "Role leader" in text
    assert "Date since 1986 [between 1986-01-01 and 2021-06-30] (EDTF 1986/..)" in text
    assert page.link_to("/id/report/s1-p2", "Section 1, paragraph 2, p. 3")
    assert page.link_to("/id/work/tankel-2011", "Storming the World Stage: The Story of Lashkar-e-Taiba")


def test_claim_page_links_the_contesting_claim(http: Http) -> None:
    page = html_get(http, "/id/claim/s2-musharraf-blamed-on-al-libi")
    assert page.link_to("/id/claim/s2-musharraf-planned-by-let")
    assert "Another source says otherwise" in words(page)


def test_assessment_page_and_assessments_on_the_subject(http: Http) -> None:
    text = words(html_get(http, "/id/claim/s5-trend-global-reach"))
    assert "Regional groups with local agendas" in text and "Type trend" in text
    let = words(html_get(http, LET))
    assert "Assessments that concern it 1 Regional groups with local agendas" in let


def test_paragraph_page_lists_section_pages_and_citing_claims(http: Http) -> None:
    page = html_get(http, "/id/report/s1-p2")
    text = words(page)
    assert "Section Section 1: The Deep Ties" in text
    assert "Page p. 3" in text
    assert "Claims citing this paragraph 1 Hafiz Saeed head of Lashkar-e-Taiba" in text
    assert page.link_to("/id/report/s1-p1").attrs.get("rel") == "prev"
    assert page.link_to("/id/report/s1-p3").attrs.get("rel") == "next"


def test_paragraphs_that_mention_an_entity_are_listed_in_report_order(http: Http) -> None:
    text = words(html_get(http, LET))
    start = text.index("Paragraphs that mention it")
    mentions = text[start:]
    assert mentions.index("Section 1, paragraph 1") < mentions.index("Section 1, paragraph 2")
    assert mentions.index("Section 2, paragraph 3") < mentions.index("Section 5, paragraph 2")


def test_work_page_lists_the_claims_that_cite_it(http: Http) -> None:
    page = html_get(http, "/id/work/tankel-2011")
    text = words(page)
    assert "Storming the World Stage" in text
    assert page.link_to("/id/person/stephen-tankel", "Stephen Tankel")
    assert "… cited work Storming the World Stage: The Story of Lashkar-e-Taiba 1" in text
    assert page.link_to("/id/claim/s1-hafiz-saeed-leads-let", "Hafiz Saeed head of Lashkar-e-Taiba")


def test_concept_page_lists_what_uses_it(http: Http) -> None:
    page = html_get(http, "/concept/role-leader")
    assert "Heads the organization" in words(page)
    assert page.link_to("/id/claim/s1-hafiz-saeed-leads-let")
    assert page.link_to("/concept/roles", "Roles")


def test_caps_long_incoming_lists_and_offers_the_query(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource, "INCOMING_CAP", 2)
    page = html_get(FlaskHttp(app), "/concept/asserted")
    text = words(page)
    total = int(re.search(r"… status asserted (\d+)", text).group(1))  # type: ignore[union-attr]
    assert total > 2
    assert f"Showing 2 of {total}." in text
    editor = [h for h in page.hrefs() if h.startswith("/query?query=")]
    assert editor and "pjo%3Astatus" not in editor[0] and "status" in unquote(editor[0])


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/id/name/hafiz-saeed", "Hafiz Saeed"),
        (
            "/id/report/s1",
            "Section 1: The Deep Ties between Pakistani Armed Groups and the International Jihadi Milieu",
        ),
        ("/concept/roles", "Roles"),
        ("/id/place/mumbai", "Mumbai"),
    ],
)
def test_other_kinds_render(http: Http, path: str, title: str) -> None:
    reply = http.get(path, Accept="text/html")
    assert reply.status == 200
    assert f"<h1>{title}</h1>" in reply.text


def test_rdf_twins_are_advertised_and_served(http: Http) -> None:
    page = html_get(http, LET)
    alternates = {h.attrs["type"]: h.attrs["href"] for h in page.heads if h.attrs.get("rel") == "alternate"}
    assert alternates == {
        "text/turtle": LET + ".ttl",
        "application/ld+json": LET + ".jsonld",
        "application/n-triples": LET + ".nt",
        "application/rdf+xml": LET + ".rdf",
    }
    for media_type, href in alternates.items():
        assert page.link_to(href)
        reply = http.get(href)
        assert reply.status == 200 and reply.media_type == media_type, href


# ---------------------------------------------------------------- the ontology


def test_ontology_page_documents_terms_with_anchors(http: Http) -> None:
    page = html_get(http, "/ontology")
    for anchor in ("Claim", "Paragraph", "accordingTo", "contestedBy", "killedCount", "org:headOf", "pjc:role-leader"):
        assert anchor in page.ids, anchor
    text = words(page)
    assert "claim pjo:Claim A fact that the report states or relays" in text
    assert "Fact properties" in text and "Controlled lists" in text
    assert "event → agent" in text  # domain and range of carried out by


def test_fact_properties_link_to_their_documentation(http: Http) -> None:
    page = html_get(http, "/id/person/hafiz-saeed")
    assert page.link_to("/ontology#org:headOf", "head of")
    event = html_get(http, "/id/event/2008-11-26-mumbai-attacks")
    assert event.link_to("/ontology#killedCount", "killed")


def test_ontology_term_links_land_on_the_ontology_page(http: Http) -> None:
    page = html_get(http, "/id/claim/s1-hafiz-saeed-leads-let")
    assert page.link_to("/ontology#Claim", "claim")
    assert "Claim" in html_get(http, "/ontology").ids


# ---------------------------------------------------------------- the shapes


def test_shapes_page_says_each_rule_in_words(http: Http) -> None:
    page = html_get(http, "/shapes")
    assert {"FixtureClaimShape", "FixtureOrganizationShape", "fixture-claim-subject"} <= page.ids
    text = words(page)
    assert "Applies to every claim (pjo:Claim)." in text
    assert "subject (rdf:subject) at least 1; at most 1 a claim has exactly one rdf:subject" in text
    # a blank-node property shape is listed under its node shape
    assert "preferred label (skos:prefLabel) at least 1 an organization has a preferred label" in text
    assert page.link_to("#fixture-claim-subject")
