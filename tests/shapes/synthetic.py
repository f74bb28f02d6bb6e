"""A large valid dataset, built from the shapes' own valid fixture, to time validation.

``synthetic_graph(n)`` returns ``n`` copies of every entity, event and claim
kind of ``fixtures/valid.ttl`` under fresh IRIs, over the real paragraphs of
``data/report.ttl``: about 170 triples per copy, so ``n=120`` is ~20k triples.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from pjgj.namespaces import ID, PJO, PREFIXES

SKOS = PREFIXES["skos"]
LABELS = {URIRef(SKOS + n) for n in ("prefLabel", "altLabel", "hiddenLabel")} | {URIRef(PJO + "nameString")}
KEEP = ("report/", "work/pakistani-jihadis-and-global-jihad")


def synthetic_graph(base: Graph, copies: int) -> Graph:
    """``copies`` renamed copies of ``base``; the report's own nodes (``pj-report:``) are shared."""
    out = Graph(bind_namespaces="none")
    paragraphs = sorted(base.subjects(RDF.type, URIRef(PJO + "Paragraph")), key=str)
    for n in range(copies):

        def rename(term: Node, n: int = n) -> Node:
            if isinstance(term, URIRef) and str(term).startswith(ID) and not str(term)[len(ID) :].startswith(KEEP):
                return URIRef(f"{term}-{n}")
            return term

        for s, p, o in base:
            if rename(s) == s:  # the report's own nodes, once
                out.add((s, p, o))
                continue
            if p in LABELS and isinstance(o, Literal):
                o = Literal(f"{o} {n}", lang=o.language)
            if n and p == URIRef(PREFIXES["prov"] + "wasDerivedFrom") and paragraphs:
                o = paragraphs[n % len(paragraphs)]
            out.add((rename(s), p, rename(o)))
    return out
