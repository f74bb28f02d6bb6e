"""``pjgj serve``: the web service under gunicorn, at HOST:PORT.

Why gunicorn (docs/decisions/20261125-store.md has the numbers): it runs
several worker processes, so one crashed or stuck process does not take the
site down, and it restarts workers that die; waitress runs threads in one
process and never stops a runaway request. Workers use threads (``gthread``)
so that a request waiting on a slow query does not block the others; the
query itself runs in a killable query worker (:mod:`pjgj.querypool`), so
gunicorn's own worker timeout is only a last resort.

The app, and with it the store, is loaded once, in the server process
(``preload_app``); gunicorn forks the HTTP workers from it, and each forks its
query workers (:mod:`pjgj.forkserver`) before it starts its threads. Every
process reads the same pages of one loaded store, so the start costs one
load, not one per process, and a replacement worker is ready at once
(docs/decisions/20261125-store.md).

The build is checked before gunicorn starts, so that a missing or corrupt
build stops with one clear line instead of a worker boot loop.

Hardening (README "Limits and security"): gunicorn refuses over-long request
lines (414) and too many or too large headers (431) before the app sees them;
``X-Forwarded-*`` headers are believed only from ``PJGJ_TRUSTED_PROXIES``;
every HTTP worker installs an outbound-connection guard (:mod:`pjgj.sandbox`)
before it serves anything; the HTTP workers share one directory of fair-use
slot files (:mod:`pjgj.web.fairuse`), removed when the server stops. There is
no debug mode: the app is never run by Werkzeug's development server.
"""

from __future__ import annotations

import gc
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from .config import Config
from .errors import BuildError

#: gunicorn refuses a longer request line whatever it is told
GUNICORN_MAX_LINE = 8190


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, config: Config, options: dict[str, Any], fair_use_dir: Path) -> None:
        self.pjgj_config = config
        self.options = options
        self.fair_use_dir = fair_use_dir
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        app = worker_app(self.pjgj_config, self.fair_use_dir)
        # what is loaded now is shared by every worker forked from here: keep the collector from
        # writing to those objects (each write would copy a page into the worker)
        gc.freeze()
        return app


def worker_app(config: Config, fair_use_dir: Path) -> Flask:
    """The app the HTTP workers inherit, loaded once: the outbound guard first (nothing may connect out,
    in this process or any forked from it), then the app, without query workers (see below)."""
    from .sandbox import guard_outbound
    from .web import create_app

    guard_outbound(outbound_allowed(config))
    return create_app(config, fair_use_dir=fair_use_dir, query_workers=False)


def start_query_workers(worker: Any) -> None:
    """gunicorn's ``post_worker_init``: in each new HTTP worker, before its threads start, fork its query workers."""
    app: Flask = worker.wsgi
    app.extensions["pjgj"].start_query_workers()


def outbound_allowed(config: Config) -> frozenset[str]:
    """The hosts a web process may connect to: a configured remote store's, nothing else."""
    from .sandbox import allowed_hosts

    if config.store == "remote":
        return allowed_hosts([config.remote_query_url])
    return frozenset()


def options(config: Config) -> dict[str, Any]:
    return {
        "bind": f"{config.host}:{config.port}",
        "workers": config.web_workers,
        "worker_class": "gthread",
        "threads": config.web_threads,
        # one load of the store, shared by every process (module docstring)
        "preload_app": True,
        "post_worker_init": start_query_workers,
        # limits applied before the app: 414 and 431 (README "Limits and security")
        "limit_request_line": min(config.max_url_bytes, GUNICORN_MAX_LINE),
        "limit_request_fields": config.max_headers,
        "limit_request_field_size": config.max_header_bytes,
        # X-Forwarded-* only from the proxies we were told about (gunicorn trusts loopback by default)
        "forwarded_allow_ips": ",".join(config.trusted_proxies) or "",
        # a backstop only: queries are stopped by the query pool at PJGJ_QUERY_TIMEOUT
        "timeout": max(30, int(config.query_timeout * 3)),
        "graceful_timeout": 5,
        "keepalive": 5,
        "accesslog": "-" if config.access_log else None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "pjgj",
        # no control socket in the home directory: nothing manages this server at run time
        "control_socket_disable": True,
    }


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
        _Gunicorn(config, options(config), fair_use_dir).run()
    finally:
        shutil.rmtree(fair_use_dir, ignore_errors=True)
    return 0
