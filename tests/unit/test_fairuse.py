"""Fair use: who the client is, the per-client cap across processes, the bounded queue of the pool."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest
from tests.stores import store_of

from pjgj.errors import TooManyRequests
from pjgj.namespaces import PREFIXES
from pjgj.querypool import QueryPool
from pjgj.web.fairuse import Admission, client_address

PROXY = frozenset({"10.0.0.1"})


@pytest.mark.parametrize(
    ("environ", "client"),
    [
        ({"REMOTE_ADDR": "192.0.2.7"}, "192.0.2.7"),
        # a forwarded-for header from an untrusted peer is the client's own invention
        ({"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "192.0.2.7"),
        # from the trusted proxy: the right-most address the proxy did not add itself
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "198.51.100.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1"}, "198.51.100.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 10.0.0.1"}, "198.51.100.1"),
        ({"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        # an IPv6 host counts as its /64; an IPv4-mapped address as the IPv4 one
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:192.0.2.7"}, "192.0.2.7"),
    ],
)
def test_client_address(environ: dict[str, str], client: str) -> None:
    assert client_address(environ, PROXY) == client


def test_the_cap_counts_per_client(tmp_path: Path) -> None:
    admission = Admission(tmp_path, per_client=2, retry_after=10)
    with admission.slot("a"), admission.slot("a"):
        with pytest.raises(TooManyRequests) as err, admission.slot("a"):
            pass
        assert err.value.status == 429 and err.value.headers["Retry-After"] == "10"
        assert "PJGJ_CLIENT_QUERIES=2" in err.value.message
        with admission.slot("b"):  # another client is not affected
            pass
    with admission.slot("a"), admission.slot("a"):  # released at the end of the block
        pass


def _hold(directory: str, ready: multiprocessing.synchronize.Event, done: multiprocessing.synchronize.Event) -> None:
    admission = Admission(Path(directory), per_client=1, retry_after=1)
    with admission.slot("shared"):
        ready.set()
        done.wait(10)


def test_the_cap_holds_across_processes_and_a_dead_process_leaks_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    other = context.Process(target=_hold, args=(str(tmp_path), ready, done))
    other.start()
    try:
        assert ready.wait(30)
        admission = Admission(tmp_path, per_client=1, retry_after=1)
        with pytest.raises(TooManyRequests), admission.slot("shared"):
            pass
        other.kill()  # killed while holding its slot: the kernel releases the lock
        other.join()
        with admission.slot("shared"):
            pass
    finally:
        # never touch the Event after killing its other user: the kill can leave the
        # Event's internal lock held, and set() would then wait forever
        if other.is_alive():
            done.set()
            other.join(5)
        if other.is_alive():
            other.kill()


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_the_pool_queue_is_bounded(tmp_path: Path) -> None:
    pool = QueryPool(store_of(), 1, max_waiting=1)
    job = {"query": SLOW, "format": "json", "max_rows": 10, "prefixes": dict(PREFIXES)}
    errors: list[Exception] = []

    def run() -> None:
        try:
            pool.run(job, 1.5)
        except Exception as err:
            errors.append(err)

    try:
        threads = [threading.Thread(target=run) for _ in range(2)]  # one runs, one waits
        for thread in threads:
            thread.start()
            time.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(TooManyRequests, match="PJGJ_QUERY_QUEUE=1") as err:
            pool.run({**job, "query": "ASK {}"}, 5)
        assert time.monotonic() - started < 0.5  # refused at once, not after waiting
        assert err.value.status == 429 and int(err.value.headers["Retry-After"]) >= 1
        for thread in threads:
            thread.join()
    finally:
        pool.close()
