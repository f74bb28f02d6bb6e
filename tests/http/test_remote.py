"""Scale-out: the app over a REAL remote SPARQL store (Oxigraph server from the PyPI package).

The suite starts ``oxigraph serve`` on a free port, loads the fixture build into it
with ``pjgj load-remote`` (the Graph Store Protocol), then runs the app in remote mode
(``PJGJ_STORE=remote``) through the test client and as a real ``pjgj serve`` process,
and checks that queries, entity pages, descriptions, errors and time limits give the
same answers as the embedded store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bench.servers import free_port, stop_process
from flask import Flask
from rdflib import Graph
from rdflib.compare import isomorphic

from pjgj.config import Config
from pjgj.remote import Endpoint, prepare, store_message
from pjgj.web import create_app

from .conftest import FlaskHttp, Http, LiveHttp, serving

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
DEFAULT_GRAPH = "https://w3id.org/pjgj/sparql#default-graph"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUERIES = [
    "SELECT ?person WHERE { ?person org:headOf pj-org:lashkar-e-taiba }",
    "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
    "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l FILTER(CONTAINS(LCASE(?l), 'lashkar')) } ORDER BY ?s ?l",
    "ASK { pj-org:lashkar-e-taiba a org:Organization }",
    "CONSTRUCT { ?claim pjo:contestedBy ?other } WHERE { ?claim pjo:contestedBy ?other }",
    "DESCRIBE pj-org:lashkar-e-taiba",
    f"SELECT (COUNT(*) AS ?n) FROM <{DEFAULT_GRAPH}> WHERE {{ ?s ?p ?o }}",
    "PREFIX org: <http://www.w3.org/ns/org#>\nSELECT ?p WHERE { ?p org:headOf ?o } ORDER BY ?p",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5000",  # cut at the row cap, flagged
]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pjgj.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve`` on a free port with an on-disk store; its base URL. Stopped at the end."""
    assert OXIGRAPH.exists(), f"{OXIGRAPH} is missing: `make test` installs the oxigraph package (dev extras)"
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    log = location.parent / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            # the store's own limit stops what the app gave up on (README "Production")
            [
                str(OXIGRAPH),
                "serve",
                "--location",
                str(location / "db"),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                "5",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"oxigraph exited with {process.returncode}: {log.read_text(errors='replace')}")
            try:
                if LiveHttp(port).get("/query?" + urlencode({"query": "ASK {}"})).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"oxigraph did not answer: {log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def loaded(oxigraph: str, build_dir: Path) -> str:
    """The fixture build loaded with ``pjgj load-remote``; the query URL."""
    result = run_cli(
        "load-remote",
        "--graph-store",
        f"{oxigraph}/store",
        "--query-url",
        f"{oxigraph}/query",
        env={"PJGJ_BUILD_DIR": str(build_dir)},
    )
    assert result.returncode == 0, result.stderr
    return f"{oxigraph}/query"


@pytest.fixture(scope="module")
def remote_config(service_config: Config, loaded: str) -> Config:
    return replace(service_config, store="remote", remote_query_url=loaded)


@pytest.fixture(scope="module")
def remote_app(remote_config: Config) -> Iterator[Flask]:
    app = create_app(remote_config)
    yield app
    app.extensions["pjgj"].close()


@pytest.fixture(scope="module")
def remote_live_port(build_dir: Path, loaded: str) -> Iterator[int]:
    settings = {
        "PJGJ_STORE": "remote",
        "PJGJ_REMOTE_QUERY_URL": loaded,
        "PJGJ_QUERY_TIMEOUT": "2",
        "PJGJ_MAX_ROWS": "1000",
        "PJGJ_WEB_WORKERS": "2",
    }
    with serving(build_dir, settings, build_dir.parent / "serve-remote.log") as port:
        yield port


@pytest.fixture(params=["flask", "live"])
def remote(request: pytest.FixtureRequest) -> Http:
    if request.param == "flask":
        return FlaskHttp(request.getfixturevalue("remote_app"))
    return LiveHttp(request.getfixturevalue("remote_live_port"))


@pytest.fixture
def embedded(app: Flask) -> Http:
    return FlaskHttp(app)


def query(http: Http, text: str, fmt: str | None = None, **params: str) -> tuple[int, bytes, dict[str, str]]:
    args = {"query": text, **params}
    if fmt:
        args["format"] = fmt
    reply = http.request("GET", "/sparql?" + urlencode(args), {})
    return reply.status, reply.body, {k.lower(): v for k, v in reply.headers.items()}


def same_answer(a: bytes, b: bytes, fmt: str) -> bool:
    """Equal up to row order (a query without ORDER BY may list rows in another order) and blank node labels."""
    if fmt == "json":
        da, db = json.loads(a), json.loads(b)
        if "boolean" in da:
            return bool(da == db)
        rows = lambda d: sorted(json.dumps(r, sort_keys=True) for r in d["results"]["bindings"])  # noqa: E731
        return da["head"] == db["head"] and rows(da) == rows(db) and da["truncated"] == db["truncated"]
    if fmt in ("ntriples", "turtle"):
        parser = "nt" if fmt == "ntriples" else "turtle"
        return isomorphic(Graph().parse(data=a, format=parser), Graph().parse(data=b, format=parser))
    return sorted(a.splitlines()) == sorted(b.splitlines())


# ---------------------------------------------------------------- loading


def test_load_remote_is_idempotent_and_checked(oxigraph: str, loaded: str, build_dir: Path) -> None:
    again = run_cli(
        "load-remote",
        "--graph-store",
        f"{oxigraph}/store",
        "--query-url",
        loaded,
        env={"PJGJ_BUILD_DIR": str(build_dir)},
    )
    assert again.returncode == 0, again.stderr
    manifest = json.loads((build_dir / "manifest.json").read_text())
    assert f"loaded {manifest['triples']:,} triples" in again.stdout
    assert "counts the same" in again.stdout


def test_load_remote_errors_are_clear(oxigraph: str, build_dir: Path, tmp_path: Path) -> None:
    env = {"PJGJ_BUILD_DIR": str(build_dir)}
    nowhere = run_cli("load-remote", "--graph-store", f"http://127.0.0.1:{free_port()}/store", env=env)
    assert nowhere.returncode == 2
    assert "cannot be reached" in nowhere.stderr
    not_a_store = run_cli("load-remote", "--graph-store", f"{oxigraph}/nothing-here", env=env)
    assert not_a_store.returncode == 1
    assert "not a writable Graph Store endpoint" in not_a_store.stderr
    bad_url = run_cli("load-remote", "--graph-store", "ftp://example.org/store", env=env)
    assert bad_url.returncode == 2 and "not an http(s) URL" in bad_url.stderr
    no_build = run_cli("load-remote", "--graph-store", f"{oxigraph}/store", env={"PJGJ_BUILD_DIR": str(tmp_path)})
    assert no_build.returncode == 2 and "run `pjgj build`" in no_build.stderr


# ---------------------------------------------------------------- the same answers as the embedded store


@pytest.mark.parametrize("text", QUERIES)
def test_queries_give_the_same_results(remote: Http, embedded: Http, text: str) -> None:
    graph = text.startswith(("CONSTRUCT", "DESCRIBE"))
    for fmt in ("ntriples", "turtle") if graph else ("json", "csv", "xml"):
        r_status, r_body, r_headers = query(remote, text, fmt)
        e_status, e_body, e_headers = query(embedded, text, fmt)
        assert r_status == e_status == 200, r_body[:300]
        assert r_headers["x-pjgj-truncated"] == e_headers["x-pjgj-truncated"]
        assert r_headers["x-pjgj-rows"] == e_headers["x-pjgj-rows"]
        assert r_headers["content-type"] == e_headers["content-type"]
        if "ORDER BY" in text and not graph:
            assert r_body == e_body  # ordered: the very same bytes
        assert same_answer(r_body, e_body, fmt)


def test_the_row_cap_is_applied_and_flagged(remote: Http) -> None:
    status, body, headers = query(remote, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5000")
    assert status == 200
    assert headers["x-pjgj-truncated"] == "true" and headers["x-pjgj-rows"] == "1000"
    assert json.loads(body)["truncated"] is True


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("SELECT * WHERE { ?s ?p }", 400),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }", 400),
        ("INSERT DATA { <http://x> <http://y> <http://z> }", 400),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 400),
        ("SELECT * FROM <http://example.org/other> WHERE { ?s ?p ?o }", 400),
    ],
)
def test_errors_are_the_same(remote: Http, embedded: Http, text: str, status: int) -> None:
    r_status, r_body, _ = query(remote, text)
    e_status, e_body, _ = query(embedded, text)
    assert r_status == e_status == status
    assert r_body == e_body  # the same message, with the same line and column


def test_the_data_is_unchanged_by_an_update_attempt(remote: Http, oxigraph: str, build_dir: Path) -> None:
    reply = remote.request("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"CLEAR DEFAULT")
    assert reply.status == 403
    manifest = json.loads((build_dir / "manifest.json").read_text())
    _, body, _ = query(remote, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == manifest["triples"]


# ---------------------------------------------------------------- pages and descriptions


def iris(build_dir: Path) -> list[str]:
    labels = json.loads((build_dir / "labels.json").read_text())
    return [e["iri"] for e in labels if "#" not in e["iri"]]


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json", "application/rdf+xml"])
def test_entity_pages_are_the_same(remote: Http, embedded: Http, build_dir: Path, accept: str) -> None:
    paths = [iri.replace("https://w3id.org/pjgj", "") for iri in iris(build_dir)][::5]
    assert len(paths) > 10
    for path in paths:
        r, e = remote.get(path, Accept=accept), embedded.get(path, Accept=accept)
        assert (r.status, r.headers.get("Content-Type")) == (e.status, e.headers.get("Content-Type")), path
        assert r.body == e.body, path
        assert r.headers["ETag"] == e.headers["ETag"]


def test_describe_output_is_the_same(remote_app: Flask, app: Flask, build_dir: Path) -> None:
    remote_svc, embedded_svc = remote_app.extensions["pjgj"], app.extensions["pjgj"]
    for iri in iris(build_dir):
        assert remote_svc.describe_triples(iri) == embedded_svc.describe_triples(iri), iri
        assert remote_svc.status(iri) == embedded_svc.status(iri)


@pytest.mark.parametrize(
    "path", ["/", "/browse/org:Organization", "/search?q=lashkar", "/ontology", "/id/org/no-such-thing", "/void"]
)
def test_other_pages_are_the_same(remote: Http, embedded: Http, path: str) -> None:
    r, e = remote.get(path, Accept="text/html"), embedded.get(path, Accept="text/html")
    assert r.status == e.status
    assert r.body == e.body


# ---------------------------------------------------------------- time limits and failures


def test_an_unreachable_store_answers_503(service_config: Config) -> None:
    config = replace(service_config, store="remote", remote_query_url=f"http://127.0.0.1:{free_port()}/query")
    app = create_app(config)  # starts: the app keeps no state, the store may come later
    try:
        http = FlaskHttp(app)
        reply = http.get("/sparql?" + urlencode({"query": "ASK {}"}), Accept="application/json")
        assert reply.status == 503
        assert "does not answer" in reply.json()["message"]
        assert reply.headers["Retry-After"] == "5"
        page = http.get("/id/org/lashkar-e-taiba", Accept="text/turtle")
        assert page.status == 503
    finally:
        app.extensions["pjgj"].close()


def test_serve_refuses_a_store_that_is_down_or_holds_other_data(build_dir: Path, oxigraph: str) -> None:
    env = {"PJGJ_BUILD_DIR": str(build_dir), "PJGJ_STORE": "remote", "PORT": str(free_port())}
    down = run_cli("serve", env={**env, "PJGJ_REMOTE_QUERY_URL": f"http://127.0.0.1:{free_port()}/query"})
    assert down.returncode == 2 and "does not answer" in down.stderr
    missing = run_cli("serve", env={**env, "PJGJ_REMOTE_QUERY_URL": ""})
    assert missing.returncode == 2 and "needs PJGJ_REMOTE_QUERY_URL" in missing.stderr
    wrong = run_cli("serve", env={**env, "PJGJ_STORE": "elsewhere"})
    assert wrong.returncode == 2 and "PJGJ_STORE='elsewhere'" in wrong.stderr


# ---------------------------------------------------------------- the query text sent to the store


def test_prepare_declares_missing_prefixes_on_the_first_line() -> None:
    text, shift = prepare(
        "PREFIX org: <http://example.org/org#>\nSELECT * { ?s org:x ?o }",
        {"org": "http://www.w3.org/ns/org#", "skos": "http://s#"},
        DEFAULT_GRAPH,
    )
    assert text.count("\n") == 1  # line numbers are kept
    assert "PREFIX skos: <http://s#>" in text and "<http://www.w3.org/ns/org#>" not in text
    assert shift == len("PREFIX skos: <http://s#> ")


def test_prepare_blanks_the_default_graph_keeping_positions() -> None:
    query = f"SELECT *\nFROM <{DEFAULT_GRAPH}>\nWHERE {{ ?s ?p ?o }}"
    text, shift = prepare(query, {}, DEFAULT_GRAPH)
    assert shift == 0
    assert "FROM" not in text and len(text) == len(query)
    assert text.splitlines()[2] == "WHERE { ?s ?p ?o }"


def test_store_messages_are_shifted_back_on_line_one() -> None:
    assert store_message("error at 1:40: expected", 30) == "error at 1:10: expected"
    assert store_message("error at 2:5: expected", 30) == "error at 2:5: expected"


def test_endpoint_urls() -> None:
    endpoint = Endpoint.parse("http://user:p%40ss@store.example:3030/ds/query")
    assert (endpoint.host, endpoint.port, endpoint.path) == ("store.example", 3030, "/ds/query")
    assert endpoint.authorization == "Basic dXNlcjpwQHNz"
    assert "p%40ss" not in endpoint.shown and "user" not in endpoint.shown
    with pytest.raises(ValueError):
        Endpoint.parse("store.example:3030/query")


# ---------------------------------------------------------------- last: the store keeps computing what we gave up on
# (Oxigraph checks its own --timeout-s rarely inside an aggregate); the module's store is stopped right after


def test_time_limit_applies_and_others_are_served(remote: Http) -> None:
    answers: list[float] = []

    def other() -> None:
        time.sleep(0.3)
        started = time.monotonic()
        status, _, _ = query(remote, "ASK { ?s ?p ?o }")
        assert status == 200
        answers.append(time.monotonic() - started)

    helper = threading.Thread(target=other)
    helper.start()
    started = time.monotonic()
    status, body, headers = query(remote, SLOW, timeout="1")
    elapsed = time.monotonic() - started
    helper.join()
    assert status == 503
    assert headers["retry-after"] == "5"
    assert b"time limit of 1 s" in body
    assert elapsed < 1 + 1.5
    assert answers and answers[0] < 1.0  # not stuck behind the slow one
