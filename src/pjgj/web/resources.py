"""Dereferencing: every IRI the dataset mints answers here (docs/decisions/20261125-dereferencing.md).

* ``/id/<kind>/<slug>``, ``/concept/<slug>``: the description of one resource;
* ``/ontology`` (and every ``/ontology#Term``): the whole ontology;
* ``/shapes`` (and every ``/shapes#shape``): the SHACL shapes.

The IRI itself answers ``200`` with the representation chosen by ``Accept``
(HTML for browsers; Turtle, JSON-LD, N-Triples, RDF/XML for machines), with
``Vary: Accept`` and ``Content-Location`` naming the per-format URL that was
served. The per-format URLs append an extension (``/id/org/x.ttl``, ``.jsonld``,
``.nt``, ``.rdf``, ``.html``) and are listed in ``Link: rel="alternate"``
headers. A retired IRI (``owl:deprecated true``) redirects (301) to its
``dct:isReplacedBy``, or answers 410 Gone when it has none; an unknown IRI
answers 404 with label suggestions.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from flask import Blueprint, Response, redirect, request

from .. import rdfio
from ..errors import Gone, NotAcceptable, NotFound
from ..formats import GRAPH_FORMATS, HTML, RESOURCE_FORMATS, Format, by_extension
from ..negotiate import choose
from . import caching, local_path, public_iri, service

bp = Blueprint("resources", __name__)


def split_extension(name: str) -> tuple[str, Format | None]:
    """``x.ttl`` -> (``x``, Turtle); a name without a known extension is returned whole."""
    stem, dot, ext = name.rpartition(".")
    if dot:
        fmt = by_extension(ext)
        if fmt is not None:
            return stem, fmt
    return name, None


def link_header(path: str) -> str:
    """``Link`` alternates: every per-format URL of the resource at ``path``."""
    links = [f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in RESOURCE_FORMATS]
    return ", ".join(links)


def _finish(response: Response, path: str, fmt: Format, negotiated: bool, etag: str) -> Response:
    """The headers every representation carries (a 304 too); the 304 itself is decided in web/caching.py."""
    response.headers["Link"] = link_header(path)
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = f"{path}.{fmt.extension}"
    if response.get_etag()[0] is None:
        response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = service().config.max_age
    return response


def _cached(key: tuple[object, ...], fmt: Format, render: Callable[[], bytes | str | None] | None) -> Response | None:
    """The representation from the page cache, else rendered (and kept); None when not cached and
    ``render`` is None or finds nothing."""
    cache = service().page_cache
    entry = cache.get(key)
    if entry is None:
        if render is None:
            return None
        body = render()
        if body is None:
            return None
        entry = caching.Entry(body.encode("utf-8") if isinstance(body, str) else body)
        cache.put(key, entry)
    response = Response(entry.body, content_type=fmt.content_type)
    response.pjgj_entry = entry  # type: ignore[attr-defined]  # its gzip twin is kept with it (web/caching.py)
    return response


def _pick(explicit: Format | None) -> tuple[Format, bool]:
    """The format: from the URL's extension, else the ``format`` parameter or ``Accept``."""
    if explicit is not None:
        return explicit, False
    return choose(request.headers.get("Accept"), RESOURCE_FORMATS, request.args.get("format")), True


def _check_status(iri: str, explicit: Format | None) -> Response | None:
    """Raise 404/410 or return a redirect for a retired IRI; None when the IRI is live."""
    svc = service()
    status = svc.status(iri)
    if status == "unknown":
        raise NotFound(f"{iri} is not an IRI of this dataset", iri=iri)
    if status == "retired":
        replacement = svc.replacement(iri)
        if replacement is None:
            raise Gone(f"{iri} was retired and has no replacement", iri=iri)
        target = local_path(replacement)
        if explicit is not None:
            target += f".{explicit.extension}"
        response = redirect(target, 301)
        response.headers["Link"] = f'<{replacement}>; rel="successor-version"'
        return response  # type: ignore[return-value]
    return None


def describe_response(path: str, explicit: Format | None) -> Response:
    """The description of the resource whose IRI is the public IRI of ``path``.

    Cheapest first: a 304 when the client holds this build's representation, then the page
    cache (an entry exists only for a live IRI of this build), then the status of the IRI and
    the rendering.
    """
    svc = service()
    iri = public_iri(path)
    try:
        fmt, negotiated = _pick(explicit)
    except NotAcceptable:
        moved = _check_status(iri, explicit)  # an unknown IRI is 404 whatever it asks for
        if moved is not None:
            return moved
        raise
    etag = caching.tag(svc.build_id, iri, fmt.name)
    early = caching.not_modified(etag, fmt.content_type)
    if early is not None:
        return _finish(early, path, fmt, negotiated, etag)
    key = ("resource", svc.build_id, iri, fmt.name)
    response = _cached(key, fmt, None)
    if response is None:
        moved = _check_status(iri, explicit)
        if moved is not None:
            return moved
        response = _cached(key, fmt, lambda: _render(iri, fmt))
        if response is None:
            raise NotFound(f"{iri} is not an IRI of this dataset", iri=iri)
    return _finish(response, path, fmt, negotiated, etag)


def _render(iri: str, fmt: Format) -> bytes | str | None:
    if fmt == HTML:
        from . import pages

        return pages.render_resource(iri)
    return rdfio.write_triples(service().describe_triples(iri), fmt)


@bp.get("/id/<kind>/<name>")
def entity(kind: str, name: str) -> Response:
    stem, fmt = split_extension(name)
    if fmt is not None and service().status(public_iri(f"/id/{kind}/{stem}")) == "unknown":
        stem, fmt = name, None  # a slug that happens to end like an extension
    return describe_response(f"/id/{kind}/{stem}", fmt)


@bp.get("/concept/<name>")
def concept(name: str) -> Response:
    stem, fmt = split_extension(name)
    if fmt is not None and service().status(public_iri(f"/concept/{stem}")) == "unknown":
        stem, fmt = name, None
    return describe_response(f"/concept/{stem}", fmt)


def _document(path: str, stem: str, explicit: Format | None, render_html: Callable[[], str]) -> Response:
    """A whole-document resource (ontology, shapes): the built files, or the HTML page (rendered once)."""
    svc = service()
    fmt, negotiated = _pick(explicit)
    etag = caching.tag(svc.build_id, stem, fmt.name)
    early = caching.not_modified(etag, fmt.content_type)
    if early is not None:
        return _finish(early, path, fmt, negotiated, etag)
    if fmt == HTML:
        response = _cached(("document", svc.build_id, stem, fmt.name), fmt, render_html)
        assert response is not None
    else:
        response = Response(svc.read(f"dumps/{stem}.{fmt.extension}"), content_type=fmt.content_type)
    return _finish(response, path, fmt, negotiated, etag)


@bp.get("/ontology")
@bp.get("/ontology.<ext>")
def ontology(ext: str | None = None) -> Response:
    from . import pages

    return _document("/ontology", "ontology", _explicit(ext), pages.render_ontology)


@bp.get("/shapes")
@bp.get("/shapes.<ext>")
def shapes(ext: str | None = None) -> Response:
    return _document("/shapes", "shapes", _explicit(ext), shapes_page)


def _explicit(ext: str | None) -> Format | None:
    if ext is None:
        return None
    fmt = by_extension(ext)
    if fmt is None:
        raise NotFound(f"no {ext!r} version is published; try .ttl, .jsonld, .nt, .rdf or .html")
    return fmt


def text_page(title: str, path: str, text: str) -> str:
    """A plain page showing an RDF document (escaped), with links to every format."""
    links = " | ".join(f'<a href="{path}.{f.extension}">{f.label}</a>' for f in GRAPH_FORMATS)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        '<link rel="stylesheet" href="/static/site.css"></head><body><main>'
        f"<h1>{html.escape(title)}</h1><p>Formats: {links}</p><pre>{html.escape(text)}</pre>"
        "</main></body></html>"
    )


def shapes_page() -> str:
    """The shapes for people: the pages' own renderer when it has one, else the Turtle, escaped."""
    from . import pages

    render = getattr(pages, "render_shapes", None)
    if render is not None:
        return str(render())
    text = service().path("dumps/shapes.ttl").read_text(encoding="utf-8")
    return text_page("SHACL shapes: the constraints every release is validated against", "/shapes", text)
