"""A query never outlives the process that sent it.

When an HTTP worker is killed (SIGKILL, the out-of-memory killer), its query
workers must die too, even mid-query: otherwise a runaway cross join keeps a
core busy for hours with nobody waiting for it. Found by the fault test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

PARENT = """
    import threading, time
    from pjgj.namespaces import PREFIXES
    from pjgj.querypool import QueryPool
    from pjgj.errors import QueryTimeout
    from tests.stores import store_of
    pool = QueryPool(store_of(), 2)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    job = {"query": slow, "format": "json", "max_rows": 10, "prefixes": dict(PREFIXES)}
    try:  # one timeout first, so that one worker is a replacement started by the pool later
        pool.run(job, 0.3)
    except QueryTimeout:
        pass
    time.sleep(1.0)
    threading.Thread(target=lambda: pool.run(job, 600), daemon=True).start()
    threading.Thread(target=lambda: pool.run(job, 600), daemon=True).start()
    time.sleep(0.5)
    print(" ".join(str(w.pid) for w in pool._all), flush=True)
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_query_workers_die_with_a_killed_parent_even_mid_query() -> None:
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(PARENT)], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in workers), "a query worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


def test_a_worker_killed_mid_query_is_always_a_clean_503() -> None:
    """The pool's watcher must never close the pipe a query thread is reading (that was a 500, EBADF)."""
    import threading

    import pytest
    from tests.stores import store_of

    from pjgj.errors import QueryAborted
    from pjgj.namespaces import PREFIXES
    from pjgj.querypool import QueryPool

    pool = QueryPool(store_of(), 1)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    job = {"query": slow, "format": "json", "max_rows": 10, "prefixes": dict(PREFIXES)}
    try:
        for _ in range(8):
            deadline = time.monotonic() + 30  # the replacement of the previous round is ready
            while pool.idle.qsize() < 1 and time.monotonic() < deadline:
                time.sleep(0.02)
            pids = [w.pid for w in pool._all]
            killer = threading.Timer(0.15, lambda pids=pids: [os.kill(pid, signal.SIGKILL) for pid in pids])
            killer.start()
            with pytest.raises(QueryAborted, match="stopped before it answered"):
                pool.run(job, 10)
            killer.join()
        assert pool.run({**job, "query": "ASK {}"}, 10).header["form"] == "ASK"
    finally:
        pool.close()
