"""The second layer: nothing connects out of a query worker or a web process, however the address is spelled.

The first layer (:mod:`pjgj.sparql`) refuses SERVICE, LOAD, FROM and FROM NAMED
before a query runs; these tests go around it on purpose. Each one uses a
loopback listener that must stay untouched, and a control run shows that the
same attempt *does* reach the listener when the guard is not there, so the
test cannot pass by accident.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.hostile.listener import Listener, listening
from tests.stores import store_of

from pjgj.namespaces import PREFIXES
from pjgj.querypool import QueryPool

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as found:
        yield found


def settled(listener: Listener) -> list[str]:
    time.sleep(0.3)  # a connection the listener has not accepted yet would be missed
    return listener.connections


def child(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


ENGINE = """
    import json, sys
    import pyoxigraph as ox
    if sys.argv[1] == "guarded":
        from pjgj.sandbox import deny_network
        deny_network()
    out = {}
    for url in json.loads(sys.argv[2]):
        try:
            list(ox.Store().query("SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }" % url))
            out[url] = "answered"
        except OSError as err:
            out[url] = type(err).__name__ + ": " + str(err)
    print(json.dumps(out))
"""


def test_control_the_engine_does_connect_without_the_guard(listener: Listener) -> None:
    result = child(ENGINE, "open", json.dumps(listener.urls()))
    assert result.returncode == 0, result.stderr
    # decimal, hex, octal, short and named spellings all reach the loopback listener
    assert len(settled(listener)) >= 6


def test_the_engine_cannot_connect_under_the_seccomp_filter(listener: Listener) -> None:
    result = child(ENGINE, "guarded", json.dumps(listener.urls()))
    assert result.returncode == 0, result.stderr
    outcomes = json.loads(result.stdout)
    assert set(outcomes) == set(listener.urls())
    assert all(o != "answered" for o in outcomes.values()), outcomes
    assert any("Permission denied" in o for o in outcomes.values()), outcomes
    assert settled(listener) == []


def test_a_query_worker_refuses_service_even_when_the_checks_are_bypassed(listener: Listener, tmp_path: Path) -> None:
    pool = QueryPool(store_of("<urn:s> <urn:p> <urn:o> .\n"), 1)
    try:
        for url in listener.urls():
            job = {
                "query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                "format": "json",
                "max_rows": 10,
                "prefixes": dict(PREFIXES),
            }
            answer = pool.run(job, 10)
            assert answer.header.get("error") in ("outbound", "evaluation"), (url, answer.header)
        assert pool.run({**job, "query": "ASK {}"}, 10).header["form"] == "ASK"
        pids = [w.pid for w in pool._all]
        assert all("Seccomp:\t2" in Path(f"/proc/{pid}/status").read_text() for pid in pids)
    finally:
        pool.close()
    assert settled(listener) == []


PYTHON_CLIENTS = """
    import json, socket, sys, http.client, urllib.request
    from urllib.parse import urlsplit
    from pjgj.sandbox import allowed_hosts, guard_outbound
    urls, allowed = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    guard_outbound(allowed_hosts(allowed))
    out = {}
    for url in urls:
        parts = urlsplit(url)
        tries = {
            "urllib": lambda: urllib.request.urlopen(url, timeout=2),
            "http.client": lambda: http.client.HTTPConnection(parts.hostname, parts.port).request("GET", "/"),
            "socket": lambda: socket.create_connection((parts.hostname, parts.port), timeout=2),
            "udp": lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", parts.port)),
        }
        for name, attempt in tries.items():
            try:
                attempt()
                out[url + " " + name] = "connected"
            except PermissionError as err:
                out[url + " " + name] = "refused"
            except OSError as err:
                out[url + " " + name] = "error: " + str(err)
    print(json.dumps(out))
"""


def test_the_web_process_guard_refuses_every_python_client(listener: Listener) -> None:
    result = child(PYTHON_CLIENTS, json.dumps(listener.urls()), "[]")
    assert result.returncode == 0, result.stderr
    outcomes = json.loads(result.stdout)
    assert outcomes and all(o == "refused" for o in outcomes.values()), outcomes
    assert settled(listener) == []


def test_the_web_process_guard_lets_a_configured_remote_store_through(listener: Listener) -> None:
    allowed = f"http://127.0.0.1:{listener.port}/query"
    result = child(PYTHON_CLIENTS, json.dumps([allowed]), json.dumps([allowed]))
    outcomes = json.loads(result.stdout)
    assert outcomes[f"{allowed} socket"] == "connected"
    assert len(settled(listener)) >= 1


def test_pjgj_serve_installs_the_guard_before_the_app(listener: Listener, tmp_path: Path) -> None:
    """The function `pjgj serve` loads the app with (once, inherited by every worker) guards the process first."""
    code = """
        import sys, urllib.request
        from pathlib import Path
        from pjgj.config import Config
        from pjgj.errors import BuildError
        from pjgj.serve import worker_app
        try:
            worker_app(Config(build_dir=Path(sys.argv[2]) / "no-build"), Path(sys.argv[2]))
        except BuildError:
            pass  # no build here: only the guard, installed first, matters
        try:
            urllib.request.urlopen(sys.argv[1], timeout=2)
            print("connected")
        except PermissionError:
            print("refused")
    """
    result = child(code, listener.urls()[0], str(tmp_path))
    assert result.stdout.strip() == "refused", result.stderr
    assert settled(listener) == []
