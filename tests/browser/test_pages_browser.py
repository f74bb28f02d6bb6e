"""The site in a real browser: the home page, the query editor end to end, entity pages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.request import urlopen

from playwright.sync_api import Page, expect

TIMEOUT = 15_000


def run_query(page: Page, query: str) -> None:
    page.fill("#query-text", query)
    page.click("#run")


def test_home_page_shows_counts_and_examples(page: Page, base_url: str, screenshots: Path) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Pakistani Jihadis and Global Jihad")
    with urlopen(base_url + "/browse/org:Organization.json") as reply:
        total = json.load(reply)["total"]
    card = page.locator('ul.cards a[href="/browse/org:Organization"]')
    expect(card.locator(".num")).to_have_text(str(total))
    expect(page.locator("ul.cards li")).to_have_count(page.locator("ul.cards li").count())
    assert page.locator("ul.cards li").count() >= 5
    expect(page.locator('a[href="/query?example=01-leaders&run=1"]')).to_have_text("Who led Lashkar-e-Taiba?")
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)


def test_example_runs_in_the_editor_and_its_iris_lead_to_pages(page: Page, screenshots: Path) -> None:
    page.goto("/")
    page.click('a[href="/query?example=01-leaders&run=1"]')  # an example from the home page runs at once
    expect(page).to_have_url(re.compile(r"/query\?example=01-leaders&run=1$"))
    expect(page.locator("#query-text")).to_have_value(re.compile(r"org:headOf pj-org:lashkar-e-taiba"))
    rows = page.locator("table.results tbody tr")
    expect(rows).to_have_count(1, timeout=TIMEOUT)
    page.locator("#results").evaluate("node => node.replaceChildren()")
    page.click("#run")  # and again on demand
    expect(rows).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator("#status")).to_contain_text("1 row")
    link = page.locator('table.results a[href="/id/person/hafiz-saeed"]')
    expect(link).to_have_text("Hafiz Saeed")  # the ?name column labels the ?person link
    page.screenshot(path=str(screenshots / "editor.png"), full_page=True)
    link.click()
    expect(page.locator("h1")).to_have_text("Hafiz Saeed")
    fact = page.locator("li.fact").first
    expect(fact).to_contain_text("Lashkar-e-Taiba (role: leader)")
    expect(fact.locator(".prov")).to_contain_text("Section 1, paragraph 2, p. 3")
    expect(fact.locator(".prov")).to_contain_text("according to Stephen Tankel")
    page.screenshot(path=str(screenshots / "entity.png"), full_page=True)


def test_entity_page_marks_contested_claims_and_links_the_other(page: Page) -> None:
    page.goto("/id/event/2003-12-musharraf-attempts")
    contested = page.locator("li.fact.is-contested")
    expect(contested.first.locator(".badge.contested").first).to_be_visible()
    contested.first.locator(".dispute a").click()
    expect(page).to_have_url(re.compile(r"/id/claim/s2-musharraf-"))
    expect(page.locator(".claim-detail")).to_contain_text("Another source says otherwise")


def test_highlighting_follows_the_text(page: Page) -> None:
    page.goto("/query?example=01-leaders")
    expect(page.locator("#highlight .tok-keyword").first).to_have_text("SELECT")
    expect(page.locator("#highlight .tok-var").first).to_have_text("?person")
    expect(page.locator("#highlight .tok-pname").first).to_have_text("org:headOf")
    page.fill("#query-text", 'SELECT ?x WHERE { ?x rdfs:label "a <b>"@en } # done')
    expect(page.locator("#highlight .tok-string")).to_have_text('"a <b>"')
    expect(page.locator("#highlight .tok-lang")).to_have_text("@en")
    expect(page.locator("#highlight .tok-comment")).to_have_text("# done")
    # the coloured copy lies exactly under the text the user edits
    area = page.locator("#query-text").bounding_box()
    copy = page.locator("pre.highlight").bounding_box()
    assert area is not None and copy is not None
    assert (round(area["x"]), round(area["y"]), round(area["width"])) == (
        round(copy["x"]),
        round(copy["y"]),
        round(copy["width"]),
    )


def test_a_syntax_error_is_shown_with_its_position(page: Page) -> None:
    page.goto("/query")
    run_query(page, "SELECT ?x WHERE {\n  ?x ?y\n}")
    error = page.locator("#error")
    expect(error).to_be_visible(timeout=TIMEOUT)
    expect(error).to_contain_text("HTTP 400 — line 3")
    expect(page.locator("#highlight .error-line")).to_have_count(1)
    expect(page.locator("table.results")).to_have_count(0)


def test_a_query_over_the_time_limit_says_so(page: Page) -> None:
    page.goto("/query")
    run_query(page, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    expect(page.locator("#error")).to_contain_text("time limit", timeout=TIMEOUT)
    expect(page.locator("#status")).to_contain_text("time limit")


def test_a_cut_result_is_flagged(page: Page) -> None:
    page.goto("/query")
    run_query(page, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    expect(page.locator("#status")).to_contain_text("Truncated", timeout=TIMEOUT)
    expect(page.locator("table.results tbody tr")).to_have_count(1000)


def test_ask_answers_yes_or_no(page: Page) -> None:
    page.goto("/query")
    run_query(page, "ASK { pj-person:hafiz-saeed org:headOf pj-org:lashkar-e-taiba }")
    expect(page.locator(".ask-answer")).to_have_text("Yes (true)", timeout=TIMEOUT)


def test_download_links_for_every_format(page: Page, base_url: str) -> None:
    page.goto("/query?example=01-leaders")
    links = page.locator("#downloads a")
    expect(links).to_have_text(["JSON", "XML", "CSV", "TSV"])
    csv_href = links.nth(2).get_attribute("href")
    assert csv_href is not None
    reply = page.request.get(base_url + csv_href)
    assert reply.ok and reply.headers["content-type"].startswith("text/csv")
    assert "hafiz-saeed" in reply.text()

    page.select_option("#example-select", "02-contested")
    expect(links).to_have_text(["Turtle", "N-Triples", "JSON-LD", "RDF/XML"])
    turtle = page.request.get(base_url + (links.first.get_attribute("href") or ""))
    assert turtle.ok and turtle.headers["content-type"].startswith("text/turtle")


def test_construct_results_are_a_table_of_linked_triples(page: Page) -> None:
    page.goto("/query?example=02-contested")
    page.click("#run")
    expect(page.locator("table.results th")).to_have_text(["subject", "predicate", "object"], timeout=TIMEOUT)
    expect(page.locator("table.results tbody tr")).to_have_count(2)
    claim = page.locator('table.results a[href="/id/claim/s2-musharraf-planned-by-let"]').first
    # a claim is named by its statement; predicates keep the CURIE a query is written with
    expect(claim).to_have_text("December 2003 attempts on Musharraf planned by Lashkar-e-Taiba")
    expect(page.locator('table.results a[href="/ontology#contestedBy"]').first).to_have_text("pjo:contestedBy")


def test_result_iris_get_their_labels(page: Page) -> None:
    page.goto("/query")
    run_query(page, "SELECT ?org WHERE { ?org a org:Organization } ORDER BY ?org")
    link = page.locator('table.results a[href="/id/org/lashkar-e-taiba"]')
    expect(link).to_have_text("Lashkar-e-Taiba", timeout=TIMEOUT)
    assert "pj-org:lashkar-e-taiba" in (link.get_attribute("title") or "")


def test_prefixes_are_shown_and_insertable(page: Page) -> None:
    page.goto("/query?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201")
    page.click("details.prefixes summary")
    page.click('button.prefix[data-prefix="pj-org"]')
    expect(page.locator("#query-text")).to_have_value(re.compile(r"^PREFIX pj-org: <https://w3id.org/pjgj/id/org/>\n"))
    page.click('button.prefix[data-prefix="pj-org"]')  # once only
    assert page.locator("#query-text").input_value().count("PREFIX pj-org:") == 1


def test_the_permalink_reopens_the_query(page: Page) -> None:
    page.goto("/query")
    page.fill("#query-text", "SELECT ?n WHERE { ?s skos:prefLabel ?n } LIMIT 3")
    href = page.locator("#permalink").get_attribute("href")
    assert href is not None
    page.goto(href)
    expect(page.locator("#query-text")).to_have_value("SELECT ?n WHERE { ?s skos:prefLabel ?n } LIMIT 3")


def test_search_from_the_header(page: Page) -> None:
    page.goto("/")
    page.fill("#site-search", "bombay")
    page.press("#site-search", "Enter")
    expect(page.locator('ol.results a[href="/id/place/mumbai"]')).to_have_text("Mumbai")
