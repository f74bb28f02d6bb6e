"""Limits that need more than one request: fair use, stalled bodies, isolation of heavy queries,
security headers on every kind of response, no debug mode, and the second outbound layer in the real server."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from pjgj.config import Config
from pjgj.web import create_app
from pjgj.web.security import CONTENT_SECURITY_POLICY
from tests.hostile.listener import Listener, listening

from .conftest import QUERY_TIMEOUT, Http, LiveHttp, Reply

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CONCAT_BLOWUP = (
    'SELECT (STRLEN(?x10) AS ?n) WHERE { BIND("0123456789" AS ?x0) '
    + " ".join(f"BIND(CONCAT({','.join([f'?x{i - 1}'] * 10)}) AS ?x{i})" for i in range(1, 11))
    + " }"
)
JSON = "application/sparql-results+json"


def sparql(http: Http, query: str, **headers: str) -> Reply:
    return http.request(
        "POST", "/sparql", {"Content-Type": "application/sparql-query", "Accept": JSON, **headers}, query.encode()
    )


# ---------------------------------------------------------------- fair use


def test_a_client_over_its_share_gets_429_with_retry_after(live_port: int) -> None:
    http = LiveHttp(live_port)
    replies: list[Reply] = []
    threads = [threading.Thread(target=lambda: replies.append(sparql(http, CROSS_JOIN))) for _ in range(3)]
    for thread in threads:
        thread.start()
        time.sleep(0.15)
    for thread in threads:
        thread.join()
    statuses = sorted(r.status for r in replies)
    assert statuses == [429, 503, 503], statuses
    refused = next(r for r in replies if r.status == 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert "PJGJ_CLIENT_QUERIES=2" in refused.text
    assert sparql(http, "ASK {}").status == 200  # the slots are free again


def test_the_cap_is_per_client_and_other_clients_keep_their_speed(app: Flask) -> None:
    """Through the app: one client runs two heavy queries and is refused a third; another is served at once."""
    heavy = app.test_client()
    other = app.test_client()
    results: list[int] = []

    def run_heavy(query: str) -> None:
        response = heavy.post(
            "/sparql",
            data=query,
            headers={"Content-Type": "application/sparql-query", "Accept": JSON},
            environ_overrides={"REMOTE_ADDR": "192.0.2.66"},
        )
        results.append(response.status_code)
        heavy_done.append(time.monotonic())

    heavy_done: list[float] = []
    threads = [threading.Thread(target=run_heavy, args=(q,)) for q in (CROSS_JOIN, CONCAT_BLOWUP)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    third = heavy.get(
        "/sparql?query=ASK%7B%7D", headers={"Accept": JSON}, environ_overrides={"REMOTE_ADDR": "192.0.2.66"}
    )
    assert third.status_code == 429
    # the query workers are busy: the other client waits for one (bounded), is never refused for another's share
    page = other.get("/id/org/lashkar-e-taiba", headers={"Accept": "text/turtle"})
    page_done = time.monotonic()
    assert page.status_code == 200

    def ask() -> int:
        return other.get(
            "/sparql?query=ASK%7B%7D", headers={"Accept": JSON}, environ_overrides={"REMOTE_ADDR": "198.51.100.9"}
        ).status_code

    # never refused for the heavy client's share (no 429); on a loaded machine the worker it gets may be a
    # replacement still loading its store when the heavy queries are killed, so one retry is allowed
    first = ask()
    assert first != 429
    assert first == 200 or ask() == 200
    for thread in threads:
        thread.join()
    assert sorted(results) == [503, 503]
    # answered while the heavy queries were still running, not after them (robust to a loaded machine)
    assert page_done < heavy_done[0], (page_done, heavy_done)


def test_heavy_queries_do_not_slow_other_clients_on_the_real_server(live_port: int) -> None:
    http = LiveHttp(live_port)
    heavy: list[Reply] = []
    heavy_done: list[float] = []

    def run_heavy(query: str) -> None:
        heavy.append(sparql(http, query))
        heavy_done.append(time.monotonic())

    threads = [threading.Thread(target=run_heavy, args=(q,)) for q in (CROSS_JOIN, CONCAT_BLOWUP)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    latencies = []
    for path in ("/id/org/lashkar-e-taiba", "/", "/dumps/index.json", "/ontology.ttl", "/search.json?q=lashkar"):
        started = time.monotonic()
        assert http.get(path, Accept="text/turtle, application/json, text/html").status == 200
        latencies.append(time.monotonic() - started)
    pages_done = time.monotonic()
    for thread in threads:
        thread.join()
    assert sorted(r.status for r in heavy) == [503, 503]
    assert all("limit" in r.text for r in heavy)
    # all five answered while the heavy queries still ran (each takes its whole 2 s limit): never queued behind them
    assert pages_done < min(heavy_done), (latencies, pages_done, heavy_done)
    assert max(latencies) < QUERY_TIMEOUT, latencies


# ---------------------------------------------------------------- stalled and lying requests


def _content_length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def test_a_body_that_never_arrives_is_408(live_port: int) -> None:
    with socket.create_connection(("127.0.0.1", live_port), timeout=30) as sock:
        started = time.monotonic()
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000000\r\nAccept: text/plain\r\n\r\nASK {"
        )
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _content_length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 408"), data[:200]
    assert b"PJGJ_REQUEST_TIMEOUT" in data or b"did not arrive" in data
    assert time.monotonic() - started < 2.0 + 2.0
    assert LiveHttp(live_port).get("/sparql?query=ASK%7B%7D").status == 200


def test_clients_past_the_thread_count_are_not_locked_out(live_port: int) -> None:
    """64 clients that keep their connections open and send request after request (browsers, HTTP
    libraries) must all be served: the server once took on only as many connections as it has threads,
    and the clients past that waited for the others to hang up (p99 of 3 s in the benchmark)."""
    from http.client import HTTPConnection

    stop = time.monotonic() + 5.0  # a locked-out client waits all of it
    waits: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        conn = HTTPConnection("127.0.0.1", live_port, timeout=30)
        longest = 0.0
        try:
            while time.monotonic() < stop:
                started = time.monotonic()
                conn.request("GET", "/robots.txt")
                response = conn.getresponse()
                response.read()
                assert response.status == 200
                longest = max(longest, time.monotonic() - started)
        finally:
            conn.close()
            with lock:
                waits.append(longest)

    threads = [threading.Thread(target=client) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(waits) == 64
    assert max(waits) < 3.0, f"a client waited {max(waits):.1f} s for its first answer or the next"


def test_a_request_that_stops_midway_leaves_the_server_answering(live_port: int) -> None:
    for partial in (b"GET /sparql?query=ASK", b"POST /sparql HTTP/1.1\r\nContent-Length: 10\r\n\r\nAS"):
        with socket.create_connection(("127.0.0.1", live_port), timeout=5) as sock:
            sock.sendall(partial)
    assert LiveHttp(live_port).get("/sparql?query=ASK%7B%7D").status == 200


# ---------------------------------------------------------------- safe responses


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sparql?query=ASK%7B%7D",
        "/sparql",
        "/id/org/lashkar-e-taiba",
        "/id/org/nothing-here",
        "/dumps/",
        "/dumps/pjgj.nt",
        "/static/site.css",
        "/void",
        "/robots.txt",
        "/search?q=x",
        "/sparql?query=SELECT",
    ],
)
def test_every_response_carries_the_security_headers(http: Http, path: str) -> None:
    reply = http.get(path, Accept="text/html")
    assert reply.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY and "base-uri 'none'" in CONTENT_SECURITY_POLICY
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"]
    assert reply.headers["X-Frame-Options"] == "DENY"


def test_debug_mode_stays_off_whatever_the_environment_says(
    service_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app(service_config)

    @app.get("/__boom")
    def boom() -> str:
        raise RuntimeError("a bug")

    try:
        assert app.debug is False
        client = app.test_client()
        assert client.get("/console").status_code == 404
        reply = client.get("/?__debugger__=yes&cmd=resource&f=style.css")
        assert b"Werkzeug" not in reply.data
        reply = client.get("/__boom")
        assert reply.status_code == 500
        assert b"Traceback" not in reply.data and b"a bug" not in reply.data
    finally:
        app.extensions["pjgj"].close()
        app.extensions["pjgj"].admission.close()


# ---------------------------------------------------------------- outbound: every mechanism, every spelling


@pytest.fixture(scope="module")
def listener() -> Listener:  # type: ignore[misc]
    with listening() as found:
        yield found


MECHANISMS = {
    "service": ("query", "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"),
    "service-silent": ("query", "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"),
    "from": ("query", "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"),
    "from-named": ("query", "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
    "load": ("query", "LOAD <{url}>"),
    "update-load": ("update", "LOAD <{url}>"),
    "default-graph-uri": ("default-graph-uri", "{url}"),
    "named-graph-uri": ("named-graph-uri", "{url}"),
}


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
def test_nothing_connects_out_whatever_the_spelling(live_port: int, listener: Listener, mechanism: str) -> None:
    http = LiveHttp(live_port)
    param, template = MECHANISMS[mechanism]
    for url in listener.urls():
        value = template.format(url=url)
        path = f"/sparql?{param}={quote(value, safe='')}"
        if param.endswith("graph-uri"):
            path += "&query=" + quote("ASK {}")
        reply = http.get(path, Accept=JSON)
        assert reply.status in (400, 403), (url, reply.status, reply.text)
    time.sleep(0.3)
    assert listener.connections == []


def test_the_real_servers_query_workers_run_under_the_seccomp_filter(live_port: int, build_dir: Path) -> None:
    LiveHttp(live_port).get("/sparql?query=ASK%7B%7D")
    workers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if name == "pjgj-query" and f"PJGJ_BUILD_DIR={build_dir}".encode() in environ:
            workers.append(entry)
    assert len(workers) >= 2
    for worker in workers:
        status = (worker / "status").read_text()
        assert "Seccomp:\t2" in status, worker
        assert "NoNewPrivs:\t1" in status


def test_no_secret_environment_leaks_into_errors(http: Http) -> None:
    os.environ.setdefault("PJGJ_TEST_SECRET", "s3cr3t")
    reply = http.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p }"), Accept="text/html")
    assert "s3cr3t" not in reply.text and "Traceback" not in reply.text
