"""Faults, briefly: the load test of bench/load_faults.py for a few seconds, with an HTTP worker and a
query worker killed (SIGKILL) while clients and a hostile client are running.

The server must replace both by itself, no client may get a malformed answer
(resets and detectably truncated answers at the moment of the kill are
counted apart), and afterwards every request succeeds again. The full run
(16 and 64 clients for 60 s) is ``make load``.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from bench.load_faults import Client, Request, children, comm, run, serving


def test_killed_workers_are_replaced_and_no_answer_is_malformed(build_dir: Path, tmp_path: Path) -> None:
    env = {"PJGJ_WEB_WORKERS": "2", "PJGJ_QUERY_WORKERS": "1", "PJGJ_QUERY_TIMEOUT": "2"}
    with serving(build_dir, tmp_path / "serve.log", env) as server:
        assert server.settled(web=2, query=2)
        result = run(server, build_dir, clients=4, seconds=6, heavy_threads=2, kill_web_at=1.5, kill_query_at=3.5)
        assert result.verdicts["malformed"] == 0, result.malformed_examples
        assert result.web_worker_replaced_s is not None and result.web_worker_replaced_s < 10
        assert result.query_worker_replaced_s is not None and result.query_worker_replaced_s < 10
        assert result.verdicts["ok"] >= 50
        # only the requests in flight on the killed worker may fail, and only cleanly
        assert result.verdicts["reset"] + result.verdicts["truncated"] <= 4 + 2
        assert set(result.errors_by_status) <= {"429", "503"}, result.errors_by_status
        assert result.heavy_stopped >= 1
        # recovered: a fresh client gets answers again, from every worker
        client = Client(server.port, "198.51.100.1")
        for _ in range(20):
            outcome = client.send(Request("ask", "/sparql?query=ASK%7B%7D", "application/sparql-results+json"))
            assert outcome.verdict == "ok", outcome
            client.close()
        assert server.settled(web=2, query=2)


def test_the_server_outlives_workers_that_keep_dying(build_dir: Path, tmp_path: Path) -> None:
    """granian itself stops when a worker dies again right after its replacement; `pjgj serve` starts over."""
    env = {"PJGJ_WEB_WORKERS": "1", "PJGJ_QUERY_WORKERS": "1"}
    with serving(build_dir, tmp_path / "serve.log", env) as server:
        assert server.settled(web=1, query=1)
        killed: list[int] = []
        for _ in range(3):  # each kill lands on the replacement of the one before, as soon as it is up
            deadline = time.monotonic() + 15
            workers = server.web_workers()
            while (len(workers) != 1 or workers[0] in killed) and time.monotonic() < deadline:
                time.sleep(0.02)
                workers = server.web_workers()
            assert len(workers) == 1 and workers[0] not in killed, workers
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])
        client = Client(server.port, "198.51.100.2")
        deadline = time.monotonic() + 20
        outcome = None
        while time.monotonic() < deadline:
            outcome = client.send(Request("ask", "/sparql?query=ASK%7B%7D", "application/sparql-results+json"))
            client.close()
            if outcome.verdict == "ok":
                break
            time.sleep(0.2)
        assert outcome is not None and outcome.verdict == "ok", outcome
        assert server.process.poll() is None
        assert "starting them again" in (tmp_path / "serve.log").read_text()


def test_a_worker_that_loses_its_fork_server_is_replaced(build_dir: Path, tmp_path: Path) -> None:
    """Without its fork server an HTTP worker could never replace a query worker again: it ends, and a new
    one (with a new fork server) takes its place."""
    env = {"PJGJ_WEB_WORKERS": "1", "PJGJ_QUERY_WORKERS": "1"}
    with serving(build_dir, tmp_path / "serve.log", env) as server:
        assert server.settled(web=1, query=1)
        (worker,) = server.web_workers()
        (forks,) = [f for f in children(worker) if comm(f) == "pjgj-forks"]
        os.kill(forks, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while server.web_workers() in ([], [worker]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.web_workers() != [worker]
        assert server.settled(web=1, query=1)
        client = Client(server.port, "198.51.100.3")
        outcome = client.send(Request("ask", "/sparql?query=ASK%7B%7D", "application/sparql-results+json"))
        client.close()
        assert outcome.verdict == "ok", outcome
        assert "lost its fork server" in (tmp_path / "serve.log").read_text()
