"""The fork server: workers forked with the store loaded, sharing its memory, their exits reported."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from tests.stores import store_of

from pjgj.forkserver import ForkServer
from pjgj.namespaces import PREFIXES
from pjgj.querypool import QueryPool


def private_kib(pid: int) -> int:
    """Memory only this process holds (written since the fork, or allocated), from /proc/PID/smaps_rollup."""
    total = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Dirty:", "Private_Clean:")):
            total += int(line.split()[1])
    return total


def test_workers_share_the_loaded_store_instead_of_copying_it() -> None:
    """Measured with a query that reads a few triples: the engine writes reference counts of what a query
    walks, so a worker that scans the whole store copies part of it (docs/decisions/20261125-store.md)."""
    lines = "".join(
        f'<urn:s{i}> <urn:p{i % 50}> "a literal long enough to weigh something {i}" .\n' for i in range(200_000)
    )
    store = store_of(lines)
    before_fork = private_kib(os.getpid())
    pool = QueryPool(store, 1)
    try:
        job = {"query": "SELECT ?o WHERE { <urn:s123456> ?p ?o }", "format": "json", "max_rows": 10}
        answer = pool.run({**job, "prefixes": dict(PREFIXES)}, 30)
        assert b"weigh something 123456" in answer.body  # the worker has the store ...
        (worker,) = pool._all
        # ... without a copy of it: what it holds alone is a small part of what this process held
        assert private_kib(worker.pid) < before_fork / 5, (private_kib(worker.pid), before_fork)
    finally:
        pool.close()


def test_exit_statuses_are_reported_and_the_server_dies_with_its_pool() -> None:
    exits: dict[int, int] = {}
    seen = threading.Event()

    def on_exit(pid: int, code: int) -> None:
        exits[pid] = code
        seen.set()

    server = ForkServer(store_of(), 256, on_exit)
    pid, sock = server.spawn(10)
    assert sock.recv(4)  # the length of the worker's "ready" frame
    os.kill(pid, signal.SIGABRT)
    assert seen.wait(5) and exits == {pid: -signal.SIGABRT}
    sock.close()
    server.close()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{server.pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{server.pid}").exists()
