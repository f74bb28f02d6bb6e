"""The canonical Turtle writer, and the check that a file is already canonical.

Canonical form makes every change one diff line: prefixes in the fixed order
of ``namespaces.PREFIXES`` (only those used), subjects sorted by IRI and
separated by a blank line, one predicate-object pair per line, predicates in
a fixed order (type, labels, the claim's subject/predicate/object, ...),
objects sorted. There are no comments: a curator's note is data
(``skos:editorialNote``), so it survives formatting and is published.
Blank nodes are refused: every node that can be cited or linked needs an IRI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from .namespaces import PREFIXES, split_curie
from .sources import SourceError

_PRED_ORDER = [
    RDF.type,
    URIRef(PREFIXES["skos"] + "prefLabel"),
    URIRef(PREFIXES["rdfs"] + "label"),
    URIRef(PREFIXES["dct"] + "title"),
    URIRef(PREFIXES["skos"] + "altLabel"),
    URIRef(PREFIXES["skos"] + "hiddenLabel"),
    URIRef(PREFIXES["skos"] + "definition"),
    URIRef(PREFIXES["rdfs"] + "comment"),
    RDF.subject,
    RDF.predicate,
    RDF.object,
    URIRef(PREFIXES["org"] + "role"),
    URIRef(PREFIXES["pjo"] + "dateText"),
    URIRef(PREFIXES["pjo"] + "edtf"),
    URIRef(PREFIXES["pjo"] + "dateQualifier"),
    URIRef(PREFIXES["pjo"] + "status"),
    URIRef(PREFIXES["pjo"] + "accordingTo"),
    URIRef(PREFIXES["pjo"] + "accordingToUnnamed"),
    URIRef(PREFIXES["pjo"] + "citedWork"),
    URIRef(PREFIXES["prov"] + "wasDerivedFrom"),
]
_RANK = {p: i for i, p in enumerate(_PRED_ORDER)}
_BARE = {
    XSD.integer: re.compile(r"^[+-]?[0-9]+$"),
    XSD.boolean: re.compile(r"^(true|false)$"),
}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


class _Writer:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def iri(self, term: URIRef) -> str:
        curie = split_curie(str(term))
        if curie is None:
            return f"<{term}>"
        self.used.add(curie[0])
        return f"{curie[0]}:{curie[1]}"

    def term(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, Literal):
            lex = str(term)
            if term.language:
                return f'"{_escape(lex)}"@{term.language}'
            dt = term.datatype
            if dt is None or dt == XSD.string:
                return f'"{_escape(lex)}"'
            bare = _BARE.get(dt)
            if bare is not None and bare.match(lex):
                return lex
            return f'"{_escape(lex)}"^^{self.iri(dt)}'
        raise TypeError(f"cannot write {term!r}")


def _object_key(term: Node) -> tuple[int, str, str]:
    if isinstance(term, Literal):
        return (1, str(term.datatype or ""), f"{term}@{term.language or ''}")
    return (0, str(term), "")  # IRIs; blank nodes are refused right after sorting


def _predicate_key(pred: Node) -> tuple[int, str]:
    return (_RANK.get(pred, len(_RANK)) if isinstance(pred, URIRef) else len(_RANK), str(pred))


def serialize(graph: Graph, path: Path | None = None) -> str:
    """The canonical Turtle text of ``graph``."""
    writer = _Writer()
    blocks: list[str] = []
    subjects = sorted({s for s in graph.subjects()}, key=str)
    for subject in subjects:
        if isinstance(subject, BNode):
            owner = next((str(s) for s, _, _ in graph.triples((None, None, subject))), "?")
            raise SourceError(
                path or Path("<graph>"),
                None,
                f"blank node under <{owner}>: give it an IRI (canonical Turtle has no blank nodes)",
            )
        lines = [writer.term(subject)]
        pairs = sorted(
            graph.predicate_objects(subject),
            key=lambda po: (_predicate_key(po[0]), _object_key(po[1])),
        )
        for n, (pred, obj) in enumerate(pairs):
            if isinstance(obj, BNode):
                raise SourceError(
                    path or Path("<graph>"),
                    None,
                    f"blank node as object of <{subject}> <{pred}>: give it an IRI",
                )
            end = " ." if n == len(pairs) - 1 else " ;"
            # "a" only in predicate position: rdf:type as an object stays rdf:type
            verb = "a" if pred == RDF.type else writer.term(pred)
            lines.append(f"    {verb} {writer.term(obj)}{end}")
        blocks.append("\n".join(lines))
    header = [f"@prefix {name}: <{ns}> ." for name, ns in PREFIXES.items() if name in writer.used]
    return "\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n"


def first_difference(actual: str, expected: str) -> int:
    """1-based line number of the first line where two texts differ."""
    a, e = actual.split("\n"), expected.split("\n")
    for n, (x, y) in enumerate(zip(a, e, strict=False), start=1):
        if x != y:
            return n
    return min(len(a), len(e)) + 1


def check(paths: Iterable[Path]) -> list[SourceError]:
    """Files that are not in canonical form, each with the first line that differs."""
    from .sources import parse

    problems = []
    for path in paths:
        source = parse(path)
        expected = serialize(source.graph, path)
        if source.text != expected:
            line = first_difference(source.text, expected)
            problems.append(SourceError(path, line, "not in canonical form; run `make fmt`"))
    return problems


def format_file(path: Path) -> bool:
    """Rewrite ``path`` canonically; True when it changed."""
    from .sources import parse

    source = parse(path)
    text = serialize(source.graph, path)
    if text != source.text:
        path.write_text(text, encoding="utf-8")
        return True
    return False
