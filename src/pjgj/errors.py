"""The errors the service answers with, each carrying its HTTP status.

Raised anywhere below the web layer; ``pjgj.web.errors`` turns them into
responses in one place (JSON, plain text or an HTML page by ``Accept``).
A client mistake is always a 4xx with a one-line message that says what to
change; a limit we enforce is a 503 with ``Retry-After``; anything else is a
bug (500, logged, never shown as a traceback).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .formats import Format


class ServiceError(Exception):
    """Base class: ``status`` and a one-line ``message`` for the client."""

    status = 500
    #: extra response headers (``Retry-After``, ``Allow`` ...)
    headers: dict[str, str]

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.headers = {}


class BadRequest(ServiceError):
    """A malformed request: missing or repeated parameter, bad encoding, bad number."""

    status = 400


class QuerySyntaxError(BadRequest):
    """The SPARQL parser refused the query; the message has its line and column."""


class QueryRefused(BadRequest):
    """A well-formed query we do not run: SERVICE, FROM NAMED, other graphs, an update in ``query=``."""


class UpdateRefused(ServiceError):
    """SPARQL Update over the protocol (``update=`` or ``application/sparql-update``): the service is read-only."""

    status = 403


class NotFound(ServiceError):
    status = 404

    def __init__(self, message: str, iri: str | None = None) -> None:
        super().__init__(message)
        self.iri = iri


class Gone(ServiceError):
    """A retired IRI with no replacement."""

    status = 410

    def __init__(self, message: str, iri: str) -> None:
        super().__init__(message)
        self.iri = iri


class NotAcceptable(ServiceError):
    """No available format fits ``Accept`` (or ``format=``); the message lists what is available."""

    status = 406

    def __init__(self, available: tuple[Format, ...], reason: str) -> None:
        types = ", ".join(dict.fromkeys(f.media_type for f in available))
        names = ", ".join(dict.fromkeys(f.name for f in available))
        super().__init__(f"{reason}; available: {types} (format= {names})")
        self.available = available


class UnsupportedMediaType(ServiceError):
    status = 415


class PayloadTooLarge(ServiceError):
    status = 413


class QueryTimeout(ServiceError):
    """The query ran past its time limit and its worker was killed."""

    status = 503

    def __init__(self, limit: float) -> None:
        super().__init__(
            f"the query ran longer than the time limit of {limit:g} s and was stopped; "
            "make it more selective or add a LIMIT"
        )
        self.limit = limit
        self.headers = {"Retry-After": "5"}


class QueryAborted(ServiceError):
    """The worker running the query died (out of memory, crash); the worker is replaced."""

    status = 503

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": "5"}


class Busy(ServiceError):
    """Every query worker stayed busy for the whole time limit."""

    status = 503

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": "5"}


class TooManyRequests(ServiceError):
    """Fair use: the client already runs its share of queries, or the queue of waiting queries is full."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after)}


class RequestTimeout(ServiceError):
    """The client did not send the request body it announced within the limit."""

    status = 408


class UriTooLong(ServiceError):
    status = 414


class HeadersTooLarge(ServiceError):
    status = 431


class ResultTooLarge(BadRequest):
    """The serialised result is larger than PJGJ_MAX_RESULT_BYTES: the query must ask for less."""


class Unrepresentable(ServiceError):
    """The results hold a character (or an IRI) the requested format cannot carry; another format can."""

    status = 406


class BuildError(Exception):
    """The build output is missing, incomplete or does not match its manifest: the server cannot start."""
