"""Dataset metadata, generated from the data at build time: VoID, DCAT, schema.org, SPARQL service description.

Every IRI minted here dereferences on the server: ``{base}void#...`` is in the
VoID document (``/void``), ``{base}dcat#...`` in the DCAT document (``/dcat``)
and ``{base}sparql`` (the endpoint, also the service) in the service description
that ``GET /sparql`` answers without a query.

* VoID: https://www.w3.org/TR/void/ (``void:triples`` is the count the endpoint gives
  for ``SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }``; a test checks it);
* DCAT 3: https://www.w3.org/TR/vocab-dcat-3/ (checksums with SPDX);
* SPARQL 1.1 Service Description: https://www.w3.org/TR/sparql11-service-description/;
* schema.org Dataset: https://schema.org/Dataset (for dataset search engines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, XSD

from .formats import Format
from .namespaces import PREFIXES, split_curie

VOID = Namespace(PREFIXES["void"])
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace(PREFIXES["schema"])
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
#: DCAT 3 term that rdflib 7.6's closed DCAT namespace does not list yet
DCAT_VERSION = URIRef(str(DCAT) + "version")

TITLE = "Pakistani Jihadis and Global Jihad: a knowledge graph"
DESCRIPTION = (
    "Everything that the report 'Pakistani Jihadis and Global Jihad' (June 2021) says about militant "
    "organizations, the people in them, the events they took part in, the places and the sources it relies "
    "on, as an RDF knowledge graph. Every fact is a claim that cites the section, paragraph and page of the "
    "report it comes from, and the person or organization the report attributes it to."
)
PUBLISHER_NAME = "The pjgj project"
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
REPORT = PREFIXES["pj-work"] + "pakistani-jihadis-and-global-jihad"
KEYWORDS = ("terrorism", "militant organizations", "Pakistan", "jihadism", "knowledge graph", "provenance")

#: the format IRIs of https://www.w3.org/ns/formats/ for the service description
FORMAT_IRIS = {
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
}


def default_graph_iri(base: str) -> str:
    """The name of the one graph: accepted in ``default-graph-uri`` and ``FROM``."""
    return f"{base}sparql#default-graph"


def dataset_iri(base: str) -> str:
    return f"{base}void#pjgj"


@dataclass(frozen=True)
class Dump:
    """One downloadable file, as listed in the manifest, VoID, DCAT and /dumps/."""

    name: str
    fmt: Format
    bytes: int
    sha256: str
    triples: int
    #: what it holds: "dataset", "ontology" or "shapes"
    content: str
    compressed: bool = False


@dataclass(frozen=True)
class Stats:
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> distinct instances
    properties: dict[str, int] = field(default_factory=dict)  # property IRI -> triples


@dataclass(frozen=True)
class Release:
    base: str
    version: str
    modified: str  # YYYY-MM-DD
    stats: Stats
    dumps: tuple[Dump, ...]

    def url(self, path: str) -> str:
        return self.base + path


def _slug(iri: str) -> str:
    curie = split_curie(iri)
    text = f"{curie[0]}-{curie[1]}" if curie else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def _partition_iris(kind: str, iris: list[str], base: str) -> dict[str, URIRef]:
    """Readable, unique partition IRIs: ``{base}void#class-org-Organization``."""
    out: dict[str, URIRef] = {}
    used: set[str] = set()
    for iri in sorted(iris):
        slug = f"{kind}-{_slug(iri)}"
        n = 2
        while slug in used:
            slug = f"{kind}-{_slug(iri)}-{n}"
            n += 1
        used.add(slug)
        out[iri] = URIRef(f"{base}void#{slug}")
    return out


def _publisher(g: Graph, base: str) -> URIRef:
    publisher = URIRef(f"{base}void#publisher")
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(PUBLISHER_NAME)))
    g.add((publisher, FOAF.homepage, URIRef(base)))
    return publisher


def _describe_dataset(g: Graph, r: Release, dataset: URIRef) -> None:
    g.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((dataset, DCTERMS.license, URIRef(DATA_LICENSE)))
    g.add((dataset, DCTERMS.publisher, _publisher(g, r.base)))
    g.add((dataset, DCTERMS.source, URIRef(REPORT)))
    g.add((dataset, DCTERMS.modified, Literal(r.modified, datatype=XSD.date)))
    g.add((dataset, OWL.versionInfo, Literal(r.version)))
    g.add((dataset, DCAT_VERSION, Literal(r.version)))
    g.add((dataset, FOAF.homepage, URIRef(r.base)))


def void_graph(r: Release) -> Graph:
    g = Graph(bind_namespaces="none")
    doc = URIRef(r.url("void"))
    dataset = URIRef(dataset_iri(r.base))
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, DCTERMS.title, Literal(f"VoID description of '{TITLE}'", lang="en")))
    g.add((doc, FOAF.primaryTopic, dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    _describe_dataset(g, r, dataset)
    g.add((dataset, VOID.uriSpace, Literal(r.base)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(r.url("sparql"))))
    g.add((dataset, VOID.rootResource, URIRef(REPORT)))
    g.add((dataset, VOID.vocabulary, URIRef(PREFIXES["pjo"])))
    g.add((dataset, VOID.feature, W3C_FORMATS.Turtle))
    for dump in r.dumps:
        if dump.content == "dataset":
            g.add((dataset, VOID.dataDump, URIRef(r.url(f"dumps/{dump.name}"))))
    s = r.stats
    for prop, value in (
        (VOID.triples, s.triples),
        (VOID.entities, s.entities),
        (VOID.distinctSubjects, s.distinct_subjects),
        (VOID.distinctObjects, s.distinct_objects),
        (VOID.classes, len(s.classes)),
        (VOID.properties, len(s.properties)),
    ):
        g.add((dataset, prop, Literal(value, datatype=XSD.integer)))
    for iri, node in _partition_iris("class", list(s.classes), r.base).items():
        g.add((dataset, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(iri)))
        g.add((node, VOID.entities, Literal(s.classes[iri], datatype=XSD.integer)))
    for iri, node in _partition_iris("property", list(s.properties), r.base).items():
        g.add((dataset, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(iri)))
        g.add((node, VOID.triples, Literal(s.properties[iri], datatype=XSD.integer)))
    return g


def _iana(media_type: str) -> URIRef:
    return URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")


def dcat_graph(r: Release) -> Graph:
    g = Graph(bind_namespaces="none")
    catalog = URIRef(r.url("dcat#catalog"))
    dataset = URIRef(dataset_iri(r.base))
    service = URIRef(r.url("sparql"))
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(f"Catalog of '{TITLE}'", lang="en")))
    g.add((catalog, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((catalog, DCTERMS.publisher, _publisher(g, r.base)))
    g.add((catalog, DCTERMS.license, URIRef(DATA_LICENSE)))
    g.add((catalog, FOAF.homepage, URIRef(r.base)))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))

    g.add((dataset, RDF.type, DCAT.Dataset))
    _describe_dataset(g, r, dataset)
    g.add((dataset, DCAT.landingPage, URIRef(r.base)))
    for word in KEYWORDS:
        g.add((dataset, DCAT.keyword, Literal(word, lang="en")))

    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCTERMS.license, URIRef(DATA_LICENSE)))

    endpoint_dist = URIRef(r.url("dcat#sparql"))
    g.add((dataset, DCAT.distribution, endpoint_dist))
    g.add((endpoint_dist, RDF.type, DCAT.Distribution))
    g.add((endpoint_dist, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((endpoint_dist, DCAT.accessURL, service))
    g.add((endpoint_dist, DCAT.accessService, service))
    g.add((endpoint_dist, DCTERMS.license, URIRef(DATA_LICENSE)))

    for dump in r.dumps:
        dist = URIRef(r.url(f"dcat#dump-{_slug(dump.name)}"))
        url = URIRef(r.url(f"dumps/{dump.name}"))
        what = {"dataset": "whole graph", "ontology": "ontology", "shapes": "SHACL shapes"}[dump.content]
        packed = ", gzip-compressed" if dump.compressed else ""
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{what} as {dump.fmt.label}{packed}", lang="en")))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, _iana(dump.fmt.media_type)))
        if dump.compressed:
            g.add((dist, DCAT.compressFormat, _iana("application/gzip")))
        g.add((dist, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, URIRef(DATA_LICENSE)))
        g.add((dist, DCTERMS.modified, Literal(r.modified, datatype=XSD.date)))
        checksum = URIRef(f"{dist}-sha256")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    return g


def service_graph(r: Release, result_formats: tuple[Format, ...]) -> Graph:
    """The SPARQL 1.1 Service Description: small on purpose (clients fetch it first)."""
    g = Graph(bind_namespaces="none")
    service = URIRef(r.url("sparql"))
    dataset = URIRef(dataset_iri(r.base))
    graph = URIRef(default_graph_iri(r.base))
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in result_formats:
        g.add((service, SD.resultFormat, W3C_FORMATS[FORMAT_IRIS[fmt.name]]))
    g.add((service, SD.defaultDataset, dataset))
    g.add((service, DCTERMS.title, Literal(f"SPARQL endpoint of '{TITLE}' (read-only)", lang="en")))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, graph))
    g.add((graph, RDF.type, SD.Graph))
    g.add((graph, VOID.triples, Literal(r.stats.triples, datatype=XSD.integer)))
    return g


def schema_org(r: Release) -> dict[str, object]:
    """schema.org ``Dataset`` as a JSON-LD object, for the home page and dataset search engines."""
    downloads = [
        {
            "@type": "DataDownload",
            "name": dump.name,
            "contentUrl": r.url(f"dumps/{dump.name}"),
            "encodingFormat": "application/gzip" if dump.compressed else dump.fmt.media_type,
            "contentSize": f"{dump.bytes} B",
            "sha256": dump.sha256,
        }
        for dump in r.dumps
        if dump.content == "dataset"
    ]
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": dataset_iri(r.base),
        "name": TITLE,
        "description": DESCRIPTION,
        "url": r.base,
        "sameAs": r.url("void"),
        "license": DATA_LICENSE,
        "version": r.version,
        "dateModified": r.modified,
        "keywords": list(KEYWORDS),
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": PUBLISHER_NAME, "url": r.base},
        "publisher": {"@type": "Organization", "name": PUBLISHER_NAME, "url": r.base},
        "isBasedOn": {
            "@type": "Report",
            "@id": REPORT,
            "name": "Pakistani Jihadis and Global Jihad",
            "datePublished": "2021-06",
        },
        "includedInDataCatalog": {"@type": "DataCatalog", "@id": r.url("dcat#catalog"), "name": TITLE},
        "distribution": [
            *downloads,
            {
                "@type": "DataDownload",
                "name": "SPARQL endpoint",
                "contentUrl": r.url("sparql"),
                "encodingFormat": "application/sparql-query",
            },
        ],
    }
