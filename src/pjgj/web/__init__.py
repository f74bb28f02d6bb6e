"""The web service: ``create_app()`` and the service object every blueprint uses.

Everything is built inside the factory from the build directory (no
import-time state): the manifest is read and every file checked against its
size and SHA-256, the store loaded, the query workers started. A missing or
corrupt build stops the start with a message that says to run ``pjgj build``.

Blueprints: ``sparql`` (/sparql), ``resources`` (/id/..., /ontology,
/concept/..., /shapes), ``dumps`` (/dumps/), ``metadata`` (/void, /dcat,
/sitemap.xml, /robots.txt), and the pages (home, editor, browse, search).
"""

from __future__ import annotations

import atexit
import json
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

import pyoxigraph as ox
from flask import Flask, Response, current_app, request
from rdflib import Graph

from ..build import load_manifest, verify
from ..config import Config
from ..errors import BuildError
from ..metadata import default_graph_iri
from ..querypool import Answer, QueryPool
from ..store import GraphStore, ReadStore, Status, Suggestion, Term
from .caching import ByteLRU
from .fairuse import Admission

STORES = ("embedded", "remote")


class QueryRunner(Protocol):
    """Runs user queries with a time limit: the local query workers, or the remote store."""

    def run(self, job: dict[str, object], timeout: float) -> Answer: ...

    def close(self) -> None: ...


@dataclass
class Service:
    """What the routes need, built once per process by :func:`create_app`."""

    config: Config
    build_dir: Path
    manifest: Mapping[str, Any]
    store: ReadStore
    #: None until :meth:`start_query_workers` (create_app calls it unless told not to)
    pool: QueryRunner | None
    _schema_org: str = field(default="", repr=False)
    #: serialised query results, keyed by build, query, format and row cap (PJGJ_QUERY_CACHE)
    query_cache: ByteLRU = field(default_factory=lambda: ByteLRU(0), repr=False)
    #: rendered resource representations, keyed by build, IRI and format (PJGJ_PAGE_CACHE)
    page_cache: ByteLRU = field(default_factory=lambda: ByteLRU(0), repr=False)
    _files: dict[str, bytes] = field(default_factory=dict, repr=False)
    #: the per-client cap on running queries (web/fairuse.py); set by create_app
    admission: Admission | None = field(default=None, repr=False)
    #: threads that read request bodies for web/sparql.py, so that a stalled body meets a deadline;
    #: twice the request threads, so that reads still draining after a 408 never make others wait
    body_readers: ThreadPoolExecutor = field(default_factory=lambda: body_readers(Config.web_threads), repr=False)

    @property
    def default_graph(self) -> str:
        return default_graph_iri(self.config.base)

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    def select(self, query: str) -> list[dict[str, Term]]:
        """A trusted SELECT in-process; the standard prefixes are predefined."""
        return self.store.select(query)

    def ask(self, query: str) -> bool:
        return self.store.ask(query)

    def describe(self, iri: str) -> Graph:
        return self.store.describe(iri)

    def label_triples(self, iris: list[str]) -> list[ox.Triple]:
        """The skos:prefLabel / rdfs:label / dct:title triples of ``iris``: from an in-memory index
        with the embedded store (no query), one query with a remote store. For the pages' label lookups."""
        return self.store.label_triples(iris)

    def describe_triples(self, iri: str) -> list[ox.Triple]:
        """The description of ``iri`` as sorted pyoxigraph triples (what the RDF writers need; no rdflib)."""
        return self.store.describe_triples(iri)

    def status(self, iri: str) -> Status:
        return self.store.status(iri)

    def replacement(self, iri: str) -> str | None:
        return self.store.replacement(iri)

    def search(self, text: str, limit: int = 10) -> list[Suggestion]:
        return self.store.search(text, limit)

    def schema_org_jsonld(self) -> str:
        return self._schema_org

    def path(self, name: str) -> Path:
        """A file of the build (``name`` is relative to the build directory)."""
        return self.build_dir / name

    def read(self, name: str) -> bytes:
        """A small file of the build (metadata, ontology, shapes), read once: the build never changes under us."""
        data = self._files.get(name)
        if data is None:
            data = self.path(name).read_bytes()
            self._files[name] = data
        return data

    def start_query_workers(self, on_lost: Callable[[], None] | None = None) -> None:
        """Fork the query workers over the embedded store (:mod:`pjgj.forkserver`), once per process.

        Call it while the process has one thread: ``create_app`` does, and
        ``pjgj serve`` does in each HTTP worker (``on_lost``: see
        :class:`pjgj.querypool.QueryPool`), which granian forks from a
        server that loaded the app (and the store) once.
        """
        if self.pool is not None:
            return
        assert isinstance(self.store, GraphStore)
        config = self.config
        self.pool = QueryPool(
            self.store.store,
            config.query_workers,
            memory_mib=config.query_memory_mb,
            max_waiting=config.query_queue,
            on_lost=on_lost,
        )

    def run_query(self, job: dict[str, object], timeout: float) -> Answer:
        if self.pool is None:
            raise RuntimeError("the query workers were never started (Service.start_query_workers)")
        return self.pool.run(job, timeout)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        self.body_readers.shutdown(wait=False)
        self.store.close()


#: builds whose every file matched the manifest, by directory and manifest file identity
_VERIFIED: set[tuple[str, int, int, int]] = set()


def check_build(config: Config) -> dict[str, Any]:
    """The manifest of the build, after checking every file against it; :class:`BuildError` if unusable."""
    build_dir = config.build_dir
    if not (build_dir / "manifest.json").is_file():
        raise BuildError(f"{build_dir}: no build found (manifest.json is missing); run `pjgj build` first")
    try:
        manifest = load_manifest(build_dir)
        stat = (build_dir / "manifest.json").stat()
    except (OSError, ValueError) as err:
        raise BuildError(f"{build_dir}/manifest.json cannot be read ({err}); run `pjgj build` again") from None
    # `pjgj serve` checks before granian starts, then loads the app in the same process: hash once
    # (a build is swapped in whole, so a new one has a new manifest file)
    seen = (str(build_dir.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if seen not in _VERIFIED:
        problems = verify(build_dir, manifest)
        if problems:
            raise BuildError(
                f"{build_dir} is incomplete or corrupt ({'; '.join(problems[:3])}); run `pjgj build` again"
            )
        _VERIFIED.add(seen)
    if manifest.get("base") != config.base:
        raise BuildError(
            f"{build_dir} was built for the base {manifest.get('base')!r}, not PJGJ_BASE={config.base!r}; "
            "run `pjgj build` with the same PJGJ_BASE"
        )
    return manifest


def check_store(config: Config) -> None:
    """:class:`BuildError` when the store settings cannot work (an unknown PJGJ_STORE, no remote URL)."""
    if config.store not in STORES:
        raise BuildError(f"PJGJ_STORE={config.store!r} is not one of {', '.join(STORES)}")
    if config.store == "remote":
        from ..remote import Endpoint

        if not config.remote_query_url:
            raise BuildError("PJGJ_STORE=remote needs PJGJ_REMOTE_QUERY_URL (e.g. http://127.0.0.1:7878/query)")
        try:
            Endpoint.parse(config.remote_query_url)
        except ValueError as err:
            raise BuildError(f"PJGJ_REMOTE_QUERY_URL: {err}") from None


def load_service(config: Config) -> Service:
    """Read and check the build, load the store (or connect to the remote store); no query worker yet."""
    # absolute: send_file would resolve a relative PJGJ_BUILD_DIR against the package, not the working directory
    build_dir = config.build_dir.resolve()
    manifest = check_build(config)
    check_store(config)
    labels = json.loads((build_dir / "labels.json").read_text(encoding="utf-8"))
    store: ReadStore
    pool: QueryRunner | None = None
    if config.store == "remote":
        # nothing is loaded and nothing is kept: the store answers every query (see pjgj.remote)
        from ..remote import RemoteQueryRunner, RemoteStore, SparqlClient

        client = SparqlClient(config.remote_query_url)
        store = RemoteStore(client, labels, config.query_timeout)
        pool = RemoteQueryRunner(client, default_graph_iri(config.base))
    else:
        store = GraphStore(build_dir / str(manifest["store"]), labels)
    schema_org = (build_dir / "meta/schema-org.jsonld").read_text(encoding="utf-8")
    return Service(
        config,
        build_dir,
        manifest,
        store,
        pool,
        schema_org,
        query_cache=ByteLRU(config.query_cache_bytes),
        page_cache=ByteLRU(config.page_cache_bytes),
        body_readers=body_readers(config.web_threads),
    )


def body_readers(web_threads: int) -> ThreadPoolExecutor:
    """Threads are made when first needed: none exists yet when the server forks its workers."""
    return ThreadPoolExecutor(2 * web_threads, thread_name_prefix="pjgj-body")


def create_app(config: Config | None = None, fair_use_dir: Path | None = None, query_workers: bool = True) -> Flask:
    """The app. ``fair_use_dir`` is shared by the HTTP workers of one server (``pjgj serve`` makes it)
    so that the per-client query cap holds across them; without it the app keeps its own.
    ``query_workers=False`` leaves the query workers to :meth:`Service.start_query_workers`."""
    config = config or Config.from_env()
    app = Flask(__name__)
    svc = load_service(config)
    if query_workers:
        svc.start_query_workers()
    app.extensions["pjgj"] = svc
    atexit.register(svc.close)
    if fair_use_dir is not None:
        svc.admission = Admission(fair_use_dir, config.client_queries, config.query_timeout)
    else:
        svc.admission = Admission.private(config.client_queries, config.query_timeout)
        atexit.register(svc.admission.close)

    from . import caching, dumps, errors, metadata, resources, security, sparql
    from .pages import bp as pages_bp

    # first registered, last run (Flask runs after_request hooks in reverse): it sees every header, then compresses
    caching.register(app)

    app.register_blueprint(sparql.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(metadata.bp)
    app.register_blueprint(pages_bp)
    errors.register(app)
    security.register(app, config)
    app.after_request(_common_headers)
    return app


def _common_headers(response: Response) -> Response:
    """CORS for every response (read-only, no credentials) and a few safe defaults."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":  # a preflight: say what a cross-origin script may send
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Accept, Content-Type, Range, If-None-Match, If-Modified-Since"
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Access-Control-Expose-Headers"] = (
        "Content-Location, Link, ETag, Last-Modified, Retry-After, X-PJGJ-Truncated, X-PJGJ-Rows"
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def service() -> Service:
    """The service of the current app."""
    return cast(Service, current_app.extensions["pjgj"])


def local_path(iri: str) -> str:
    """The path on this server of an IRI under the public base (``https://w3id.org/pjgj/id/org/x`` -> ``/id/org/x``).

    Any other IRI is returned unchanged: it is not ours to serve.
    """
    base = service().config.base
    return "/" + iri[len(base) :] if iri.startswith(base) else iri


def public_iri(path: str) -> str:
    """The public IRI of a path on this server (``/id/org/x`` -> ``https://w3id.org/pjgj/id/org/x``)."""
    return service().config.base + path.lstrip("/")
