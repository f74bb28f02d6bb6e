"""HTTP caching and compression (web/caching.py): ETags from the build, 304, Cache-Control, gzip, the caches."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from pjgj.config import Config
from pjgj.web import create_app
from pjgj.web.caching import ByteLRU, Entry, volatile

from .conftest import FlaskHttp, Http, Reply

LET = "/id/org/lashkar-e-taiba"
LEADER = "SELECT ?person WHERE { ?person org:headOf pj-org:lashkar-e-taiba }"
MANY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200"
#: pages of the pages blueprint: their ETag comes from the generic hook
PAGES = ["/", "/browse/org:Organization", "/search?q=lashkar", "/examples", "/dumps/"]


def vary(reply: Reply) -> set[str]:
    return {v.strip().lower() for v in reply.headers.get("Vary", "").split(",") if v.strip()}


def sparql_get(http: Http, query: str, **headers: str) -> Reply:
    return http.request(
        "GET", "/sparql?" + urlencode({"query": query}), {k.replace("_", "-"): v for k, v in headers.items()}
    )


# ---------------------------------------------------------------- ETag, Cache-Control, 304


@pytest.mark.parametrize("path", [LET, f"{LET}.ttl", f"{LET}.html", "/ontology", "/ontology.ttl", "/void", "/dcat.nt"])
def test_documents_carry_an_etag_and_answer_304(http: Http, path: str) -> None:
    first = http.get(path, Accept="text/turtle")
    assert first.status == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert "public" in first.headers["Cache-Control"] and "max-age=" in first.headers["Cache-Control"]
    again = http.get(path, Accept="text/turtle", If_None_Match=etag)
    assert again.status == 304
    assert again.body == b""
    assert again.headers["ETag"] == etag
    assert "max-age=" in again.headers["Cache-Control"]


def test_the_etag_names_the_build_and_the_representation(http: Http) -> None:
    turtle = http.get(LET, Accept="text/turtle").headers["ETag"]
    html = http.get(LET, Accept="text/html").headers["ETag"]
    ntriples = http.get(f"{LET}.nt").headers["ETag"]
    assert len({turtle, html, ntriples}) == 3
    assert http.get(f"{LET}.ttl").headers["ETag"] == turtle  # same bytes, same tag
    # a tag of another representation (or another build) does not match
    assert http.get(LET, Accept="text/turtle", If_None_Match=html).status == 200
    assert http.get(LET, Accept="text/turtle", If_None_Match='"0123456789abcdef"').status == 200


def test_a_304_keeps_the_headers_of_the_representation(http: Http) -> None:
    first = http.get(LET, Accept="text/turtle")
    again = http.get(LET, Accept="text/turtle", If_None_Match=first.headers["ETag"])
    assert again.status == 304
    assert again.headers["Content-Location"] == f"{LET}.ttl"
    assert "accept" in vary(again)
    assert again.headers["Link"] == first.headers["Link"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_get_an_etag_and_304(http: Http, path: str) -> None:
    first = http.get(path, Accept="text/html")
    assert first.status == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == f"public, max-age={Config().max_age}"
    assert http.get(path, Accept="text/html", If_None_Match=etag).status == 304
    assert http.get(path, Accept="text/html", If_None_Match=f"W/{etag}").status == 304  # weak comparison


def test_if_none_match_star_and_lists(http: Http) -> None:
    etag = http.get(LET, Accept="text/turtle").headers["ETag"]
    assert http.get(LET, Accept="text/turtle", If_None_Match=f'"nope", {etag}').status == 304
    assert http.get(LET, Accept="text/turtle", If_None_Match="*").status == 304


def test_errors_are_not_stored_by_caches(http: Http) -> None:
    reply = http.request(
        "GET",
        "/sparql?"
        + urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        + "&timeout=0.3",
        {},
    )
    assert reply.status == 503
    assert reply.headers["Cache-Control"] == "no-store"
    assert "ETag" not in reply.headers


def test_post_answers_carry_no_validators(http: Http) -> None:
    body = urlencode({"query": LEADER}).encode()
    reply = http.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    assert reply.status == 200
    assert "ETag" not in reply.headers
    assert "public" not in reply.headers.get("Cache-Control", "")


# ---------------------------------------------------------------- GET query results


def test_get_query_results_have_an_etag_from_build_text_and_format(http: Http) -> None:
    json_reply = sparql_get(http, LEADER, Accept="application/sparql-results+json")
    csv_reply = sparql_get(http, LEADER, Accept="text/csv")
    other = sparql_get(http, LEADER + " ", Accept="application/sparql-results+json")
    tags = {r.headers["ETag"] for r in (json_reply, csv_reply, other)}
    assert len(tags) == 3
    assert "accept" in vary(json_reply)
    again = sparql_get(http, LEADER, Accept="application/sparql-results+json", If_None_Match=json_reply.headers["ETag"])
    assert again.status == 304
    assert again.body == b""


def test_queries_that_change_by_themselves_are_never_cached(http: Http) -> None:
    query = "SELECT (RAND() AS ?r) (NOW() AS ?t) WHERE {}"
    first = sparql_get(http, query)
    assert first.status == 200
    assert "ETag" not in first.headers
    assert first.headers["Cache-Control"] == "no-store"
    assert first.headers["X-PJGJ-Cache"] == "off"
    assert sparql_get(http, query).body != first.body  # RAND() is drawn again


def test_volatile_detection() -> None:
    assert volatile("SELECT (rand() AS ?x) {}") and volatile("SELECT (STRUUID () AS ?x) {}")
    assert volatile("SELECT * { BIND(NOW() AS ?t) }") and volatile(
        "CONSTRUCT { ?s ?p ?o } WHERE { BIND(BNODE() AS ?s) }"
    )
    assert not volatile("SELECT ?now ?random WHERE { ?now ?p ?random }")


# ---------------------------------------------------------------- gzip


@pytest.mark.parametrize(
    ("path", "accept"),
    [(LET, "text/turtle"), (LET, "text/html"), (f"{LET}.jsonld", "*/*"), ("/", "text/html"), ("/void", "text/turtle")],
)
def test_gzip_when_accepted(http: Http, path: str, accept: str) -> None:
    plain = http.get(path, Accept=accept)
    packed = http.get(path, Accept=accept, Accept_Encoding="gzip, deflate")
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.body) == plain.body
    assert len(packed.body) < len(plain.body)
    assert "accept-encoding" in vary(plain) and "accept-encoding" in vary(packed)
    # the gzip twin's tag is the weak form of the plain one (other bytes, same meaning)
    assert packed.headers["ETag"] == f"W/{plain.headers['ETag']}"
    assert http.get(path, Accept=accept, Accept_Encoding="gzip", If_None_Match=packed.headers["ETag"]).status == 304
    assert http.get(path, Accept=accept, If_None_Match=packed.headers["ETag"]).status == 304


def test_no_gzip_when_refused_or_small(http: Http) -> None:
    refused = http.get(LET, Accept="text/turtle", Accept_Encoding="gzip;q=0, identity")
    assert "Content-Encoding" not in refused.headers
    small = sparql_get(http, "ASK {}", Accept_Encoding="gzip")
    assert small.status == 200 and len(small.body) < 1024
    assert "Content-Encoding" not in small.headers


def test_query_results_are_compressed(http: Http) -> None:
    plain = sparql_get(http, MANY)
    packed = sparql_get(http, MANY, Accept_Encoding="gzip")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.body)) == json.loads(plain.body)
    assert packed.headers["X-PJGJ-Truncated"] == "false"


def test_dumps_are_served_precompressed_never_compressed_again(http: Http, build_dir: Path) -> None:
    plain = http.get("/dumps/pjgj.nt")
    assert "Content-Encoding" not in plain.headers
    assert "accept-encoding" in vary(plain)
    packed = http.get("/dumps/pjgj.nt", Accept_Encoding="gzip")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.media_type == "application/n-triples"
    assert packed.body == (build_dir / "dumps/pjgj.nt.gz").read_bytes()  # the build's own file
    assert packed.headers["ETag"] == '"' + hashlib.sha256(packed.body).hexdigest() + '"'
    assert gzip.decompress(packed.body) == plain.body
    assert http.get("/dumps/pjgj.nt", Accept_Encoding="gzip", If_None_Match=packed.headers["ETag"]).status == 304
    # the .gz file itself is sent as it is, never encoded a second time
    gz = http.get("/dumps/pjgj.nt.gz", Accept_Encoding="gzip")
    assert "Content-Encoding" not in gz.headers and gz.media_type == "application/gzip"


def test_ranges_are_never_compressed(http: Http) -> None:
    reply = http.get("/dumps/pjgj.nt", Accept_Encoding="gzip", Range="bytes=0-99")
    assert reply.status == 206
    assert "Content-Encoding" not in reply.headers
    assert len(reply.body) == 100
    assert reply.body == http.get("/dumps/pjgj.nt").body[:100]


def test_head_matches_get(http: Http) -> None:
    get = http.get(LET, Accept="text/turtle", Accept_Encoding="gzip")
    head = http.request("HEAD", LET, {"Accept": "text/turtle", "Accept-Encoding": "gzip"})
    assert head.status == 200 and head.body == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Encoding"] == "gzip"


# ---------------------------------------------------------------- static files


def test_static_files_versioned_urls_are_immutable(http: Http, app: Flask) -> None:
    with app.test_request_context():
        url = app.jinja_env.globals["static_url"]("site.css")  # type: ignore[operator]
    assert url.startswith("/static/site.css?v=")
    versioned = http.get(url)
    assert versioned.status == 200
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = http.get("/static/site.css")
    assert plain.headers["Cache-Control"] == f"public, max-age={Config().max_age}"
    assert plain.body == versioned.body
    stale = http.get("/static/site.css?v=000000000000")
    assert "immutable" not in stale.headers["Cache-Control"]
    packed = http.get("/static/site.css", Accept_Encoding="gzip")
    assert gzip.decompress(packed.body) == plain.body


# ---------------------------------------------------------------- the in-memory caches (test client only)


@pytest.fixture
def counted(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many queries reached the query workers and how many descriptions were built."""
    svc = app.extensions["pjgj"]
    calls = {"run": 0, "describe": 0}
    run, describe = svc.pool.run, svc.store.describe_triples

    def counting_run(job: dict[str, object], timeout: float):  # type: ignore[no-untyped-def]
        calls["run"] += 1
        return run(job, timeout)

    def counting_describe(iri: str):  # type: ignore[no-untyped-def]
        calls["describe"] += 1
        return describe(iri)

    monkeypatch.setattr(svc.pool, "run", counting_run)
    monkeypatch.setattr(svc.store, "describe_triples", counting_describe)
    return calls


def test_a_304_for_a_query_does_not_run_it(app: Flask, counted: dict[str, int]) -> None:
    http = FlaskHttp(app)
    query = LEADER + " # 304 test"
    etag = sparql_get(http, query).headers["ETag"]
    before = counted["run"]
    assert sparql_get(http, query, If_None_Match=etag).status == 304
    assert counted["run"] == before


def test_the_result_cache_answers_the_same_query_again(app: Flask, counted: dict[str, int]) -> None:
    http = FlaskHttp(app)
    query = LEADER + " # result cache test"
    first = sparql_get(http, query)
    second = sparql_get(http, query)
    assert first.headers["X-PJGJ-Cache"] == "miss" and second.headers["X-PJGJ-Cache"] == "hit"
    assert second.body == first.body
    assert second.headers["X-PJGJ-Rows"] == first.headers["X-PJGJ-Rows"] == "1"
    assert counted["run"] == 1
    post = http.request(
        "POST", "/sparql", {"Content-Type": "application/sparql-query"}, query.encode("utf-8")
    )  # a POST of the same text may be answered from it too
    assert post.headers["X-PJGJ-Cache"] == "hit" and counted["run"] == 1
    other_format = sparql_get(http, query, Accept="text/csv")
    assert other_format.headers["X-PJGJ-Cache"] == "miss" and counted["run"] == 2


def test_the_page_cache_renders_a_description_once(app: Flask, counted: dict[str, int]) -> None:
    http = FlaskHttp(app)
    path = "/id/person/hafiz-saeed"
    service_ = app.extensions["pjgj"]
    service_.page_cache.clear()
    first = http.get(path, Accept="application/n-triples")
    second = http.get(f"{path}.nt")
    assert first.body == second.body
    assert counted["describe"] == 1
    packed = http.get(path, Accept="application/n-triples", Accept_Encoding="gzip")
    assert gzip.decompress(packed.body) == first.body and counted["describe"] == 1


@pytest.fixture
def uncached_app(service_config: Config) -> Iterator[Flask]:
    app = create_app(replace(service_config, query_cache_bytes=0, page_cache_bytes=0, query_workers=1))
    yield app
    app.extensions["pjgj"].close()


def test_caches_off_with_size_zero(uncached_app: Flask) -> None:
    http = FlaskHttp(uncached_app)
    svc = uncached_app.extensions["pjgj"]
    assert not svc.query_cache.enabled and not svc.page_cache.enabled
    assert sparql_get(http, LEADER).headers["X-PJGJ-Cache"] == "off"
    assert sparql_get(http, LEADER).headers["X-PJGJ-Cache"] == "off"
    http.get(LET, Accept="text/turtle")
    assert len(svc.page_cache) == 0
    # HTTP validators do not depend on the in-memory caches
    etag = http.get(LET, Accept="text/turtle").headers["ETag"]
    assert http.get(LET, Accept="text/turtle", If_None_Match=etag).status == 304


# ---------------------------------------------------------------- the LRU itself


def test_byte_lru_is_bounded_by_bytes_and_drops_the_least_recent() -> None:
    lru = ByteLRU(capacity=10_000, max_entry=5_000)
    for i in range(10):
        lru.put(i, Entry(b"x" * 1_000))
    assert lru.size <= 10_000
    assert lru.get(0) is None  # the oldest went first
    assert lru.get(9) is not None
    lru.get(5)
    for i in range(10, 13):
        lru.put(i, Entry(b"y" * 1_000))
    assert lru.get(5) is not None  # recently used: kept
    lru.put("huge", Entry(b"z" * 6_000))
    assert lru.get("huge") is None  # larger than one entry may be
    off = ByteLRU(0)
    off.put("a", Entry(b"a"))
    assert off.get("a") is None and not off.enabled
