"""Fixtures for the service tests: one build of the fixture data, the app, and the real server.

The build uses ``tests/fixtures/`` (a small valid data set next to the real
``data/report.ttl``, its own small shapes file and example queries), so the
service tests pass while curators are mid-work on ``data/``.

Every HTTP test takes ``http``, which is parametrized twice: once through
Flask's test client, once through the real ``pjgj serve`` process (granian)
started on a free port. Both return a :class:`Reply`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest
from bench.servers import free_port, stop_process
from flask import Flask
from werkzeug.datastructures import Headers

from pjgj.build import Inputs, build
from pjgj.config import Config
from pjgj.web import create_app

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
INPUTS = Inputs(
    data=[ROOT / "data" / "report.ttl", FIXTURES / "data" / "fixture.ttl"],
    shapes=[FIXTURES / "shapes" / "fixture.ttl"],
    examples_dir=FIXTURES / "examples",
)
#: the limits the tests run under: short, so the time-limit tests are quick
QUERY_TIMEOUT = 2.0
MAX_ROWS = 1000
#: the CLI arguments that build the same thing as INPUTS
BUILD_ARGS = [
    *(a for p in INPUTS.data or [] for a in ("--data", str(p))),
    *(a for p in INPUTS.shapes or [] for a in ("--shapes", str(p))),
    "--examples",
    str(INPUTS.examples_dir),
]


@dataclass
class Reply:
    status: int
    headers: Headers
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def media_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip()


class Http:
    """A client of the service: Flask's test client or a real HTTP connection."""

    kind = ""

    def request(
        self, method: str, path: str, headers: Mapping[str, str] | None = None, body: bytes | None = None
    ) -> Reply:
        raise NotImplementedError

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, {k.replace("_", "-"): v for k, v in headers.items()})


class FlaskHttp(Http):
    kind = "flask"

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()

    def request(
        self, method: str, path: str, headers: Mapping[str, str] | None = None, body: bytes | None = None
    ) -> Reply:
        response = self.client.open(path, method=method, headers=dict(headers or {}), data=body)
        try:
            return Reply(response.status_code, Headers(response.headers), response.get_data())
        finally:
            response.close()  # closes the file behind a send_file response


class LiveHttp(Http):
    kind = "live"

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, method: str, path: str, headers: Mapping[str, str] | None = None, body: bytes | None = None
    ) -> Reply:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            data = response.read()
            return Reply(response.status, Headers(response.getheaders()), data)
        finally:
            conn.close()


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "build"
    build(Config(build_dir=out), INPUTS)
    return out


@pytest.fixture(scope="session")
def service_config(build_dir: Path) -> Config:
    return Config(build_dir=build_dir, query_timeout=QUERY_TIMEOUT, max_rows=MAX_ROWS, query_workers=2)


@pytest.fixture(scope="session")
def app(service_config: Config) -> Iterator[Flask]:
    app = create_app(service_config)
    yield app
    app.extensions["pjgj"].close()


@contextmanager
def serving(build_dir: Path, settings: Mapping[str, str], log: Path) -> Iterator[int]:
    """``pjgj serve`` as a subprocess on a free port with ``settings`` added to the environment."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "PJGJ_BUILD_DIR": str(build_dir), **settings}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pjgj.cli", "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stopped as a group: workers included
        )
    try:
        wait_ready(port, process, log)
        yield port
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def live_port(build_dir: Path) -> Iterator[int]:
    """``pjgj serve`` as a subprocess on a free port; stopped at the end of the session."""
    settings = {
        "PJGJ_QUERY_TIMEOUT": str(QUERY_TIMEOUT),
        "PJGJ_MAX_ROWS": str(MAX_ROWS),
        "PJGJ_WEB_WORKERS": "1",
        "PJGJ_QUERY_WORKERS": "2",
        "PJGJ_REQUEST_TIMEOUT": "2",  # a client that stalls its body is answered 408 quickly
        "PJGJ_MAX_RESULT_BYTES": "4M",  # a 10 MB result is refused in a tenth of a second
    }
    with serving(build_dir, settings, build_dir.parent / "serve.log") as port:
        yield port


def wait_ready(port: int, process: subprocess.Popen[bytes], log: Path, limit: float = 60.0) -> float:
    """Seconds until the server answers a query; fails with the server's log if it dies or hangs."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            pytest.fail(f"pjgj serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            reply = LiveHttp(port).get("/sparql?query=ASK%7B%7D")
            if reply.status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"pjgj serve did not answer within {limit} s:\n{log.read_text(errors='replace')}")


@pytest.fixture(params=["flask", "live"])
def http(request: pytest.FixtureRequest) -> Http:
    if request.param == "flask":
        return FlaskHttp(request.getfixturevalue("app"))
    return LiveHttp(request.getfixturevalue("live_port"))
