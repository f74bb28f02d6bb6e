"""Claims and assessments as readable facts, each with where the report says it and in whose voice.

A claim node carries everything a reader needs to judge a fact: the passage
(prov:wasDerivedFrom a paragraph with its pages), the voice (pjo:status), the
source (pjo:accordingTo, pjo:citedWork, pjo:accordingToUnnamed), qualifiers
(role, date, count) and links to claims that contradict it. This module loads
claim nodes with one query and turns them into ``Fact`` objects for templates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph

from ...namespaces import PREFIXES
from . import ontology_doc, site
from .terms import DCT, ORG, PJO, RDF, SKOS, Labels, Value, iri_of, natural_key

PROV_DERIVED = PREFIXES["prov"] + "wasDerivedFrom"
CLAIM = PJO + "Claim"
ASSESSMENT = PJO + "Assessment"
REPORTED = PREFIXES["pjc"] + "reported"

#: claim properties shown by the fact itself; anything else is listed as "other"
SHOWN = {
    RDF + "type",
    RDF + "subject",
    RDF + "predicate",
    RDF + "object",
    ORG + "role",
    PJO + "dateText",
    PJO + "edtf",
    PJO + "dateQualifier",
    PJO + "startQualifier",
    PJO + "endQualifier",
    PJO + "status",
    PJO + "accordingTo",
    PJO + "accordingToUnnamed",
    PJO + "citedWork",
    PJO + "contestedBy",
    PJO + "conflictsWith",
    PJO + "countQualifier",
    PJO + "upperCount",
    PJO + "countScope",
    PJO + "datePrecision",
    PJO + "earliestStart",
    PJO + "latestStart",
    PJO + "earliestEnd",
    PJO + "latestEnd",
    PJO + "assessmentType",
    PROV_DERIVED,
    SKOS + "editorialNote",
    DCT + "description",
    DCT + "subject",
}

Node = dict[str, list[Any]]  # property IRI -> objects (pyoxigraph terms)


@dataclass
class Locator:
    """One passage of the report: the paragraph link and whether its page was inferred."""

    paragraph: Value
    page_inferred: bool
    order: tuple[Any, ...]


@dataclass
class Fact:
    """One claim or assessment, ready to be read."""

    node: Value  # the claim itself (its page); text is the statement in words
    kind: str  # "claim" or "assessment"
    subject: Value | None = None
    predicate: Value | None = None
    object: Value | None = None
    description: str = ""  # an assessment's summary
    about: list[Value] = field(default_factory=list)  # an assessment's subjects
    qualifiers: list[tuple[str, Value]] = field(default_factory=list)
    date_text: str = ""
    edtf: str = ""
    date_range: str = ""
    date_start: str = ""  # for sorting
    status: Value | None = None
    reported: bool = False
    locators: list[Locator] = field(default_factory=list)
    according_to: list[Value] = field(default_factory=list)
    cited_works: list[Value] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)
    contested_by: list[Value] = field(default_factory=list)
    conflicts_with: list[Value] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    other: list[tuple[Value, Value]] = field(default_factory=list)

    @property
    def disputed(self) -> bool:
        return bool(self.contested_by or self.conflicts_with)


def load(pattern: str) -> dict[str, Node]:
    """Every property of the statements (claims and assessments) ``?c`` that ``pattern`` binds."""
    rows = site.service().select(f"SELECT ?c ?p ?o WHERE {{ {{ SELECT DISTINCT ?c WHERE {{ {pattern} }} }} ?c ?p ?o }}")
    nodes: dict[str, Node] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        c, p = iri_of(row["c"]), iri_of(row["p"])
        if c is not None and p is not None:
            nodes[c][p].append(row["o"])
    return {c: dict(props) for c, props in nodes.items()}


def _first(node: Node, prop: str) -> Any:
    values = node.get(prop, [])
    return values[0] if values else None


def _iris(values: Iterable[Any]) -> list[str]:
    return sorted(v.value for v in values if isinstance(v, pyoxigraph.NamedNode))


def _texts(values: Iterable[Any]) -> list[str]:
    return sorted(str(v.value) for v in values if isinstance(v, pyoxigraph.Literal))


def date_range(node: Node) -> tuple[str, str]:
    """The derived day bounds as text ("2008-11-26", "between 1986-01-01 and 2021-06-30"), and the start."""
    start = _first(node, PJO + "earliestStart")
    end = _first(node, PJO + "latestEnd")
    if start is None or end is None:
        return "", ""
    if start.value == end.value:
        return start.value, start.value
    return f"between {start.value} and {end.value}", start.value


class FactBuilder:
    """Turns loaded statement nodes into Facts, fetching every label they need in one go."""

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self.paragraphs: dict[str, tuple[bool, tuple[Any, ...]]] = {}

    def prepare(self, nodes: dict[str, Node]) -> None:
        """Fetch labels, the statements of linked claims and the paragraphs' pages."""
        linked = {
            iri
            for node in nodes.values()
            for prop in (PJO + "contestedBy", PJO + "conflictsWith")
            for iri in _iris(node.get(prop, []))
            if iri not in nodes
        }
        others = load(f"VALUES ?c {{ {' '.join(f'<{i}>' for i in sorted(linked))} }}") if linked else {}
        every = {**others, **nodes}
        self.labels.fetch(
            [c for c in every]
            + [
                t.value
                for node in every.values()
                for vs in node.values()
                for t in vs
                if isinstance(t, pyoxigraph.NamedNode)
            ]
            + [p for node in every.values() for p in node]
        )
        for iri, node in every.items():
            self.labels.add(iri, self.statement(node))
        self._fetch_paragraphs({p for node in nodes.values() for p in _iris(node.get(PROV_DERIVED, []))})

    def _fetch_paragraphs(self, iris: set[str]) -> None:
        if not iris:
            return
        values = " ".join(f"<{i}>" for i in sorted(iris))
        rows = site.service().select(
            "SELECT ?para ?inferred ?order ?number WHERE { VALUES ?para { " + values + " } "
            "OPTIONAL { ?para pjo:pageInferred ?inferred } "
            "OPTIONAL { ?para dct:isPartOf/pjo:sectionOrder ?order } "
            "OPTIONAL { ?para pjo:paragraphNumber ?number } }"
        )
        for row in rows:
            para = iri_of(row["para"])
            if para is None:
                continue
            inferred = row.get("inferred")
            order = row.get("order")
            number = row.get("number")
            self.paragraphs[para] = (
                inferred is not None and inferred.value in ("true", "1"),
                (int(order.value) if order else 99, int(number.value) if number else 0),
            )

    def statement(self, node: Node) -> str:
        """The statement in words: "Hafiz Saeed head of Lashkar-e-Taiba"; an assessment's summary."""
        description = _texts(node.get(DCT + "description", []))
        if description:
            return description[0]
        s, p, o = (_first(node, RDF + x) for x in ("subject", "predicate", "object"))
        if s is None or p is None or o is None:
            return "(incomplete claim)"
        parts = [self.labels.value(s).text, self.labels.value(p).text, self.object_text(node, o)]
        return " ".join(parts)

    def object_text(self, node: Node, obj: Any) -> str:
        """The object in words, with the count qualifiers and the report's date words."""
        if isinstance(obj, pyoxigraph.NamedNode):
            return self.labels.label(obj.value)
        text = str(obj.value)
        date_words = _texts(node.get(PJO + "dateText", []))
        if _first(node, RDF + "predicate") == pyoxigraph.NamedNode(PJO + "date") and date_words:
            return date_words[0]
        qualifier = _first(node, PJO + "countQualifier")
        upper = _first(node, PJO + "upperCount")
        scope = _texts(node.get(PJO + "countScope", []))
        if upper is not None:
            text = f"{text}–{upper.value}"
        if qualifier is not None:
            text = f"{self.labels.label(qualifier.value)} {text}"
        if scope:
            text = f"{text} ({scope[0]})"
        return text

    def fact(self, iri: str, node: Node) -> Fact:
        labels = self.labels
        kind = "assessment" if pyoxigraph.NamedNode(ASSESSMENT) in node.get(RDF + "type", []) else "claim"
        fact = Fact(node=labels.link(iri), kind=kind)
        s, p, o = (_first(node, RDF + x) for x in ("subject", "predicate", "object"))
        if s is not None:
            fact.subject = labels.value(s)
        if p is not None:
            # a fact property is documented on the ontology page, reused ones (org:headOf) included
            fact.predicate = Value(labels.label(p.value), iri=p.value, href=ontology_doc.term_href(p.value))
        if o is not None:
            value = labels.value(o)
            if not value.is_iri:
                value = Value(self.object_text(node, o), lang=value.lang, datatype=value.datatype)
            fact.object = value
        fact.description = self.statement(node) if kind == "assessment" else ""
        fact.about = [labels.link(i) for i in _iris(node.get(DCT + "subject", []))]
        for prop, name in ((ORG + "role", "role"), (PJO + "assessmentType", "type")):
            fact.qualifiers += [(name, labels.link(i)) for i in _iris(node.get(prop, []))]
        fact.date_text = "; ".join(_texts(node.get(PJO + "dateText", [])))
        if p is not None and p.value == PJO + "date":
            fact.date_text = ""  # the object already is the report's words for the date
        fact.edtf = "; ".join(_texts(node.get(PJO + "edtf", [])))
        fact.date_range, fact.date_start = date_range(node)
        status = _first(node, PJO + "status")
        if status is not None:
            fact.status = labels.value(status)
            fact.reported = status.value == REPORTED
        for para in _iris(node.get(PROV_DERIVED, [])):
            inferred, order = self.paragraphs.get(para, (False, (99, 0)))
            link = labels.link(para)
            if inferred:  # the badge says it; the label need not
                link = Value(link.text.replace(" (page inferred)", ""), iri=link.iri, href=link.href)
            fact.locators.append(Locator(link, inferred, order))
        fact.locators.sort(key=lambda loc: loc.order)
        fact.according_to = [labels.link(i) for i in _iris(node.get(PJO + "accordingTo", []))]
        fact.cited_works = [labels.link(i) for i in _iris(node.get(PJO + "citedWork", []))]
        fact.unnamed = _texts(node.get(PJO + "accordingToUnnamed", []))
        fact.contested_by = [labels.link(i) for i in _iris(node.get(PJO + "contestedBy", []))]
        fact.conflicts_with = [labels.link(i) for i in _iris(node.get(PJO + "conflictsWith", []))]
        fact.notes = _texts(node.get(SKOS + "editorialNote", []))
        for prop in sorted(set(node) - SHOWN):
            fact.other += [(labels.link(prop), labels.value(v)) for v in node[prop]]
        return fact

    def facts(self, nodes: dict[str, Node]) -> list[Fact]:
        self.prepare(nodes)
        return [self.fact(iri, node) for iri, node in nodes.items()]


def sort_key(fact: Fact) -> tuple[Any, ...]:
    """Order within a group: by date where there is one, then by the other end's label."""
    other = fact.object.text if fact.object else fact.description
    first_locator = fact.locators[0].order if fact.locators else (99, 0)
    return (fact.date_start or "9999", natural_key(other), first_locator)
