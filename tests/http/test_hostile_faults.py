"""Faults, briefly: the load test of bench/load_faults.py for a few seconds, with an HTTP worker and a
query worker killed (SIGKILL) while clients and a hostile client are running.

The server must replace both by itself, no client may get a malformed answer
(resets and detectably truncated answers at the moment of the kill are
counted apart), and afterwards every request succeeds again. The full run
(16 and 64 clients for 60 s) is ``make load``.
"""

from __future__ import annotations

from pathlib import Path

from bench.load_faults import Client, Request, run, serving


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
