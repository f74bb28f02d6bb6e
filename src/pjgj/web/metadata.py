"""Dataset metadata: VoID at ``/void`` and ``/.well-known/void``, DCAT at ``/dcat``, sitemap, robots.txt.

VoID and DCAT are negotiated like resources (Turtle, JSON-LD, N-Triples,
RDF/XML; ``/void.ttl`` etc. for each format; a readable page for browsers).
``/.well-known/void`` (RFC 8615, VoID section 7) answers the VoID itself,
not a redirect, because some crawlers do not follow redirects there.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import NotFound
from ..formats import HTML, RESOURCE_FORMATS, Format, by_extension
from ..negotiate import choose
from . import caching, service
from .resources import link_header, text_page

bp = Blueprint("metadata", __name__)

MAX_AGE = 3600
TITLES = {"void": "VoID description of the dataset", "dcat": "DCAT catalog of the dataset"}


def _metadata(stem: str, path: str, ext: str | None) -> Response:
    explicit: Format | None = None
    if ext is not None:
        explicit = by_extension(ext)
        if explicit is None:
            raise NotFound(f"no {ext!r} version is published; try .ttl, .jsonld, .nt, .rdf or .html")
    fmt = explicit or choose(request.headers.get("Accept"), RESOURCE_FORMATS, request.args.get("format"))
    svc = service()
    etag = caching.tag(svc.build_id, stem, fmt.name)
    response = caching.not_modified(etag, fmt.content_type)
    if response is None:
        if fmt == HTML:
            text = svc.read(f"meta/{stem}.ttl").decode("utf-8")
            response = Response(text_page(TITLES[stem], path, text), content_type=HTML.content_type)
        else:
            response = Response(svc.read(f"meta/{stem}.{fmt.extension}"), content_type=fmt.content_type)
        response.set_etag(etag)
    response.headers["Link"] = link_header(path)
    if explicit is None:
        response.vary.add("Accept")
        response.headers["Content-Location"] = f"{path}.{fmt.extension}"
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response  # 304 on If-None-Match / If-Modified-Since and gzip: web/caching.py


@bp.get("/.well-known/void")
def well_known_void() -> Response:
    return _metadata("void", "/void", None)


@bp.get("/void")
@bp.get("/void.<ext>")
def void(ext: str | None = None) -> Response:
    return _metadata("void", "/void", ext)


@bp.get("/dcat")
@bp.get("/dcat.<ext>")
def dcat(ext: str | None = None) -> Response:
    return _metadata("dcat", "/dcat", ext)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    response = Response(service().read("sitemap.xml"), content_type="application/xml; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    base = service().config.base
    # crawlers may read every page and dump, but must not run queries
    text = f"User-agent: *\nDisallow: /sparql\nAllow: /\nSitemap: {base}sitemap.xml\n"
    return Response(text, content_type="text/plain; charset=utf-8")
