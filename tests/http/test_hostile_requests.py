"""The hostile corpus (tests/hostile/requests.py) against the real server, one case at a time.

Every case must get its status and message, never show what it must not
(a file from outside the site, unescaped markup, a traceback), answer within
its bound, carry the security headers (unless gunicorn refused the request
before the app saw it), never reach the loopback listener, and leave the
server answering ``ASK {}`` at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.client import HTTPConnection

import pytest
from werkzeug.datastructures import Headers

from tests.hostile.listener import Listener, listening
from tests.hostile.requests import CASES, Case

from .conftest import Reply

#: answered by gunicorn before the app: no app headers on these
BEFORE_THE_APP = (414, 431)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening() as found:
        yield found


def send(port: int, case: Case, listener_port: int) -> Reply:
    def fill(text: str) -> str:
        return text.replace("{port}", str(listener_port)).replace("%7Bport%7D", str(listener_port))

    body = fill(case.body.decode("latin-1")).encode("latin-1") if case.body is not None else None
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(case.method, fill(case.path), skip_accept_encoding=True)
        for name, value in case.headers.items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return Reply(response.status, Headers(response.getheaders()), response.read())
    finally:
        conn.close()


def test_the_corpus_is_large_and_named_once() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 50


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_request(case: Case, live_port: int, listener: Listener) -> None:
    started = time.monotonic()
    reply = send(live_port, case, listener.port)
    elapsed = time.monotonic() - started
    text = reply.body.decode("utf-8", "replace")
    assert reply.status in case.status, f"{reply.status}: {text[:300]}"
    assert case.says in text, text[:500]
    for fragment in (*case.never, "Traceback"):
        assert fragment not in text
    assert elapsed < case.within, f"answered in {elapsed:.1f} s"
    if reply.status not in BEFORE_THE_APP:
        assert reply.headers.get("Content-Security-Policy", "").startswith("default-src 'self'")
        assert reply.headers.get("X-Content-Type-Options") == "nosniff"
        assert reply.headers.get("Access-Control-Allow-Credentials") is None
    assert not any(name.lower().startswith("x-injected") for name, _ in reply.headers.items())
    assert reply.status < 500 or reply.headers.get("Retry-After"), "a 5xx is only ever a limit, with Retry-After"
    # the server still answers, at once
    after = time.monotonic()
    ask = send(live_port, Case("ask", "/sparql?query=ASK%7B%7D", (200,)), listener.port)
    assert ask.status == 200 and time.monotonic() - after < 2.0
    assert listener.connections == []
