"""What the home page and the lists show: classes with counts, examples, dumps, the prefixes.

The counts come from the build's manifest (the same numbers as VoID); when the
manifest has none for a class, the store is asked, so a page never shows a
number that disagrees with the endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...namespaces import PREFIXES, split_curie
from . import site
from .terms import Labels, iri_of, natural_key

#: the classes a newcomer browses first, with their plural names, in this order
MAIN_CLASSES: tuple[tuple[str, str], ...] = (
    (PREFIXES["org"] + "Organization", "Organizations and groups"),
    (PREFIXES["foaf"] + "Person", "People"),
    (PREFIXES["schema"] + "Place", "Places"),
    (PREFIXES["sem"] + "Event", "Events"),
    (PREFIXES["pjo"] + "Claim", "Claims"),
    (PREFIXES["pjo"] + "Assessment", "Assessments"),
    (PREFIXES["bibo"] + "Book", "Books"),
    (PREFIXES["bibo"] + "Article", "Articles"),
    (PREFIXES["bibo"] + "Thesis", "Theses"),
    (PREFIXES["bibo"] + "Report", "Reports"),
    (PREFIXES["bibo"] + "Document", "Other documents"),
    (PREFIXES["pjo"] + "Paragraph", "Paragraphs of the report"),
    (PREFIXES["bibo"] + "DocumentPart", "Sections of the report"),
    (PREFIXES["pjo"] + "AmbiguousName", "Ambiguous names"),
    (PREFIXES["skos"] + "Concept", "Concepts (controlled lists)"),
    (PREFIXES["skos"] + "ConceptScheme", "Concept schemes"),
)


@dataclass(frozen=True)
class ClassCount:
    iri: str
    curie: str
    name: str
    count: int
    browse: str
    main: bool  # one of MAIN_CLASSES: shown as a card on the home page


def class_iri(curie_or_iri: str) -> str | None:
    """``org:Organization`` or a full IRI -> the full IRI; None for an unknown prefix."""
    if curie_or_iri.startswith(("http://", "https://")):
        iri = curie_or_iri
    else:
        prefix, sep, local = curie_or_iri.partition(":")
        if not sep or prefix not in PREFIXES:
            return None
        iri = PREFIXES[prefix] + local
    return iri if site.safe_iri(iri) else None


def _manifest_counts(manifest: Mapping[str, Any]) -> dict[str, int]:
    """Counts per class from the manifest, whichever of the two usual shapes it uses."""
    raw = manifest.get("classes") or manifest.get("counts_per_class") or manifest.get("class_counts") or {}
    counts: dict[str, int] = {}
    items = raw.items() if isinstance(raw, Mapping) else ((r.get("class"), r.get("count")) for r in raw)
    for key, value in items:
        iri = class_iri(str(key)) if key else None
        if iri is not None and isinstance(value, int):
            counts[iri] = value
    return counts


def class_counts() -> list[ClassCount]:
    counts = _manifest_counts(site.service().manifest)
    if not counts:
        rows = site.service().select("SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?k } GROUP BY ?k")
        counts = {k: int(row["n"].value) for row in rows if (k := iri_of(row["k"]))}
    labels = Labels()
    labels.fetch(counts)
    named = dict(MAIN_CLASSES)
    order = [iri for iri, _ in MAIN_CLASSES]
    found = [
        ClassCount(
            iri, site.curie(iri), named.get(iri) or labels.label(iri), n, "/browse/" + site.curie(iri), iri in named
        )
        for iri, n in counts.items()
        if n > 0 and split_curie(iri) is not None
    ]
    return sorted(found, key=lambda c: (order.index(c.iri) if c.iri in order else len(order), natural_key(c.name)))


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    kind: str
    query: str


def examples() -> list[Example]:
    return [
        Example(str(e.get("id", "")), str(e.get("title", "")), str(e.get("kind", "")), str(e.get("query", "")))
        for e in site.service().manifest.get("examples", [])
    ]


@dataclass
class Download:
    """One format of one artefact (the dataset, the ontology, the shapes), plain and gzip-compressed."""

    content: str
    format: str
    name: str
    href: str
    bytes: int
    triples: int | None
    gz_href: str = ""
    gz_bytes: int = 0


_FORMAT_LABELS = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML"}


def downloads() -> list[Download]:
    """The manifest's dumps, one row per artefact and format, with local links."""
    rows: dict[tuple[str, str], Download] = {}
    for dump in site.service().manifest.get("dumps", []):
        key = (str(dump.get("content", "dataset")), str(dump.get("format", "")))
        href = site.href(str(dump.get("url", "")))
        size = int(dump.get("bytes", 0))
        if dump.get("compressed"):
            if key in rows:
                rows[key].gz_href, rows[key].gz_bytes = href, size
            continue
        triples = dump.get("triples")
        rows[key] = Download(
            key[0],
            _FORMAT_LABELS.get(key[1], key[1]),
            str(dump.get("name", "")),
            href,
            size,
            triples if isinstance(triples, int) else None,
        )
    return list(rows.values())


def prefixes() -> list[tuple[str, str]]:
    return list(PREFIXES.items())
