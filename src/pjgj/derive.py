"""What the build adds to the hand-written graph, and nothing else.

* the direct triple ``subject predicate object`` of every claim (the "truthy"
  layer: one-line questions need no join), plus ``org:memberOf`` for every
  ``org:headOf`` and the reverse of symmetric properties;
* date precision and ``xsd:date`` bounds for every node with a date, and the
  envelope of its date claims on every event;
* ``pjo:mentionedIn`` from each entity a claim or assessment touches to the
  paragraphs the claim cites.

Problems (an EDTF string that cannot be read) are returned, not raised, so
that validation reports all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD
from rdflib.term import Node

from . import dates
from .namespaces import PJC, PJO, PREFIXES

ORG = PREFIXES["org"]
PROV_DERIVED = URIRef(PREFIXES["prov"] + "wasDerivedFrom")
DCT_SUBJECT = URIRef(PREFIXES["dct"] + "subject")
HEAD_OF = URIRef(ORG + "headOf")
MEMBER_OF = URIRef(ORG + "memberOf")
ENTITY_PREFIX = PREFIXES["pj-org"].rsplit("/", 2)[0] + "/"  # .../id/


@dataclass(frozen=True)
class Problem:
    focus: Node
    rule: str
    message: str


def _qualifier(graph: Graph, node: Node, prop: str) -> str | None:
    value = graph.value(node, PJO[prop])
    if value is None:
        return None
    text = str(value)
    return text[len(str(PJC)) :] if text.startswith(str(PJC)) else text


def _add_bounds(out: Graph, node: Node, b: dates.Bounds) -> None:
    out.add((node, PJO.datePrecision, PJC["precision-" + b.precision]))
    out.add((node, PJO.earliestStart, Literal(b.earliest_start, datatype=XSD.date)))
    out.add((node, PJO.latestStart, Literal(b.latest_start, datatype=XSD.date)))
    out.add((node, PJO.earliestEnd, Literal(b.earliest_end, datatype=XSD.date)))
    out.add((node, PJO.latestEnd, Literal(b.latest_end, datatype=XSD.date)))


def _bounds_of(graph: Graph, node: Node, edtf: str) -> dates.Bounds:
    return dates.bounds(
        edtf,
        _qualifier(graph, node, "dateQualifier"),
        _qualifier(graph, node, "startQualifier"),
        _qualifier(graph, node, "endQualifier"),
    )


def derive(graph: Graph, ontology: Graph) -> tuple[Graph, list[Problem]]:
    """The triples the build adds to ``graph`` (hand-written data), and any problems."""
    out = Graph(bind_namespaces="none")
    problems: list[Problem] = []
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    envelopes: dict[Node, list[dates.Bounds]] = {}

    for claim in graph.subjects(RDF.type, PJO.Claim):
        s, p, o = (graph.value(claim, RDF[x]) for x in ("subject", "predicate", "object"))
        if s is None or p is None or o is None:
            continue  # the shapes report the missing part
        out.add((s, p, o))
        if p == HEAD_OF:
            out.add((s, MEMBER_OF, o))
        if p in symmetric and isinstance(o, URIRef):
            out.add((o, p, s))
        if p == PJO.date:
            try:
                b = _bounds_of(graph, claim, str(o))
            except dates.DateError as err:
                problems.append(Problem(claim, "date", str(err)))
                continue
            _add_bounds(out, claim, b)
            envelopes.setdefault(s, []).append(b)

    for node, edtf in graph.subject_objects(PJO.edtf):
        try:
            _add_bounds(out, node, _bounds_of(graph, node, str(edtf)))
        except dates.DateError as err:
            problems.append(Problem(node, "date", str(err)))

    # an event dated twice (the report disagrees with itself) gets the envelope
    for event, found in envelopes.items():
        _add_bounds(
            out,
            event,
            dates.Bounds(
                min(b.earliest_start for b in found),
                max(b.latest_start for b in found),
                min(b.earliest_end for b in found),
                max(b.latest_end for b in found),
                found[0].precision
                if len({b.precision for b in found}) == 1
                else max((b.precision for b in found), key=dates.PRECISIONS.index),
            ),
        )

    for statement in set(graph.subjects(PROV_DERIVED, None)):
        touched = [
            graph.value(statement, RDF.subject),
            graph.value(statement, RDF.object),
            *graph.objects(statement, PJO.accordingTo),
            *graph.objects(statement, DCT_SUBJECT),
        ]
        for paragraph in graph.objects(statement, PROV_DERIVED):
            for entity in touched:
                if isinstance(entity, URIRef) and str(entity).startswith(ENTITY_PREFIX):
                    out.add((entity, PJO.mentionedIn, paragraph))
    return out, problems
