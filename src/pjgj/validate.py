"""Validation: parse, canonical form, derivation, SHACL and integrity checks -> one report.

``assemble`` is shared with the build: what is validated is exactly what is
published. Exit codes of ``pjgj validate``: 0 valid, 1 problems found.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF
from rdflib.term import Node

from . import canon, locate, sources
from .config import Config
from .derive import derive
from .namespaces import PREFIXES, shorten, sparql_prologue

SH = PREFIXES["sh"]
CHECKS_DIR = "queries/checks"

#: the named graphs the integrity checks see (their default graph is the union
#: of the three): a check can tell what a curator wrote from what the build added
GRAPHS: dict[str, str] = {
    "ontology": "urn:pjgj:graph:ontology",
    "data": "urn:pjgj:graph:data",
    "derived": "urn:pjgj:graph:derived",
}


@dataclass
class Assembled:
    """The hand-written sources, what the build derives, and every problem found."""

    data: Graph
    ontology: Graph
    derived: Graph
    shapes: Graph
    problems: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def published(self) -> Graph:
        """What the dataset publishes: ontology, data and derived triples."""
        return self.ontology + self.data + self.derived


def _term(node: Node | None) -> str:
    if node is None:
        return "-"
    return shorten(str(node)) if isinstance(node, URIRef) else repr(str(node))


def _parse_all(paths: list[Path], problems: list[str]) -> tuple[Graph, list[sources.Source]]:
    graph = Graph(bind_namespaces="none")
    parsed = []
    for path in paths:
        try:
            source = sources.parse(path)
        except sources.SourceError as err:
            problems.append(str(err))
            continue
        parsed.append(source)
        graph += source.graph
    return graph, parsed


def assemble(config: Config, data: list[Path] | None = None, shapes: list[Path] | None = None) -> Assembled:
    problems: list[str] = []
    ontology_files = sources.find(config.root, "ontology")
    data_files = data if data is not None else sources.find(config.root, "data")
    shape_files = shapes if shapes is not None else sources.find(config.root, "shapes")
    ontology, onto_sources = _parse_all(ontology_files, problems)
    data_graph, data_sources = _parse_all(data_files, problems)
    shapes_graph, _ = _parse_all(shape_files, problems)
    for source in [*onto_sources, *data_sources]:
        try:
            expected = canon.serialize(source.graph, source.path)
        except sources.SourceError as err:
            problems.append(str(err))
            continue
        if source.text != expected:
            line = canon.first_difference(source.text, expected)
            problems.append(f"{source.path}:{line}: not in canonical form; run `make fmt`")
    derived, derive_problems = derive(data_graph, ontology)
    problems += [f"{_term(p.focus)}: {p.rule}: {p.message}" for p in derive_problems]
    return Assembled(data_graph, ontology, derived, shapes_graph, problems, [*ontology_files, *data_files])


def shacl_problems(assembled: Assembled) -> list[str]:
    """Validate ontology + data + derived triples against the shapes.

    The ontology is part of the data graph rather than pyshacl's
    ``ont_graph``: pyshacl would copy only its RDFS/OWL axioms, and the shapes
    also need ``pjo:FactProperty`` and the concept schemes. The three graphs
    are validated in place, through a read-only view, without the copy that
    ``ont_graph`` or ``inplace=False`` would make (seconds at 20k triples).
    """
    if len(assembled.shapes) == 0:
        return []
    conforms, results, _ = shacl_validate(
        ReadOnlyGraphAggregate([assembled.ontology, assembled.data, assembled.derived]),
        shacl_graph=assembled.shapes,
        inference="none",
        advanced=True,
        inplace=True,
        allow_warnings=True,
    )
    if conforms:
        return []
    lines = set()
    assert isinstance(results, Graph)
    for result in results.subjects(RDF.type, URIRef(SH + "ValidationResult")):

        def get(name: str, r: Node = result) -> Node | None:
            return results.value(r, URIRef(SH + name))

        focus, path, message, value = get("focusNode"), get("resultPath"), get("resultMessage"), get("value")
        shape = get("sourceShape")
        # the rule is the result path, or the shape itself when it constrains the node as a whole
        shape_text = f" [{_term(shape)}]" if isinstance(shape, URIRef) and path is not None else ""
        rule = _term(path) if path is not None else _term(shape)
        value_text = f" (value: {_term(value)})" if value is not None and value != focus else ""
        lines.add(f"{_term(focus)}: {rule}: {message}{value_text}{shape_text}")
    return sorted(lines)


def check_queries(root: Path) -> list[Path]:
    return sorted((root / CHECKS_DIR).glob("*-violation.rq"))


# an IRI written <...> in a check's message, shown as a CURIE when it has one
_IRI_IN_TEXT = re.compile(r"<([a-z][a-z0-9+.-]*:[^<>\s\"]*)>")


def check_store(assembled: Assembled) -> pyoxigraph.Store:
    """An in-memory store with the ontology, data and derived triples in the graphs of ``GRAPHS``."""
    store = pyoxigraph.Store()
    for name, graph in (("ontology", assembled.ontology), ("data", assembled.data), ("derived", assembled.derived)):
        store.load(
            graph.serialize(format="nt").encode(),
            pyoxigraph.RdfFormat.N_TRIPLES,
            to_graph=pyoxigraph.NamedNode(GRAPHS[name]),
        )
    return store


def integrity_problems(assembled: Assembled, root: Path, queries: list[Path] | None = None) -> list[str]:
    """Run each ``queries/checks/*-violation.rq`` (or ``queries``): every row it returns is a problem.

    The checks run over a pyoxigraph store: the same global queries take
    seconds in rdflib's engine and milliseconds here. Each query selects
    ``?focus`` and ``?message``; its default graph is the union of the named
    graphs of ``GRAPHS``, so ``GRAPH <urn:pjgj:graph:data> { ... }`` sees only
    what curators wrote.
    """
    store = check_store(assembled)
    lines = []
    for path in queries if queries is not None else check_queries(root):
        query = sparql_prologue() + path.read_text(encoding="utf-8")
        for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            focus, message = row["focus"], row["message"]
            focus_text = shorten(focus.value) if isinstance(focus, pyoxigraph.NamedNode) else str(focus)
            text = _IRI_IN_TEXT.sub(lambda m: shorten(m.group(1)), message.value if message else "")
            lines.append(f"{focus_text}: {path.stem.removesuffix('-violation')}: {text}")
    return sorted(lines)


def counts(graph: Graph) -> Counter[str]:
    return Counter(shorten(str(c)) for c in graph.objects(None, RDF.type))


def run(config: Config, data: list[Path] | None = None, shapes: list[Path] | None = None) -> int:
    assembled = assemble(config, data, shapes)
    problems = list(assembled.problems)
    if not problems:  # SHACL on a half-parsed graph would only repeat the parse errors
        problems += shacl_problems(assembled)
        problems += integrity_problems(assembled, config.root)
    problems = locate.annotate(problems, assembled.files)  # file:line in front of each focus node
    for line in problems:
        print(line, file=sys.stderr)
    c = counts(assembled.data)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(c.items()) if n >= 1)
    print(f"{len(assembled.files)} files, {len(assembled.published)} triples published ({summary})")
    if problems:
        print(f"INVALID: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("valid")
    return 0
