"""The model of one resource page: who or what it is, every fact about it, what points at it.

The page is assembled from a handful of queries over the in-memory store:
the resource's own triples, the claims whose subject or object it is, the
other triples that point at it (grouped, counted, capped) and the paragraphs
that mention it. Facts that come from claims are shown once, with their
provenance; the direct triples the build derives from them are not repeated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph

from ...namespaces import PREFIXES
from . import claims, site
from .claims import PROV_DERIVED, Fact, FactBuilder
from .terms import DCT, LABEL_PROPS, ORG, PJO, RDF, RDFS, SKOS, Labels, Value, iri_of, natural_key

OWL = PREFIXES["owl"]
SH = PREFIXES["sh"]
SEM = PREFIXES["sem"]

#: how many items one group of incoming links lists before pointing to a query for the rest
INCOMING_CAP = 100

DESCRIPTION_PROPS = (RDFS + "comment", SKOS + "definition", DCT + "description", SKOS + "scopeNote")
TYPE_CONCEPT_PROPS = (
    PJO + "organizationType",
    PJO + "eventType",
    PJO + "placeType",
    PJO + "assessmentType",
)
DERIVED_DATE_PROPS = (
    PJO + "datePrecision",
    PJO + "earliestStart",
    PJO + "latestStart",
    PJO + "earliestEnd",
    PJO + "latestEnd",
)
#: own properties shown in the page header or another section, not in "other properties"
IN_HEADER = {
    RDF + "type",
    *LABEL_PROPS,
    SKOS + "altLabel",
    SKOS + "hiddenLabel",
    *DESCRIPTION_PROPS,
    *TYPE_CONCEPT_PROPS,
    *DERIVED_DATE_PROPS,
    PJO + "mentionedIn",
    OWL + "deprecated",
    DCT + "isReplacedBy",
}
#: incoming properties that have a section of their own
INCOMING_SHOWN = {
    RDF + "subject",
    RDF + "object",
    PJO + "mentionedIn",
    PROV_DERIVED,
    DCT + "subject",
    # symmetric links between claims: the claim page shows them with the statement
    PJO + "contestedBy",
    PJO + "conflictsWith",
}
#: a paragraph's own properties that its "where it stands" section already shows
PARAGRAPH_SHOWN = {
    DCT + "isPartOf",
    PREFIXES["bibo"] + "pageStart",
    PREFIXES["bibo"] + "pageEnd",
    PJO + "pageInferred",
    PJO + "paragraphNumber",
}

#: the order of fact groups on a page; the rest follow alphabetically by label
FACT_ORDER = [
    PJO + "date",
    SEM + "hasPlace",
    ORG + "headOf",
    ORG + "memberOf",
    ORG + "subOrganizationOf",
    PJO + "founded",
    PJO + "plannedBy",
    PJO + "carriedOutBy",
    PJO + "participant",
    PJO + "claimedBy",
    PJO + "blamedOn",
    PJO + "target",
    PJO + "victim",
    PJO + "killedCount",
    PJO + "woundedCount",
]

#: what the event summary shows, by fact property
EVENT_WHO = [
    PJO + "plannedBy",
    PJO + "carriedOutBy",
    PJO + "participant",
    PJO + "claimedBy",
    PJO + "blamedOn",
    PJO + "announcedBy",
    PJO + "facilitatedBy",
    PJO + "speaker",
    PJO + "publishedBy",
    PJO + "target",
    PJO + "targetDescription",
    PJO + "victim",
    PJO + "detainee",
    PJO + "releasedPerson",
    ORG + "originalOrganization",
    ORG + "resultingOrganization",
]
EVENT_COUNTS = [PJO + "killedCount", PJO + "woundedCount", PJO + "memberCount"]


@dataclass
class FactGroup:
    """Facts sharing one property: ``direction`` is "out" (this -> p -> x) or "in" (x -> p -> this)."""

    property: Value
    facts: list[Fact]
    direction: str = "out"


@dataclass
class LinkGroup:
    """Plain triples (not claims) sharing a property, with the total when the list is cut."""

    property: Value
    values: list[Value]
    total: int
    more_query: str = ""


@dataclass
class EventLine:
    label: str
    facts: list[Fact]


@dataclass
class EventSummary:
    when: list[Fact] = field(default_factory=list)
    envelope: str = ""
    where: list[Fact] = field(default_factory=list)
    who: list[EventLine] = field(default_factory=list)
    counts: list[EventLine] = field(default_factory=list)


@dataclass
class ParagraphInfo:
    section: Value | None
    pages: str
    page_inferred: bool
    previous: Value | None = None
    next: Value | None = None


@dataclass
class Page:
    iri: str
    title: str
    kind: str
    types: list[Value] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    type_concepts: list[Value] = field(default_factory=list)
    deprecated: bool = False
    replaced_by: list[Value] = field(default_factory=list)
    event: EventSummary | None = None
    statement: Fact | None = None  # the claim itself, on a claim page
    fact_groups: list[FactGroup] = field(default_factory=list)
    incoming_groups: list[FactGroup] = field(default_factory=list)
    assessments: list[Fact] = field(default_factory=list)
    cited_here: list[Fact] = field(default_factory=list)  # on a paragraph page
    paragraph: ParagraphInfo | None = None
    record: list[LinkGroup] = field(default_factory=list)
    links_here: list[LinkGroup] = field(default_factory=list)
    mentioned_in: list[Value] = field(default_factory=list)
    documented_at: str = ""  # the anchor on the ontology page, for ontology terms
    browse: str = ""  # the list of instances, for a class

    @property
    def incoming_total(self) -> int:
        return sum(len(g.facts) for g in self.incoming_groups)

    @property
    def fact_total(self) -> int:
        return sum(len(g.facts) for g in self.fact_groups)


def _kind(types: set[str]) -> str:
    if PJO + "Claim" in types:
        return "claim"
    if PJO + "Assessment" in types:
        return "assessment"
    if PJO + "Paragraph" in types:
        return "paragraph"
    if PREFIXES["bibo"] + "DocumentPart" in types:
        return "section"
    if SKOS + "ConceptScheme" in types:
        return "scheme"
    if SKOS + "Concept" in types:
        return "concept"
    if types & {
        OWL + "Class",
        OWL + "ObjectProperty",
        OWL + "DatatypeProperty",
        PJO + "FactProperty",
        RDF + "Property",
    }:
        return "term"
    if types & {SH + "NodeShape", SH + "PropertyShape"}:
        return "shape"
    if SEM + "Event" in types:
        return "event"
    if OWL + "Ontology" in types:
        return "ontology"
    return "entity"


def _fact_properties() -> set[str]:
    rows = site.service().select("SELECT ?p WHERE { ?p a pjo:FactProperty }")
    return {iri for row in rows if (iri := iri_of(row["p"]))}


def _group_order(prop: Value) -> tuple[Any, ...]:
    iri = prop.iri or ""
    return (FACT_ORDER.index(iri) if iri in FACT_ORDER else len(FACT_ORDER), natural_key(prop.text))


def _group(facts: list[Fact], direction: str) -> list[FactGroup]:
    groups: dict[str, FactGroup] = {}
    for fact in facts:
        if fact.predicate is None or fact.predicate.iri is None:
            continue
        groups.setdefault(fact.predicate.iri, FactGroup(fact.predicate, [], direction)).facts.append(fact)
    for group in groups.values():
        if direction == "out":
            group.facts.sort(key=claims.sort_key)
        else:
            group.facts.sort(key=lambda f: (natural_key(f.subject.text if f.subject else ""), claims.sort_key(f)))
    return sorted(groups.values(), key=lambda g: _group_order(g.property))


class PageBuilder:
    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.labels = Labels()
        self.facts = FactBuilder(self.labels)
        self.own: dict[str, list[Any]] = defaultdict(list)

    def build(self) -> Page | None:
        rows = site.service().select(f"SELECT ?p ?o WHERE {{ <{self.iri}> ?p ?o }}")
        for row in rows:
            p = iri_of(row["p"])
            if p is not None:
                self.own[p].append(row["o"])
        if not self.own and not site.service().ask(f"ASK {{ ?s ?p <{self.iri}> }}"):
            return None
        types = {t.value for t in self.own.get(RDF + "type", []) if isinstance(t, pyoxigraph.NamedNode)}
        self.labels.fetch([self.iri, *types, *self._own_iris(), *self.own])
        page = Page(self.iri, self.labels.label(self.iri), _kind(types))
        self._header(page, types)
        fact_props = _fact_properties()
        self._record(page, fact_props)
        self._links_here(page, fact_props)
        self._facts(page)
        self._mentions(page)
        if page.kind == "paragraph":
            self._paragraph(page)
        if page.kind == "term":
            self._term(page, types)
        return page

    def _own_iris(self) -> list[str]:
        return [t.value for vs in self.own.values() for t in vs if isinstance(t, pyoxigraph.NamedNode)]

    def _texts(self, props: tuple[str, ...] | list[str]) -> list[str]:
        return [str(t.value) for p in props for t in self.own.get(p, []) if isinstance(t, pyoxigraph.Literal)]

    def _header(self, page: Page, types: set[str]) -> None:
        page.types = sorted((self.labels.link(t) for t in types), key=lambda v: natural_key(v.text))
        labels_shown = {page.title}
        page.aliases = sorted(set(self._texts([SKOS + "altLabel", *LABEL_PROPS])) - labels_shown, key=natural_key)
        page.hidden = sorted(set(self._texts([SKOS + "hiddenLabel"])), key=natural_key)
        page.descriptions = self._texts(DESCRIPTION_PROPS)
        page.type_concepts = [
            self.labels.link(t.value)
            for p in TYPE_CONCEPT_PROPS
            for t in self.own.get(p, [])
            if isinstance(t, pyoxigraph.NamedNode)
        ]
        page.deprecated = any(t.value in ("true", "1") for t in self.own.get(OWL + "deprecated", []))
        page.replaced_by = [self.labels.value(t) for t in self.own.get(DCT + "isReplacedBy", [])]

    def _record(self, page: Page, fact_props: set[str]) -> None:
        """Own triples that are not claims' direct triples and not in the header."""
        shown = IN_HEADER | fact_props | (PARAGRAPH_SHOWN if page.kind == "paragraph" else set())
        for prop in sorted(set(self.own) - shown, key=lambda p: natural_key(self.labels.label(p))):
            values = [self.labels.value(t) for t in self.own[prop]]
            values.sort(key=lambda v: natural_key(v.text))
            page.record.append(LinkGroup(self.labels.link(prop), values, len(values)))
        if page.kind == "shape":
            self._shape_nodes(page)

    def _shape_nodes(self, page: Page) -> None:
        """A shape's property constraints are blank nodes: show each as one line of its settings."""
        rows = site.service().select(f"SELECT ?b ?p ?o WHERE {{ <{self.iri}> ?via ?b . FILTER(isBlank(?b)) ?b ?p ?o }}")
        nodes: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for row in rows:
            p = iri_of(row["p"])
            if p is not None:
                nodes[str(row["b"].value)].append((p, row["o"]))
        self.labels.fetch(p for lines in nodes.values() for p, _ in lines)
        self.labels.fetch(o.value for lines in nodes.values() for _, o in lines if isinstance(o, pyoxigraph.NamedNode))
        for lines in nodes.values():
            values = [
                Value(f"{self.labels.label(p)}: {self.labels.value(o).text}")
                for p, o in sorted(lines, key=lambda line: line[0])
            ]
            page.record.append(LinkGroup(Value("constraint"), values, len(values)))

    def _links_here(self, page: Page, fact_props: set[str]) -> None:
        """Plain triples pointing here (types, schemes, parts, sources), grouped and counted."""
        skip = INCOMING_SHOWN | fact_props
        rows = site.service().select(f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p <{self.iri}> }} GROUP BY ?p")
        counts = {p: int(row["n"].value) for row in rows if (p := iri_of(row["p"])) and p not in skip}
        self.labels.fetch(counts)
        for prop in sorted(counts, key=lambda p: natural_key(self.labels.label(p))):
            found = site.service().select(
                f"SELECT DISTINCT ?s WHERE {{ ?s <{prop}> <{self.iri}> }} ORDER BY ?s LIMIT {INCOMING_CAP}"
            )
            subjects = [iri for row in found if (iri := iri_of(row["s"]))]
            statements = self._statement_labels(subjects)
            self.labels.fetch(subjects)
            values = sorted(
                (Value(statements.get(s) or self.labels.label(s), iri=s, href=site.href(s)) for s in subjects),
                key=lambda v: natural_key(v.text),
            )
            more = ""
            if counts[prop] > len(values):
                more = f"SELECT ?s WHERE {{\n  ?s <{prop}> <{self.iri}> .\n}}\n"
            page.links_here.append(LinkGroup(self.labels.link(prop), values, counts[prop], more))

    def _statement_labels(self, iris: list[str]) -> dict[str, str]:
        """Claims among ``iris`` are named by their statement in words."""
        if not iris:
            return {}
        values = " ".join(f"<{i}>" for i in iris)
        nodes = claims.load(f"VALUES ?c {{ {values} }} ?c rdf:subject|dct:description ?x .")
        self.facts.prepare(nodes)
        return {iri: self.labels.label(iri) for iri in nodes}

    def _facts(self, page: Page) -> None:
        iri = f"<{self.iri}>"
        if page.kind in ("claim", "assessment"):
            own = claims.load(f"VALUES ?c {{ {iri} }}")
            page.statement = self.facts.facts(own)[0] if own else None
            if page.statement is not None:
                page.title = page.statement.node.text
                page.record = [g for g in page.record if g.property.iri not in claims.SHOWN]
        out = claims.load(f"?c rdf:subject {iri} .")
        incoming = claims.load(f"?c rdf:object {iri} .")
        about = claims.load(f"?c dct:subject {iri} .")
        cited = claims.load(f"?c prov:wasDerivedFrom {iri} .") if page.kind == "paragraph" else {}
        built = {
            f.node.iri: f for f in self.facts.facts({**out, **incoming, **about, **cited}) if f.node.iri is not None
        }
        page.fact_groups = _group([built[c] for c in out], "out")
        page.incoming_groups = _group([built[c] for c in incoming], "in")
        page.assessments = sorted((built[c] for c in about), key=claims.sort_key)
        page.cited_here = sorted(
            (built[c] for c in cited),
            key=lambda f: (f.kind, natural_key(f.subject.text if f.subject else ""), claims.sort_key(f)),
        )
        if page.kind == "event":
            page.event = self._event(page)

    def _event(self, page: Page) -> EventSummary:
        by_prop = {g.property.iri: g.facts for g in page.fact_groups}
        summary = EventSummary(when=by_prop.get(PJO + "date", []), where=by_prop.get(SEM + "hasPlace", []))
        summary.envelope, _ = claims.date_range(dict(self.own))
        for prop in EVENT_WHO:
            facts = by_prop.get(prop, [])
            if prop == PJO + "participant":
                by_role: dict[str, list[Fact]] = defaultdict(list)
                for fact in facts:
                    roles = [v.text for name, v in fact.qualifiers if name == "role"] or ["participant"]
                    for role in roles:
                        by_role[role].append(fact)
                summary.who += [EventLine(role, fs) for role, fs in sorted(by_role.items())]
            elif facts:
                summary.who.append(EventLine(self.labels.label(prop), facts))
        summary.counts = [EventLine(self.labels.label(p), by_prop[p]) for p in EVENT_COUNTS if by_prop.get(p)]
        return summary

    def _mentions(self, page: Page) -> None:
        rows = site.service().select(
            f"SELECT ?para ?order ?number WHERE {{ <{self.iri}> pjo:mentionedIn ?para . "
            "OPTIONAL { ?para dct:isPartOf/pjo:sectionOrder ?order } "
            "OPTIONAL { ?para pjo:paragraphNumber ?number } }"
        )
        found = []
        for row in rows:
            para = iri_of(row["para"])
            if para is None:
                continue
            order, number = row.get("order"), row.get("number")
            found.append(((int(order.value) if order else 99, int(number.value) if number else 0), para))
        self.labels.fetch(p for _, p in found)
        page.mentioned_in = [self.labels.link(p) for _, p in sorted(found)]

    def _paragraph(self, page: Page) -> None:
        section = self.own.get(DCT + "isPartOf", [None])[0]
        start = self.own.get(PREFIXES["bibo"] + "pageStart", [None])[0]
        end = self.own.get(PREFIXES["bibo"] + "pageEnd", [None])[0]
        pages = ""
        if start is not None:
            pages = f"p. {start.value}" if end is None or end.value == start.value else f"pp. {start.value}–{end.value}"
        inferred = any(t.value in ("true", "1") for t in self.own.get(PJO + "pageInferred", []))
        info = ParagraphInfo(self.labels.value(section) if section is not None else None, pages, inferred)
        number = self.own.get(PJO + "paragraphNumber", [None])[0]
        if isinstance(section, pyoxigraph.NamedNode) and number is not None:
            rows = site.service().select(
                f"SELECT ?para ?n WHERE {{ ?para dct:isPartOf <{section.value}> ; pjo:paragraphNumber ?n . "
                f"FILTER(?n = {int(number.value) - 1} || ?n = {int(number.value) + 1}) }}"
            )
            for row in rows:
                para = iri_of(row["para"])
                if para is None:
                    continue
                if int(row["n"].value) < int(number.value):
                    info.previous = self.labels.link(para)
                else:
                    info.next = self.labels.link(para)
        page.paragraph = info

    def _term(self, page: Page, types: set[str]) -> None:
        from .ontology_doc import term_href

        page.documented_at = term_href(self.iri)
        if OWL + "Class" in types:
            page.browse = "/browse/" + site.curie(self.iri)


def build(iri: str) -> Page | None:
    if not site.safe_iri(iri):
        return None
    return PageBuilder(iri).build()
