"""The SPARQL 1.1 Protocol at /sparql, through the test client and the real server."""

from __future__ import annotations

import csv
import io
import socket
import threading
import time
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from .conftest import MAX_ROWS, QUERY_TIMEOUT, Http, Reply

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LEADER = "SELECT ?person WHERE { ?person org:headOf pj-org:lashkar-e-taiba }"
ABOUT_LET = "CONSTRUCT { pj-org:lashkar-e-taiba ?p ?o } WHERE { pj-org:lashkar-e-taiba ?p ?o }"
#: a triple cross join over ~1,900 triples: far beyond any time limit
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
DEFAULT_GRAPH = "https://w3id.org/pjgj/sparql#default-graph"


def get(http: Http, query: str, accept: str | None = None, **params: str) -> Reply:
    headers = {"Accept": accept} if accept else {}
    return http.request("GET", "/sparql?" + urlencode({"query": query, **params}), headers)


def count(http: Http) -> int:
    reply = get(http, COUNT)
    assert reply.status == 200, reply.text
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- the three ways to send a query


def test_get_select_answers_sparql_json_by_default(http: Http) -> None:
    reply = get(http, LEADER)
    assert reply.status == 200
    assert reply.media_type == "application/sparql-results+json"
    doc = reply.json()
    assert doc["head"]["vars"] == ["person"]
    assert [b["person"]["value"] for b in doc["results"]["bindings"]] == ["https://w3id.org/pjgj/id/person/hafiz-saeed"]
    assert doc["truncated"] is False
    assert reply.headers["X-PJGJ-Truncated"] == "false"


def test_post_urlencoded(http: Http) -> None:
    body = urlencode({"query": LEADER}).encode()
    reply = http.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert reply.status == 200
    assert len(reply.json()["results"]["bindings"]) == 1


def test_post_direct(http: Http) -> None:
    reply = http.request("POST", "/sparql", {"Content-Type": "application/sparql-query"}, LEADER.encode())
    assert reply.status == 200
    assert len(reply.json()["results"]["bindings"]) == 1


def test_post_other_content_type_is_415(http: Http) -> None:
    reply = http.request("POST", "/sparql", {"Content-Type": "text/plain"}, LEADER.encode())
    assert reply.status == 415
    assert "application/sparql-query" in reply.text


def test_post_without_query_is_400(http: Http) -> None:
    reply = http.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"x=1")
    assert reply.status == 400


def test_repeated_query_parameter_is_400(http: Http) -> None:
    reply = http.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert reply.status == 400
    assert "given 2 times" in reply.text


def test_invalid_utf8_is_400_not_a_different_query(http: Http) -> None:
    reply = http.get("/sparql?query=ASK%7B%3Fs%20%3Fp%20%22caf%C3%28%22%7D")
    assert reply.status == 400
    assert "UTF-8" in reply.text


def test_body_over_one_mebibyte_is_413(http: Http) -> None:
    body = b"query=" + b"%20" * (1024 * 1024)
    reply = http.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert reply.status == 413


# ---------------------------------------------------------------- formats and negotiation


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("*/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
        ("text/*;q=0, text/csv", "text/csv"),
    ],
)
def test_select_formats_by_accept(http: Http, accept: str, media_type: str) -> None:
    reply = get(http, LEADER, accept)
    assert reply.status == 200
    assert reply.media_type == media_type
    assert "hafiz-saeed" in reply.text


def test_select_xml_csv_tsv_are_well_formed(http: Http) -> None:
    xml = ElementTree.fromstring(get(http, LEADER, "application/sparql-results+xml").body)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert [u.text for u in xml.iter(f"{ns}uri")] == ["https://w3id.org/pjgj/id/person/hafiz-saeed"]
    rows = list(csv.reader(io.StringIO(get(http, LEADER, "text/csv").text)))
    assert rows == [["person"], ["https://w3id.org/pjgj/id/person/hafiz-saeed"]]
    tsv = get(http, LEADER, "text/tab-separated-values").text.splitlines()
    assert tsv == ["?person", "<https://w3id.org/pjgj/id/person/hafiz-saeed>"]


def test_format_parameter_overrides_accept(http: Http) -> None:
    reply = get(http, LEADER, "application/sparql-results+json", format="csv")
    assert reply.media_type == "text/csv"


def test_ask_in_json_and_xml(http: Http) -> None:
    assert get(http, "ASK { ?s a pjo:Claim }").json() == {"head": {}, "boolean": True}
    xml = get(http, "ASK { ?s a pjo:Nothing }", "application/sparql-results+xml").text
    assert "<boolean>false</boolean>" in xml


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_formats_parse_to_the_same_graph(http: Http, accept: str, rdflib_format: str) -> None:
    reference = Graph().parse(data=get(http, ABOUT_LET, "application/n-triples").text, format="nt")
    reply = get(http, ABOUT_LET, accept)
    assert reply.status == 200
    assert reply.media_type == accept
    graph = Graph().parse(data=reply.text, format=rdflib_format)
    assert len(graph) > 3
    assert isomorphic(graph, reference)


def test_describe_works(http: Http) -> None:
    reply = get(http, "DESCRIBE pj-org:lashkar-e-taiba", "text/turtle")
    assert reply.status == 200
    assert "Lashkar-e-Taiba" in reply.text


def test_unacceptable_type_is_406_naming_the_types(http: Http) -> None:
    reply = get(http, LEADER, "image/png")
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text and "text/csv" in reply.text


def test_graph_format_for_select_is_406(http: Http) -> None:
    reply = get(http, LEADER, format="turtle")
    assert reply.status == 406


def test_browser_following_a_query_link_is_sent_to_the_editor(http: Http) -> None:
    reply = get(http, LEADER, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert reply.status == 303
    assert reply.headers["Location"].startswith("/query?query=")


# ---------------------------------------------------------------- service description


def test_service_description_without_query(http: Http) -> None:
    reply = http.get("/sparql", Accept="text/turtle")
    assert reply.status == 200
    graph = Graph().parse(data=reply.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rows = list(graph.query(f"ASK {{ ?s a <{sd}Service> ; <{sd}endpoint> <https://w3id.org/pjgj/sparql> }}"))
    assert rows == [True]
    assert f"<{DEFAULT_GRAPH}>" in reply.text or "default-graph" in reply.text


@pytest.mark.parametrize(("accept", "fmt"), [("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_service_description_formats(http: Http, accept: str, fmt: str) -> None:
    reply = http.get("/sparql", Accept=accept)
    assert reply.media_type == accept
    assert len(Graph().parse(data=reply.text, format=fmt)) > 5


def test_service_description_sends_browsers_to_the_editor(http: Http) -> None:
    reply = http.get("/sparql", Accept="text/html")
    assert reply.status == 303
    assert reply.headers["Location"] == "/query"


# ---------------------------------------------------------------- read-only


def test_update_parameter_is_refused_and_nothing_changes(http: Http) -> None:
    before = count(http)
    body = urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
    reply = http.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert reply.status == 403
    assert "read-only" in reply.text
    assert count(http) == before


def test_sparql_update_content_type_is_refused(http: Http) -> None:
    before = count(http)
    reply = http.request("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"CLEAR DEFAULT")
    assert reply.status == 403
    assert count(http) == before


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR DEFAULT",
        "DROP ALL",
        "LOAD <http://127.0.0.1:9/x.ttl>",
        "PREFIX ex: <urn:ex:> WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_update_in_query_is_400_and_nothing_changes(http: Http, update: str) -> None:
    before = count(http)
    reply = get(http, update)
    assert reply.status == 400
    assert "read-only" in reply.text
    assert count(http) == before


# ---------------------------------------------------------------- no outbound requests


@pytest.fixture
def listener() -> tuple[int, list[object]]:
    """A local TCP listener that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    seen: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            seen.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen  # type: ignore[misc]
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ service <http://2130706433:{port}/> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_before_any_connection(
    http: Http, listener: tuple[int, list[object]], template: str
) -> None:
    port, seen = listener
    reply = get(http, template.format(port=port))
    assert reply.status == 400
    assert "SERVICE" in reply.text
    time.sleep(0.3)
    assert seen == []


def test_from_other_graph_is_refused_and_never_fetched(http: Http, listener: tuple[int, list[object]]) -> None:
    port, seen = listener
    reply = get(http, f"SELECT * FROM <http://127.0.0.1:{port}/g.ttl> WHERE {{ ?s ?p ?o }}")
    assert reply.status == 400
    reply = get(http, f"SELECT * FROM NAMED <http://127.0.0.1:{port}/g.ttl> WHERE {{ ?s ?p ?o }}")
    assert reply.status == 400
    time.sleep(0.3)
    assert seen == []


def test_keywords_inside_strings_and_iris_are_not_refused(http: Http) -> None:
    reply = get(http, 'SELECT ?x WHERE { BIND("SERVICE FROM NAMED INSERT" AS ?x) } # SERVICE in a comment')
    assert reply.status == 200


def test_from_the_default_graph_is_accepted(http: Http) -> None:
    reply = get(http, f"SELECT (COUNT(*) AS ?n) FROM <{DEFAULT_GRAPH}> WHERE {{ ?s ?p ?o }}")
    assert reply.status == 200
    assert int(reply.json()["results"]["bindings"][0]["n"]["value"]) == count(http)


def test_default_graph_uri_parameter(http: Http) -> None:
    ok = get(http, COUNT, **{"default-graph-uri": DEFAULT_GRAPH})
    assert ok.status == 200
    assert int(ok.json()["results"]["bindings"][0]["n"]["value"]) == count(http)
    other = get(http, COUNT, **{"default-graph-uri": "http://example.org/g"})
    assert other.status == 400
    assert DEFAULT_GRAPH in other.text


def test_named_graph_uri_parameter_is_400(http: Http) -> None:
    reply = get(http, COUNT, **{"named-graph-uri": DEFAULT_GRAPH})
    assert reply.status == 400
    assert "no named graphs" in reply.text


# ---------------------------------------------------------------- errors


def test_syntax_error_is_400_with_line_and_column(http: Http) -> None:
    reply = get(http, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }")
    assert reply.status == 400
    assert reply.media_type == "text/plain"
    assert "line 3, column" in reply.text
    assert "Traceback" not in reply.text


def test_syntax_error_as_json_for_json_clients(http: Http) -> None:
    reply = get(http, "SELECT * WHERE { ?s ?p }", "application/sparql-results+json")
    assert reply.status == 400
    doc = reply.json()
    assert doc["status"] == 400 and "line 1, column" in doc["message"]


def test_deep_nesting_is_refused_before_the_parser(http: Http) -> None:
    reply = get(http, "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000)
    assert reply.status in (400, 414)  # the real server may refuse the long URL first
    body = ("SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000).encode()
    reply = http.request("POST", "/sparql", {"Content-Type": "application/sparql-query"}, body)
    assert reply.status == 400
    assert "nested" in reply.text
    assert get(http, "ASK {}").status == 200  # the service is still there


def test_undeclared_prefixes_are_predefined_and_declared_ones_win(http: Http) -> None:
    assert get(http, "ASK { pj-person:hafiz-saeed a foaf:Person }").json()["boolean"] is True
    own = "PREFIX foaf: <http://example.org/other#> ASK { pj-person:hafiz-saeed a foaf:Person }"
    assert get(http, own).json()["boolean"] is False


def test_bad_timeout_parameter_is_400(http: Http) -> None:
    assert get(http, "ASK {}", timeout="soon").status == 400
    assert get(http, "ASK {}", timeout="-1").status == 400


# ---------------------------------------------------------------- limits


def test_rows_over_the_cap_are_cut_and_flagged(http: Http) -> None:
    reply = get(http, "SELECT * WHERE { ?s ?p ?o }")
    assert reply.status == 200
    assert reply.headers["X-PJGJ-Truncated"] == "true"
    doc = reply.json()
    assert doc["truncated"] is True
    assert len(doc["results"]["bindings"]) == MAX_ROWS
    csv_reply = get(http, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert csv_reply.headers["X-PJGJ-Truncated"] == "true"
    assert len(csv_reply.text.strip().splitlines()) == MAX_ROWS + 1


def test_construct_over_the_cap_is_flagged(http: Http) -> None:
    reply = get(http, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert reply.headers["X-PJGJ-Truncated"] == "true"
    assert len(reply.text.strip().splitlines()) == MAX_ROWS


def test_slow_query_is_stopped_at_the_limit(http: Http) -> None:
    started = time.monotonic()
    reply = get(http, SLOW)
    elapsed = time.monotonic() - started
    assert reply.status == 503
    assert reply.headers["Retry-After"]
    assert f"{QUERY_TIMEOUT:g} s" in reply.text
    assert elapsed < QUERY_TIMEOUT + 2.0
    assert get(http, "ASK {}").status == 200  # a fresh worker took its place


def test_timeout_parameter_lowers_the_limit(http: Http) -> None:
    started = time.monotonic()
    reply = get(http, SLOW, timeout="0.5")
    assert reply.status == 503
    assert "0.5 s" in reply.text
    assert time.monotonic() - started < 0.5 + 2.0


def test_other_clients_are_answered_while_a_query_runs_out_its_time(http: Http) -> None:
    slow: list[Reply] = []
    thread = threading.Thread(target=lambda: slow.append(get(http, SLOW)))
    thread.start()
    time.sleep(0.3)
    fast_times = []
    for _ in range(3):
        started = time.monotonic()
        reply = get(http, LEADER)
        fast_times.append(time.monotonic() - started)
        assert reply.status == 200
    thread.join()
    assert slow[0].status == 503
    assert max(fast_times) < 1.0, fast_times


# ---------------------------------------------------------------- CORS


def test_cors_on_get_and_post(http: Http) -> None:
    assert get(http, "ASK {}").headers["Access-Control-Allow-Origin"] == "*"
    reply = http.request("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"ASK {}")
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in reply.headers


def test_cors_preflight(http: Http) -> None:
    reply = http.request(
        "OPTIONS",
        "/sparql",
        {
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert reply.status in (200, 204)
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    assert "content-type" in reply.headers["Access-Control-Allow-Headers"].lower()


def test_query_link_with_percent_encoding_roundtrips(http: Http) -> None:
    reply = http.get("/sparql?query=" + quote('ASK { ?s skos:prefLabel "São Paulo"@en }', safe=""))
    assert reply.json()["boolean"] is True
