"""The one table of formats: media type, file extension, short name, kind.

Every place that picks, names or advertises a format (content negotiation,
the ``format`` parameter, per-format URLs, dump file names, ``Link`` headers,
the service description) reads this table, so that they cannot disagree.

Kinds:

* ``graph``: an RDF graph (CONSTRUCT/DESCRIBE results, resource descriptions, dumps);
* ``results``: SPARQL SELECT/ASK results;
* ``html``: a page for people (rendered by the pages blueprint).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["graph", "results", "html", "json"]


@dataclass(frozen=True)
class Format:
    #: short name, accepted by the ``format`` parameter
    name: str
    #: the media type we send in ``Content-Type``
    media_type: str
    #: file extension of per-format URLs and dump files, without the dot
    extension: str
    kind: Kind
    #: human-readable name for listings
    label: str
    #: other media types a client may ask for that mean this format
    aliases: tuple[str, ...] = ()
    #: other short names accepted by the ``format`` parameter
    names: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """``Content-Type`` header value: text types say their charset explicitly."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+xml", "+json", "/json"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    def accepts(self, media_type: str) -> bool:
        return media_type == self.media_type or media_type in self.aliases


TURTLE = Format("turtle", "text/turtle", "ttl", "graph", "Turtle", ("application/x-turtle",), ("ttl",))
NTRIPLES = Format("ntriples", "application/n-triples", "nt", "graph", "N-Triples", (), ("nt", "n-triples"))
JSONLD = Format("jsonld", "application/ld+json", "jsonld", "graph", "JSON-LD", (), ("json-ld",))
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", "graph", "RDF/XML", (), ("rdf", "rdf-xml", "xml"))

RESULTS_JSON = Format(
    "json", "application/sparql-results+json", "srj", "results", "SPARQL Results JSON", ("application/json",), ("srj",)
)
RESULTS_XML = Format(
    "xml",
    "application/sparql-results+xml",
    "srx",
    "results",
    "SPARQL Results XML",
    ("application/xml", "text/xml"),
    ("srx",),
)
RESULTS_CSV = Format("csv", "text/csv", "csv", "results", "CSV", (), ())
RESULTS_TSV = Format("tsv", "text/tab-separated-values", "tsv", "results", "TSV", (), ())

HTML = Format("html", "text/html", "html", "html", "HTML", ("application/xhtml+xml",), ())
JSON = Format("json", "application/json", "json", "json", "JSON", (), ())

#: in order of preference: the first one wins a tie (``Accept: */*`` or no Accept header)
GRAPH_FORMATS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML)
RESULT_FORMATS: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)

#: formats of resource descriptions served at per-format URLs (``/id/org/x.ttl``)
RESOURCE_FORMATS: tuple[Format, ...] = (*GRAPH_FORMATS, HTML)


def by_extension(extension: str, candidates: tuple[Format, ...] = RESOURCE_FORMATS) -> Format | None:
    for fmt in candidates:
        if fmt.extension == extension:
            return fmt
    return None


def by_name(name: str, candidates: tuple[Format, ...]) -> Format | None:
    """The format a ``format=`` parameter names: a short name, an extension or a media type."""
    wanted = name.strip().lower()
    for fmt in candidates:
        if wanted in (fmt.name, fmt.extension, *fmt.names) or fmt.accepts(wanted):
            return fmt
    return None
