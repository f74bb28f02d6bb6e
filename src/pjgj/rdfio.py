"""Graphs to bytes, deterministically, in every graph format of :mod:`pjgj.formats`.

rdflib builds the graphs (sources, metadata, resource descriptions); the bytes
are written from a sorted list of pyoxigraph triples, so that two runs give
the same output. Blank nodes (only the SHACL shapes have them) get stable
labels from RDF Dataset Canonicalization (RDFC-1.0) first.

Turtle of data is written by :func:`pjgj.canon.serialize` (one predicate-object
per line, CURIEs); other Turtle (metadata, shapes) by pyoxigraph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib import Graph

from . import canon, jsonld
from .formats import JSONLD, NTRIPLES, RDFXML, TURTLE, Format
from .namespaces import PREFIXES, split_curie
from .sources import SourceError


def triples(graph: Graph) -> list[ox.Triple]:
    """The triples of ``graph`` in N-Triples order, blank nodes canonically labelled."""
    data = graph.serialize(format="nt", encoding="utf-8")
    dataset = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in dataset):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted((ox.Triple(q.subject, q.predicate, q.object) for q in dataset), key=str)


def ntriples(items: list[ox.Triple]) -> bytes:
    """Sorted N-Triples: one line per triple, the lines in code-point order."""
    lines = sorted({f"{t.subject} {t.predicate} {t.object} .\n" for t in items})
    return "".join(lines).encode("utf-8")


def write(items: list[ox.Triple], fmt: Format, prefixes: Mapping[str, str] = PREFIXES) -> bytes:
    """``items`` (already sorted) in ``fmt``."""
    if fmt == NTRIPLES:
        return ntriples(items)
    if fmt == JSONLD:
        return jsonld.write(items, prefixes)
    if fmt == RDFXML:
        return ox.serialize(items, format=ox.RdfFormat.RDF_XML, prefixes=dict(prefixes)) or b""
    if fmt == TURTLE:
        return ox.serialize(items, format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)) or b""
    raise ValueError(f"not a graph format: {fmt.name}")


_RANK = {str(p): i for i, p in enumerate(canon._PRED_ORDER)}
_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD_STRING = PREFIXES["xsd"] + "string"
_LANG_STRING = PREFIXES["rdf"] + "langString"
_BARE = {str(dt): pattern for dt, pattern in canon._BARE.items()}


class _Curies:
    """IRIs as CURIEs (remembered: a description repeats the same few hundred IRIs)."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.known: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        found = self.known.get(iri)
        if found is None:
            curie = split_curie(iri)
            found = f"<{iri}>" if curie is None else f"{curie[0]}:{curie[1]}"
            self.known[iri] = found
        if found[0] != "<":
            self.used.add(found.split(":", 1)[0])
        return found

    def term(self, term: ox.NamedNode | ox.Literal) -> str:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        lex = term.value
        if term.language:
            return f'"{canon._escape(lex)}"@{term.language}'
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return f'"{canon._escape(lex)}"'
        bare = _BARE.get(datatype)
        if bare is not None and bare.match(lex):
            return lex
        return f'"{canon._escape(lex)}"^^{self.iri(datatype)}'


def _object_key(term: ox.NamedNode | ox.Literal) -> tuple[int, str, str]:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        shown = "" if datatype in (_XSD_STRING, _LANG_STRING) else datatype
        return (1, shown, f"{term.value}@{term.language or ''}")
    return (0, term.value, "")


def canonical_turtle(items: Iterable[ox.Triple]) -> bytes | None:
    """:func:`pjgj.canon.serialize` of these triples, written from pyoxigraph terms without rdflib.

    The same bytes as ``canon.serialize`` of the same graph (a test compares them on every
    resource of the build), several times faster: resource descriptions use it. None when
    there is a blank node (canonical Turtle has none) or an RDF-star triple term.
    """
    by_subject: dict[str, list[tuple[tuple[int, str], tuple[int, str, str], str, ox.NamedNode | ox.Literal]]] = {}
    for t in set(items):
        s, p, o = t.subject, t.predicate, t.object
        if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode | ox.Literal):
            return None
        pred = p.value
        by_subject.setdefault(s.value, []).append(((_RANK.get(pred, len(_RANK)), pred), _object_key(o), pred, o))
    curies = _Curies()
    blocks = []
    for subject in sorted(by_subject):
        pairs = sorted(by_subject[subject], key=lambda e: (e[0], e[1]))
        lines = [curies.iri(subject)]
        last = len(pairs) - 1
        for n, (_, _, pred, obj) in enumerate(pairs):
            verb = "a" if pred == _RDF_TYPE else curies.iri(pred)
            lines.append(f"    {verb} {curies.term(obj)}{' .' if n == last else ' ;'}")
        blocks.append("\n".join(lines))
    header = [f"@prefix {name}: <{ns}> ." for name, ns in PREFIXES.items() if name in curies.used]
    return ("\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n").encode("utf-8")


def write_triples(items: Iterable[ox.Triple], fmt: Format, prefixes: Mapping[str, str] = PREFIXES) -> bytes:
    """Triples (any order) in ``fmt``: Turtle canonical when possible, like :func:`write_graph`, without rdflib."""
    ordered = sorted(set(items), key=str)
    if fmt == TURTLE:
        text = canonical_turtle(ordered)
        if text is not None:
            return text
    return write(ordered, fmt, prefixes)


def write_graph(graph: Graph, fmt: Format, prefixes: Mapping[str, str] = PREFIXES) -> bytes:
    """``graph`` in ``fmt``; Turtle in canonical form when the graph has no blank nodes."""
    if fmt == TURTLE:
        try:
            return canon.serialize(graph).encode("utf-8")
        except SourceError:  # blank nodes: canonical Turtle refuses them
            pass
    return write(triples(graph), fmt, prefixes)
