"""Every error response, in one place.

Typed errors (:mod:`pjgj.errors`) and Werkzeug's own (404 for no route, 405,
413) become one response shape, chosen by ``Accept``:

* a browser (``text/html`` preferred) gets the site's error page;
* a client that accepts any JSON type (``application/json``,
  ``application/sparql-results+json``, ``application/ld+json``) gets
  ``{"status": 400, "error": "Bad Request", "message": "..."}``;
* everyone else gets ``text/plain``: the message on one line.

Unknown IRIs in our namespace also carry label-search suggestions. Anything
else that escapes a route is a bug: logged with its traceback, answered 500
with a plain message, never the traceback.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .. import errors
from ..formats import HTML, JSON, Format
from ..negotiate import parse_accept, prefers_html, quality

_PLAIN = Format("plain", "text/plain", "txt", "json", "plain text")
_JSON_TYPES = (
    JSON,
    Format("srj", "application/sparql-results+json", "srj", "json", ""),
    Format("ld", "application/ld+json", "jsonld", "json", ""),
)


def _wants_json(accept: str | None) -> bool:
    if not accept:
        return False
    ranges = parse_accept(accept)
    explicit = [r for r in ranges if r.type != "*" and r.q > 0]
    return any(quality(f, explicit) > 0 for f in _JSON_TYPES) and quality(_PLAIN, explicit) == 0


def error_response(
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    iri: str | None = None,
    suggestions: list[tuple[str, str]] | None = None,
    gone_replacement: str | None = None,
) -> Response:
    accept = request.headers.get("Accept")
    reason = HTTPStatus(status).phrase
    if prefers_html(accept, (HTML, _PLAIN)):
        from . import pages

        if status == 404 and iri is not None:
            body = pages.render_not_found(iri, suggestions or [])
        elif status == 410 and iri is not None:
            body = pages.render_gone(iri, gone_replacement)
        else:
            body = pages.render_error(status, message)
        response = Response(body, status=status, mimetype="text/html")
    elif _wants_json(accept):
        doc: dict[str, object] = {"status": status, "error": reason, "message": message}
        if suggestions is not None:
            doc["suggestions"] = [{"path": path, "label": label} for path, label in suggestions]
        response = Response(json.dumps(doc, ensure_ascii=False), status=status, mimetype="application/json")
    else:
        lines = [message]
        if suggestions:
            lines.append("Did you mean: " + ", ".join(f"{label} <{path}>" for path, label in suggestions))
        response = Response("\n".join(lines) + "\n", status=status, mimetype="text/plain")
    response.headers["Vary"] = "Accept"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _service_error(err: errors.ServiceError) -> Response:
    iri = getattr(err, "iri", None)
    suggestions = not_found_suggestions(iri) if isinstance(err, errors.NotFound) and iri else None
    return error_response(err.status, err.message, err.headers, iri, suggestions)


def not_found_suggestions(iri: str, limit: int = 5) -> list[tuple[str, str]]:
    """Labels like the last segment of ``iri`` (``lashkar-e-taiba`` finds "Lashkar-e-Taiba")."""
    from . import local_path, service

    word = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    for ext in (".ttl", ".jsonld", ".nt", ".rdf", ".html"):
        word = word.removesuffix(ext)
    return [(local_path(s.iri), s.label) for s in service().search(word.replace("-", " "), limit)]


def _http_error(err: HTTPException) -> Response:
    status = err.code or 500
    if status == 404:
        from . import public_iri

        iri = public_iri(request.path)
        suggestions = not_found_suggestions(iri)
        return error_response(404, f"nothing is published at {request.path}", iri=iri, suggestions=suggestions)
    if status == 413:
        from . import service

        limit = service().config.max_body_bytes
        return error_response(
            413, f"the request body is larger than the limit of {limit:,} bytes (PJGJ_MAX_BODY_BYTES)"
        )
    # keep Werkzeug's own headers (Allow on a 405)
    headers = {k: v for k, v in err.get_headers() if k.lower() != "content-type"}
    return error_response(status, err.description or HTTPStatus(status).phrase, headers)


def _bug(err: Exception) -> Response:
    from flask import current_app

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path, exc_info=err)
    return error_response(500, "internal error: the problem was logged")


def register(app: Flask) -> None:
    app.register_error_handler(errors.ServiceError, _service_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _bug)
