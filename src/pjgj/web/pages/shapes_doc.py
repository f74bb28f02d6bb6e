"""The SHACL shapes as a page: what every release is checked against, in words.

The shapes are not part of the published graph, so they are read from the
build's own Turtle file. Each shape has an anchor, its local name, so that
https://w3id.org/pjgj/shapes#PersonShape lands on /shapes#PersonShape.
Constraints are said in words ("at least 1", "an instance of organization"),
nested ones (sh:or, sh:not) included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import BNode, Literal, Node

from ...namespaces import PJS, PREFIXES
from . import site
from .terms import Labels, natural_key

SH = PREFIXES["sh"]
SHAPES = str(PJS).rstrip("#")

#: how a constraint reads; {} is its value in words
_PHRASES = {
    "minCount": "at least {}",
    "maxCount": "at most {}",
    "datatype": "of type {}",
    "class": "an instance of {}",
    "nodeKind": "{}",
    "pattern": "matching the pattern {}",
    "flags": "(pattern flags {})",
    "in": "one of: {}",
    "languageIn": "in language {}",
    "hasValue": "exactly {}",
    "minInclusive": "at least {}",
    "maxInclusive": "at most {}",
    "minExclusive": "more than {}",
    "maxExclusive": "less than {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "lessThan": "less than its {}",
    "lessThanOrEquals": "no later than its {}",
    "equals": "equal to its {}",
    "disjoint": "never also its {}",
    "node": "conforming to {}",
    "uniqueLang": "one per language",
}
_NODE_KINDS = {"IRI": "an IRI", "Literal": "a literal", "BlankNode": "a blank node", "BlankNodeOrIRI": "a node"}
#: shown apart from the constraint list
_SHOWN = {"path", "message", "severity", "name", "description", "order", "group", "deactivated"}


@dataclass
class PropertyRule:
    anchor: str  # empty for a blank-node shape, which only its node shape lists
    path: str
    constraints: list[str]
    messages: list[str]
    severity: str


@dataclass
class NodeRule:
    anchor: str
    curie: str
    comment: list[str]
    targets: list[str]
    constraints: list[str]
    properties: list[PropertyRule] = field(default_factory=list)


@dataclass
class ShapesPage:
    nodes: list[NodeRule]
    properties: list[PropertyRule]
    triples: int


def anchor(node: Node) -> str:
    text = str(node)
    return text[len(str(PJS)) :] if text.startswith(str(PJS)) else site.curie(text)


class _Reader:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.labels = Labels()
        self.labels.fetch(str(o) for o in graph.objects() if isinstance(o, URIRef))

    def term(self, node: Node) -> str:
        if isinstance(node, URIRef):
            iri = str(node)
            if iri.startswith(str(PJS)):
                return anchor(node)
            return f"{self.labels.label(iri)} ({site.curie(iri)})"
        if isinstance(node, Literal):
            # numbers and booleans bare, text in quotes
            return str(node) if node.datatype is not None and not isinstance(node.value, str) else f'"{node}"'
        if isinstance(node, BNode):
            items = self._list(node)
            if items is not None:
                return ", ".join(self.term(i) for i in items)
            inverse = self.graph.value(node, URIRef(SH + "inversePath"))
            if inverse is not None:
                return f"inverse of {self.term(inverse)}"
            return "(" + "; ".join(self.constraints(node)) + ")"
        return str(node)

    def _list(self, node: BNode) -> list[Node] | None:
        if (node, RDF.first, None) not in self.graph:
            return None
        return list(Collection(self.graph, node))

    def constraints(self, node: Node) -> list[str]:
        said = []
        order = list(_PHRASES)

        def rank(po: tuple[Node, Node]) -> tuple[int, str, str]:
            name = str(po[0])[len(SH) :]
            return (order.index(name) if name in order else len(order), str(po[0]), str(po[1]))

        for p, o in sorted(self.graph.predicate_objects(node), key=rank):
            name = str(p)[len(SH) :] if str(p).startswith(SH) else ""
            if not name or name in _SHOWN or name.startswith("target") or name == "property":
                continue
            if name in ("or", "xone", "and") and isinstance(o, BNode):
                joiner = {"or": " or ", "xone": " or else (exactly one) ", "and": " and "}[name]
                said.append("either " * (name != "and") + joiner.join(self.term(i) for i in self._list(o) or []))
            elif name == "not":
                said.append(f"not {self.term(o)}")
            elif name == "nodeKind":
                said.append(_NODE_KINDS.get(str(o)[len(SH) :], self.term(o)))
            elif name == "sparql":
                said.append("a SPARQL constraint")
            else:
                said.append(_PHRASES.get(name, name + " {}").format(self.term(o)))
        return said

    def targets(self, node: Node) -> list[str]:
        found = []
        for p, o in self.graph.predicate_objects(node):
            name = str(p)[len(SH) :]
            if name == "targetClass":
                found.append(f"every {self.term(o)}")
            elif name == "targetSubjectsOf":
                found.append(f"everything with {self.term(o)}")
            elif name == "targetObjectsOf":
                found.append(f"every value of {self.term(o)}")
            elif name == "targetNode":
                found.append(self.term(o))
            elif name == "target":
                found.append("the nodes a SPARQL query selects")
        return sorted(found, key=natural_key)

    def texts(self, node: Node, *props: str) -> list[str]:
        return [str(o) for p in props for o in self.graph.objects(node, URIRef(p)) if isinstance(o, Literal)]

    def property_rule(self, node: Node) -> PropertyRule:
        path = self.graph.value(node, URIRef(SH + "path"))
        severity = self.graph.value(node, URIRef(SH + "severity"))
        return PropertyRule(
            anchor(node) if isinstance(node, URIRef) else "",
            self.term(path) if path is not None else "",
            self.constraints(node),
            self.texts(node, SH + "message"),
            str(severity)[len(SH) :] if severity is not None else "Violation",
        )


def build(graph: Graph) -> ShapesPage:
    reader = _Reader(graph)
    properties = {
        node: reader.property_rule(node)
        for node in set(graph.subjects(RDF.type, URIRef(SH + "PropertyShape")))
        | set(graph.subjects(URIRef(SH + "path")))
        if isinstance(node, URIRef)
    }
    nodes = []
    for node in set(graph.subjects(RDF.type, URIRef(SH + "NodeShape"))):
        if not isinstance(node, URIRef):
            continue
        rule = NodeRule(
            anchor(node),
            site.curie(str(node)),
            reader.texts(node, str(RDFS.comment)),
            reader.targets(node),
            reader.constraints(node),
        )
        members = list(graph.objects(node, URIRef(SH + "property")))
        rule.properties = [
            properties[p] if isinstance(p, URIRef) and p in properties else reader.property_rule(p) for p in members
        ]
        rule.properties.sort(key=lambda r: natural_key(r.path))
        nodes.append(rule)
    nodes.sort(key=lambda n: natural_key(n.anchor))
    return ShapesPage(nodes, sorted(properties.values(), key=lambda r: natural_key(r.anchor)), len(graph))
