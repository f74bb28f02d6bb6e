"""Cold start of ``pjgj serve`` and request latency over HTTP (p50), measured against the real server.

    .venv/bin/python bench/http_latency.py [--build-dir DIR] [--requests 30] [--starts 3]

Without --build-dir, the real sources are assembled and the artefacts
written into a temporary directory (without the validation step, so that
curators' work in progress can be measured too; ``pjgj build`` refuses
invalid data). Then ``pjgj serve`` is started --starts times on a free port:
cold start is the time from launching the command to the first answered
query. Latency is measured with one client, sequentially, on loopback.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from common import ROOT, example_queries

from pjgj.build import _examples, write_artefacts
from pjgj.config import Config
from pjgj.validate import assemble


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(port: int, path: str, accept: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


def start(build_dir: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    env = {**os.environ, "PORT": str(port), "PJGJ_BUILD_DIR": str(build_dir)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pjgj.cli", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while True:
        try:
            status, _ = fetch(port, "/sparql?query=ASK%7B%7D", "application/sparql-results+json")
            if status == 200:
                return process, time.perf_counter() - started
        except OSError:
            time.sleep(0.01)
        if process.poll() is not None or time.perf_counter() - started > 60:
            raise SystemExit("pjgj serve did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def build_from_sources(out: Path) -> float:
    config = Config(build_dir=out)
    started = time.perf_counter()
    assembled = assemble(config)
    write_artefacts(out, config, assembled, _examples(config, _NoInputs()), sorted((ROOT / "shapes").glob("*.ttl")))
    return time.perf_counter() - started


class _NoInputs:
    examples_dir = None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", type=Path)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        build_dir = args.build_dir
        if build_dir is None:
            build_dir = Path(tmp) / "build"
            build_dir.mkdir()
            seconds = build_from_sources(build_dir)
            print(f"artefacts of the real sources written in {seconds:.1f} s (parse + derive + write, no validation)")
        colds = []
        for _ in range(args.starts):
            port = free_port()
            process, cold = start(build_dir, port)
            colds.append(cold)
            stop(process)
        each = ", ".join(f"{c:.2f}" for c in colds)
        print(f"cold start of `pjgj serve` (to first answered query): median {statistics.median(colds):.2f} s ({each})")

        port = free_port()
        process, _ = start(build_dir, port)
        try:
            cases: list[tuple[str, str, str]] = [
                (f"example {e.id}", "/sparql?" + urlencode({"query": e.query}), "application/sparql-results+json")
                for e in example_queries()[:10]
            ]
            cases += [
                ("ASK {}", "/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
                ("resource as Turtle", "/id/org/lashkar-e-taiba", "text/turtle"),
                ("resource as HTML", "/id/org/lashkar-e-taiba", "text/html"),
                ("VoID", "/.well-known/void", "text/turtle"),
            ]
            print("\n| request | p50 ms | max ms | status |\n|---|---:|---:|---|")
            for name, path, accept in cases:
                times, statuses = [], set()
                for _ in range(args.requests):
                    status, ms = fetch(port, path, accept)
                    times.append(ms)
                    statuses.add(status)
                print(f"| {name} | {statistics.median(times):.1f} | {max(times):.1f} | {sorted(statuses)} |")
        finally:
            stop(process)


if __name__ == "__main__":
    main()
