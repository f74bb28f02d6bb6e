"""/dumps/, VoID, DCAT, schema.org, sitemap and robots.txt."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from .conftest import Http

VOID = "http://rdfs.org/ns/void#"
DATASET = URIRef("https://w3id.org/pjgj/void#pjgj")


def listing(http: Http) -> list[dict[str, object]]:
    reply = http.get("/dumps/", Accept="application/json")
    assert reply.status == 200
    files: list[dict[str, object]] = reply.json()["files"]
    return files


def test_listing_in_json_and_html(http: Http) -> None:
    names = {f["name"] for f in listing(http)}
    for stem in ("pjgj.ttl", "pjgj.nt", "pjgj.jsonld", "pjgj.rdf"):
        assert stem in names and f"{stem}.gz" in names
    assert {"ontology.ttl", "shapes.ttl"} <= names
    page = http.get("/dumps/", Accept="text/html")
    assert page.media_type == "text/html"
    assert "pjgj.ttl.gz" in page.text
    assert http.get("/dumps/index.json").json()["files"] == listing(http)


def test_every_listed_file_matches_its_size_and_checksum(http: Http) -> None:
    for entry in listing(http):
        reply = http.get(str(entry["url"]))
        assert reply.status == 200, entry["name"]
        assert len(reply.body) == entry["bytes"]
        assert hashlib.sha256(reply.body).hexdigest() == entry["sha256"]
        assert reply.headers["ETag"].strip('"') == entry["sha256"]
        assert reply.headers["Last-Modified"]


def test_dump_formats_hold_the_same_graph(http: Http) -> None:
    reference = Graph().parse(data=http.get("/dumps/pjgj.nt").text, format="nt")
    for name, parser in (("pjgj.ttl", "turtle"), ("pjgj.jsonld", "json-ld"), ("pjgj.rdf", "xml")):
        graph = Graph().parse(data=http.get(f"/dumps/{name}").text, format=parser)
        assert isomorphic(graph, reference), name
    packed = http.get("/dumps/pjgj.nt.gz")
    assert packed.media_type == "application/gzip"
    assert gzip.decompress(packed.body) == http.get("/dumps/pjgj.nt").body


def test_triple_counts_in_the_listing_match_the_endpoint(http: Http) -> None:
    reply = http.get("/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D")
    n = int(reply.json()["results"]["bindings"][0]["n"]["value"])
    for entry in listing(http):
        if entry["content"] == "dataset":
            assert entry["triples"] == n


def test_conditional_get_and_ranges(http: Http) -> None:
    first = http.get("/dumps/pjgj.ttl")
    assert http.get("/dumps/pjgj.ttl", If_None_Match=first.headers["ETag"]).status == 304
    assert http.get("/dumps/pjgj.ttl", If_Modified_Since=first.headers["Last-Modified"]).status == 304
    part = http.get("/dumps/pjgj.ttl", Range="bytes=0-99")
    assert part.status == 206
    assert part.body == first.body[:100]
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(first.body)}"
    tail = http.get("/dumps/pjgj.ttl", Range="bytes=-10")
    assert tail.body == first.body[-10:]


@pytest.mark.parametrize("path", ["/dumps/secret", "/dumps/..%2fmanifest.json", "/dumps/%2e%2e/manifest.json"])
def test_only_listed_files_are_served(http: Http, path: str) -> None:
    reply = http.get(path, Accept="text/plain")
    assert reply.status == 404
    assert "manifest_version" not in reply.text


def void_graph(http: Http, path: str = "/.well-known/void", accept: str = "text/turtle") -> Graph:
    reply = http.get(path, Accept=accept)
    assert reply.status == 200
    return Graph().parse(data=reply.text, format={"text/turtle": "turtle", "application/ld+json": "json-ld"}[accept])


def test_void_at_well_known_and_void(http: Http) -> None:
    graph = void_graph(http)
    assert isomorphic(graph, void_graph(http, "/void"))
    assert isomorphic(graph, void_graph(http, "/void", "application/ld+json"))
    assert http.get("/void.rdf").media_type == "application/rdf+xml"
    assert http.get("/void", Accept="text/html").media_type == "text/html"


def test_void_triples_equal_what_the_endpoint_counts(http: Http) -> None:
    graph = void_graph(http)
    declared = int(graph.value(DATASET, URIRef(VOID + "triples")))  # type: ignore[arg-type]
    reply = http.get("/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D")
    assert declared == int(reply.json()["results"]["bindings"][0]["n"]["value"])


def test_void_has_what_the_issue_asks_for(http: Http) -> None:
    graph = void_graph(http)
    dct = "http://purl.org/dc/terms/"
    for prop in ("title", "description", "license", "publisher", "source", "modified"):
        assert graph.value(DATASET, URIRef(dct + prop)) is not None, prop
    assert str(graph.value(DATASET, URIRef(dct + "license"))) == "https://creativecommons.org/licenses/by/4.0/"
    for prop in ("uriSpace", "sparqlEndpoint", "entities", "triples"):
        assert graph.value(DATASET, URIRef(VOID + prop)) is not None, prop
    dumps = {str(o) for o in graph.objects(DATASET, URIRef(VOID + "dataDump"))}
    assert "https://w3id.org/pjgj/dumps/pjgj.ttl" in dumps and "https://w3id.org/pjgj/dumps/pjgj.nt.gz" in dumps
    rows = graph.query(
        f"""SELECT ?n WHERE {{ <{DATASET}> <{VOID}classPartition> ?p .
            ?p <{VOID}class> <https://w3id.org/pjgj/ontology#Claim> ; <{VOID}entities> ?n }}"""
    )
    assert [int(r[0]) for r in rows] == [13]  # type: ignore[index]
    props = graph.query(f"SELECT ?p WHERE {{ <{DATASET}> <{VOID}propertyPartition> ?p }}")
    assert len(props) > 20


def test_dcat_distributions_have_media_types_sizes_and_checksums(http: Http) -> None:
    reply = http.get("/dcat", Accept="text/turtle")
    graph = Graph().parse(data=reply.text, format="turtle")
    rows = graph.query(
        """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX spdx: <http://spdx.org/rdf/terms#>
        SELECT ?url ?size ?sum ?type WHERE {
          ?cat a dcat:Catalog ; dcat:dataset ?ds . ?ds dcat:distribution ?d .
          ?d dcat:downloadURL ?url ; dcat:byteSize ?size ; dcat:mediaType ?type ;
             spdx:checksum [ spdx:checksumValue ?sum ] }"""
    )
    found = {str(r[0]).rsplit("/", 1)[-1]: (int(r[1]), str(r[2])) for r in rows}  # type: ignore[index]
    for entry in listing(http):
        assert found[str(entry["name"])] == (entry["bytes"], entry["sha256"])


def test_schema_org_dataset(app: object, build_dir: Path) -> None:
    doc = json.loads((build_dir / "meta/schema-org.jsonld").read_text())
    assert doc["@type"] == "Dataset"
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert any(d["contentUrl"].endswith("pjgj.ttl") for d in doc["distribution"])


def test_sitemap_and_robots(http: Http) -> None:
    sitemap = http.get("/sitemap.xml")
    assert sitemap.status == 200
    assert "https://w3id.org/pjgj/id/org/lashkar-e-taiba" in sitemap.text
    robots = http.get("/robots.txt").text
    assert "Disallow: /sparql" in robots and "Sitemap:" in robots
