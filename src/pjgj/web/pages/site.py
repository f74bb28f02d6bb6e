"""What every page shares: the service, IRI -> link mapping, the footer and the RDF twins.

The core of the service (``pjgj.web``) imports this package only inside
``create_app``, when the core is complete, so it can be imported here at the
top. (It once was imported inside each function: a page with a hundred facts
calls these a thousand times, and the import machinery cost 2 ms a page.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ...config import Config
from ...namespaces import PREFIXES, shorten
from .. import service as _core_service

DATA_LICENCE = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
CODE_LICENCE = ("MIT", "https://opensource.org/license/mit")
REPORT = {
    "title": "Pakistani Jihadis and Global Jihad",
    "publisher": "Center for the analysis of terrorism",
    "date": "June 2021",
    "iri": PREFIXES["pj-work"] + "pakistani-jihadis-and-global-jihad",
}


class Service(Protocol):
    """The part of the core's service object that the pages use."""

    config: Config
    manifest: Mapping[str, Any]

    def select(self, query: str) -> Sequence[Mapping[str, Any]]: ...

    def ask(self, query: str) -> bool: ...

    def schema_org_jsonld(self) -> str: ...

    def status(self, iri: str) -> str: ...

    def path(self, name: str) -> Path: ...


# what may stand between < and > in a query (SPARQL's IRIREF); anything else could break out of it
_IRI_SAFE = re.compile(r'^[^<>"{}|^`\\\x00-\x20]+$')


def safe_iri(iri: str) -> bool:
    """True when ``iri`` can be pasted into a query as ``<iri>``."""
    return bool(_IRI_SAFE.match(iri))


def service() -> Service:
    found: Service = _core_service()
    return found


def base() -> str:
    return service().config.base


def local_path(iri: str) -> str | None:
    """The path on this server for an IRI under the public base; None for anything else."""
    prefix = base()
    return "/" + iri[len(prefix) :] if iri.startswith(prefix) else None


def href(iri: str) -> str:
    """Where a link to ``iri`` points: our own page, or the IRI itself for outside vocabularies."""
    return local_path(iri) or iri


def curie(iri: str) -> str:
    return shorten(iri).strip("<>")


# The RDF twins of a page. The core serves each format of a resource at the
# page's path plus this suffix (see pjgj.web.resources); the order is the order shown.
TWINS: tuple[tuple[str, str, str], ...] = (
    ("Turtle", "text/turtle", ".ttl"),
    ("JSON-LD", "application/ld+json", ".jsonld"),
    ("N-Triples", "application/n-triples", ".nt"),
    ("RDF/XML", "application/rdf+xml", ".rdf"),
)


@dataclass(frozen=True)
class Twin:
    name: str
    media_type: str
    url: str


def twins(path: str) -> list[Twin]:
    """The per-format URLs of the resource served at ``path`` (a fragment is dropped)."""
    path = path.split("#", 1)[0]
    return [Twin(name, media, path + suffix) for name, media, suffix in TWINS]


def footer() -> dict[str, Any]:
    manifest = service().manifest
    return {
        "data_licence": DATA_LICENCE,
        "code_licence": CODE_LICENCE,
        "report": REPORT,
        "report_href": href(REPORT["iri"]),
        "version": manifest.get("version", ""),
        "build": manifest.get("build_id") or manifest.get("build", ""),
        "modified": manifest.get("modified", ""),
    }
