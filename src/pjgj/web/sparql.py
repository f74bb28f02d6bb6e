"""``/sparql``: the SPARQL 1.1 Protocol, read-only (https://www.w3.org/TR/sparql11-protocol/).

* ``GET ?query=``, ``POST`` urlencoded (``query=`` in the body) and ``POST`` direct
  (``Content-Type: application/sparql-query``); ``default-graph-uri`` /
  ``named-graph-uri`` (only the one default graph exists: see :mod:`pjgj.sparql`).
* The answer's format comes from ``Accept`` or the ``format`` parameter
  (:mod:`pjgj.negotiate`); a browser asking for HTML is sent to the editor at ``/query``.
* ``GET`` without a query answers the service description.
* Updates in any form are refused (403, or 400 for update text in ``query=``).
* Every query runs in a killable worker with a time limit (``timeout`` may lower
  it), a memory limit, a row cap and a result-size cap; ``X-PJGJ-Truncated`` says
  whether rows were cut. Each client runs at most ``PJGJ_CLIENT_QUERIES`` queries
  at once (:mod:`pjgj.web.fairuse`; 429 beyond). What a worker reports is mapped
  to one status and message in :func:`worker_error`.
* Parameters are decoded strictly as UTF-8: Werkzeug would keep a bad
  percent-escape as text and silently run a different query.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes, urlencode

from flask import Blueprint, Response, redirect, request
from werkzeug.exceptions import ClientDisconnected

from .. import sparql
from ..errors import (
    BadRequest,
    QueryRefused,
    QuerySyntaxError,
    RequestTimeout,
    ResultTooLarge,
    Unrepresentable,
    UnsupportedMediaType,
    UpdateRefused,
)
from ..formats import GRAPH_FORMATS, HTML, RESULT_FORMATS, Format
from ..namespaces import PREFIXES
from ..negotiate import choose
from . import caching, service
from .fairuse import client_address

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
_POSITION = re.compile(r"^error at (\d+):(\d+): ")


@dataclass
class ProtocolRequest:
    query: str | None = None
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    format: str | None = None
    timeout: str | None = None


def _decode(raw: bytes, what: str) -> list[tuple[str, str]]:
    """``a=1&b=2`` (form encoding: ``+`` is a space) as pairs, strictly UTF-8; what ``parse_qsl`` gives."""
    try:
        return [
            (unquote_plus(name).decode("utf-8"), unquote_plus(value).decode("utf-8"))
            for name, _, value in (part.partition(b"=") for part in raw.split(b"&") if part)
        ]
    except UnicodeDecodeError:
        raise BadRequest(f"the {what} is not valid UTF-8 (after percent-decoding)") from None


def unquote_plus(data: bytes) -> bytes:
    """Percent-decoding in C: a query sent with the standard prologue has hundreds of escapes, and
    ``urllib.parse.unquote_to_bytes`` decodes them one by one in Python (0.2 ms a query, measured).
    ``%XX`` becomes ``\\xXX`` for the codec of Python's own string escapes, after doubling every
    backslash of the text; a malformed escape (``%zz``, a lone ``%``) falls back to urllib, which
    keeps it as it is."""
    data = data.replace(b"+", b" ")
    if b"%" not in data:
        return data
    try:
        return codecs.escape_decode(data.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    except ValueError:
        return unquote_to_bytes(data)


def _one(pairs: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in pairs if k == name]
    if len(values) > 1:
        raise BadRequest(f"the parameter {name!r} is given {len(values)} times; give it once")
    return values[0] if values else None


def read_request() -> ProtocolRequest:
    """The protocol parameters of this request, or a typed error (update, bad encoding, bad type)."""
    url_pairs = _decode(request.query_string, "query string")
    body_pairs: list[tuple[str, str]] = []
    direct_query: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == UPDATE:
            raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted")
        if mimetype in (FORM, DIRECT):
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise UnsupportedMediaType(f"the query must be sent as UTF-8, not {charset}")
        if mimetype == FORM:
            body_pairs = _decode(_body(), "request body")
        elif mimetype == DIRECT:
            try:
                direct_query = _body().decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest("the request body is not valid UTF-8") from None
        else:
            shown = mimetype or "no Content-Type"
            raise UnsupportedMediaType(f"POST a query as {FORM} (query=...) or as {DIRECT}; got {shown}")
    pairs = url_pairs + body_pairs
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in pairs):
        raise UpdateRefused("this endpoint is read-only: SPARQL Update (update=) is not accepted")
    url_query = _one(url_pairs, "query")
    body_query = _one(body_pairs, "query")
    if request.method == "POST" and url_query is not None:
        raise BadRequest("a POST carries the query in its body, not in the URL")
    query = direct_query if direct_query is not None else (body_query if body_query is not None else url_query)
    if direct_query is not None and body_query is not None:
        raise BadRequest("the query is given twice")
    return ProtocolRequest(
        query=query,
        default_graph_uris=[v for k, v in pairs if k == "default-graph-uri"],
        named_graph_uris=[v for k, v in pairs if k == "named-graph-uri"],
        format=_one(pairs, "format"),
        timeout=_one(pairs, "timeout"),
    )


def _body() -> bytes:
    """The request body, within ``PJGJ_REQUEST_TIMEOUT``; a client that sends less than it announced gets 408.

    The server hands the app a body stream that waits as long as the client
    does, so it is read by one of the service's body readers (a warm thread:
    starting one per request cost 0.14 ms) and this thread waits with a
    deadline. After the 408 the server closes the connection, which ends the
    reader's read. Werkzeug's stream still enforces ``PJGJ_MAX_BODY_BYTES`` (413).
    """
    svc = service()
    limit = svc.config.request_timeout
    reading = svc.body_readers.submit(request.stream.read)
    try:
        return reading.result(timeout=limit)
    except (FutureTimeout, OSError, ClientDisconnected):
        raise RequestTimeout(
            f"the request body did not arrive in full within {limit:g} s (PJGJ_REQUEST_TIMEOUT); "
            "send as many bytes as Content-Length announces, at once"
        ) from None


def syntax_message(message: str) -> str:
    """The engine's ``error at 3:11: expected ...`` as ``SPARQL syntax error at line 3, column 11: expected ...``."""
    match = _POSITION.match(message)
    if match:
        return f"SPARQL syntax error at line {match.group(1)}, column {match.group(2)}: {message[match.end() :]}"
    return f"SPARQL syntax error: {message}"


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    svc = service()
    params = read_request()
    accept = request.headers.get("Accept")
    if params.query is None:
        if request.method == "POST":
            raise BadRequest("no query: send query=... (urlencoded) or the query itself as application/sparql-query")
        return service_description(accept, params.format)
    if not params.query.strip():
        raise BadRequest("the query is empty")

    config = svc.config
    info = sparql.inspect(params.query, svc.default_graph, config.max_query_bytes, config.max_nesting)
    sparql.check_dataset(params.default_graph_uris, params.named_graph_uris, svc.default_graph)
    offered: tuple[Format, ...] = RESULT_FORMATS if info.form in ("SELECT", "ASK") else GRAPH_FORMATS
    if request.method == "GET":
        offered = (*offered, HTML)
    fmt = choose(accept, offered, params.format)
    if fmt == HTML:  # a browser followed a query link: show it in the editor
        return redirect("/query?" + urlencode({"query": params.query}), 303)  # type: ignore[return-value]
    timeout = sparql.parse_timeout(params.timeout, svc.config.query_timeout)

    job: dict[str, object] = {
        "query": params.query,
        "form": info.form,
        "format": fmt.name,
        "max_rows": svc.config.max_rows,
        "max_bytes": svc.config.max_result_bytes,
        "prefixes": dict(PREFIXES),
    }
    # the answer depends on the build, the text, the format and the caps only (unless the query
    # calls RAND(), NOW() ...): a GET can be answered 304 without running it, and any answer
    # can come from the result cache (web/caching.py; PJGJ_QUERY_CACHE=0 turns it off)
    key: tuple[object, ...] | None = None
    if not caching.volatile(params.query):
        key = ("query", svc.build_id, fmt.name, config.max_rows, config.max_result_bytes, params.query)
    etag = caching.tag(*key) if key is not None and request.method in ("GET", "HEAD") else None
    if etag is not None:
        early = caching.not_modified(etag, fmt.content_type)
        if early is not None:
            early.vary.add("Accept")
            return early
    entry = svc.query_cache.get(key) if key is not None else None
    if entry is None:
        client = client_address(request.environ, frozenset(config.trusted_proxies))
        assert svc.admission is not None
        with svc.admission.slot(client):
            answer = svc.run_query(job, timeout)
        worker_error(answer.header)
        entry = caching.Entry(answer.body, _result_headers(answer.header, config.max_rows))
        if key is not None:
            svc.query_cache.put(key, entry)
        cache_state = "miss" if key is not None and svc.query_cache.enabled else "off"
    else:
        cache_state = "hit"
    response = Response(entry.body, content_type=fmt.content_type, headers=entry.headers)
    response.pjgj_entry = entry  # type: ignore[attr-defined]  # its gzip twin is kept with it
    response.headers["X-PJGJ-Cache"] = cache_state
    if etag is not None:
        response.set_etag(etag)
    elif key is None:  # RAND(), NOW() ...: every run may differ, no cache may keep it
        response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


def _result_headers(header: Mapping[str, object], max_rows: int) -> dict[str, str]:
    """``X-PJGJ-Truncated`` (always), ``X-PJGJ-Rows`` and, when rows were cut, a ``Warning``."""
    truncated = bool(header.get("truncated"))
    headers = {"X-PJGJ-Truncated": "true" if truncated else "false", "X-PJGJ-Rows": str(header.get("rows", 0))}
    if truncated:
        headers["Warning"] = f'199 - "results cut at {max_rows} rows (PJGJ_MAX_ROWS)"'
    return headers


def worker_error(header: Mapping[str, object]) -> None:
    """The typed error for a query worker's error header (see ``pjgj.queryworker.answer``); None if it answered."""
    error = header.get("error")
    if error is None:
        return
    message = str(header.get("message", ""))
    if error == "syntax":
        raise QuerySyntaxError(syntax_message(message))
    if error == "unrepresentable":
        raise Unrepresentable(message)
    if error == "too_large":
        raise ResultTooLarge(
            f"{message} (PJGJ_MAX_RESULT_BYTES); add a LIMIT, select fewer variables or shorter values"
        )
    if error == "outbound":
        raise QueryRefused("the query tried to reach another server; this endpoint never sends requests out")
    if error == "internal":  # a bug in the worker: the error handler logs it and answers 500
        raise RuntimeError(f"query worker: {message}")
    raise QueryRefused(f"the query could not be evaluated: {message}")


def service_description(accept: str | None, format_param: str | None) -> Response:
    """The SPARQL 1.1 Service Description; a browser is sent to the query editor."""
    fmt = choose(accept, (*GRAPH_FORMATS, HTML), format_param)
    if fmt == HTML:
        return redirect("/query", 303)  # type: ignore[return-value]
    response = Response(service().read(f"meta/service.{fmt.extension}"), content_type=fmt.content_type)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.vary.add("Accept")
    return response
