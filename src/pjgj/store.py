"""The read-only store of the web process, for trusted queries: embedded (pyoxigraph) or remote.

This is for trusted, internal queries (pages, resource descriptions, status
of an IRI), which are written by us and bounded by design. Queries from users
never run here: they go to the killable workers of :mod:`pjgj.querypool`
(or, with a remote store, to the remote store with a deadline: :mod:`pjgj.remote`).

The embedded store is loaded from the build's N-Triples dump, the same file
the workers and the VoID counts use. The choice of engine is measured in
docs/decisions/20261125-store.md.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
from rdflib import Graph

from .namespaces import PREFIXES
from .rdfio import ntriples

Status = Literal["exists", "retired", "unknown"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

OWL_DEPRECATED = PREFIXES["owl"] + "deprecated"
REPLACED_BY = PREFIXES["dct"] + "isReplacedBy"
LABELS = (PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label", PREFIXES["dct"] + "title")
#: how similar (difflib ratio) a misspelt name must be to a label to be suggested
FUZZY = 0.8
_IRI_SAFE = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')
_PREFIXES = dict(PREFIXES)
_TRUE = ox.Literal("true", datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean"))


def iri_term(iri: str) -> str:
    """``<iri>`` for pasting into a query; refuses what would break out of the IRI."""
    if not _IRI_SAFE.match(iri):
        raise ValueError(f"not a usable IRI: {iri!r}")
    return f"<{iri}>"


@dataclass(frozen=True)
class Suggestion:
    iri: str
    label: str
    score: int


def _fold(text: str) -> str:
    """Lower case without accents or apostrophes, for matching typed text to labels."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain.lower().replace("'", "").replace("\u2019", "")).strip()


class ReadStore(ABC):
    """The read-only store of the web process, for trusted queries; embedded or remote.

    Subclasses answer :meth:`select`, :meth:`ask` and :meth:`construct`; everything
    else (status of an IRI, resource descriptions, label search) is built on them.
    """

    def __init__(self, labels: list[dict[str, object]]) -> None:
        self.labels = labels
        # the label index folded once: (folded label or alias, iri, preferred label)
        self._names: list[tuple[str, str, str]] = []
        for entry in labels:
            iri, label = str(entry["iri"]), str(entry["label"])
            aliases = entry.get("aliases", [])
            for name in [label, *(aliases if isinstance(aliases, list) else [])]:
                self._names.append((_fold(str(name)), iri, label))

    @abstractmethod
    def select(self, query: str) -> list[dict[str, Term]]:
        """Rows of a SELECT (unbound variables left out); the standard prefixes are predefined."""

    @abstractmethod
    def ask(self, query: str) -> bool: ...

    @abstractmethod
    def construct(self, query: str) -> list[ox.Triple]: ...

    def close(self) -> None:  # noqa: B027 (optional: only the remote store holds connections)
        """Release connections or memory; the embedded store needs nothing."""

    # ------------------------------------------------------------ resources

    def status(self, iri: str) -> Status:
        if not _IRI_SAFE.match(iri):  # a path with spaces, quotes or brackets names nothing of ours
            return "unknown"
        node = iri_term(iri)
        # one query, not two ASKs: with a remote store every query is a round trip
        rows = self.select(f"SELECT ?d WHERE {{ {node} ?p ?o OPTIONAL {{ {node} <{OWL_DEPRECATED}> ?d }} }} LIMIT 1")
        if not rows:
            return "unknown"
        deprecated = rows[0].get("d")
        retired = isinstance(deprecated, ox.Literal) and deprecated == _TRUE
        return "retired" if retired else "exists"

    def replacement(self, iri: str) -> str | None:
        rows = self.select(f"SELECT ?r WHERE {{ {iri_term(iri)} <{REPLACED_BY}> ?r }} ORDER BY ?r LIMIT 1")
        term = rows[0]["r"] if rows else None
        return term.value if isinstance(term, ox.NamedNode) else None

    def describe_triples(self, iri: str) -> list[ox.Triple]:
        """What a client dereferencing ``iri`` gets, as sorted triples.

        The triples about it, the triples pointing at it, every statement
        (claim or assessment) that has it as subject, object or topic with all
        of that statement's triples, and the labels of every IRI mentioned.
        Two queries: the description, then the labels of what it mentions.
        """
        node = iri_term(iri)
        found = self.construct(
            f"""CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} . ?c ?cp ?co . }} WHERE {{
                {{ {node} ?p ?o }}
                UNION {{ ?s ?q {node} }}
                UNION {{ ?c rdf:subject|rdf:object|dct:subject {node} . ?c ?cp ?co }}
            }}"""
        )
        mentioned = {
            term.value for triple in found for term in (triple.subject, triple.object) if isinstance(term, ox.NamedNode)
        }
        mentioned.discard(iri)
        found += self.label_triples(sorted(m for m in mentioned if _IRI_SAFE.match(m)))
        return sorted(set(found), key=str)

    def label_triples(self, iris: list[str]) -> list[ox.Triple]:
        """The label triples (skos:prefLabel, rdfs:label, dct:title) of ``iris``."""
        if not iris:
            return []
        values = " ".join(iri_term(m) for m in iris)
        labels = ", ".join(f"<{p}>" for p in LABELS)
        # one VALUES and a FILTER: two VALUES blocks make the engine join every pair first (5x slower)
        return self.construct(
            f"CONSTRUCT {{ ?x ?lp ?l }} WHERE {{ VALUES ?x {{ {values} }} ?x ?lp ?l FILTER(?lp IN ({labels})) }}"
        )

    def describe(self, iri: str) -> Graph:
        """:meth:`describe_triples` as an rdflib graph (for the pages and the RDF writers)."""
        graph = Graph(bind_namespaces="none")
        data = ntriples(self.describe_triples(iri))
        if data:
            graph.parse(data=data.decode("utf-8"), format="nt")
        return graph

    # ------------------------------------------------------------ search

    def search(self, text: str, limit: int = 10) -> list[Suggestion]:
        """Labels and aliases that match ``text``: whole label, then prefix, then every word."""
        wanted = _fold(text)
        if not wanted:
            return []
        words = wanted.split()
        best: dict[str, Suggestion] = {}
        for name, iri, label in self._names:
            if name == wanted:
                score = 3
            elif name.startswith(wanted):
                score = 2
            elif all(any(n.startswith(w) for n in name.split()) for w in words):
                score = 1
            elif SequenceMatcher(None, wanted, name).ratio() >= FUZZY:
                score = 0  # a misspelling: "lashkar-e-taba" finds "Lashkar-e-Taiba"
            else:
                continue
            if iri not in best or best[iri].score < score:
                best[iri] = Suggestion(iri, label, score)
        ranked = sorted(best.values(), key=lambda s: (-s.score, len(s.label), s.label, s.iri))
        return ranked[:limit]


class GraphStore(ReadStore):
    """The embedded store: the build's N-Triples dump in an in-memory pyoxigraph store."""

    def __init__(self, nt_path: Path, labels: list[dict[str, object]]) -> None:
        super().__init__(labels)
        self.store = ox.Store()
        self.store.load(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
        self._label_index: dict[str, list[ox.Triple]] | None = None

    def __len__(self) -> int:
        return len(self.store)

    def _query(self, query: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return self.store.query(query, prefixes=_PREFIXES)

    def select(self, query: str) -> list[dict[str, Term]]:
        result = self._query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: t for n, t in zip(names, sol, strict=True) if t is not None} for sol in result]

    def ask(self, query: str) -> bool:
        result = self._query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise TypeError("ask() needs an ASK query")
        return bool(result)

    def construct(self, query: str) -> list[ox.Triple]:
        result = self._query(query)
        if not isinstance(result, ox.QueryTriples):
            raise TypeError("construct() needs a CONSTRUCT or DESCRIBE query")
        return list(result)

    def label_triples(self, iris: list[str]) -> list[ox.Triple]:
        """From an index of every label triple, built on first use (a few ms; a dict lookup afterwards)."""
        index = self._label_index
        if index is None:
            index = {}
            for prop in LABELS:
                for quad in self.store.quads_for_pattern(None, ox.NamedNode(prop), None, ox.DefaultGraph()):
                    if isinstance(quad.subject, ox.NamedNode):
                        index.setdefault(quad.subject.value, []).append(
                            ox.Triple(quad.subject, quad.predicate, quad.object)
                        )
            self._label_index = index
        return [t for iri in iris for t in index.get(iri, ())]
