"""A remote SPARQL 1.1 store: the scale-out mode (``PJGJ_STORE=remote``, README "Production").

When one machine is not enough, queries and page rendering run on an existing
engine that speaks the SPARQL 1.1 Protocol (Oxigraph server, Apache Jena
Fuseki, Virtuoso, GraphDB, Amazon Neptune); this app stays the linked-data
front end and holds no state, so any number of copies can run behind a load
balancer. ``pjgj load-remote`` (:mod:`pjgj.loadremote`) puts the build into
the store.

* :class:`RemoteStore`: the trusted queries of pages and resource descriptions
  (the :class:`pjgj.store.ReadStore` interface), results parsed into pyoxigraph
  terms, so the pages cannot tell the two modes apart.
* :class:`RemoteQueryRunner`: user queries, in place of the local query workers
  (the same ``run(job, timeout) -> Answer``). The query is checked here first
  exactly as in embedded mode (:mod:`pjgj.sparql`: no updates, no SERVICE, only
  the one graph); the remote answer is streamed and re-serialised by the query
  worker's own code (:func:`pjgj.queryworker.answer`), so the row cap, the
  ``truncated`` flag, the byte cap and the formats are the same bytes as in
  embedded mode. The time limit is a deadline on the HTTP exchange: past it the
  connection is closed and the client gets the same 503 as in embedded mode.

Only the standard library's ``http.client`` talks to the store: one keep-alive
connection per thread.
"""

from __future__ import annotations

import base64
import http.client
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, cast
from urllib.parse import unquote, urlencode, urlsplit

import pyoxigraph as ox

from . import queryworker
from .errors import QueryTimeout, ServiceError
from .namespaces import PREFIXES
from .querypool import Answer
from .sparql import Token, tokens
from .store import ReadStore, Term

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
_RESULT_PARSERS = {
    RESULTS_JSON: ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_PARSERS = {
    NTRIPLES: ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
_POSITION = re.compile(r"^error at (\d+):(\d+): ")
#: bytes of one remote answer read at most, whatever the row cap (a guard against one huge literal)
MAX_ANSWER_BYTES = 512 * 1024 * 1024
CHUNK = 64 * 1024


class StoreUnavailable(ServiceError):
    """The remote store does not answer, or answers with a server error: 503, try again."""

    status = 503

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": "5"}


class _Deadline(Exception):
    """The time limit of the request to the store expired (not an OSError: nothing may swallow it)."""


class _Unreachable(Exception):
    """The store could not be reached or answered a server error."""


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    host: str
    port: int
    path: str
    authorization: str | None

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r} (e.g. http://127.0.0.1:7878/query)")
        auth = None
        if parts.username is not None:
            user_pass = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            auth = "Basic " + base64.b64encode(user_pass.encode("utf-8")).decode("ascii")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(parts.scheme, parts.hostname, port, path, auth)

    @property
    def shown(self) -> str:
        """The URL without credentials, for messages."""
        return f"{self.scheme}://{self.host}:{self.port}{self.path}"

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


class _Reader:
    """The body of a response, read under the deadline and a byte budget (``read`` is called by pyoxigraph)."""

    def __init__(self, client: SparqlClient, response: http.client.HTTPResponse, deadline: float) -> None:
        self.client = client
        self.response = response
        self.deadline = deadline
        self.read_bytes = 0
        self.done = False

    def read(self, size: int = -1) -> bytes:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _Deadline
        self.client.set_timeout(remaining)
        try:
            data = self.response.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        except TimeoutError:
            raise _Deadline from None
        except (OSError, http.client.HTTPException) as err:
            raise _Unreachable(f"the SPARQL store stopped sending its answer ({err})") from None
        self.read_bytes += len(data)
        if self.read_bytes > MAX_ANSWER_BYTES:
            raise _Unreachable(f"the SPARQL store's answer is larger than {MAX_ANSWER_BYTES // 1024**2} MiB")
        if not data:
            self.done = True
        return data

    def read_all(self) -> bytes:
        parts = []
        while chunk := self.read(CHUNK):
            parts.append(chunk)
        return b"".join(parts)


class SparqlClient:
    """POSTs queries to a SPARQL 1.1 query endpoint; one keep-alive connection per thread."""

    def __init__(self, url: str) -> None:
        self.endpoint = Endpoint.parse(url)
        self._local = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.endpoint.connection(timeout)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def set_timeout(self, seconds: float) -> None:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.timeout = seconds
            if conn.sock is not None:
                conn.sock.settimeout(seconds)

    def drop(self) -> None:
        """Close this thread's connection (after a time-out or an answer not read to its end)."""
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)

    def post(self, query: str, accept: str, deadline: float) -> tuple[int, str, _Reader]:
        """Send ``query``; the status, the media type and a reader of the body."""
        body = urlencode({"query": query}).encode("utf-8")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": accept,
            "User-Agent": "pjgj",
        }
        if self.endpoint.authorization:
            headers["Authorization"] = self.endpoint.authorization
        for attempt in (1, 2):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Deadline
            conn = self._connection(remaining)
            reused = conn.sock is not None
            self.set_timeout(remaining)
            try:
                conn.request("POST", self.endpoint.path, body=body, headers=headers)
                response = conn.getresponse()
            except TimeoutError:
                self.drop()
                raise _Deadline from None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as err:
                self.drop()  # a kept-alive connection the store closed while idle: once more, fresh
                if reused and attempt == 1:
                    continue
                raise _Unreachable(f"the SPARQL store at {self.endpoint.shown} closed the connection ({err})") from None
            except (OSError, http.client.HTTPException) as err:
                self.drop()
                raise _Unreachable(f"the SPARQL store at {self.endpoint.shown} does not answer ({err})") from None
            media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            return response.status, media_type, _Reader(self, response, deadline)
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            connections, self._all = self._all, []
        for conn in connections:
            conn.close()


# ---------------------------------------------------------------- query text


def _offsets(text: str) -> list[int]:
    """The offset of the start of every line (1-based line n starts at offsets[n - 1])."""
    starts = [0]
    starts += [m.end() for m in re.finditer("\n", text)]
    return starts


def prepare(query: str, prefixes: Mapping[str, str], default_graph: str) -> tuple[str, int]:
    """The query as sent to the store, and the length of what was put before its first line.

    * the predefined prefixes the query does not declare itself are declared, on the
      query's first line (so that an error position keeps its line number);
    * ``FROM <default graph>`` (the one graph the endpoint accepts, already checked) is
      blanked out: in the remote store the data is in the default graph, not in a graph of
      that name. Blanking keeps every position.
    """
    toks = tokens(query)
    declared = {
        toks[i + 1].text.split(":", 1)[0]
        for i, tok in enumerate(toks[:-1])
        if tok.kind == "word" and tok.text.upper() == "PREFIX" and toks[i + 1].kind == "pname"
    }
    blanks: list[tuple[Token, Token]] = [
        (tok, toks[i + 1])
        for i, tok in enumerate(toks[:-1])
        if tok.kind == "word"
        and tok.text.upper() == "FROM"
        and toks[i + 1].kind == "iri"
        and toks[i + 1].text[1:-1] == default_graph
    ]
    if blanks:
        starts = _offsets(query)
        chars = list(query)
        for first, last in blanks:
            begin = starts[first.line - 1] + first.column - 1
            end = starts[last.line - 1] + last.column - 1 + len(last.text)
            for i in range(begin, end):
                if chars[i] != "\n":
                    chars[i] = " "
        query = "".join(chars)
    prologue = "".join(f"PREFIX {name}: <{iri}> " for name, iri in prefixes.items() if name not in declared)
    return prologue + query, len(prologue)


def store_message(text: str, shift: int) -> str:
    """An error message of the store, its line-1 column corrected for the prologue we put there."""
    match = _POSITION.match(text)
    if match and match.group(1) == "1":
        column = max(1, int(match.group(2)) - shift)
        return f"error at 1:{column}: {text[match.end() :]}"
    return text


def _excerpt(reader: _Reader) -> str:
    try:
        data = reader.read(4096)
    except (_Deadline, _Unreachable):
        return ""
    return " ".join(data.decode("utf-8", "replace").split())[:300]


# ---------------------------------------------------------------- user queries


class _RemoteSource:
    """Looks like a pyoxigraph store to :func:`pjgj.queryworker.run`: ``query()`` asks the remote store."""

    def __init__(self, client: SparqlClient, default_graph: str, deadline: float, form: str | None) -> None:
        self.client = client
        self.default_graph = default_graph
        self.deadline = deadline
        self.form = form
        self.reader: _Reader | None = None

    def query(self, query: str, prefixes: Mapping[str, str], **_: Any) -> Any:
        text, shift = prepare(query, prefixes, self.default_graph)
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            accept = f"{NTRIPLES}, text/turtle;q=0.5"
        elif self.form in ("SELECT", "ASK"):
            accept = f"{RESULTS_JSON}, application/sparql-results+xml;q=0.5"
        else:
            accept = f"{RESULTS_JSON}, {NTRIPLES};q=0.9"
        status, media_type, reader = self.client.post(text, accept, self.deadline)
        self.reader = reader
        if status == 400:
            raise SyntaxError(store_message(_excerpt(reader), shift) or "the store refused the query (400)")
        if status in (401, 403, 407):
            raise _Unreachable(f"the SPARQL store refused access ({status}); check the credentials in its URL")
        if status in (502, 503, 504) or status == 404:
            raise _Unreachable(f"the SPARQL store answered {status}: {_excerpt(reader)}")
        if status != 200:
            raise ValueError(f"the store answered {status}: {_excerpt(reader)}")
        if media_type in _RESULT_PARSERS:
            return ox.parse_query_results(cast(IO[bytes], reader), _RESULT_PARSERS[media_type])
        if media_type in _GRAPH_PARSERS:
            return _triples(ox.parse(cast(IO[bytes], reader), _GRAPH_PARSERS[media_type]))
        raise _Unreachable(f"the SPARQL store answered in an unexpected format ({media_type or 'no Content-Type'})")

    def finish(self) -> None:
        """Keep the connection only when its answer was read to the end."""
        if self.reader is None or not self.reader.done:
            self.client.drop()


def _triples(quads: Iterator[Any]) -> Iterator[ox.Triple]:
    for quad in quads:
        yield ox.Triple(quad.subject, quad.predicate, quad.object)


class RemoteQueryRunner:
    """User queries on the remote store; the interface of :class:`pjgj.querypool.QueryPool`."""

    def __init__(self, client: SparqlClient, default_graph: str) -> None:
        self.client = client
        self.default_graph = default_graph
        self.size = 0

    def run(self, job: dict[str, object], timeout: float) -> Answer:
        deadline = time.monotonic() + timeout
        form = job.get("form")
        source = _RemoteSource(self.client, self.default_graph, deadline, str(form) if form else None)
        try:
            header, body = queryworker.answer(source, job)  # type: ignore[arg-type]
        except _Deadline:
            self.client.drop()
            raise QueryTimeout(timeout) from None
        except _Unreachable as err:
            self.client.drop()
            raise StoreUnavailable(str(err)) from None
        finally:
            source.finish()
        return Answer(header, body)

    def close(self) -> None:
        self.client.close()


# ---------------------------------------------------------------- trusted queries


class RemoteStore(ReadStore):
    """The trusted queries of the pages and descriptions, on the remote store."""

    def __init__(self, client: SparqlClient, labels: list[dict[str, object]], timeout: float) -> None:
        super().__init__(labels)
        self.client = client
        self.timeout = timeout

    def _fetch(self, query: str, accept: str) -> tuple[str, bytes]:
        text, shift = prepare(query, PREFIXES, "")
        deadline = time.monotonic() + self.timeout
        try:
            status, media_type, reader = self.client.post(text, accept, deadline)
            if status != 200:
                message = store_message(_excerpt(reader), shift)
                self.client.drop()
                raise StoreUnavailable(f"the SPARQL store answered {status} to an internal query: {message}")
            body = reader.read_all()
        except _Deadline:
            self.client.drop()
            raise QueryTimeout(self.timeout) from None
        except _Unreachable as err:
            self.client.drop()
            raise StoreUnavailable(str(err)) from None
        return media_type, body

    def _results(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean:
        media_type, body = self._fetch(query, RESULTS_JSON)
        parser = _RESULT_PARSERS.get(media_type)
        if parser is None:
            raise StoreUnavailable(f"the SPARQL store answered in an unexpected format ({media_type})")
        return ox.parse_query_results(body, parser)

    def select(self, query: str) -> list[dict[str, Term]]:
        result = self._results(query)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: t for n, t in zip(names, sol, strict=True) if t is not None} for sol in result]

    def ask(self, query: str) -> bool:
        result = self._results(query)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str) -> list[ox.Triple]:
        media_type, body = self._fetch(query, f"{NTRIPLES}, text/turtle;q=0.5")
        parser = _GRAPH_PARSERS.get(media_type)
        if parser is None:
            raise StoreUnavailable(f"the SPARQL store answered in an unexpected format ({media_type})")
        return list(_triples(ox.parse(body, parser)))

    def count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        term = rows[0].get("n") if rows else None
        return int(term.value) if isinstance(term, ox.Literal) else 0

    def close(self) -> None:
        self.client.close()


def check(url: str, triples: int, timeout: float) -> None:
    """Raise :class:`StoreUnavailable` unless the store at ``url`` answers and holds ``triples`` triples."""
    client = SparqlClient(url)
    try:
        found = RemoteStore(client, [], timeout).count()
    except (QueryTimeout, StoreUnavailable) as err:
        raise StoreUnavailable(f"{client.endpoint.shown}: {err.message}") from None
    finally:
        client.close()
    if found != triples:
        raise StoreUnavailable(
            f"the SPARQL store at {client.endpoint.shown} holds {found:,} triples, the build {triples:,}; "
            "load the build into it with `pjgj load-remote`"
        )


__all__ = ["RemoteQueryRunner", "RemoteStore", "SparqlClient", "StoreUnavailable", "check"]
