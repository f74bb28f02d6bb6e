"""``pjgj serve``: the web service under granian, at HOST:PORT.

Why granian (docs/decisions/20261125-store.md has the numbers): it parses HTTP
in Rust and runs several worker processes, so one crashed process does not
take the site down, and it starts a new one when a worker dies. On the
benchmark's query mix it answered 795 req/s where gunicorn (gthread) answered
440 with the same app (16 clients; Python HTTP handling was about 0.8 ms of the
CPU a query cost the web process). Each worker runs
``PJGJ_WEB_THREADS`` requests at once in threads, so a request waiting on a
slow query does not block the others; the query itself runs in a killable
query worker (:mod:`pjgj.querypool`).

The app, and with it the store, is loaded once, in the server process; granian
forks the HTTP workers from it, and each forks its query workers
(:mod:`pjgj.forkserver`) before it starts serving, while it has one thread.
Every process reads the same pages of one loaded store, so the start costs one
load, not one per process, and a replacement worker is ready at once.

The build is checked before anything starts, so that a missing or corrupt
build stops with one clear line instead of a worker boot loop.

Hardening (README "Limits and security"): the app itself answers over-long
request lines (414) and too many or too large headers (431), with its headers
and JSON errors; granian drops a client that does not send its headers within
``PJGJ_REQUEST_TIMEOUT``; ``X-Forwarded-For`` is believed only from
``PJGJ_TRUSTED_PROXIES`` (:mod:`pjgj.web.fairuse`); the server process installs
an outbound-connection guard (:mod:`pjgj.sandbox`) before it loads the app, so
every process forked from it has it; the HTTP workers share one directory of
fair-use slot files, removed when the server stops. There is no debug mode: the
app is never run by Werkzeug's development server.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask

from .config import Config
from .errors import BuildError

#: connections one HTTP worker serves at once (granian's default for one worker and its backlog)
BACKPRESSURE = 1024

#: the app, loaded once by :func:`run` in the server process and inherited by every HTTP worker
_app: Flask | None = None


def worker_app(config: Config, fair_use_dir: Path) -> Flask:
    """The app the HTTP workers inherit, loaded once: the outbound guard first (nothing may connect out,
    in this process or any forked from it), then the app, without query workers (see below)."""
    from .sandbox import guard_outbound
    from .web import create_app

    guard_outbound(outbound_allowed(config))
    return create_app(config, fair_use_dir=fair_use_dir, query_workers=False)


def http_worker() -> Flask:
    """What granian calls in each new HTTP worker before it serves (one thread so far): fork its query
    workers, and hand over the inherited app."""
    if _app is None:
        raise RuntimeError("pjgj serve: the HTTP worker found no loaded app (it must be forked by `pjgj serve`)")
    _app.extensions["pjgj"].start_query_workers(on_lost=_fork_server_lost)
    return _app


def _fork_server_lost() -> None:
    """This worker's fork server died (the out-of-memory killer counts the store it shares): no query
    worker can be replaced any more, and none can be forked from here now that threads run. End this
    worker; granian starts a new one, with a new fork server."""
    print("pjgj serve: an HTTP worker lost its fork server; replacing the worker", file=sys.stderr, flush=True)
    os._exit(70)


def outbound_allowed(config: Config) -> frozenset[str]:
    """The hosts a web process may connect to: a configured remote store's, nothing else."""
    from .sandbox import allowed_hosts

    if config.store == "remote":
        return allowed_hosts([config.remote_query_url])
    return frozenset()


def server(config: Config) -> Any:
    """The granian server for ``config`` (not started)."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    return Granian(
        f"{__name__}:http_worker",
        factory=True,
        address=config.host,
        port=config.port,
        interface=Interfaces.WSGI,
        # HTTP/1.1 only: no cleartext HTTP/2 to expose (a reverse proxy speaks HTTP/2 to clients)
        http=HTTPModes.http1,
        websockets=False,
        workers=config.web_workers,
        blocking_threads=config.web_threads,
        # connections a worker takes on at once (granian counts connections, not requests: a kept-alive
        # connection holds its place, so a bound near the thread count starved the clients past it for
        # as long as the others stayed connected: p99 3 s at 64 clients); the threads bound the work
        backpressure=BACKPRESSURE,
        http1_settings=HTTP1Settings(header_read_timeout=int(config.request_timeout * 1000)),
        respawn_failed_workers=True,
        respawn_interval=0.1,
        workers_kill_timeout=5,
        log_access=config.access_log,
        log_level=LogLevels.info,
    )


def check_remote(config: Config, triples: int) -> None:
    """With PJGJ_STORE=remote: the store answers and holds the build (same triple count), else BuildError."""
    from .web import check_store

    check_store(config)
    if config.store != "remote":
        return
    from .remote import StoreUnavailable, check

    try:
        check(config.remote_query_url, triples, config.query_timeout)
    except StoreUnavailable as err:
        raise BuildError(err.message) from None


def run(config: Config) -> int:
    global _app
    from .web import check_build

    try:  # fail fast, in the foreground, with the reason
        manifest = check_build(config)
        check_remote(config, int(manifest["triples"]))
    except BuildError as err:
        print(f"pjgj serve: {err}", file=sys.stderr)
        return 2
    print(f"pjgj serve: http://{config.host}:{config.port}/ (build {config.build_dir})", file=sys.stderr)
    fair_use_dir = Path(tempfile.mkdtemp(prefix="pjgj-fairuse-"))
    try:
        _app = worker_app(config, fair_use_dir)
        # what is loaded now is shared by every worker forked from here: keep the collector from
        # writing to those objects (each write would copy a page into the worker)
        gc.freeze()
        while True:
            running: Any = server(config)
            try:
                running.serve()
                break  # stopped as asked (SIGINT, SIGTERM)
            except SystemExit:
                if running.interrupt_signal:  # asked to stop, with a worker lost on the way
                    raise
            # granian gives up (SystemExit) when a worker dies again within seconds of its
            # replacement; ours only die when killed from outside (the out-of-memory killer):
            # start them all again
            print("pjgj serve: the HTTP workers kept dying; starting them again in 1 s", file=sys.stderr, flush=True)
            time.sleep(1)
    finally:
        shutil.rmtree(fair_use_dir, ignore_errors=True)
    return 0
