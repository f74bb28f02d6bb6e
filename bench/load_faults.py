"""Load and faults: many clients, a hostile one, and killed processes; nothing malformed, the server recovers.

``python -m bench.load_faults`` (or ``make load``) builds the real sources (or
uses ``--build-dir``), starts ``pjgj serve`` on a free loopback port and, for
each client count (16 and 64 by default), runs for ``--seconds`` (60):

* N ordinary clients, each with its own address (``X-Forwarded-For``; the
  server trusts the loopback proxy for this run), looping over a mix of the
  example questions, entity pages (HTML and Turtle), searches, the home page
  and the dumps;
* one hostile client sending heavy queries (a 4-way cross join, a 10-level
  CONCAT blow-up, a GROUP_CONCAT over a cross product) from three threads, so
  that it also meets its per-client cap (429);
* faults: at a third of the run one HTTP worker gets SIGKILL, at two
  thirds one query worker does.

Every answer is classified: ``ok`` (2xx/3xx/304, body well-formed for its type),
``clean error`` (a complete 4xx/5xx response), ``reset`` (the connection closed
before any response: the client can retry), ``truncated`` (fewer bytes than
Content-Length: detectable), ``malformed`` (anything else: an unparseable
status line, a 200 whose body does not parse as its type). The report gives
throughput, p50/p99 latency of the ordinary clients, the counts, the peak RSS
of the whole server process tree, the heavy queries stopped (503), the 429s,
and how long the server took to replace the killed processes. Loopback only;
every phase is bounded. Results: ``bench/results/load-faults-<time>.{md,json}``.

The test suite runs the same code for a few seconds (tests/http/test_hostile_faults.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.client import HTTPConnection, HTTPException, IncompleteRead, RemoteDisconnected
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

from . import procs
from .servers import free_port, stop_process

ROOT = Path(__file__).resolve().parents[1]

HEAVY = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    'SELECT (STRLEN(?x10) AS ?n) WHERE { BIND("0123456789" AS ?x0) '
    + " ".join(f"BIND(CONCAT({','.join([f'?x{i - 1}'] * 10)}) AS ?x{i})" for i in range(1, 11))
    + " }",
    "SELECT (STRLEN(GROUP_CONCAT(STR(?o))) AS ?n) WHERE { ?s ?p ?o . ?s2 ?p2 ?o2 . ?s3 ?p3 ?o3 }",
]


# ---------------------------------------------------------------- the server and its processes


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found += [int(c) for c in text.split()]
    except OSError:
        pass
    return found


def comm(pid: int) -> str:
    """The process name (what prctl(PR_SET_NAME) set), empty if the process is gone."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def web_workers(self) -> list[int]:
        return children(self.process.pid)

    def query_workers(self) -> list[int]:
        """Forked by each web worker's fork server (pjgj.forkserver), named by pjgj.queryworker.NAME."""
        forks = [f for w in self.web_workers() for f in children(w)]
        return [q for f in forks for q in children(f) if comm(q) == "pjgj-query"]

    def settled(self, web: int, query: int, limit: float = 10.0) -> bool:
        """Whether ``web`` HTTP workers and ``query`` query workers in all are up within ``limit`` seconds:
        the first answer can come before the last worker has forked its query workers."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if len(self.web_workers()) == web and len(self.query_workers()) == query:
                return True
            time.sleep(0.05)
        return False


def wait_answering(port: int, limit: float = 60.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        conn = HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/sparql?query=ASK%7B%7D")
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    raise RuntimeError(f"the server on port {port} did not answer within {limit:g} s")


@contextmanager
def serving(build_dir: Path, log: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """``pjgj serve`` on a free loopback port, trusting the loopback proxy; stopped at the end."""
    port = free_port()
    full_env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PJGJ_BUILD_DIR": str(build_dir),
        "PJGJ_TRUSTED_PROXIES": "127.0.0.1",
        **(env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pjgj.cli", "serve"],
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stopped as a group: workers included
        )
    server = Server(process, port, log)
    try:
        wait_answering(port)
        yield server
    finally:
        stop_process(process)


# ---------------------------------------------------------------- clients


@dataclass
class Request:
    kind: str
    path: str
    accept: str
    #: answers that are right for this request although not 2xx (a retired IRI answers 410)
    expected: tuple[int, ...] = ()


@dataclass
class Outcome:
    kind: str
    status: int
    seconds: float
    verdict: str  # ok | clean error | reset | truncated | malformed
    note: str = ""


def well_formed(path: str, media_type: str, body: bytes) -> bool:
    """The body parses as the type the response claims."""
    try:
        if path.endswith(".gz"):
            body = gzip.decompress(body)
            media_type = "application/n-triples" if ".nt" in path else media_type
        if "json" in media_type:
            json.loads(body)
        elif "xml" in media_type:
            ElementTree.fromstring(body)
        elif media_type == "text/html":
            text = body.decode("utf-8")
            return text.rstrip().endswith("</html>")
        elif media_type == "application/n-triples":
            lines = body.decode("utf-8").splitlines()
            return all(line.endswith(" .") for line in lines if line)
        else:
            body.decode("utf-8")
    except (ValueError, ElementTree.ParseError, OSError, EOFError):
        return False
    return True


class Client:
    """One keep-alive connection that reconnects after a failure; classifies every answer."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.conn: HTTPConnection | None = None

    def send(self, request: Request, method: str = "GET", body: bytes | None = None) -> Outcome:
        headers = {"Accept": request.accept, "X-Forwarded-For": self.address}
        if body is not None:
            headers["Content-Type"] = "application/sparql-query"
        started = time.monotonic()
        got_response = False
        try:
            if self.conn is None:
                self.conn = HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, request.path, body=body, headers=headers)
            response = self.conn.getresponse()
            got_response = True
            data = response.read()
            elapsed = time.monotonic() - started
            media = (response.getheader("Content-Type") or "").split(";")[0].strip()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            if response.status >= 400 and response.status not in request.expected:
                return Outcome(
                    request.kind, response.status, elapsed, "clean error", data[:200].decode(errors="replace")
                )
            if response.status in (200, 206) and not well_formed(request.path, media, data):
                return Outcome(request.kind, response.status, elapsed, "malformed", f"{media} does not parse")
            return Outcome(request.kind, response.status, elapsed, "ok")
        except IncompleteRead as err:
            self.close()
            return Outcome(request.kind, 0, time.monotonic() - started, "truncated", str(err)[:100])
        except (RemoteDisconnected, ConnectionError, TimeoutError, OSError) as err:
            self.close()
            verdict = "truncated" if got_response else "reset"
            return Outcome(request.kind, 0, time.monotonic() - started, verdict, type(err).__name__)
        except HTTPException as err:  # a status line or headers that do not parse
            self.close()
            return Outcome(request.kind, 0, time.monotonic() - started, "malformed", f"{type(err).__name__}: {err}")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def ordinary_requests(build_dir: Path) -> list[Request]:
    """The mix: every example question, entity pages as HTML and Turtle, searches, home, dumps."""
    manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    labels = json.loads((build_dir / "labels.json").read_text(encoding="utf-8"))
    base = str(manifest["base"])
    out = [
        Request("example", "/sparql?query=" + quote(str(e["query"]), safe=""), "application/sparql-results+json")
        for e in manifest["examples"]
        if str(e.get("kind", "")).upper() in ("SELECT", "ASK", "")
    ]
    out += [
        Request("example", "/sparql?query=" + quote(str(e["query"]), safe=""), "text/turtle")
        for e in manifest["examples"]
        if str(e.get("kind", "")).upper() in ("CONSTRUCT", "DESCRIBE")
    ]
    entities = [str(e["iri"])[len(base) - 1 :] for e in labels if str(e["iri"]).startswith(base + "id/")]
    rng = random.Random(5)
    for path in rng.sample(entities, min(60, len(entities))):
        out.append(Request("entity", path, "text/html", (410,)))
        out.append(Request("entity", path, "text/turtle", (410,)))
    out += [Request("page", "/", "text/html"), Request("page", "/search?q=lashkar", "text/html")]
    out += [Request("dump", "/dumps/index.json", "application/json")]
    out += [Request("dump", f"/dumps/{name}", "*/*") for name in ("pjgj.nt.gz", "pjgj.ttl.gz", "ontology.ttl")]
    return out


# ---------------------------------------------------------------- one run


@dataclass
class RunResult:
    clients: int
    seconds: float
    requests: int
    throughput: float
    p50_ms: float
    p99_ms: float
    verdicts: dict[str, int]
    errors_by_status: dict[str, int]
    peak_rss_mb: float
    heavy_sent: int
    heavy_stopped: int
    heavy_refused_429: int
    web_worker_replaced_s: float | None
    query_worker_replaced_s: float | None
    malformed_examples: list[str] = field(default_factory=list)
    #: every answer the hostile client got: "status verdict" -> count
    heavy_outcomes: dict[str, int] = field(default_factory=dict)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _replaced(before: set[int], current: Callable[[], list[int]], count: int, limit: float) -> float | None:
    """Seconds until ``count`` processes are there again, none of them one of ``before`` that was killed."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        now = set(current())
        if len(now) >= count and now - before:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def run(
    server: Server,
    build_dir: Path,
    clients: int,
    seconds: float,
    heavy_threads: int = 3,
    kill_web_at: float | None = None,
    kill_query_at: float | None = None,
) -> RunResult:
    requests = ordinary_requests(build_dir)
    stop = threading.Event()
    outcomes: list[Outcome] = []
    heavy: list[Outcome] = []
    lock = threading.Lock()
    peak = [0]

    def ordinary(index: int) -> None:
        rng = random.Random(index)
        client = Client(server.port, f"10.{index // 250}.{index % 250}.1")
        while not stop.is_set():
            outcome = client.send(rng.choice(requests))
            with lock:
                outcomes.append(outcome)
        client.close()

    def hostile(index: int) -> None:
        client = Client(server.port, "192.0.2.66")  # one client, several connections: meets its cap
        n = index
        while not stop.is_set():
            query = HEAVY[n % len(HEAVY)]
            n += 1
            outcome = client.send(
                Request("heavy", "/sparql", "application/sparql-results+json"), "POST", query.encode()
            )
            with lock:
                heavy.append(outcome)
            if outcome.status == 429:
                time.sleep(0.5)
        client.close()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], procs.rss_bytes(procs.tree(server.process.pid)))
            time.sleep(0.25)

    threads = [threading.Thread(target=ordinary, args=(i,), daemon=True) for i in range(clients)]
    threads += [threading.Thread(target=hostile, args=(i,), daemon=True) for i in range(heavy_threads)]
    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    sampler.start()
    web_replaced = query_replaced = None
    faults = sorted(
        [(t, "web") for t in [kill_web_at] if t is not None] + [(t, "query") for t in [kill_query_at] if t is not None]
    )
    for at, what in faults:
        time.sleep(max(0.0, started + at - time.monotonic()))
        if what == "web":
            before = server.web_workers()
            if before:
                os.kill(before[0], signal.SIGKILL)
                web_replaced = _replaced(set(before), server.web_workers, len(before), 60)
        else:
            before = server.query_workers()
            if before:
                os.kill(before[0], signal.SIGKILL)
                query_replaced = _replaced(set(before), server.query_workers, len(before), 60)
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    sampler.join()
    elapsed = time.monotonic() - started

    ok_latencies = [o.seconds for o in outcomes if o.verdict == "ok"]
    verdicts = Counter(o.verdict for o in outcomes)
    errors = Counter(str(o.status) for o in outcomes if o.verdict == "clean error")
    stopped = [o for o in heavy if o.status == 503 and "limit" in o.note]
    return RunResult(
        clients=clients,
        seconds=round(elapsed, 1),
        requests=len(outcomes),
        throughput=round(len(outcomes) / elapsed, 1),
        p50_ms=round(_percentile(ok_latencies, 0.50) * 1000, 1),
        p99_ms=round(_percentile(ok_latencies, 0.99) * 1000, 1),
        verdicts={k: verdicts.get(k, 0) for k in ("ok", "clean error", "reset", "truncated", "malformed")},
        errors_by_status=dict(sorted(errors.items())),
        peak_rss_mb=round(peak[0] / 1024**2, 1),
        heavy_sent=len(heavy),
        heavy_stopped=len(stopped),
        heavy_refused_429=sum(1 for o in heavy if o.status == 429),
        web_worker_replaced_s=None if web_replaced is None else round(web_replaced, 2),
        query_worker_replaced_s=None if query_replaced is None else round(query_replaced, 2),
        malformed_examples=[f"{o.kind}: {o.note}" for o in outcomes + heavy if o.verdict == "malformed"][:10],
        heavy_outcomes=dict(sorted(Counter(f"{o.status} {o.verdict}" for o in heavy).items())),
    )


# ---------------------------------------------------------------- the command


def table(results: list[RunResult]) -> str:
    head = (
        "| clients | req/s | p50 ms | p99 ms | requests | errors (clean) | resets | truncated | malformed "
        "| peak RSS MB | heavy sent | heavy stopped (503) | heavy 429 | web worker back in s | query worker back in s |"
    )
    rule = "|" + "---:|" * 15
    rows = [
        f"| {r.clients} | {r.throughput} | {r.p50_ms} | {r.p99_ms} | {r.requests} | {r.verdicts['clean error']} "
        f"| {r.verdicts['reset']} | {r.verdicts['truncated']} | {r.verdicts['malformed']} | {r.peak_rss_mb} "
        f"| {r.heavy_sent} | {r.heavy_stopped} | {r.heavy_refused_429} | {r.web_worker_replaced_s} "
        f"| {r.query_worker_replaced_s} |"
        for r in results
    ]
    return "\n".join([head, rule, *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_faults", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--heavy-threads", type=int, default=3)
    parser.add_argument("--no-faults", action="store_true", help="kill nothing (a baseline for the counts)")
    parser.add_argument("--build-dir", type=Path, help="a build to serve (default: build the real sources)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    if args.seconds > 600 or max(args.clients) > 256:
        parser.error("bounded: at most 600 s and 256 clients per run")

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    work = args.out / f"load-faults-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    build_dir = args.build_dir.resolve() if args.build_dir is not None else None
    if build_dir is None:
        build_dir = work / "build"
        print(f"building the real sources into {build_dir} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pjgj.cli", "build", "--output", str(build_dir)], check=True)
    results = []
    for clients in args.clients:
        with serving(build_dir, work / f"serve-{clients}.log") as server:
            print(f"{clients} clients + 1 hostile, {args.seconds:g} s ...", file=sys.stderr)
            result = run(
                server,
                build_dir,
                clients,
                args.seconds,
                args.heavy_threads,
                kill_web_at=None if args.no_faults else args.seconds / 3,
                kill_query_at=None if args.no_faults else 2 * args.seconds / 3,
            )
            results.append(result)
            print(table([result]), file=sys.stderr)
            print(f"hostile client's answers: {result.heavy_outcomes}", file=sys.stderr)
    triples = json.loads((build_dir / "manifest.json").read_text())["triples"]
    text = (
        f"# Load and faults, {stamp}\n\n{triples:,} triples; {os.cpu_count()} cores; client and server on one machine "
        f"(loopback); {args.seconds:g} s per run; default limits (query time limit 10 s, 2 queries per client).\n"
        "Latencies are of the ordinary clients' successful answers. At 1/3 of each run one HTTP worker got "
        "SIGKILL, at 2/3 one query worker.\n\n"
        + table(results)
        + "\n\nThe hostile client's answers (status, verdict): "
        + "; ".join(f"{r.clients} clients: {r.heavy_outcomes}" for r in results)
        + "\n"
    )
    (work / "report.md").write_text(text, encoding="utf-8")
    (work / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    print(text)
    print(f"written to {work}", file=sys.stderr)
    return 1 if any(r.verdicts["malformed"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
