"""The pages a person reads: home, resource pages, the ontology, lists, search, examples, the query editor.

Everything is rendered on the server from Jinja templates with autoescaping
on; no data is ever marked safe. The core (``pjgj.web``) calls the
``render_*`` functions for resources, the ontology and errors; this
blueprint owns ``/``, ``/browse/<class>``, ``/search``, ``/examples``,
``/query`` and the static files.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for
from rdflib import Graph

from ...namespaces import PREFIXES
from . import catalog, claims, ontology_doc, resource, search, shapes_doc, site
from .terms import Labels, iri_of, natural_key

bp = Blueprint(
    "pages",
    __name__,
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/static",
)

PAGE_SIZE = 100

__all__ = [
    "bp",
    "render_dumps",
    "render_error",
    "render_gone",
    "render_not_found",
    "render_ontology",
    "render_resource",
    "render_shapes",
    "suggest",
]


def _common() -> dict[str, Any]:
    return {"footer": site.footer(), "sparql_path": "/sparql"}


def render_resource(iri: str) -> str | None:
    """The HTML page of any IRI the dataset describes; None when the store knows nothing about it."""
    page = resource.build(iri)
    if page is None:
        return None
    path = site.local_path(iri) or iri
    return render_template("resource.html", page=page, twins=site.twins(path), **_common())


def render_ontology() -> str:
    page = ontology_doc.build()
    path = site.local_path(ontology_doc.ONTOLOGY) or "/ontology"
    return render_template("ontology.html", page=page, twins=site.twins(path), **_common())


def render_shapes() -> str:
    """The SHACL shapes of the build, documented; they are not in the store, so the build's Turtle is read."""
    graph = Graph(bind_namespaces="none")
    graph.parse(site.service().path("dumps/shapes.ttl"), format="turtle")
    page = shapes_doc.build(graph)
    path = site.local_path(shapes_doc.SHAPES) or "/shapes"
    return render_template("shapes.html", page=page, twins=site.twins(path), **_common())


def render_dumps(files: list[dict[str, Any]]) -> str:
    """The downloads: every file of the build with its size, triple count and SHA-256, grouped by content."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in files:
        groups.setdefault(str(entry.get("content", "")), []).append(entry)
    order = ["dataset", "ontology", "shapes"]
    ordered = sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    return render_template("dumps.html", groups=ordered, manifest=site.service().manifest, **_common())


def render_not_found(iri: str, suggestions: list[tuple[str, str]]) -> str:
    return render_template("not_found.html", iri=iri, suggestions=suggestions, **_common())


def render_gone(iri: str, replacement: str | None) -> str:
    labels = Labels()
    target = labels.link(replacement) if replacement else None
    return render_template("gone.html", iri=iri, title=labels.label(iri), replacement=target, **_common())


def render_error(status: int, message: str) -> str:
    return render_template("error.html", status=status, message=message, **_common())


def suggest(iri: str, limit: int = 5) -> list[tuple[str, str]]:
    return search.suggest(iri, limit)


def _with_alternate(body: str, json_url: str) -> Response:
    response = Response(body, mimetype="text/html")
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/")
def home() -> Response:
    manifest = site.service().manifest
    try:
        jsonld: Any = json.loads(site.service().schema_org_jsonld())
    except ValueError:
        jsonld = None
    body = render_template(
        "home.html",
        classes=catalog.class_counts(),
        examples=catalog.examples(),
        downloads=catalog.downloads(),
        manifest=manifest,
        jsonld=jsonld,
        ontology_href=site.href(ontology_doc.ONTOLOGY),
        shapes_href=site.href(PREFIXES["pjs"].rstrip("#")),
        report_href=site.href(site.REPORT["iri"]),
        **_common(),
    )
    return Response(body, mimetype="text/html")


def _browse_items(class_iri: str, page: int) -> tuple[list[dict[str, Any]], int]:
    rows = site.service().select(f"SELECT DISTINCT ?s WHERE {{ ?s a <{class_iri}> . FILTER(isIRI(?s)) }}")
    iris = sorted(iri for row in rows if (iri := iri_of(row["s"])))
    total = len(iris)
    labels = Labels()
    statements = class_iri in (claims.CLAIM, claims.ASSESSMENT)
    if statements:
        # claims have no labels; their slugs sort by section, and only one page is put into words
        chosen = iris[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        builder = claims.FactBuilder(labels)
        builder.prepare(claims.load(f"VALUES ?c {{ {' '.join(f'<{i}>' for i in chosen)} }}") if chosen else {})
    else:
        labels.fetch(iris)
        iris.sort(key=lambda i: natural_key(labels.label(i)))
        chosen = iris[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    descriptions: dict[str, str] = {}
    retired: set[str] = set()
    if chosen:
        values = " ".join(f"<{i}>" for i in chosen)
        for row in site.service().select(
            f"SELECT ?s ?d WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:comment|skos:definition ?d }}"
        ):
            if (s := iri_of(row["s"])) is not None:
                descriptions.setdefault(s, str(row["d"].value))
        rows = site.service().select(f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} ?s owl:deprecated true }}")
        retired = {s for row in rows if (s := iri_of(row["s"]))}
    items = [
        {
            "iri": i,
            "label": labels.label(i),
            "path": site.href(i),
            "description": descriptions.get(i, ""),
            "retired": i in retired,
        }
        for i in chosen
    ]
    return items, total


def _browse(curie: str, as_json: bool) -> Response:
    class_iri = catalog.class_iri(curie)
    if class_iri is None:
        abort(404, description=f"'{curie}' is not a class this dataset knows (unknown prefix).")
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        abort(400, description="page must be a positive whole number")
    number = int(page)
    items, total = _browse_items(class_iri, number)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if total == 0 and not site.service().ask(f"ASK {{ <{class_iri}> ?p ?o }}"):
        abort(404, description=f"{site.curie(class_iri)} is not a class of this dataset.")
    if number > pages:
        abort(404, description=f"There is no page {number}: {site.curie(class_iri)} has {pages}.")
    title = Labels().label(class_iri)
    here = url_for("pages.browse", curie=site.curie(class_iri))
    json_here = url_for("pages.browse_json", curie=site.curie(class_iri))
    next_page = f"?page={number + 1}" if number < pages else None
    previous_page = f"?page={number - 1}" if number > 1 else None
    if as_json:
        response = jsonify(
            {
                "class": class_iri,
                "curie": site.curie(class_iri),
                "label": title,
                "total": total,
                "page": number,
                "pages": pages,
                "page_size": PAGE_SIZE,
                "next": json_here + next_page if next_page else None,
                "items": items,
            }
        )
        response.headers["Link"] = f'<{here}?page={number}>; rel="alternate"; type="text/html"'
        return response
    body = render_template(
        "browse.html",
        class_iri=class_iri,
        class_curie=site.curie(class_iri),
        class_href=site.href(class_iri),
        title=title,
        items=items,
        total=total,
        page=number,
        pages=pages,
        next_page=next_page,
        previous_page=previous_page,
        json_url=f"{json_here}?page={number}",
        **_common(),
    )
    response = _with_alternate(body, f"{json_here}?page={number}")
    if next_page:
        response.headers["Link"] += f', <{here}{next_page}>; rel="next"'
    return response


@bp.get("/browse/<curie>")
def browse(curie: str) -> Response:
    return _browse(curie, as_json=False)


@bp.get("/browse/<curie>.json")
def browse_json(curie: str) -> Response:
    return _browse(curie, as_json=True)


def _search_results(query: str) -> tuple[list[search.Hit], bool]:
    index = search.index()
    hits = index.search(query)
    if hits:
        return hits, False
    return index.fuzzy(query), True


@bp.get("/search")
def search_page() -> Response:
    query = request.args.get("q", "").strip()
    hits, fuzzy = _search_results(query) if query else ([], False)
    body = render_template("search.html", search_query=query, hits=hits, fuzzy=fuzzy, **_common())
    return _with_alternate(body, url_for("pages.search_json", q=query))


@bp.get("/search.json")
def search_json() -> Response:
    query = request.args.get("q", "").strip()
    hits, fuzzy = _search_results(query) if query else ([], False)
    return jsonify(
        {
            "query": query,
            "approximate": fuzzy,
            "results": [
                {
                    "iri": h.value.iri,
                    "path": h.value.href,
                    "label": h.value.text,
                    "matched": h.matched or None,
                    "types": h.types,
                    "description": h.description,
                    "deprecated": h.deprecated,
                }
                for h in hits
            ],
        }
    )


@bp.get("/examples")
def examples() -> Response:
    body = render_template("examples.html", examples=catalog.examples(), **_common())
    return _with_alternate(body, url_for("pages.examples_json"))


@bp.get("/examples.json")
def examples_json() -> Response:
    return jsonify(
        [
            {"id": e.id, "title": e.title, "kind": e.kind, "query": e.query, "editor": f"/query?example={e.id}&run=1"}
            for e in catalog.examples()
        ]
    )


#: how many IRIs one /labels.json request may name (a result page shows at most this many distinct ones)
MAX_LABELS = 5000


@bp.post("/labels.json")
def labels_json() -> Response:
    """Labels of IRIs, for the query editor's result tables: {"iri": "label"}; claims by their statement.

    IRIs without a label of their own are left out, so the editor keeps their CURIE.
    """
    doc = request.get_json(silent=True)
    iris = doc.get("iris") if isinstance(doc, dict) else None
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        abort(400, description='send {"iris": ["https://...", ...]} as JSON')
    if len(iris) > MAX_LABELS:
        abort(413, description=f"at most {MAX_LABELS} IRIs per request")
    wanted = sorted({i for i in iris if site.safe_iri(i)})
    labels = Labels()
    labels.fetch(wanted)
    found = {i: labels.label(i) for i in wanted if labels.has_own(i)}
    if wanted:
        values = " ".join(f"<{i}>" for i in wanted)
        nodes = claims.load(f"VALUES ?c {{ {values} }} ?c rdf:subject|dct:description ?x .")
        claims.FactBuilder(labels).prepare(nodes)
        found.update({i: labels.label(i) for i in nodes})
    return jsonify(found)


@bp.get("/query")
def query_editor() -> Response:
    examples = catalog.examples()
    chosen = request.args.get("example", "")
    text = request.args.get("query", "")
    if not text:
        match = next((e for e in examples if e.id == chosen), examples[0] if examples else None)
        text = match.query if match else "SELECT ?s ?p ?o WHERE {\n  ?s ?p ?o .\n}\nLIMIT 10\n"
        chosen = match.id if match else ""
    body = render_template(
        "query.html",
        examples=examples,
        chosen=chosen,
        query=text,
        prefixes=catalog.prefixes(),
        prefix_map=json.dumps(dict(PREFIXES)),
        base=site.base(),
        timeout=site.service().config.query_timeout,
        max_rows=site.service().config.max_rows,
        **_common(),
    )
    return Response(body, mimetype="text/html")
