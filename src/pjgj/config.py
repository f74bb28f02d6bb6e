"""Settings: defaults, overridden by environment variables. Nothing is read at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .sources import ROOT


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_bytes(text: str) -> int:
    """``64M``, ``512k``, ``1G``, ``1048576`` or ``0`` (binary units; a trailing ``B``/``iB`` is allowed)."""
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    unit = value[-1:] if value[-1:] in _UNITS else ""
    number = value[: len(value) - len(unit)].strip()
    try:
        size = int(float(number) * _UNITS[unit])
    except ValueError:
        raise ValueError(f"not a size in bytes: {text!r} (write e.g. 64M, 512k or 0)") from None
    if size < 0:
        raise ValueError(f"not a size in bytes: {text!r} (negative)")
    return size


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={value!r}: write 1 or 0")


def _env_bytes(name: str, default: int) -> int:
    value = os.environ.get(name)
    return parse_bytes(value) if value and value.strip() else default


@dataclass(frozen=True)
class Config:
    """Every setting, documented in README.md (a test checks that each one is)."""

    root: Path = ROOT
    #: where `pjgj build` writes and `pjgj serve` reads (PJGJ_BUILD_DIR)
    build_dir: Path = field(default_factory=lambda: ROOT / "build")
    #: the public base of every minted IRI (PJGJ_BASE)
    base: str = "https://w3id.org/pjgj/"
    #: HTTP port of `pjgj serve` (PORT)
    port: int = 8000
    #: host interface of `pjgj serve` (HOST)
    host: str = "127.0.0.1"
    #: wall-clock limit of one SPARQL query in seconds (PJGJ_QUERY_TIMEOUT)
    query_timeout: float = 10.0
    #: rows returned at most by one SELECT; more are cut and flagged (PJGJ_MAX_ROWS)
    max_rows: int = 10_000
    #: HTTP worker processes of `pjgj serve`, each with its own store and query workers (PJGJ_WEB_WORKERS)
    web_workers: int = 2
    #: query worker processes per HTTP worker: how many user queries run at once (PJGJ_QUERY_WORKERS)
    query_workers: int = 2
    # ---- performance and scale-out (README "Production")
    #: where trusted and user queries run: "embedded" (pyoxigraph in this process and its query workers)
    #: or "remote" (a SPARQL 1.1 query endpoint, PJGJ_REMOTE_QUERY_URL) (PJGJ_STORE)
    store: str = "embedded"
    #: the SPARQL 1.1 query endpoint of the remote store, e.g. http://127.0.0.1:7878/query (PJGJ_REMOTE_QUERY_URL)
    remote_query_url: str = ""
    #: bytes of serialised GET/POST query results kept per HTTP worker (LRU); 0 turns it off (PJGJ_QUERY_CACHE)
    query_cache_bytes: int = 32 * 1024 * 1024
    #: bytes of rendered resource representations (HTML, Turtle, ...) kept per HTTP worker; 0: off (PJGJ_PAGE_CACHE)
    page_cache_bytes: int = 32 * 1024 * 1024
    #: Cache-Control max-age of pages, resources and GET query results, seconds (PJGJ_MAX_AGE)
    max_age: int = 300
    #: one line per request on stdout (the HTTP server's access log); 0 turns it off, e.g. behind a proxy that logs
    #: (it costs ~10% of the throughput of small queries) (PJGJ_ACCESS_LOG)
    access_log: bool = True
    #: the report's text, used only to regenerate and check data/report.ttl (PJGJ_REPORT_TEXT)
    report_text: Path = field(
        default_factory=lambda: ROOT.parent / "shared/report/pakistani-jihadis-and-global-jihad.txt"
    )
    # ---- limits (README "Limits and security"); each one answered with its own status and message
    #: address space of one query worker in MiB; a query past it is stopped: 503 (PJGJ_QUERY_MEMORY_MB)
    query_memory_mb: int = 1024
    #: bytes of one serialised query result at most; more: 400 "add a LIMIT" (PJGJ_MAX_RESULT_BYTES)
    max_result_bytes: int = 32 * 1024 * 1024
    #: bytes of one query at most: 413 (PJGJ_MAX_QUERY_BYTES)
    max_query_bytes: int = 256 * 1024
    #: brackets nested at most this deep in a query: 400 (PJGJ_MAX_NESTING)
    max_nesting: int = 100
    #: bytes of a request body at most: 413 (PJGJ_MAX_BODY_BYTES)
    max_body_bytes: int = 1024 * 1024
    #: bytes of the request line (method, path, query string) at most: 414
    #: (PJGJ_MAX_URL_BYTES)
    max_url_bytes: int = 8190
    #: bytes of one request header at most: 431 (PJGJ_MAX_HEADER_BYTES)
    max_header_bytes: int = 8190
    #: request headers at most: 431 (PJGJ_MAX_HEADERS)
    max_headers: int = 100
    #: seconds a client may take to send the body it announced: 408 (PJGJ_REQUEST_TIMEOUT)
    request_timeout: float = 10.0
    #: SPARQL queries one client may run at once, across all HTTP workers: 429 (PJGJ_CLIENT_QUERIES)
    client_queries: int = 2
    #: queries that may wait for a free query worker, per HTTP worker: one more is 429 (PJGJ_QUERY_QUEUE).
    #: 12 with the 2 running and 16 threads: 16 honest clients are never refused, and 2 threads of
    #: every HTTP worker are always left for pages and dumps
    query_queue: int = 12
    #: threads per HTTP worker: requests served at once by one process (PJGJ_WEB_THREADS)
    web_threads: int = 16
    #: addresses of reverse proxies whose X-Forwarded-For names the client; empty: the peer is the client
    #: (PJGJ_TRUSTED_PROXIES, comma-separated)
    trusted_proxies: tuple[str, ...] = ()

    @classmethod
    def from_env(cls) -> Config:
        defaults = cls()
        return cls(
            build_dir=Path(os.environ.get("PJGJ_BUILD_DIR", defaults.build_dir)),
            base=os.environ.get("PJGJ_BASE", defaults.base),
            port=_env_int("PORT", defaults.port),
            host=os.environ.get("HOST", defaults.host),
            query_timeout=_env_float("PJGJ_QUERY_TIMEOUT", defaults.query_timeout),
            max_rows=_env_int("PJGJ_MAX_ROWS", defaults.max_rows),
            web_workers=_env_int("PJGJ_WEB_WORKERS", defaults.web_workers),
            query_workers=_env_int("PJGJ_QUERY_WORKERS", defaults.query_workers),
            store=os.environ.get("PJGJ_STORE", defaults.store).strip().lower() or defaults.store,
            remote_query_url=os.environ.get("PJGJ_REMOTE_QUERY_URL", defaults.remote_query_url).strip(),
            query_cache_bytes=_env_bytes("PJGJ_QUERY_CACHE", defaults.query_cache_bytes),
            page_cache_bytes=_env_bytes("PJGJ_PAGE_CACHE", defaults.page_cache_bytes),
            max_age=_env_int("PJGJ_MAX_AGE", defaults.max_age),
            access_log=_env_bool("PJGJ_ACCESS_LOG", defaults.access_log),
            report_text=Path(os.environ.get("PJGJ_REPORT_TEXT", defaults.report_text)),
            query_memory_mb=_env_int("PJGJ_QUERY_MEMORY_MB", defaults.query_memory_mb),
            max_result_bytes=_env_bytes("PJGJ_MAX_RESULT_BYTES", defaults.max_result_bytes),
            max_query_bytes=_env_bytes("PJGJ_MAX_QUERY_BYTES", defaults.max_query_bytes),
            max_nesting=_env_int("PJGJ_MAX_NESTING", defaults.max_nesting),
            max_body_bytes=_env_bytes("PJGJ_MAX_BODY_BYTES", defaults.max_body_bytes),
            max_url_bytes=_env_int("PJGJ_MAX_URL_BYTES", defaults.max_url_bytes),
            max_header_bytes=_env_int("PJGJ_MAX_HEADER_BYTES", defaults.max_header_bytes),
            max_headers=_env_int("PJGJ_MAX_HEADERS", defaults.max_headers),
            request_timeout=_env_float("PJGJ_REQUEST_TIMEOUT", defaults.request_timeout),
            client_queries=_env_int("PJGJ_CLIENT_QUERIES", defaults.client_queries),
            query_queue=_env_int("PJGJ_QUERY_QUEUE", defaults.query_queue),
            web_threads=_env_int("PJGJ_WEB_THREADS", defaults.web_threads),
            trusted_proxies=tuple(
                a.strip() for a in os.environ.get("PJGJ_TRUSTED_PROXIES", "").split(",") if a.strip()
            ),
        )
