"""The pages people read: home, lists, search, examples, the query editor's page, error pages.

Run through Flask's test client and the real server (the ``http`` fixture).
Resource pages are in test_pages_resources.py, escaping and crawling in
test_pages_safety.py; the small HTML reader here is shared by all three.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

from .conftest import Http, Reply


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


BLOCKS = {"p", "div", "li", "dt", "dd", "h1", "h2", "h3", "td", "th", "tr", "section", "summary", "br"}


@dataclass
class Page(HTMLParser):
    """Links, scripts, ids and text of an HTML page, read with the standard library's parser."""

    links: list[Element] = field(default_factory=list)
    scripts: list[Element] = field(default_factory=list)
    heads: list[Element] = field(default_factory=list)  # <link> elements
    ids: set[str] = field(default_factory=set)
    handlers: list[str] = field(default_factory=list)  # inline on*= attributes
    text: str = ""
    _open: list[Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.text += " "  # "When" and "26 November" are two cells, not one word
        values = {k: v or "" for k, v in attrs}
        self.handlers += [k for k in values if k.startswith("on")]
        if "id" in values:
            self.ids.add(values["id"])
        element = Element(tag, values)
        if tag == "a":
            self.links.append(element)
            self._open.append(element)
        elif tag == "script":
            self.scripts.append(element)
            self._open.append(element)
        elif tag == "link":
            self.heads.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "script") and self._open and self._open[-1].tag == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        for element in self._open:
            element.text += data

    def hrefs(self) -> list[str]:
        return [a.attrs.get("href", "") for a in self.links]

    def link_to(self, href: str, text: str | None = None) -> Element:
        """The first link to ``href`` (whose text is ``text``, when given)."""
        found = [a for a in self.links if a.attrs.get("href") == href and text in (None, " ".join(a.text.split()))]
        assert found, (
            f"no link to {href} reading {text!r}; links: {[(a.attrs.get('href'), a.text) for a in self.links]}"
        )
        return found[0]


def read(reply: Reply) -> Page:
    assert reply.media_type == "text/html", reply.media_type
    page = Page()
    page.feed(reply.text)
    return page


def html_get(http: Http, path: str, status: int = 200) -> Page:
    reply = http.get(path, Accept="text/html")
    assert reply.status == status, (path, reply.status, reply.text[:500])
    return read(reply)


def words(page: Page) -> str:
    return " ".join(page.text.split())


# ---------------------------------------------------------------- home


def test_home_says_what_the_dataset_is_and_where_it_comes_from(http: Http) -> None:
    page = html_get(http, "/")
    text = words(page)
    assert "Pakistani Jihadis and Global Jihad" in text
    assert "Center for the analysis of terrorism" in text and "June 2021" in text
    assert "section, paragraph and page" in text
    assert "CC BY 4.0" in text and "MIT" in text


def test_home_counts_classes_and_links_to_browse_them(http: Http) -> None:
    page = html_get(http, "/")
    card = page.link_to("/browse/org:Organization")
    assert "Organizations" in card.text
    # the fixture has three organizations (one of them retired), as the manifest says
    manifest_count = http.get("/browse/org:Organization.json").json()["total"]
    assert str(manifest_count) in card.text
    for curie in ("foaf:Person", "schema:Place", "sem:Event", "pjo:Claim"):
        assert f"/browse/{curie}" in page.hrefs()


def test_home_links_dumps_ontology_shapes_void_and_editor(http: Http) -> None:
    hrefs = html_get(http, "/").hrefs()
    for href in (
        "/ontology",
        "/shapes",
        "/.well-known/void",
        "/dumps/",
        "/query",
        "/dumps/pjgj.ttl",
        "/dumps/pjgj.nt.gz",
    ):
        assert href in hrefs, href


def test_home_examples_open_in_the_editor(http: Http) -> None:
    page = html_get(http, "/")
    assert page.link_to("/query?example=01-leaders&run=1", "Who led Lashkar-e-Taiba?")


def test_home_embeds_schema_org_dataset(http: Http) -> None:
    page = html_get(http, "/")
    blocks = [s for s in page.scripts if s.attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    doc = json.loads(blocks[0].text)
    assert doc["@type"] == "Dataset"


def test_footer_on_every_page_names_licences_source_and_build(http: Http) -> None:
    for path in (
        "/",
        "/query",
        "/examples",
        "/search?q=let",
        "/browse/foaf:Person",
        "/ontology",
        "/id/org/lashkar-e-taiba",
    ):
        text = words(html_get(http, path))
        assert "Data: CC BY 4.0; code: MIT" in text, path
        assert "Source: Pakistani Jihadis and Global Jihad" in text, path
        assert "Version 0.1.0" in text and "build" in text, path


# ---------------------------------------------------------------- browse


def test_browse_lists_entities_by_label(http: Http) -> None:
    page = html_get(http, "/browse/org:Organization")
    assert page.link_to("/id/org/lashkar-e-taiba", "Lashkar-e-Taiba")
    assert page.link_to("/id/org/markaz-al-dawa-wal-irshad", "Markaz al-Da'wa wal-Irshad")
    assert any(h.attrs.get("type") == "application/json" for h in page.heads)


def test_browse_json_twin(http: Http) -> None:
    reply = http.get("/browse/foaf:Person.json")
    assert reply.status == 200 and reply.media_type == "application/json"
    doc = reply.json()
    assert doc["class"] == "http://xmlns.com/foaf/0.1/Person"
    paths = {i["path"]: i["label"] for i in doc["items"]}
    assert paths["/id/person/hafiz-saeed"] == "Hafiz Saeed"
    assert doc["total"] == len(doc["items"])
    assert 'rel="alternate"' in reply.headers["Link"]


def test_browse_claims_shows_statements(http: Http) -> None:
    page = html_get(http, "/browse/pjo:Claim")
    assert page.link_to("/id/claim/s1-hafiz-saeed-leads-let", "Hafiz Saeed head of Lashkar-e-Taiba")


def test_browse_refuses_unknown_prefix_and_pages_beyond_the_end(http: Http) -> None:
    assert http.get("/browse/nope:Thing", Accept="text/html").status == 404
    assert http.get("/browse/org:Organization?page=99", Accept="text/html").status == 404
    assert http.get("/browse/org:Organization?page=zero", Accept="text/html").status == 400
    # an IRI that would break out of a query is refused, not run
    assert http.get("/browse/" + quote("org:x>} ?s ?p ?o {<x", safe=""), Accept="text/html").status == 404


# ---------------------------------------------------------------- search


def search(http: Http, q: str) -> dict[str, object]:
    reply = http.get("/search.json?q=" + quote(q))
    assert reply.status == 200
    doc: dict[str, object] = reply.json()
    return doc


def first_path(doc: dict[str, object]) -> str:
    results = doc["results"]
    assert isinstance(results, list) and results, doc
    return str(results[0]["path"])


def test_search_ignores_case_accents_and_punctuation(http: Http) -> None:
    for q in ("lashkar e taiba", "LASHKAR-E-TAIBA", "lashkaretaiba", "Lashkar i Taiba"):
        assert first_path(search(http, q)) == "/id/org/lashkar-e-taiba", q
    assert first_path(search(http, "sao paulo")) == "/id/place/sao-paulo"
    assert first_path(search(http, "Markaz al-Dawa")) == "/id/org/markaz-al-dawa-wal-irshad"


def test_search_finds_aliases_and_misspellings_and_says_which_matched(http: Http) -> None:
    doc = search(http, "Bombay")
    assert first_path(doc) == "/id/place/mumbai"
    assert doc["results"][0]["matched"] == "Bombay"  # type: ignore[index]
    assert first_path(search(http, "Laskhar")) == "/id/org/lashkar-e-taiba"


def test_search_falls_back_to_close_spellings(http: Http) -> None:
    doc = search(http, "Lashkar-e-Tayiba")
    assert doc["approximate"] is True
    assert first_path(doc) == "/id/org/lashkar-e-taiba"


def test_search_page(http: Http) -> None:
    page = html_get(http, "/search?q=LeT")
    assert page.link_to("/id/org/lashkar-e-taiba", "Lashkar-e-Taiba")
    assert "matched “LeT”" in words(page)
    empty = html_get(http, "/search?q=zzzzqqqq")
    assert "Nothing matches" in words(empty)


# ---------------------------------------------------------------- examples and the editor page


def test_examples_page_and_json(http: Http) -> None:
    page = html_get(http, "/examples")
    assert page.link_to("/query?example=01-leaders&run=1", "Open in the query editor")
    assert "org:headOf" in page.text
    doc = http.get("/examples.json").json()
    assert [e["id"] for e in doc] == ["01-leaders", "02-contested"]
    assert doc[0]["editor"] == "/query?example=01-leaders&run=1"


def test_query_page_loads_the_chosen_example_and_the_prefixes(http: Http) -> None:
    reply = http.get("/query?example=02-contested", Accept="text/html")
    assert reply.status == 200
    assert "CONSTRUCT { ?claim pjo:contestedBy ?other . }" in reply.text
    page = read(reply)
    assert 'data-prefix="pj-org"' in reply.text and "https://w3id.org/pjgj/id/org/" in page.text
    assert "Who led Lashkar-e-Taiba?" in page.text  # the other example, in the picker
    assert [s.attrs.get("src") for s in page.scripts] == ["/static/query.js"]


def test_query_page_takes_a_query_parameter(http: Http) -> None:
    reply = http.get("/query?query=" + quote("ASK { ?s ?p </x> }"), Accept="text/html")
    assert "ASK { ?s ?p &lt;/x&gt; }" in reply.text


def test_static_files_are_served(http: Http) -> None:
    css = http.get("/static/site.css")
    assert css.status == 200 and css.media_type == "text/css"
    js = http.get("/static/query.js")
    assert js.status == 200 and js.media_type in ("text/javascript", "application/javascript")
    assert http.get("/static/favicon.svg").status == 200


def test_no_inline_scripts_or_handlers_anywhere(http: Http) -> None:
    """A Content-Security-Policy without 'unsafe-inline' must not break any page."""
    for path in ("/", "/query", "/examples", "/search?q=x", "/browse/sem:Event", "/ontology", "/id/person/hostile"):
        page = html_get(http, path)
        assert page.handlers == [], path
        for script in page.scripts:
            assert script.attrs.get("src") or script.attrs.get("type") == "application/ld+json", (path, script)


# ---------------------------------------------------------------- errors


def test_unknown_iri_page_suggests_labels(http: Http) -> None:
    page = html_get(http, "/id/org/lashkar-e-tayyiba", status=404)
    assert "https://w3id.org/pjgj/id/org/lashkar-e-tayyiba" in page.text
    assert page.link_to("/id/org/lashkar-e-taiba", "Lashkar-e-Taiba")


def test_retired_iri_without_replacement_is_gone(http: Http) -> None:
    page = html_get(http, "/id/org/withdrawn-duplicate", status=410)
    assert "retired" in words(page)


def test_error_page_for_a_bad_request(http: Http) -> None:
    page = html_get(http, "/browse/org:Organization?page=-1", status=400)
    assert "page must be a positive whole number" in words(page)


def test_downloads_page_lists_files_with_size_and_checksum(http: Http) -> None:
    page = html_get(http, "/dumps/")
    text = words(page)
    assert "The whole graph" in text and "The ontology" in text
    link = page.link_to("/dumps/pjgj.ttl", "pjgj.ttl")
    assert "download" in link.attrs
    listing = http.get("/dumps/index.json").json()
    turtle = next(f for f in listing["files"] if f["name"] == "pjgj.ttl")
    assert turtle["sha256"] in text


def test_labels_for_the_editor(http: Http) -> None:
    iris = [
        "https://w3id.org/pjgj/id/org/lashkar-e-taiba",
        "https://w3id.org/pjgj/id/claim/s1-hafiz-saeed-leads-let",
        "https://w3id.org/pjgj/id/org/no-such-thing",
        "https://w3id.org/pjgj/id/org/x> } <y",
    ]
    body = json.dumps({"iris": iris}).encode()
    reply = http.request("POST", "/labels.json", {"Content-Type": "application/json"}, body)
    assert reply.status == 200
    assert reply.json() == {
        iris[0]: "Lashkar-e-Taiba",
        iris[1]: "Hafiz Saeed head of Lashkar-e-Taiba",
    }
    bad = http.request("POST", "/labels.json", {"Content-Type": "application/json"}, b'{"iris": "x"}')
    assert bad.status == 400
