"""HTTP caching and compression: the data is immutable between builds (docs/decisions/20261125-caching.md).

One ``after_request`` hook (:func:`finalize`) does, for every response:

* **ETag**: a ``GET``/``HEAD`` answer 200 without one gets a strong ETag, the hash of its body
  (pages of the pages blueprint, listings). Routes that can name their representation before
  producing it (resources, metadata, query results) set an ETag derived from the build id
  themselves and answer ``304`` without doing the work (:func:`not_modified`).
* **Cache-Control**: ``public, max-age=PJGJ_MAX_AGE`` on 200 answers to ``GET``/``HEAD`` unless the
  route chose its own; ``public, max-age=31536000, immutable`` on static files whose URL carries
  their content hash (``/static/site.css?v=...``, made by ``static_url()`` in templates: :func:`static_version`);
  ``no-store`` on 5xx (a time-out or an overload must not be cached).
* **304**: ``If-None-Match`` (weak comparison) and ``If-Modified-Since`` on every 200 answer to
  ``GET``/``HEAD``.
* **gzip**: text, JSON, XML and RDF bodies of 1 KiB or more are compressed when the client accepts
  gzip, with ``Vary: Accept-Encoding``; the ETag becomes weak (``W/"..."``), as nginx does, since the
  bytes differ. Never for 206 (ranges), never for bodies already encoded, never for the dumps
  (the dumps route serves its precompressed ``.gz`` twin instead).

And two bounded in-memory caches per HTTP worker (:class:`ByteLRU`): serialised query results
(``PJGJ_QUERY_CACHE``) and rendered resource representations (``PJGJ_PAGE_CACHE``); both keyed by
the build id, both off with a size of 0. The benchmark runs with both off for the engine figures.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

#: bodies smaller than this are sent as they are: compression would save next to nothing
MIN_COMPRESS = 1024
#: gzip level: 5 is within 2% of 9's size at half its CPU time on our pages
GZIP_LEVEL = 5
#: static files whose URL names their content hash never change
IMMUTABLE = 365 * 24 * 3600

_COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|javascript|xml|ld\+json|n-triples|rdf\+xml|sparql-results\+(json|xml)|"
    r"[a-z.+-]+\+(json|xml))|image/svg\+xml)"
)
#: the endpoints of static files (the app's own and the pages blueprint's serve the same folder)
_STATIC = ("static", "pages.static")
#: SPARQL functions whose value changes between two runs of the same query: their results are not cached
#: (matched on the upper-cased text; a false match, in a string or an IRI, only means "not cached")
_VOLATILE = re.compile(r"(?:RAND|NOW|UUID|BNODE)\s*\(")


# ---------------------------------------------------------------- the in-memory caches


@dataclass
class Entry:
    """A cached body with what is needed to answer again: headers, and the gzip twin once made."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    gzipped: bytes | None = None


class ByteLRU:
    """A least-recently-used map bounded by the bytes of its values; thread-safe. Capacity 0: off."""

    def __init__(self, capacity: int, max_entry: int | None = None) -> None:
        self.capacity = capacity
        #: one entry may take at most this much (a huge result would otherwise flush everything)
        self.max_entry = max_entry if max_entry is not None else capacity // 8
        self._items: OrderedDict[Hashable, tuple[Entry, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.size = 0
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def get(self, key: Hashable) -> Entry | None:
        if not self.enabled:
            return None
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, entry: Entry) -> None:
        # the body plus room for its gzip twin (made later, on the first request that accepts gzip)
        cost = len(entry.body) + len(entry.body) // 4 + 200
        if not self.enabled or cost > self.max_entry:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (entry, cost)
            self.size += cost
            while self.size > self.capacity and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


def tag(*parts: object) -> str:
    """An ETag value derived from ``parts`` (the build id first): 32 hex digits."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def volatile(query: str) -> bool:
    """True when the query's answer may change between two runs (RAND(), NOW(), UUID() ...)."""
    return _VOLATILE.search(query.upper()) is not None


# ---------------------------------------------------------------- negotiation of the encoding


def accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def compressible(content_type: str | None) -> bool:
    return bool(content_type) and _COMPRESSIBLE.match(content_type or "") is not None


def _add_vary(response: Response, header: str) -> None:
    present = {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}
    if header.lower() not in present:
        response.vary.add(header)


def not_modified(etag: str, content_type: str) -> Response | None:
    """A 304 when the request's ``If-None-Match`` already names this representation, else None.

    ``etag`` is the strong tag of the uncompressed representation; the tag the client holds may
    be its weak twin (the gzip variant), which matches too (RFC 9110 13.1.2: weak comparison).
    """
    if request.method not in ("GET", "HEAD") or not request.if_none_match:
        return None
    if not request.if_none_match.contains_weak(etag):
        return None
    response = Response(status=304)
    weak = compressible(content_type) and accepts_gzip()
    response.set_etag(etag, weak=weak)
    if compressible(content_type):
        _add_vary(response, "Accept-Encoding")
    return response


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


# ---------------------------------------------------------------- static files


def static_version(app: Flask) -> None:
    """``static_url(filename)`` in templates: the static file's URL with ``v=<content hash>``, served immutable.

    Opt-in (templates that call ``url_for('pages.static', ...)`` keep plain URLs, revalidated
    with their ETag after PJGJ_MAX_AGE): a versioned URL changes whenever the file does.
    """
    hashes: dict[str, str | None] = {}

    def file_hash(filename: str) -> str | None:
        if filename not in hashes:
            blueprint = app.blueprints.get("pages")
            folder = getattr(blueprint, "static_folder", None)
            path = Path(folder) / filename if folder is not None else None
            if path is None or ".." in Path(filename).parts or not path.is_file():
                hashes[filename] = None
            else:
                hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        return hashes[filename]

    def static_url(filename: str) -> str:
        version = file_hash(filename)
        if version is None:
            return url_for("pages.static", filename=filename)
        return url_for("pages.static", filename=filename, v=version)

    app.jinja_env.globals["static_url"] = static_url
    app.extensions["pjgj_static_hash"] = file_hash


def _static_immutable() -> bool:
    if request.endpoint not in _STATIC:
        return False
    version = request.args.get("v")
    filename = (request.view_args or {}).get("filename")
    file_hash = current_app.extensions.get("pjgj_static_hash")
    return bool(version and filename and file_hash and version == file_hash(str(filename)))


# ---------------------------------------------------------------- the hook


def finalize(response: Response) -> Response:
    """ETag, Cache-Control, 304 and gzip for every response (see the module docstring)."""
    method = request.method
    status = response.status_code
    cacheable = method in ("GET", "HEAD") and status == 200
    if status >= 500:
        response.headers["Cache-Control"] = "no-store"
    elif cacheable and "no-store" not in response.headers.get("Cache-Control", ""):
        if _static_immutable():
            response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE}, immutable"
        elif "Cache-Control" not in response.headers or request.endpoint in _STATIC:
            response.headers["Cache-Control"] = f"public, max-age={_max_age()}"

    content_type = response.headers.get("Content-Type")
    encodable = (
        status in (200, 304)
        and compressible(content_type)
        and "Content-Encoding" not in response.headers
        and "Content-Range" not in response.headers
        and not request.path.startswith("/dumps/")
    )
    if encodable:
        _add_vary(response, "Accept-Encoding")
    small = response.content_length is not None and response.content_length < MIN_COMPRESS
    if response.direct_passthrough and status == 200 and encodable and not small:
        # a file from send_file (static, metadata): read it (they are small) so that it can be compressed
        if response.content_length is not None and response.content_length <= 1024 * 1024:
            response.direct_passthrough = False
            response.set_data(response.get_data())
        else:
            encodable = False
    if "no-store" in response.headers.get("Cache-Control", ""):
        cacheable = False  # a volatile answer (RAND(), NOW()): no validator, nothing to revalidate
    if cacheable and not response.direct_passthrough and response.get_etag()[0] is None:
        response.set_etag(tag(response.get_data()))

    use_gzip = encodable and status == 200 and not small and not response.direct_passthrough and accepts_gzip()
    if use_gzip:
        body = response.get_data()
        if len(body) < MIN_COMPRESS:
            use_gzip = False
    etag, weak = response.get_etag()
    # the gzip twin has other bytes: its tag is weak; a 304 names the tag the 200 would have had
    if (use_gzip or (status == 304 and encodable and accepts_gzip())) and etag is not None and not weak:
        response.set_etag(etag, weak=True)

    conditional = "If-None-Match" in request.headers or "If-Modified-Since" in request.headers
    if cacheable and conditional and not response.direct_passthrough:
        response.make_conditional(request)  # 304 when the client already has it
    if use_gzip and response.status_code == 200:
        entry: Entry | None = getattr(response, "pjgj_entry", None)
        if entry is not None and entry.gzipped is not None:
            packed = entry.gzipped
        else:
            packed = _gzip(response.get_data())
            if entry is not None:
                entry.gzipped = packed
        response.set_data(packed)
        response.headers["Content-Encoding"] = "gzip"
    return response


def _max_age() -> int:
    from . import service

    return service().config.max_age


def register(app: Flask) -> None:
    static_version(app)
    app.after_request(finalize)
