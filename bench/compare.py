"""Do two servers give the same answer? Results are parsed, normalised and compared, never their bytes.

* SELECT: SPARQL results JSON -> rows of normalised terms; compared as lists
  when the query has ORDER BY, else as multisets. When an ordered answer has
  the same rows in another order, the verdict says so: ties in ORDER BY may
  legitimately be broken differently.
* ASK: the boolean.
* CONSTRUCT / DESCRIBE: N-Triples (or whatever the server sent, by its
  Content-Type) parsed with pyoxigraph into a set of triples, blank nodes
  replaced by one placeholder.
* A whole dump: an order-independent digest (count and sum of hashes of the
  canonical N-Triples of each triple), so that a million triples need no set.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_BNODE = re.compile(r"_:[A-Za-z0-9_.-]+")
_GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    # rdflib-endpoint labels RDF/XML graph answers as SPARQL XML results
    "application/sparql-results+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
}

Term = tuple[str, ...] | None
Row = tuple[Term, ...]


@dataclass(frozen=True)
class Answer:
    """A parsed answer: rows (SELECT), a boolean (ASK) or triples (graphs)."""

    kind: str  # "rows" | "boolean" | "graph"
    rows: tuple[Row, ...] = ()
    boolean: bool = False
    triples: frozenset[str] = frozenset()

    @property
    def size(self) -> int:
        if self.kind == "rows":
            return len(self.rows)
        if self.kind == "graph":
            return len(self.triples)
        return 1


def _term(binding: dict[str, object] | None) -> Term:
    if binding is None:
        return None
    kind = str(binding.get("type"))
    value = str(binding.get("value"))
    if kind == "uri":
        return ("uri", value)
    if kind == "bnode":
        return ("bnode",)
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang")
        if lang:
            return ("literal", value, "@" + str(lang).lower())
        datatype = str(binding.get("datatype") or XSD_STRING)
        return ("literal", value, "" if datatype == XSD_STRING else datatype)
    return (kind, json.dumps(binding.get("value"), sort_keys=True))


def parse(body: bytes, content_type: str, form: str) -> Answer:
    """The answer in ``body``; ValueError when it cannot be read."""
    media = content_type.split(";", 1)[0].strip().lower()
    if form in ("SELECT", "ASK") and media in ("application/sparql-results+json", "application/json"):
        doc = json.loads(body)
        if "boolean" in doc:
            return Answer("boolean", boolean=bool(doc["boolean"]))
        variables = doc["head"]["vars"]
        rows = tuple(tuple(_term(b.get(v)) for v in variables) for b in doc["results"]["bindings"])
        return Answer("rows", rows=rows)
    if form in ("CONSTRUCT", "DESCRIBE"):
        fmt = _GRAPH_FORMATS.get(media)
        if fmt is None:
            raise ValueError(f"cannot read a graph sent as {media!r}")
        triples = frozenset(_BNODE.sub("_:b", str(t)) for t in (q.triple for q in ox.parse(body, format=fmt)))
        return Answer("graph", triples=triples)
    raise ValueError(f"cannot read a {form} answer sent as {media!r}")


def verdict(reference: Answer, other: Answer, ordered: bool) -> str:
    """``same``, ``same rows, other order`` or ``DIFFERENT (...)``."""
    if reference.kind != other.kind:
        return f"DIFFERENT (a {other.kind} answer, not {reference.kind})"
    if reference.kind == "boolean":
        return "same" if reference.boolean == other.boolean else f"DIFFERENT ({other.boolean})"
    if reference.kind == "graph":
        if reference.triples == other.triples:
            return "same"
        lost, added = len(reference.triples - other.triples), len(other.triples - reference.triples)
        return f"DIFFERENT ({lost} triples missing, {added} extra)"
    if ordered and reference.rows == other.rows:
        return "same"
    ours, theirs = Counter(reference.rows), Counter(other.rows)
    if ours == theirs:
        return "same rows, other order" if ordered else "same"
    missing, extra = ours - theirs, theirs - ours
    example = next(iter(extra), None) or next(iter(missing), None)
    shown = ", ".join("-" if t is None else "|".join(t[1:]) for t in example or ())
    return f"DIFFERENT ({sum(missing.values())} rows missing, {sum(extra.values())} extra; e.g. {shown[:160]})"


def triple_set(body: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> set[str]:
    return {_BNODE.sub("_:b", str(q.triple)) for q in ox.parse(body, format=fmt)}


@dataclass(frozen=True)
class Digest:
    triples: int
    checksum: str


def digest(body_chunks: bytes, content_type: str = "application/n-triples") -> Digest:
    """Count and order-independent checksum of a whole graph."""
    media = content_type.split(";", 1)[0].strip().lower()
    fmt = _GRAPH_FORMATS.get(media, ox.RdfFormat.N_TRIPLES)
    total, count = 0, 0
    for quad in ox.parse(body_chunks, format=fmt):
        triple = quad.triple
        h = hashlib.blake2b(_BNODE.sub("_:b", str(triple)).encode(), digest_size=8).digest()
        total = (total + int.from_bytes(h, "big")) % (1 << 64)
        count += 1
    return Digest(count, f"{total:016x}")
