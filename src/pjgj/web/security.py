"""Safe defaults for every request and every response, registered once by ``create_app``.

Before a request reaches a route:

* the path and the query string must be valid UTF-8 once percent-decoded, and
  the path may hold no control character (``%00``): 400. Werkzeug would
  replace bad bytes with U+FFFD (or keep bad percent-escapes as text), so a
  different resource or query than the one sent would be served;
* the request line and the headers are held to ``PJGJ_MAX_URL_BYTES`` (414),
  ``PJGJ_MAX_HEADERS`` and ``PJGJ_MAX_HEADER_BYTES`` (431), here in the app, so
  that these refusals carry the security headers and the JSON error like any other;
* (a client that announces more body bytes than it sends is answered 408 by
  the routes that read a body: ``pjgj.web.sparql``).

Every response carries a Content-Security-Policy that allows nothing but this
site's own files (no inline script or style, no framing, no ``<base>``),
``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy``. Debug mode is
forced off whatever ``FLASK_DEBUG`` says: the Werkzeug debugger is never part of
the app (``pjgj serve`` runs granian, never ``app.run``).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, Response, request

from ..config import Config
from ..errors import BadRequest, HeadersTooLarge, UriTooLong

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
REFERRER_POLICY = "strict-origin-when-cross-origin"


def _strict_utf8(raw: str, what: str, percent_decode: bool) -> None:
    """``raw`` is a WSGI string (bytes as Latin-1); (percent-decoded,) it must be UTF-8."""
    try:
        data = raw.encode("latin-1")
        (unquote_to_bytes(data) if percent_decode else data).decode("utf-8")
    except UnicodeError:
        raise BadRequest(f"the {what} is not valid UTF-8 (after percent-decoding); encode it as UTF-8") from None


def check_request(config: Config) -> None:
    """The checks every request passes before its route; a typed error (400/414/431) otherwise."""
    environ = request.environ
    line = len(environ.get("REQUEST_METHOD", "")) + len(environ.get("RAW_URI") or request.full_path) + 10
    if line > config.max_url_bytes:
        raise UriTooLong(
            f"the request line is longer than {config.max_url_bytes:,} bytes (PJGJ_MAX_URL_BYTES); "
            "send a long query with POST"
        )
    headers = [(k, v) for k, v in environ.items() if k.startswith("HTTP_")]
    if len(headers) > config.max_headers:
        raise HeadersTooLarge(f"more than {config.max_headers} request headers (PJGJ_MAX_HEADERS)")
    for name, value in headers:
        if len(name) - 5 + len(str(value)) + 2 > config.max_header_bytes:
            shown = name[5:].replace("_", "-").title()
            raise HeadersTooLarge(
                f"the {shown} header is longer than {config.max_header_bytes:,} bytes (PJGJ_MAX_HEADER_BYTES)"
            )
    path = environ.get("PATH_INFO", "")
    _strict_utf8(path, "path", percent_decode=False)  # the server has percent-decoded it already
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        raise BadRequest("the path contains a control character")
    _strict_utf8(environ.get("QUERY_STRING", ""), "query string", percent_decode=True)


def secure_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    return response


def register(app: Flask, config: Config) -> None:
    app.config["DEBUG"] = False  # FLASK_DEBUG=1 in the environment would otherwise turn it on
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.before_request(lambda: check_request(config))
    app.after_request(secure_headers)
