"""Fuzzing the query endpoint and content negotiation of the real server (hypothesis, derandomized).

Queries are made of SPARQL pieces (keywords, variables, IRIs that point at
this machine, literals with escapes and odd characters, brackets, operators,
functions), of arbitrary text, and of arbitrary bytes, sent as GET, form POST
or direct POST, with random ``Accept`` headers and ``format``/``timeout``
parameters. Whatever comes in, the answer is a 2xx/3xx/4xx, or a 503 that is a
stated limit (with ``Retry-After``); a 200 is well-formed in the type it
claims; and the server still answers afterwards. ``derandomize=True`` makes
every run try the same cases, so CI is stable; the case counts are the
``max_examples`` below (README "Limits and security" gives the total).
"""

from __future__ import annotations

import csv
import io
import json
from http.client import HTTPConnection
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers

from .conftest import LiveHttp, Reply

QUERY_EXAMPLES = 400
CONNEG_EXAMPLES = 200


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "*", "DISTINCT", "REDUCED", "FROM", "NAMED", "GRAPH",
    "SERVICE", "SILENT", "OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "AS", "VALUES", "LIMIT", "OFFSET",
    "ORDER BY", "GROUP BY", "HAVING", "COUNT(*)", "GROUP_CONCAT(?o)", "CONCAT(?o, ?o)", "REGEX(?o, \"(a+)+$\")",
    "STRLEN(?o)", "IRI(?o)", "STRDT(?o, xsd:int)", "LANG(?o)", "NOW()", "RAND()", "UUID()", "SHA512(?o)",
    "EXISTS", "NOT", "IN", "PREFIX", "BASE", "LOAD", "INSERT DATA", "DELETE", "CLEAR", "DROP",
    "?s", "?p", "?o", "$x", "?\u00e9t\u00e9", "a", "rdf:type", "skos:prefLabel", "pj-org:lashkar-e-taiba", "pjo:Claim",
    "<http://127.0.0.1:9/>", "<http://2130706433:9/>", "<file:///etc/passwd>", "<urn:x>", "<>", "<a b>",
    "\"x\"", "'y'", "\"\"\"long\nstring\"\"\"", "\"\\u0000\"", "\"\\uD800\"", "\"\\U0010FFFF\"", "\"caf\u00e9\"@fr",
    "\"12\"^^xsd:integer", "\"NaN\"^^xsd:double", "1e308", "-0", "true", "(", ")", "{", "}", "[", "]", ".", ";",
    ",", "|", "/", "^", "+", "*", "?", "!", "&&", "||", "=", "!=", "<", ">", "#comment\n", "\n", "\t", "\u2028",
]  # fmt: skip

ACCEPTS = [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
    "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml", "text/html",
    "application/json", "*/*", "text/*", "application/*", "image/png", "", "*", "*/*;q=0", ";;;", "text/html;q=x",
    "application/sparql-results+json;q=0.1, text/csv;q=0.9", "text/turtle;charset=latin-1", "x/y;q=1.5",
]  # fmt: skip

queries = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map(" ".join),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map(lambda p: "SELECT * WHERE { " + " ".join(p) + " }"),
    st.text(max_size=200),
)
accepts = st.one_of(
    st.sampled_from(ACCEPTS),
    st.lists(st.sampled_from(ACCEPTS), min_size=2, max_size=4).map(", ".join),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
)
formats = st.one_of(
    st.none(), st.sampled_from(["json", "xml", "csv", "tsv", "ttl", "rdf", "nt", "jsonld", "html", "x"])
)


def send(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None) -> Reply:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return Reply(response.status, Headers(response.getheaders()), response.read())
    finally:
        conn.close()


def check_well_formed(reply: Reply) -> None:
    """A 200 is what its Content-Type says it is."""
    media = reply.media_type
    if media in ("application/sparql-results+json", "application/json", "application/ld+json"):
        json.loads(reply.body)
    elif media in ("application/sparql-results+xml", "application/rdf+xml"):
        ElementTree.fromstring(reply.body)
    elif media == "text/csv":
        list(csv.reader(io.StringIO(reply.body.decode("utf-8"))))
    else:
        reply.body.decode("utf-8")


def check_answer(reply: Reply) -> None:
    assert reply.status < 500 or (reply.status == 503 and reply.headers.get("Retry-After")), (
        reply.status,
        reply.body[:300],
    )
    assert b"Traceback" not in reply.body
    if reply.status == 200:
        check_well_formed(reply)


@pytest.fixture(scope="module")
def port(live_port: int) -> int:
    return live_port


@fuzz(QUERY_EXAMPLES)
@given(
    query=queries,
    how=st.sampled_from(["get", "form", "direct", "direct-bytes"]),
    accept=accepts,
    fmt=formats,
    junk=st.binary(max_size=40),
)
def test_fuzz_the_query_endpoint(port: int, query: str, how: str, accept: str, fmt: str | None, junk: bytes) -> None:
    params = {"timeout": "0.5"}  # a heavy case costs half a second, not the full limit
    if fmt is not None:
        params["format"] = fmt
    headers = {"Accept": accept} if accept else {}
    raw = query.encode("utf-8", "surrogatepass")  # lone surrogates become invalid UTF-8 on the wire
    if how == "get":
        path = "/sparql?" + "query=" + quote(raw, safe="") + "&" + urlencode(params)
        reply = send(port, "GET", path, headers)
    elif how == "form":
        body = ("query=" + quote(raw, safe="") + "&" + urlencode(params)).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        reply = send(port, "POST", "/sparql", headers, body)
    else:
        headers["Content-Type"] = "application/sparql-query"
        body = raw + (junk if how == "direct-bytes" else b"")
        reply = send(port, "POST", "/sparql?" + urlencode(params), headers, body)
    check_answer(reply)


@fuzz(CONNEG_EXAMPLES)
@given(
    path=st.sampled_from(
        [
            "/id/org/lashkar-e-taiba",
            "/ontology",
            "/shapes",
            "/void",
            "/dcat",
            "/dumps/",
            "/sparql",
            "/sparql?query=ASK%7B%7D",
            "/sparql?query=CONSTRUCT%20WHERE%7B%3Fs%20a%20pjo%3AClaim%7D",
            "/",
            "/search?q=lashkar",
            "/id/org/nothing-here",
        ]
    ),
    accept=accepts,
    fmt=formats,
)
def test_fuzz_content_negotiation(port: int, path: str, accept: str, fmt: str | None) -> None:
    if fmt is not None:
        path += ("&" if "?" in path else "?") + "format=" + fmt
    reply = send(port, "GET", path, {"Accept": accept} if accept else {})
    check_answer(reply)
    assert reply.status in (200, 303, 308, 404, 406), (reply.status, reply.body[:200])


def test_the_server_still_answers_after_the_fuzzing(live_port: int) -> None:
    assert LiveHttp(live_port).get("/sparql?query=ASK%7B%7D").status == 200
