"""Every minted IRI dereferences: content negotiation, per-format URLs, retired and unknown IRIs."""

from __future__ import annotations

import pytest
from flask import Flask
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from pjgj.web import local_path, public_iri

from .conftest import Http, Reply

LET = "/id/org/lashkar-e-taiba"
LET_IRI = URIRef("https://w3id.org/pjgj/id/org/lashkar-e-taiba")
SKOS_PREF = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORMATS = [
    ("ttl", "text/turtle", "turtle"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"),
    ("rdf", "application/rdf+xml", "xml"),
]


def vary(reply: Reply) -> set[str]:
    return {v.strip().lower() for v in reply.headers.get("Vary", "").split(",") if v.strip()}


@pytest.mark.parametrize(("ext", "media_type", "parser"), FORMATS)
def test_negotiated_rdf_with_vary_and_content_location(http: Http, ext: str, media_type: str, parser: str) -> None:
    reply = http.get(LET, Accept=media_type)
    assert reply.status == 200
    assert reply.media_type == media_type
    assert vary(reply) == {"accept", "accept-encoding"}  # the format, and gzip or not (web/caching.py)
    assert reply.headers["Content-Location"] == f"{LET}.{ext}"
    graph = Graph().parse(data=reply.text, format=parser)
    assert (LET_IRI, SKOS_PREF, Literal("Lashkar-e-Taiba", lang="en")) in graph


@pytest.mark.parametrize(("ext", "media_type", "parser"), FORMATS)
def test_per_format_urls_give_the_same_graph(http: Http, ext: str, media_type: str, parser: str) -> None:
    reference = Graph().parse(data=http.get(f"{LET}.nt").text, format="nt")
    reply = http.get(f"{LET}.{ext}")
    assert reply.status == 200
    assert reply.media_type == media_type
    assert "accept" not in vary(reply)  # a per-format URL has one format (gzip or not: Accept-Encoding)
    assert isomorphic(Graph().parse(data=reply.text, format=parser), reference)


def test_description_has_claims_incoming_links_and_labels(http: Http) -> None:
    graph = Graph().parse(data=http.get(f"{LET}.nt").text, format="nt")
    rdf_subject = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
    rdf_object = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
    claims = set(graph.subjects(rdf_object, LET_IRI)) | set(graph.subjects(rdf_subject, LET_IRI))
    assert len(claims) >= 4
    # each claim comes whole: its source paragraph is there
    prov = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert all(graph.value(c, prov) is not None for c in claims)
    # incoming direct triple and the label of the thing it comes from
    hafiz = URIRef("https://w3id.org/pjgj/id/person/hafiz-saeed")
    assert (hafiz, URIRef("http://www.w3.org/ns/org#headOf"), LET_IRI) in graph
    assert graph.value(hafiz, SKOS_PREF) == Literal("Hafiz Saeed", lang="en")


def test_link_header_lists_every_alternate(http: Http) -> None:
    link = http.get(LET, Accept="text/turtle").headers["Link"]
    for ext, media_type, _ in FORMATS:
        assert f'<{LET}.{ext}>; rel="alternate"; type="{media_type}"' in link
    assert f'<{LET}.html>; rel="alternate"; type="text/html"' in link


def test_browser_gets_html(http: Http) -> None:
    reply = http.get(LET, Accept=BROWSER)
    assert reply.status == 200
    assert reply.media_type == "text/html"
    assert reply.headers["Content-Location"] == f"{LET}.html"
    assert "Lashkar-e-Taiba" in reply.text
    assert http.get(f"{LET}.html").media_type == "text/html"


def test_no_accept_gives_turtle(http: Http) -> None:
    reply = http.request("GET", LET, {"Accept": "*/*"})
    assert reply.media_type == "text/turtle"


def test_unacceptable_is_406(http: Http) -> None:
    reply = http.get(LET, Accept="image/png")
    assert reply.status == 406
    assert "text/turtle" in reply.text


def test_format_parameter(http: Http) -> None:
    assert http.get(f"{LET}?format=jsonld").media_type == "application/ld+json"


def test_conditional_get_gives_304(http: Http) -> None:
    first = http.get(LET, Accept="text/turtle")
    etag = first.headers["ETag"]
    again = http.get(LET, Accept="text/turtle", If_None_Match=etag)
    assert again.status == 304
    other = http.get(LET, Accept="application/ld+json", If_None_Match=etag)
    assert other.status == 200  # another representation, another tag


def test_concept_dereferences(http: Http) -> None:
    reply = http.get("/concept/asserted", Accept="text/turtle")
    assert reply.status == 200
    assert "skos:Concept" in reply.text
    assert http.get("/concept/asserted.jsonld").media_type == "application/ld+json"


def test_report_paragraph_dereferences(http: Http) -> None:
    reply = http.get("/id/report/s1-p2.ttl")
    assert reply.status == 200
    assert "Section 1, paragraph 2" in reply.text


def test_ontology_as_turtle_html_and_per_format(http: Http) -> None:
    ttl = http.get("/ontology", Accept="text/turtle")
    assert ttl.status == 200
    graph = Graph().parse(data=ttl.text, format="turtle")
    assert (URIRef("https://w3id.org/pjgj/ontology#Claim"), None, None) in graph
    assert http.get("/ontology", Accept=BROWSER).media_type == "text/html"
    for ext, media_type, parser in FORMATS:
        reply = http.get(f"/ontology.{ext}")
        assert reply.media_type == media_type
        assert isomorphic(Graph().parse(data=reply.text, format=parser), graph)


def test_shapes_dereference(http: Http) -> None:
    reply = http.get("/shapes", Accept="text/turtle")
    assert reply.status == 200
    assert "sh:NodeShape" in reply.text
    assert http.get("/shapes", Accept=BROWSER).media_type == "text/html"
    assert len(Graph().parse(data=http.get("/shapes.jsonld").text, format="json-ld")) > 5


def test_unknown_extension_is_404(http: Http) -> None:
    assert http.get("/ontology.docx").status == 404


def test_retired_iri_redirects_to_its_replacement(http: Http) -> None:
    reply = http.get("/id/person/hafiz-sayeed", Accept="text/turtle")
    assert reply.status == 301
    assert reply.headers["Location"].endswith("/id/person/hafiz-saeed")
    with_format = http.get("/id/person/hafiz-sayeed.ttl")
    assert with_format.status == 301
    assert with_format.headers["Location"].endswith("/id/person/hafiz-saeed.ttl")


def test_retired_iri_without_replacement_is_410(http: Http) -> None:
    reply = http.get("/id/org/withdrawn-duplicate", Accept="text/turtle")
    assert reply.status == 410
    assert "retired" in reply.text
    assert http.get("/id/org/withdrawn-duplicate", Accept=BROWSER).media_type == "text/html"


def test_unknown_iri_is_404_with_suggestions(http: Http) -> None:
    reply = http.get("/id/org/lashkar-e-taba", Accept="application/json")
    assert reply.status == 404
    doc = reply.json()
    assert {"path": LET, "label": "Lashkar-e-Taiba"} in doc["suggestions"]
    plain = http.get("/id/org/lashkar-e-taba", Accept="text/turtle")
    assert plain.status == 404
    assert plain.media_type == "text/plain"
    assert LET in plain.text
    page = http.get("/id/org/lashkar-e-taba", Accept=BROWSER)
    assert page.status == 404
    assert page.media_type == "text/html"
    assert LET in page.text


def test_unknown_path_is_404(http: Http) -> None:
    assert http.get("/nothing/here", Accept="text/plain").status == 404


@pytest.mark.parametrize("name", ["a%3Eb", "a%20b", "%22%7D%20%3Fs", "x%3C%3E.ttl", "..%2f..%2fetc%2fpasswd"])
def test_hostile_slugs_are_404_not_500(http: Http, name: str) -> None:
    reply = http.get(f"/id/org/{name}", Accept="text/plain")
    assert reply.status == 404
    assert "Traceback" not in reply.text


def test_cors_on_resources(http: Http) -> None:
    assert http.get(LET, Accept="text/turtle").headers["Access-Control-Allow-Origin"] == "*"


def test_public_base_maps_to_local_paths(app: Flask) -> None:
    with app.app_context():
        assert local_path("https://w3id.org/pjgj/id/org/x") == "/id/org/x"
        assert public_iri("/id/org/x") == "https://w3id.org/pjgj/id/org/x"
        assert local_path("http://example.org/x") == "http://example.org/x"
