"""A deterministic JSON-LD writer: the same triples always give the same bytes.

The shape is a flattened document: ``{"@context": {...}, "@graph": [node, ...]}``
with one node object per subject, nodes sorted by IRI, properties by IRI,
values sorted, every value in an array, IRIs compacted with the project
prefixes (only those used appear in the context). rdflib's and the engine's
JSON-LD writers order nodes by hash or by insertion, so a dump written with
them would change bytes between two identical builds.

Imports only pyoxigraph: the query workers use it for CONSTRUCT results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


class _Compactor:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # longest namespace first, so that pj-org: wins over a shorter namespace it starts with
        self.by_length = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.order = list(prefixes)
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        for name, ns in self.by_length:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                # a local part starting with '//' would read as an absolute IRI
                if _LOCAL.match(local) and not local.startswith("//"):
                    self.used.add(name)
                    return f"{name}:{local}"
        return iri

    def context(self, prefixes: Mapping[str, str]) -> dict[str, str]:
        return {name: prefixes[name] for name in self.order if name in self.used}


def _node_id(term: ox.NamedNode | ox.BlankNode | ox.Triple, c: _Compactor) -> str:
    if isinstance(term, ox.NamedNode):
        return c.iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    raise ValueError("RDF-star triples cannot be written as JSON-LD 1.1")


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, c: _Compactor) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        out = {"@value": term.value}
        if term.language:
            out["@language"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["@type"] = c.iri(term.datatype.value)
        return out
    return {"@id": _node_id(term, c)}


def _sort_key(value: dict[str, str]) -> tuple[str, str, str, str]:
    kind = "0" if "@id" in value else "1"  # nodes before literals
    return (kind, value.get("@id", value.get("@value", "")), value.get("@type", ""), value.get("@language", ""))


def write(triples: Iterable[ox.Triple], prefixes: Mapping[str, str]) -> bytes:
    """The JSON-LD bytes of ``triples``, compacted with ``prefixes``."""
    c = _Compactor(prefixes)
    nodes: dict[str, dict[str, list[dict[str, str]]]] = {}
    types: dict[str, set[str]] = {}
    for t in triples:
        subject = _node_id(t.subject, c)
        node = nodes.setdefault(subject, {})
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            types.setdefault(subject, set()).add(c.iri(t.object.value))
            continue
        values = node.setdefault(c.iri(t.predicate.value), [])
        value = _value(t.object, c)
        if value not in values:
            values.append(value)
    graph = []
    for subject in sorted(nodes, key=lambda s: _expand(s, prefixes)):
        obj: dict[str, object] = {"@id": subject}
        if subject in types:
            obj["@type"] = sorted(types[subject])
        for prop in sorted(nodes[subject], key=lambda p: _expand(p, prefixes)):
            obj[prop] = sorted(nodes[subject][prop], key=_sort_key)
        graph.append(obj)
    doc = {"@context": c.context(prefixes), "@graph": graph}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _expand(curie: str, prefixes: Mapping[str, str]) -> str:
    """Sort by full IRI, so that the order does not depend on prefix names."""
    name, colon, local = curie.partition(":")
    if colon and name in prefixes:
        return prefixes[name] + local
    return curie
