"""``/dumps/``: the whole graph, the ontology and the shapes as files.

The listing (HTML for people, JSON at ``/dumps/index.json`` or by ``Accept``)
gives each file's size, triple count and SHA-256. The files are an allow-list
taken from the build manifest: a name not in it is 404, so no path from the
request ever reaches the file system. Each file is served with a strong
``ETag`` (its SHA-256), ``Last-Modified`` (the dataset's modification date),
conditional GET (304) and ranges (206), by Werkzeug's ``send_file``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from flask import Blueprint, Response, redirect, request, send_file

from ..errors import NotFound
from ..formats import HTML, JSON
from ..negotiate import choose
from . import service

bp = Blueprint("dumps", __name__)

#: dumps change only with a release; a day of caching is safe, and ETags make revalidation cheap
MAX_AGE = 86400


def _dumps() -> list[dict[str, Any]]:
    return list(service().manifest["dumps"])


def _listing() -> list[dict[str, Any]]:
    return [
        {
            "name": d["name"],
            "url": f"/dumps/{d['name']}",
            "iri": d["url"],
            "content": d["content"],
            "format": d["format"],
            "media_type": d["media_type"],
            "compressed": d["compressed"],
            "bytes": d["bytes"],
            "triples": d["triples"],
            "sha256": d["sha256"],
        }
        for d in _dumps()
    ]


@bp.get("/dumps")
def dumps_no_slash() -> Response:
    return redirect("/dumps/", 308)  # type: ignore[return-value]


@bp.get("/dumps/")
def index() -> Response:
    fmt = choose(request.headers.get("Accept"), (HTML, JSON), request.args.get("format"))
    response = index_json() if fmt == JSON else Response(_html(), content_type=HTML.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = '</dumps/index.json>; rel="alternate"; type="application/json"'
    return response


@bp.get("/dumps/index.json")
def index_json() -> Response:
    manifest = service().manifest
    doc = {
        "version": manifest["version"],
        "build_id": manifest["build_id"],
        "modified": manifest["modified"],
        "triples": manifest["triples"],
        "files": _listing(),
    }
    return Response(json.dumps(doc, ensure_ascii=False, indent=1), content_type=JSON.content_type)


def _html() -> str:
    from . import pages

    render = getattr(pages, "render_dumps", None)
    if render is not None:
        return str(render(_listing()))
    rows = "".join(
        f'<tr><td><a href="{html.escape(d["url"])}">{html.escape(d["name"])}</a></td>'
        f"<td>{html.escape(d['content'])}</td><td>{html.escape(d['media_type'])}</td>"
        f"<td>{d['bytes']:,}</td><td>{d['triples']:,}</td><td><code>{d['sha256']}</code></td></tr>"
        for d in _listing()
    )
    manifest = service().manifest
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dumps</title>'
        '<link rel="stylesheet" href="/static/site.css">'
        '<link rel="alternate" type="application/json" href="/dumps/index.json"></head><body><main>'
        f"<h1>Dumps</h1><p>Release {html.escape(str(manifest['version']))}, "
        f"modified {html.escape(str(manifest['modified']))}, {manifest['triples']:,} triples. "
        'Licence: <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</p>'
        "<table><thead><tr><th>file</th><th>content</th><th>media type</th><th>bytes</th>"
        f"<th>triples</th><th>SHA-256</th></tr></thead><tbody>{rows}</tbody></table></main></body></html>"
    )


def _modified() -> dt.datetime:
    day = dt.date.fromisoformat(str(service().manifest["modified"]))
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


@bp.get("/dumps/<name>")
def download(name: str) -> Response:
    """The file; a client that accepts gzip gets the precompressed twin (``pjgj.nt`` -> ``pjgj.nt.gz``)
    with ``Content-Encoding: gzip`` and that file's own SHA-256 as ETag: nothing is compressed per
    request. A range request always gets the plain file (ranges of an encoding are rarely handled well)."""
    dumps = {str(d["name"]): d for d in _dumps()}
    entry = dumps.get(name)
    if entry is None:
        raise NotFound(f"no dump is called {name!r}; the list is at /dumps/")
    twin = None if entry["compressed"] else dumps.get(f"{name}.gz")
    served = entry
    if twin is not None and "Range" not in request.headers and request.accept_encodings.quality("gzip") > 0:
        served = twin
    # Werkzeug adds "; charset=utf-8" to text/* types itself
    response = send_file(
        service().path(f"dumps/{served['name']}"),
        mimetype=str(entry["media_type"]),
        etag=str(served["sha256"]),
        last_modified=_modified(),
        max_age=MAX_AGE,
        conditional=True,
    )
    if twin is not None:
        response.vary.add("Accept-Encoding")
        if served is twin and response.status_code == 200:
            response.headers["Content-Encoding"] = "gzip"
    return response
