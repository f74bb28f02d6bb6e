"""``pjgj load-remote --graph-store URL``: put the build into a remote store (SPARQL 1.1 Graph Store Protocol).

The build's N-Triples dump (``build/dumps/pjgj.nt``, the file the embedded store
loads) is sent with one ``PUT URL?default`` (https://www.w3.org/TR/sparql11-http-rdf-update/,
section 5.3): the store's default graph is replaced by the build, so running
the command twice leaves the same data (idempotent), and a store that held an
older build holds the new one. The file is streamed, never read into memory.

Then, when a query endpoint is known (``--query-url`` or ``PJGJ_REMOTE_QUERY_URL``),
the store is asked for its triple count, which must equal the build's.

Exit codes: 0 loaded (and checked); 1 the store refused the data or holds
other data afterwards; 2 no build, a bad URL, or the store cannot be reached.
"""

from __future__ import annotations

import http.client
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import BuildError
from .remote import Endpoint, StoreUnavailable, check

#: seconds the store may take to answer the upload (a big dump on a slow store takes minutes)
UPLOAD_TIMEOUT = 3600.0


class LoadFailed(Exception):
    """The store refused the upload; ``code`` is the exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Loaded:
    triples: int
    bytes: int
    seconds: float
    status: int


def graph_store_target(url: str) -> tuple[Endpoint, str]:
    """The endpoint and the request target that names the default graph (``?default`` added)."""
    endpoint = Endpoint.parse(url)
    path = endpoint.path
    if "default" not in path.split("?", 1)[-1].split("&") and "graph=" not in path:
        path += ("&" if "?" in path else "?") + "default"
    return endpoint, path


def upload(url: str, nt_file: Path, timeout: float = UPLOAD_TIMEOUT) -> tuple[int, int]:
    """PUT ``nt_file`` as the default graph at the Graph Store endpoint ``url``; (status, bytes sent)."""
    endpoint, target = graph_store_target(url)
    size = nt_file.stat().st_size
    headers = {
        "Content-Type": "application/n-triples",
        "Content-Length": str(size),
        "User-Agent": "pjgj load-remote",
    }
    if endpoint.authorization:
        headers["Authorization"] = endpoint.authorization
    conn = endpoint.connection(timeout)
    try:
        with nt_file.open("rb") as body:
            conn.request("PUT", target, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read(4096).decode("utf-8", "replace")
    except TimeoutError:
        raise LoadFailed(f"{endpoint.shown}: no answer within {timeout:g} s", 2) from None
    except (OSError, http.client.HTTPException) as err:
        raise LoadFailed(f"{endpoint.shown} cannot be reached: {err}", 2) from None
    finally:
        conn.close()
    if response.status in (401, 403):
        raise LoadFailed(
            f"{endpoint.shown} refused the upload ({response.status}): give credentials in the URL "
            "(http://user:password@host/...) or allow writes to the store"
        )
    if response.status in (404, 405):
        raise LoadFailed(
            f"{endpoint.shown} answered {response.status}: this is not a writable Graph Store endpoint "
            "(Oxigraph: http://HOST:PORT/store; Fuseki: http://HOST:3030/DATASET/data)"
        )
    if not 200 <= response.status < 300:
        detail = " ".join(text.split())[:300]
        raise LoadFailed(f"{endpoint.shown} refused the data ({response.status}): {detail}")
    return response.status, size


def load(config: Config, graph_store: str, query_url: str | None) -> Loaded:
    """Upload the build of ``config`` and check the count when a query endpoint is known."""
    from .web import check_build

    try:
        manifest = check_build(config)
    except BuildError as err:
        raise LoadFailed(str(err), 2) from None
    nt_file = config.build_dir / str(manifest["store"])
    triples = int(manifest["triples"])
    try:
        Endpoint.parse(graph_store)
        if query_url:
            Endpoint.parse(query_url)
    except ValueError as err:
        raise LoadFailed(str(err), 2) from None
    started = time.monotonic()
    status, size = upload(graph_store, nt_file)
    seconds = time.monotonic() - started
    if query_url:
        try:
            check(query_url, triples, max(config.query_timeout, 60.0))
        except StoreUnavailable as err:
            raise LoadFailed(err.message) from None
    return Loaded(triples, size, seconds, status)


def run(config: Config, graph_store: str, query_url: str | None) -> int:
    query_url = query_url if query_url is not None else (config.remote_query_url or None)
    try:
        loaded = load(config, graph_store, query_url)
    except LoadFailed as err:
        print(f"pjgj load-remote: {err}", file=sys.stderr)
        return err.code
    checked = f"; the store at {query_url} counts the same" if query_url else " (not checked: no --query-url)"
    print(
        f"loaded {loaded.triples:,} triples ({loaded.bytes:,} bytes of N-Triples) into the default graph of "
        f"{Endpoint.parse(graph_store).shown} in {loaded.seconds:.1f} s (HTTP {loaded.status}){checked}"
    )
    return 0
