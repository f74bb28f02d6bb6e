"""Benchmark this service against Oxigraph server, side by side on loopback: ``python -m bench.run``.

One command prepares the data (builds or reuses it), starts every server on
a free loopback port, checks that they return the same answers, measures
each request sequentially, then runs the mixes with 1, 4, 16 and 64
closed-loop clients (repeats interleaved across the servers, so that the
noise of a shared machine hits all of them alike), stops the servers and
writes ``report.md`` and ``results.json`` into ``bench/results/<dataset>-<time>/``.
Every phase is bounded in time and in requests. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import shlex
import signal
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pjgj.namespaces import sparql_prologue

from . import compare, mix, procs, report, servers, synth
from .client import Connection, HttpRequest, Job, percentile, run_load
from .dataset import Dataset, prepare_real, prepare_synth
from .servers import Server

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WORK = Path("bench/results/work")
DEFAULT_OUT = Path("bench/results")
#: from this many triples on, load runs last 10 s instead of 3 s by default
LONG_RUNS_FROM = 200_000
#: servers whose work is partly done by another server of the run
BEHIND = {"pjgj-remote": ("oxigraph-mem",)}
#: graphs up to this size are compared triple by triple when their checksums differ
DIFF_LIMIT = 300_000
REFERENCE_ORDER = ("oxigraph-mem", "oxigraph-disk", "pjgj", "pjgj-remote", "rdflib-endpoint")


@dataclass
class Settings:
    dataset: str
    seed: int
    servers: list[str]
    mixes: list[str]
    clients: list[int]
    seconds: float
    repeats: int
    rounds: int
    runs: int
    budget: float
    cache: bool
    timeout: float
    max_requests: int
    startup_repeats: int
    detail_clients: int
    idle_limit: float
    warmup: float
    rdflib_endpoint: str | None
    pjgj_env: dict[str, str] = field(default_factory=dict)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# ---------------------------------------------------------------- servers


class Fleet:
    """The running servers, their memory sampler, and a way to stop them all."""

    def __init__(self) -> None:
        self.servers: dict[str, Server] = {}
        self.sampler = procs.Sampler({})
        self.after_load: dict[str, procs.Usage] = {}

    def add(self, server: Server, idle_limit: float) -> None:
        self.servers[server.name] = server
        self.sampler.roots[server.name] = server.pid
        self.wait_idle(idle_limit)
        self.after_load[server.name] = self.sampler.snapshot(server.name)

    def pids(self) -> list[int]:
        found: list[int] = []
        for server in self.servers.values():
            pid = server.pid()
            if pid is not None:
                found += procs.tree(pid)
        return found

    def serving(self, name: str) -> list[int]:
        """The processes that do the work of ``name``: pjgj-remote's includes the Oxigraph server it queries."""
        found: list[int] = []
        for part in [name, *BEHIND.get(name, ())]:
            pid = self.servers[part].pid() if part in self.servers else None
            if pid is not None:
                found += procs.tree(pid)
        return found

    def wait_idle(self, limit: float) -> float:
        return procs.wait_idle(self.pids, limit=limit)

    def stop(self) -> None:
        self.sampler.stop()
        for server in self.servers.values():
            server.stop()


def start_servers(settings: Settings, data: Dataset, work: Path, logs: Path, fleet: Fleet) -> None:
    fleet.sampler.start()
    wanted = settings.servers
    if "oxigraph-disk" in wanted:
        _log("oxigraph load + serve --location")
        fleet.add(servers.start_oxigraph_disk(data.store_file, logs, work), settings.idle_limit)
    if "oxigraph-mem" in wanted:
        _log("oxigraph serve (in memory) + upload")
        fleet.add(servers.start_oxigraph_mem(data.store_file, logs), settings.idle_limit)
    if "pjgj" in wanted:
        _log("pjgj serve")
        server = servers.start_pjgj(data.build_dir, logs, settings.pjgj_env)
        for _ in range(settings.startup_repeats - 1):
            procs.wait_idle(lambda: procs.tree(server.process.pid), limit=settings.idle_limit)
            servers.restart_pjgj(server, data.build_dir, settings.pjgj_env)
        fleet.add(server, settings.idle_limit)
    if "pjgj-remote" in wanted:
        memory = fleet.servers.get("oxigraph-mem")
        if memory is None:
            raise SystemExit("pjgj-remote queries the oxigraph-mem server of the run: add oxigraph-mem to --servers")
        _log("pjgj serve with PJGJ_STORE=remote (the in-memory Oxigraph server as its store)")
        env = {**settings.pjgj_env, "PJGJ_STORE": "remote"}
        env["PJGJ_REMOTE_QUERY_URL"] = f"http://127.0.0.1:{memory.port}{memory.sparql_path}"
        fleet.add(servers.start_pjgj(data.build_dir, logs, env, name="pjgj-remote"), settings.idle_limit)
    if "rdflib-endpoint" in wanted:
        if not settings.rdflib_endpoint:
            raise SystemExit("--servers names rdflib-endpoint: give its executable with --rdflib-endpoint")
        _log("rdflib-endpoint serve")
        fleet.add(servers.start_rdflib_endpoint(settings.rdflib_endpoint, data.store_file, logs), settings.idle_limit)


# ---------------------------------------------------------------- anchors and tasks


def _select(server: Server, query: str, timeout: float) -> list[dict[str, Any]]:
    conn = Connection(server.port, timeout)
    try:
        body = urllib.parse.urlencode({"query": query}).encode()
        headers = (("Accept", mix.RESULTS_JSON), ("Content-Type", mix.FORM_URLENCODED))
        reply = conn.send(HttpRequest("POST", server.sparql_path, headers, body), keep_body=True)
    finally:
        conn.close()
    if reply.status != 200 or reply.body is None:
        raise RuntimeError(f"{server.name} answered {reply.status} to an anchor query")
    bindings: list[dict[str, Any]] = json.loads(reply.body)["results"]["bindings"]
    return bindings


@dataclass
class Anchors:
    values: dict[str, str]  # template values
    iris: dict[str, str]
    org_label: str
    entities: list[str]  # whose pages are requested


def choose_anchors(reference: Server, timeout: float) -> Anchors:
    """The IRIs the query templates name and the pages requested, chosen by queries on the reference server."""
    iris: dict[str, str] = {}
    for name, query in mix.anchor_queries().items():
        rows = _select(reference, query, timeout)
        if not rows:
            raise RuntimeError(f"no anchor {name}: the data has no such entity")
        iris[name] = rows[0]["x"]["value"]
    label_query = sparql_prologue() + f"SELECT ?l WHERE {{ <{iris['ORG']}> skos:prefLabel ?l }} ORDER BY ?l LIMIT 1"
    rows = _select(reference, label_query, timeout)
    org_label = rows[0]["l"]["value"] if rows else "a"
    sample = _select(reference, sparql_prologue() + mix.PAGE_SAMPLE_QUERY, timeout)
    entities = list(dict.fromkeys([*iris.values(), *(r["x"]["value"] for r in sample)]))
    return Anchors(mix.complete_anchors(iris, org_label), iris, org_label, entities)


def make_tasks(settings: Settings, anchors: Anchors, base: str) -> list[mix.Task]:
    tasks: list[mix.Task] = []
    if "sparql" in settings.mixes:
        tasks += mix.example_tasks() + mix.bench_tasks(anchors.values)
    if "pages" in settings.mixes:
        tasks += mix.page_tasks(anchors.entities, base, anchors.values["TEXT"], anchors.org_label)
    return tasks


def request_maker(task: mix.Task, server: Server, cache: bool) -> Callable[[int], HttpRequest]:
    kind = "pjgj" if server.name.startswith("pjgj") else "other"

    def make(nonce: int) -> HttpRequest:
        return mix.request_for(task, kind, server.sparql_path, nonce, cache)

    return make


def applies(task: mix.Task, server: Server) -> bool:
    """rdflib-endpoint gets the SPARQL mix only."""
    return task.mix == "sparql" or server.name != "rdflib-endpoint"


# ---------------------------------------------------------------- phase 1: same answers


def check_answers(
    settings: Settings, fleet: Fleet, tasks: list[mix.Task], reference: str
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], int]]:
    """One request per task and server; answers parsed and compared with the reference server's."""
    out: dict[str, dict[str, Any]] = {}
    sizes: dict[tuple[str, str], int] = {}
    nonce = 1
    for task in tasks:
        row: dict[str, Any] = {}
        answers: dict[str, compare.Answer] = {}
        for name, server in fleet.servers.items():
            if not applies(task, server):
                continue
            conn = Connection(server.port, settings.timeout)
            nonce += 1
            try:
                reply = conn.send(request_maker(task, server, settings.cache)(nonce), keep_body=not task.store_dump)
            except (OSError, http.client.HTTPException) as err:
                row[name] = {"status": 0, "error": f"{type(err).__name__}: {err}"}
                continue
            finally:
                conn.close()
            entry: dict[str, Any] = {"status": reply.status, "bytes": reply.size, "ms": _ms(reply.seconds)}
            sizes[(task.id, name)] = reply.size
            if reply.headers.get("x-pjgj-truncated") == "true":
                entry["truncated"] = True
            if reply.status == 200 and task.compared and reply.body is not None:
                try:
                    answer = compare.parse(reply.body, reply.headers.get("content-type", ""), task.form)
                    answers[name] = answer
                    entry["size"] = answer.size
                except ValueError as err:
                    entry["error"] = str(err)
            elif reply.status != 200 and reply.body is not None:
                entry["error"] = reply.body[:300].decode("utf-8", "replace")
            row[name] = entry
        if task.compared and reference in answers:
            for name, answer in answers.items():
                if name != reference:
                    found = compare.verdict(answers[reference], answer, task.ordered)
                    if task.form == "DESCRIBE" and found != "same":
                        found += " (what DESCRIBE returns is up to the engine)"
                    row[name]["verdict"] = found
        out[task.id] = row
    return out, sizes


def check_dumps(settings: Settings, fleet: Fleet, reference: str) -> dict[str, dict[str, Any]]:
    """The whole graph each server holds: pjgj's dump file and Oxigraph's /store, as count and checksum.

    When a checksum differs from the reference's and the graphs are small
    enough to hold twice, a few triples that differ are listed.
    """
    out: dict[str, dict[str, Any]] = {}
    bodies: dict[str, bytes] = {}
    for name, server in fleet.servers.items():
        if name == "rdflib-endpoint":
            continue
        path = "/dumps/pjgj.nt" if name.startswith("pjgj") else "/store?default"
        conn = Connection(server.port, max(settings.timeout, 300))
        try:
            reply = conn.send(HttpRequest("GET", path, (("Accept", mix.NTRIPLES),)), keep_body=True)
        finally:
            conn.close()
        if reply.status != 200 or reply.body is None:
            out[name] = {"status": reply.status}
            continue
        d = compare.digest(reply.body, reply.headers.get("content-type", mix.NTRIPLES))
        out[name] = {"status": 200, "triples": d.triples, "checksum": d.checksum}
        if d.triples <= DIFF_LIMIT:
            bodies[name] = reply.body
    ref = out.get(reference, {})
    for name, entry in out.items():
        if name == reference or entry.get("checksum") == ref.get("checksum"):
            continue
        if name in bodies and reference in bodies:
            ours, theirs = compare.triple_set(bodies[name]), compare.triple_set(bodies[reference])
            entry["only_here"] = sorted(ours - theirs)[:3]
            entry["only_in_reference"] = sorted(theirs - ours)[:3]
            entry["differing_triples"] = len(ours ^ theirs)
    return out


# ---------------------------------------------------------------- warm-up


def warm_up(settings: Settings, fleet: Fleet, tasks: list[mix.Task]) -> None:
    """Every mix on every server with 4 clients for ``--warmup`` seconds, not recorded.

    Worker processes initialise lazily (templates, the search index, query
    plans); the measurements are of the warm service, as users meet it after
    its first minute.
    """
    if settings.warmup <= 0:
        return
    for mix_name in settings.mixes:
        ordered = mix.schedule([t for t in tasks if t.mix == mix_name])
        for name, server in fleet.servers.items():
            jobs = [Job(t.group, request_maker(t, server, settings.cache), None) for t in ordered if applies(t, server)]
            if jobs:
                _log(f"warm-up {mix_name}: {name}")
                run_load(server.port, jobs, 4, settings.warmup, settings.timeout, settings.max_requests, 900_000_000)


# ---------------------------------------------------------------- phase 2: one at a time


def sequential(settings: Settings, fleet: Fleet, tasks: list[mix.Task]) -> dict[str, dict[str, Any]]:
    """Each task alone, ``rounds`` rounds of up to ``runs`` requests (at most ``budget`` s) per server."""
    samples: dict[tuple[str, str], list[float]] = {}
    failures: dict[tuple[str, str], int] = {}
    conns = {name: Connection(s.port, settings.timeout) for name, s in fleet.servers.items()}
    names = list(fleet.servers)
    nonce = 10_000_000
    try:
        for r in range(settings.rounds):
            _log(f"sequential round {r + 1}/{settings.rounds}")
            for i, task in enumerate(tasks):
                order = names[(i + r) % len(names) :] + names[: (i + r) % len(names)]
                for name in order:
                    server = fleet.servers[name]
                    if not applies(task, server):
                        continue
                    make = request_maker(task, server, settings.cache)
                    spent = 0.0
                    for _ in range(settings.runs):
                        nonce += 1
                        try:
                            reply = conns[name].send(make(nonce))
                            ok = reply.status == 200
                            seconds = reply.seconds
                        except (OSError, http.client.HTTPException):
                            ok, seconds = False, settings.timeout
                        key = (task.group, name)
                        if ok:
                            samples.setdefault(key, []).append(seconds)
                        else:
                            failures[key] = failures.get(key, 0) + 1
                        spent += seconds
                        if spent >= settings.budget:
                            break
    finally:
        for conn in conns.values():
            conn.close()
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(set(samples) | set(failures)):
        group, name = key
        values = samples.get(key, [])
        out.setdefault(name, {})[group] = {
            "n": len(values),
            "errors": failures.get(key, 0),
            "p50_ms": _ms(percentile(values, 50)) if values else None,
            "p99_ms": _ms(percentile(values, 99)) if values else None,
            "rps": round(len(values) / sum(values), 2) if values else 0.0,
        }
    return out


# ---------------------------------------------------------------- phase 3: under load


def load_phase(
    settings: Settings, fleet: Fleet, tasks: list[mix.Task], sizes: dict[tuple[str, str], int]
) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    names = list(fleet.servers)
    nonce = 100_000_000
    step = 0
    for mix_name in settings.mixes:
        ordered = mix.schedule([t for t in tasks if t.mix == mix_name])
        if not ordered:
            continue
        for clients in settings.clients:
            for repeat in range(settings.repeats):
                rotation = names[step % len(names) :] + names[: step % len(names)]
                step += 1
                for name in rotation:
                    server = fleet.servers[name]
                    jobs = [
                        Job(t.group, request_maker(t, server, settings.cache), sizes.get((t.id, name)))
                        for t in ordered
                        if applies(t, server)
                    ]
                    if not jobs:
                        continue
                    _log(f"{mix_name} C={clients} repeat {repeat + 1}/{settings.repeats}: {name}")
                    waited = fleet.wait_idle(settings.idle_limit)
                    pids = fleet.pids()
                    cpu_all, cpu_server = procs.cpu_seconds(pids), procs.cpu_seconds(fleet.serving(name))
                    busy, client_cpu, wall = procs.machine_busy_seconds(), time.process_time(), time.monotonic()
                    result = run_load(
                        server.port, jobs, clients, settings.seconds, settings.timeout, settings.max_requests, nonce
                    )
                    nonce += settings.max_requests + 1
                    wall = time.monotonic() - wall
                    client_cpu = time.process_time() - client_cpu
                    ours = procs.cpu_seconds(fleet.pids()) - cpu_all
                    server_cpu = procs.cpu_seconds(fleet.serving(name)) - cpu_server
                    foreign = max(0.0, procs.machine_busy_seconds() - busy - ours - client_cpu) / wall
                    latencies = [s.seconds for s in result.samples if s.ok]
                    groups: dict[str, list[float]] = {}
                    for s in result.samples:
                        if s.ok:
                            groups.setdefault(s.group, []).append(round(s.seconds * 1000, 2))
                    runs.append(
                        {
                            "mix": mix_name,
                            "clients": clients,
                            "repeat": repeat,
                            "server": name,
                            "rps": round(result.throughput, 2),
                            "completed": result.completed,
                            "errors": result.errors,
                            "refused": result.refused,
                            "cut": result.cut,
                            "size_mismatches": result.size_mismatches,
                            "error_messages": result.error_messages,
                            "p50_ms": _ms(percentile(latencies, 50)) if latencies else None,
                            "p99_ms": _ms(percentile(latencies, 99)) if latencies else None,
                            "server_cpu_cores": round(server_cpu / wall, 2),
                            "client_cpu_cores": round(client_cpu / wall, 2),
                            "foreign_cores": round(foreign, 2),
                            "idle_wait_s": round(waited, 2),
                            "groups_ms": groups,
                        }
                    )
                    if not server.alive():
                        raise servers.ServerFailed(f"{name} died during the run; see {server.log}")
    return runs


# ---------------------------------------------------------------- the command


def _csv_ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _csv(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, Settings]:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="real", help="real, synth-100k, synth-1m or synth-<size> (default real)")
    p.add_argument("--seed", type=int, default=1, help="seed of the synthetic data (default 1)")
    p.add_argument("--servers", type=_csv, default=["pjgj", "oxigraph-mem", "oxigraph-disk"])
    p.add_argument("--rdflib-endpoint", help="the rdflib-endpoint executable; adds it as a peer")
    p.add_argument("--mixes", type=_csv, default=["sparql", "pages"], help="sparql,pages (default both)")
    p.add_argument("--clients", type=_csv_ints, default=[1, 4, 16, 64], help="concurrent clients (default 1,4,16,64)")
    p.add_argument(
        "--seconds", type=float, help=f"length of one load run (default 3, or 10 above {LONG_RUNS_FROM:,} triples)"
    )
    p.add_argument("--repeats", type=int, default=3, help="load runs per mix, C and server, interleaved (default 3)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of the sequential phase (default 3)")
    p.add_argument("--runs", type=int, default=5, help="requests per task, server and round at most (default 5)")
    p.add_argument("--budget", type=float, default=0.3, help="seconds per task, server and round at most")
    p.add_argument("--cache", choices=("off", "on"), default="off", help="off: a nonce defeats every cache")
    p.add_argument("--timeout", type=float, default=30.0, help="client timeout of one request, seconds")
    p.add_argument("--max-requests", type=int, default=50_000, help="requests of one load run at most")
    p.add_argument("--startup-repeats", type=int, default=3, help="cold starts of pjgj serve to time (default 3)")
    p.add_argument("--detail-clients", type=int, default=16, help="C of the per-request table under load")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of unrecorded load per mix and server")
    p.add_argument("--idle-limit", type=float, default=15.0, help="wait at most this long for idle servers")
    p.add_argument("--pjgj-env", action="append", default=[], help="KEY=VALUE for pjgj serve (repeatable)")
    p.add_argument("--work", type=Path, default=DEFAULT_WORK, help="builds, synthetic data, databases")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the result folders go")
    p.add_argument("--require-valid", action="store_true", help="stop when pjgj build refuses the data")
    p.add_argument("--rebuild", action="store_true", help="build the real dataset again even if unchanged")
    args = p.parse_args(argv)
    servers_wanted = list(args.servers)
    if args.rdflib_endpoint and "rdflib-endpoint" not in servers_wanted:
        servers_wanted.append("rdflib-endpoint")
    unknown = [s for s in servers_wanted if s not in servers.KINDS]
    if unknown:
        p.error(f"unknown server(s) {', '.join(unknown)}; choose from {', '.join(servers.KINDS)}")
    # distinct users behind a proxy: each load client sends its own X-Forwarded-For (see client.py),
    # so that the per-client query cap applies per client and not to the whole benchmark
    env = {"PJGJ_TRUSTED_PROXIES": "127.0.0.1"}
    if args.cache == "off":
        env.update({"PJGJ_QUERY_CACHE": "0", "PJGJ_PAGE_CACHE": "0"})
    env.update(dict(item.split("=", 1) for item in args.pjgj_env))
    settings = Settings(
        dataset=args.dataset,
        seed=args.seed,
        servers=servers_wanted,
        mixes=args.mixes,
        clients=args.clients,
        seconds=args.seconds or 0.0,
        repeats=args.repeats,
        rounds=args.rounds,
        runs=args.runs,
        budget=args.budget,
        cache=args.cache == "on",
        timeout=args.timeout,
        max_requests=args.max_requests,
        startup_repeats=max(1, args.startup_repeats if "pjgj" in servers_wanted else 1),
        detail_clients=args.detail_clients,
        idle_limit=args.idle_limit,
        warmup=args.warmup,
        rdflib_endpoint=args.rdflib_endpoint,
        pjgj_env=env,
    )
    return args, settings


def prepare(settings: Settings, work: Path, args: argparse.Namespace) -> Dataset:
    real = prepare_real(work, require_valid=args.require_valid, rebuild=args.rebuild)
    if settings.dataset == "real":
        return real
    if not settings.dataset.startswith("synth-"):
        raise SystemExit(f"unknown dataset {settings.dataset!r}: real, synth-100k, synth-1m or synth-<size>")
    size = synth.parse_size(settings.dataset.removeprefix("synth-"))
    return prepare_synth(work, size, settings.seed, real)


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:")), 0)
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "load_average_at_start": procs.load_average(),
        "python": platform.python_version(),
        "system": platform.platform(terse=True),
    }


def main(argv: list[str] | None = None) -> int:
    args, settings = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so that every server started so far is stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = args.work if args.work.is_absolute() else ROOT / args.work
    out_root = args.out if args.out.is_absolute() else ROOT / args.out
    started = dt.datetime.now()
    _log(f"preparing {settings.dataset}")
    data = prepare(settings, work, args)
    if not settings.seconds:  # big data has queries of a second or more: a 3 s window would hold a few
        settings.seconds = 3.0 if data.triples < LONG_RUNS_FROM else 10.0
    folder = out_root / f"{data.name}-{started.strftime('%Y%m%d-%H%M%S')}"
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {
        "dataset": data.name,
        "triples": data.triples,
        "origin": data.origin,
        "prepare_seconds": data.prepare_seconds,
        "notes": data.notes,
        "command": "python -m bench.run " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": {
            "pyoxigraph": ox.__version__,
            "oxigraph": servers.version(servers.tool("oxigraph")),
        },
        "settings": asdict(settings),
        "pjgj_environment": {k: v for k, v in os.environ.items() if k.startswith("PJGJ_")},
    }
    fleet = Fleet()
    results: dict[str, Any] = {"meta": meta}
    try:
        start_servers(settings, data, work, logs, fleet)
        reference = next(n for n in REFERENCE_ORDER if n in fleet.servers)
        meta["reference"] = reference
        anchors = choose_anchors(fleet.servers[reference], settings.timeout)
        meta["anchors"] = {**anchors.iris, "TEXT": anchors.values["TEXT"], "ORG_LABEL": anchors.org_label}
        base = json.loads((data.build_dir / "manifest.json").read_text(encoding="utf-8"))["base"]
        tasks = make_tasks(settings, anchors, base)
        results["tasks"] = [
            {"id": t.id, "group": t.group, "mix": t.mix, "title": t.title, "weight": t.weight, "form": t.form}
            for t in tasks
        ]
        _log(f"checking answers of {len(tasks)} requests")
        results["check"], sizes = check_answers(settings, fleet, tasks, reference)
        results["dump_check"] = check_dumps(settings, fleet, reference)
        warm_up(settings, fleet, tasks)
        results["sequential"] = sequential(settings, fleet, tasks)
        results["load"] = load_phase(settings, fleet, tasks, sizes)
    finally:
        results["servers"] = {
            name: {
                "load_seconds": s.load_seconds,
                "ready_seconds": [round(x, 3) for x in s.ready_seconds],
                "after_load": asdict(fleet.after_load.get(name, procs.Usage())),
                "final": asdict(fleet.sampler.usage.get(name, procs.Usage())),
            }
            for name, s in fleet.servers.items()
        }
        fleet.stop()
        results["meta"]["finished"] = dt.datetime.now().isoformat(timespec="seconds")
        (folder / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    text = report.render(results)
    (folder / "report.md").write_text(text, encoding="utf-8")
    print(text)
    _log(f"wrote {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
