"""The pool of killable query workers: answers, time limits, dead workers are replaced."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest
from tests.stores import store_of

from pjgj.errors import QueryAborted, QueryTimeout
from pjgj.namespaces import PREFIXES
from pjgj.querypool import QueryPool

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def pool() -> Iterator[QueryPool]:
    pool = QueryPool(store_of(), 2)
    yield pool
    pool.close()


def job(query: str, fmt: str = "json", max_rows: int = 100) -> dict[str, object]:
    return {"query": query, "format": fmt, "max_rows": max_rows, "prefixes": dict(PREFIXES)}


def test_answers_and_caps_rows(pool: QueryPool) -> None:
    answer = pool.run(job("SELECT * WHERE { ?s ?p ?o }"), 5)
    assert answer.header == {"form": "SELECT", "truncated": True, "rows": 100}
    answer = pool.run(job("CONSTRUCT WHERE { ?s ?p <urn:o1> }", "ntriples"), 5)
    assert answer.header["truncated"] is False
    assert answer.body.count(b"\n") == answer.header["rows"]


def test_syntax_errors_come_back_and_the_worker_stays(pool: QueryPool) -> None:
    pids = {w.pid for w in pool._all}
    answer = pool.run(job("SELECT * WHERE { ?s ?p }"), 5)
    assert answer.header["error"] == "syntax"
    assert answer.header["message"].startswith("error at 1:")  # type: ignore[union-attr]
    assert {w.pid for w in pool._all} == pids


def test_a_slow_query_is_killed_on_time_and_replaced(pool: QueryPool) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as err:
        pool.run(job(SLOW), 0.5)
    assert time.monotonic() - started < 1.5
    assert err.value.status == 503 and err.value.headers["Retry-After"]
    deadline = time.monotonic() + 10
    while pool.idle.qsize() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.idle.qsize() == 2
    assert pool.run(job("ASK {}"), 5).body == b'{"head": {}, "boolean": true}'


def test_an_idle_worker_killed_from_outside_is_replaced_not_used(pool: QueryPool) -> None:
    for worker in list(pool._all):
        os.kill(worker.pid, signal.SIGKILL)
    time.sleep(0.2)
    # the dead workers are noticed when taken, replaced, and the query is still answered
    assert pool.run(job("ASK {}"), 5).header["form"] == "ASK"
    deadline = time.monotonic() + 15
    while pool.idle.qsize() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.idle.qsize() == 2
    assert not any(w.exited.is_set() for w in pool._all)


def test_a_worker_that_dies_mid_query_is_reported_and_replaced(pool: QueryPool) -> None:
    before = {w.pid for w in pool._all}
    killer = threading.Timer(0.3, lambda: [os.kill(pid, signal.SIGKILL) for pid in before])
    killer.start()
    with pytest.raises(QueryAborted):
        pool.run(job(SLOW), 5)
    killer.join()
    answer = None
    deadline = time.monotonic() + 15
    while answer is None and time.monotonic() < deadline:
        try:
            answer = pool.run(job("ASK {}"), 5)
        except QueryAborted:
            continue
    assert answer is not None and answer.header["form"] == "ASK"
