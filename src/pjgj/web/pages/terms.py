"""RDF terms as the pages show them: labels for IRIs, readable text for literals.

A page never shows a raw IRI where a label exists. Labels are looked up in one
query per page for every IRI it mentions; an IRI without any label falls back
to a small table for the reused vocabularies (W3C ORG has no English labels in
our graph) and then to its local name split into words ("headOf" -> "head of").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph

from ...namespaces import PREFIXES
from . import site

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dct"]
PJO = PREFIXES["pjo"]
ORG = PREFIXES["org"]
XSD = PREFIXES["xsd"]

#: label properties, best first
LABEL_PROPS = (
    SKOS + "prefLabel",
    RDFS + "label",
    DCT + "title",
    PJO + "nameString",
    PREFIXES["foaf"] + "name",
    PREFIXES["sh"] + "name",
)

#: labels for terms of reused vocabularies that the graph does not label itself
FALLBACK_LABELS: dict[str, str] = {
    RDF + "type": "type",
    RDF + "subject": "subject",
    RDF + "predicate": "predicate",
    RDF + "object": "object",
    RDFS + "label": "label",
    RDFS + "comment": "description",
    RDFS + "subClassOf": "subclass of",
    RDFS + "subPropertyOf": "subproperty of",
    RDFS + "domain": "domain",
    RDFS + "range": "range",
    SKOS + "prefLabel": "preferred label",
    SKOS + "altLabel": "also known as",
    SKOS + "hiddenLabel": "misspelt as",
    SKOS + "definition": "definition",
    SKOS + "scopeNote": "scope note",
    SKOS + "editorialNote": "editorial note",
    SKOS + "inScheme": "in scheme",
    SKOS + "topConceptOf": "top concept of",
    SKOS + "broader": "broader",
    SKOS + "narrower": "narrower",
    DCT + "title": "title",
    DCT + "creator": "creator",
    DCT + "publisher": "publisher",
    DCT + "issued": "issued",
    DCT + "description": "description",
    DCT + "subject": "about",
    DCT + "isPartOf": "part of",
    DCT + "isReplacedBy": "replaced by",
    DCT + "bibliographicCitation": "bibliographic citation",
    DCT + "license": "licence",
    ORG + "headOf": "head of",
    ORG + "memberOf": "member of",
    ORG + "subOrganizationOf": "part of (organization)",
    ORG + "originalOrganization": "original organization",
    ORG + "resultingOrganization": "resulting organization",
    ORG + "role": "role",
    ORG + "Organization": "organization",
    PREFIXES["foaf"] + "Person": "person",
    PREFIXES["foaf"] + "Agent": "agent",
    PREFIXES["schema"] + "Place": "place",
    PREFIXES["schema"] + "containedInPlace": "contained in",
    PREFIXES["sem"] + "Event": "event",
    PREFIXES["sem"] + "hasPlace": "place",
    PREFIXES["sem"] + "subEventOf": "part of (event)",
    PREFIXES["org"] + "ChangeEvent": "change event",
    PREFIXES["bibo"] + "Book": "book",
    PREFIXES["bibo"] + "Thesis": "thesis",
    PREFIXES["bibo"] + "Article": "article",
    PREFIXES["bibo"] + "Report": "report",
    PREFIXES["bibo"] + "Document": "document",
    PREFIXES["bibo"] + "DocumentPart": "section",
    PREFIXES["bibo"] + "pageStart": "first page",
    PREFIXES["bibo"] + "pageEnd": "last page",
    PREFIXES["bibo"] + "locator": "locator",
    PREFIXES["prov"] + "wasDerivedFrom": "source passage",
    PREFIXES["owl"] + "Class": "class",
    PREFIXES["owl"] + "ObjectProperty": "object property",
    PREFIXES["owl"] + "DatatypeProperty": "datatype property",
    PREFIXES["owl"] + "SymmetricProperty": "symmetric property",
    PREFIXES["owl"] + "FunctionalProperty": "functional property",
    PREFIXES["owl"] + "Ontology": "ontology",
    PREFIXES["owl"] + "deprecated": "deprecated",
    SKOS + "Concept": "concept",
    SKOS + "ConceptScheme": "concept scheme",
    PREFIXES["sh"] + "NodeShape": "node shape",
    PREFIXES["sh"] + "PropertyShape": "property shape",
    PREFIXES["xsd"] + "string": "text",
    PREFIXES["xsd"] + "date": "date",
    PREFIXES["xsd"] + "integer": "integer",
    PREFIXES["xsd"] + "boolean": "true or false",
    RDF + "langString": "text with language",
}


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def humanize(iri: str) -> str:
    """The local name as words: ``headOf`` -> "head of", ``event-attack`` -> "event attack"."""
    name = re.sub(r"[-_]+", " ", local_name(iri)).strip()
    # split camelCase, keeping acronyms ("EDTF") whole
    name = re.sub(r"(?<=[a-z0-9])([A-Z])(?=[a-z])", lambda m: " " + m.group(1).lower(), name)
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort "paragraph 2" before "paragraph 10", ignoring case."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text))


@dataclass(frozen=True)
class Value:
    """One RDF term ready for a template: ``text`` is what is shown, ``href`` where it links."""

    text: str
    iri: str | None = None
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    blank: bool = False

    @property
    def is_iri(self) -> bool:
        return self.iri is not None

    @property
    def curie(self) -> str:
        return site.curie(self.iri) if self.iri else ""


def iri_of(term: Any) -> str | None:
    return term.value if isinstance(term, pyoxigraph.NamedNode) else None


def text_of(term: Any) -> str:
    return "" if term is None else str(term.value)


class Labels:
    """Labels of IRIs, fetched in batches and remembered for one page."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}
        self._own: set[str] = set()  # IRIs labelled by the graph itself, not by a fallback

    def fetch(self, iris: Iterable[str]) -> None:
        wanted = sorted({i for i in iris if i and i not in self._known and site.safe_iri(i)})
        for start in range(0, len(wanted), 400):
            self._fetch(wanted[start : start + 400])

    def _fetch(self, iris: list[str]) -> None:
        values = " ".join(f"<{i}>" for i in iris)
        props = ", ".join(f"<{p}>" for p in LABEL_PROPS)
        # one VALUES and a FILTER: with two VALUES blocks the engine joins every pair first
        # (14 ms of the 48 the largest page took, against 1 ms this way; measured)
        rows = site.service().select(
            f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?l FILTER(?p IN ({props})) }}"
        )
        best: dict[str, tuple[int, str]] = {}
        for row in rows:
            s, p, label = iri_of(row["s"]), iri_of(row["p"]), row["l"]
            if s is None or p is None or not isinstance(label, pyoxigraph.Literal):
                continue
            # English or untagged labels first, then the order of LABEL_PROPS
            rank = LABEL_PROPS.index(p) + (0 if label.language in (None, "en") else 100)
            if s not in best or (rank, label.value) < best[s]:
                best[s] = (rank, label.value)
        for iri in iris:
            self._known[iri] = best[iri][1] if iri in best else FALLBACK_LABELS.get(iri, humanize(iri))
        self._own.update(best)

    def add(self, iri: str, label: str) -> None:
        """Give an unlabelled IRI a label made by the page (a claim's statement in words)."""
        if iri not in self._own:
            self._known[iri] = label

    def has_own(self, iri: str) -> bool:
        return iri in self._own

    def label(self, iri: str) -> str:
        if iri not in self._known:
            self.fetch([iri])
        return self._known.get(iri) or FALLBACK_LABELS.get(iri, humanize(iri))

    def value(self, term: Any) -> Value:
        """A pyoxigraph term as a Value; IRIs must have been fetched first (or are fetched one by one)."""
        if isinstance(term, pyoxigraph.NamedNode):
            return self.link(term.value)
        if isinstance(term, pyoxigraph.Literal):
            datatype = term.datatype.value if term.datatype else None
            return Value(literal_text(term.value, datatype), lang=term.language, datatype=datatype)
        if isinstance(term, pyoxigraph.BlankNode):
            return Value("(unnamed node)", blank=True)
        return Value(text_of(term))

    def link(self, iri: str) -> Value:
        return Value(self.label(iri), iri=iri, href=site.href(iri))


def literal_text(text: str, datatype: str | None) -> str:
    if datatype == XSD + "boolean":
        return "yes" if text in ("true", "1") else "no"
    return text


def collect_iris(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    return {t.value for row in rows for t in row.values() if isinstance(t, pyoxigraph.NamedNode)}
