"""The ontology as one documented page: classes, fact properties, other properties, concept schemes.

Every term has an anchor: the local name for ``pjo:`` terms, so that
https://w3id.org/pjgj/ontology#Claim lands on /ontology#Claim, and the CURIE
for reused terms and concepts (``org:headOf``, ``pjc:role-leader``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph

from ...namespaces import PJO as PJO_NS
from ...namespaces import PREFIXES
from . import site
from .terms import LABEL_PROPS, RDF, RDFS, SKOS, Labels, Value, iri_of, natural_key

OWL = PREFIXES["owl"]
PJO = str(PJO_NS)
ONTOLOGY = PJO.rstrip("#")
TERM_TYPES = (
    OWL + "Class",
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    PJO + "FactProperty",
    SKOS + "ConceptScheme",
    SKOS + "Concept",
    OWL + "Ontology",
)


def anchor(iri: str) -> str:
    return iri[len(PJO) :] if iri.startswith(PJO) else site.curie(iri)


def term_href(iri: str) -> str:
    """Where the ontology page documents a term."""
    return site.href(ONTOLOGY) + "#" + anchor(iri)


@dataclass
class Term:
    iri: str
    anchor: str
    curie: str
    label: str
    href: str
    definition: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    domain: list[Value] = field(default_factory=list)
    range: list[Value] = field(default_factory=list)
    parents: list[Value] = field(default_factory=list)
    traits: list[str] = field(default_factory=list)
    count: int | None = None
    browse: str = ""


@dataclass
class Scheme:
    term: Term
    concepts: list[Term]


@dataclass
class OntologyPage:
    title: str
    description: list[str]
    version: str
    issued: str
    licence: str
    namespace: str
    prefix: str
    classes: list[Term]
    fact_properties: list[Term]
    properties: list[Term]
    schemes: list[Scheme]


Triples = dict[str, dict[str, list[Any]]]


def _load() -> Triples:
    values = " ".join(f"<{t}>" for t in TERM_TYPES)
    rows = site.service().select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?t {{ {values} }} ?s a ?t . ?s ?p ?o }}")
    found: Triples = defaultdict(lambda: defaultdict(list))
    for row in rows:
        s, p = iri_of(row["s"]), iri_of(row["p"])
        if s is not None and p is not None and row["o"] not in found[s][p]:
            found[s][p].append(row["o"])
    return found


def _texts(props: dict[str, list[Any]], *names: str) -> list[str]:
    return [str(v.value) for n in names for v in props.get(n, []) if isinstance(v, pyoxigraph.Literal)]


def _links(props: dict[str, list[Any]], name: str, labels: Labels) -> list[Value]:
    return sorted(
        (labels.link(v.value) for v in props.get(name, []) if isinstance(v, pyoxigraph.NamedNode)),
        key=lambda v: natural_key(v.text),
    )


def _counts(query: str) -> dict[str, int]:
    return {k: int(row["n"].value) for row in site.service().select(query) if (k := iri_of(row["k"]))}


def build() -> OntologyPage:
    triples = _load()
    labels = Labels()
    labels.fetch(
        [
            *triples,
            *(
                v.value
                for ps in triples.values()
                for vs in ps.values()
                for v in vs
                if isinstance(v, pyoxigraph.NamedNode)
            ),
        ]
    )
    instances = _counts("SELECT ?k (COUNT(?s) AS ?n) WHERE { ?s a ?k } GROUP BY ?k")
    uses = _counts("SELECT ?k (COUNT(?c) AS ?n) WHERE { ?c rdf:predicate ?k } GROUP BY ?k")
    triples_with = _counts("SELECT ?k (COUNT(*) AS ?n) WHERE { ?s ?k ?o } GROUP BY ?k")

    def types_of(iri: str) -> set[str]:
        return {v.value for v in triples[iri].get(RDF + "type", []) if isinstance(v, pyoxigraph.NamedNode)}

    def term(iri: str) -> Term:
        props = triples[iri]
        t = Term(iri, anchor(iri), site.curie(iri), labels.label(iri), site.href(iri))
        t.definition = _texts(props, SKOS + "definition", RDFS + "comment")
        t.notes = _texts(props, SKOS + "scopeNote")
        t.domain = _links(props, RDFS + "domain", labels)
        t.range = _links(props, RDFS + "range", labels)
        t.parents = _links(props, RDFS + "subClassOf", labels) + _links(props, RDFS + "subPropertyOf", labels)
        kinds = types_of(iri)
        t.traits = [
            name
            for kind, name in (
                (OWL + "SymmetricProperty", "symmetric"),
                (OWL + "FunctionalProperty", "functional"),
                (OWL + "DatatypeProperty", "literal values"),
            )
            if kind in kinds
        ]
        return t

    def sorted_terms(iris: list[str]) -> list[Term]:
        return sorted((term(i) for i in iris), key=lambda t: natural_key(t.label))

    classes = sorted_terms([i for i in triples if OWL + "Class" in types_of(i)])
    for c in classes:
        c.count = instances.get(c.iri, 0)
        c.browse = "/browse/" + c.curie
    facts = sorted_terms([i for i in triples if PJO + "FactProperty" in types_of(i)])
    for f in facts:
        f.count = uses.get(f.iri, 0)
    fact_iris = {f.iri for f in facts}
    properties = sorted_terms(
        [i for i in triples if i not in fact_iris and types_of(i) & {OWL + "ObjectProperty", OWL + "DatatypeProperty"}]
    )
    for prop in properties:
        prop.count = triples_with.get(prop.iri, 0)
    schemes = []
    for scheme_iri in [i for i in triples if SKOS + "ConceptScheme" in types_of(i)]:
        members = [i for i in triples if pyoxigraph.NamedNode(scheme_iri) in triples[i].get(SKOS + "inScheme", [])]
        schemes.append(Scheme(term(scheme_iri), sorted_terms(members)))
    schemes.sort(key=lambda s: natural_key(s.term.label))

    header = triples.get(ONTOLOGY, {})
    licence = [v.value for v in header.get(PREFIXES["dct"] + "license", [])]
    return OntologyPage(
        title=(_texts(header, *LABEL_PROPS) or ["Ontology"])[0],
        description=_texts(header, PREFIXES["dct"] + "description"),
        version=" ".join(_texts(header, OWL + "versionInfo")),
        issued=" ".join(_texts(header, PREFIXES["dct"] + "issued")),
        licence=licence[0] if licence else "",
        namespace=PJO,
        prefix="pjo",
        classes=classes,
        fact_properties=facts,
        properties=properties,
        schemes=schemes,
    )
