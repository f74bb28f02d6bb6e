"""Write ``data/report.ttl``: the report, its sections and numbered paragraphs.

This is the locator index that every claim cites. It is derived from a copy
of the report's text (kept outside the repository: the project does not ship
the text) by the rule in ``report_text``; a test regenerates it and compares.
No text of the report goes into the graph, only structure and pages.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .namespaces import PREFIXES
from .report_text import SECTION_HEADINGS, TOC_PAGES, Paragraph, paragraphs

DCT = PREFIXES["dct"]
BIBO = PREFIXES["bibo"]
PJO = PREFIXES["pjo"]
REPORT = URIRef(PREFIXES["pj-work"] + "pakistani-jihadis-and-global-jihad")


def section_iri(key: str) -> URIRef:
    return URIRef(PREFIXES["pj-report"] + key)


def paragraph_iri(p: Paragraph) -> URIRef:
    return URIRef(f"{PREFIXES['pj-report']}{p.section}-p{p.number}")


def _pages(p: Paragraph) -> str:
    if p.first_page is None:
        return ""
    if p.last_page is None:
        return f", p. {p.first_page} or later"
    if p.first_page == p.last_page:
        return f", p. {p.first_page}"
    return f", pp. {p.first_page}-{p.last_page}"


def build_graph(text: str) -> Graph:
    g = Graph(bind_namespaces="none")

    def add(s: URIRef, p: str, o: URIRef | Literal) -> None:
        g.add((s, URIRef(p), o))

    for n, (key, heading) in enumerate(SECTION_HEADINGS.items(), start=1):
        s = section_iri(key)
        add(s, str(RDF.type), URIRef(BIBO + "DocumentPart"))
        title = heading.split(". ", 1)[1] if key in TOC_PAGES else heading
        label = f"Section {key[1:]}: {title}" if key in TOC_PAGES else heading
        add(s, str(RDFS.label), Literal(label, lang="en"))
        add(s, DCT + "title", Literal(title, lang="en"))
        add(s, DCT + "isPartOf", REPORT)
        add(s, BIBO + "locator", Literal(key[1:] if key in TOC_PAGES else key))
        add(s, PJO + "sectionOrder", Literal(n))
        if key in TOC_PAGES:
            add(s, BIBO + "pageStart", Literal(str(TOC_PAGES[key])))
    # The title page names the publisher and the date: a part of its own, with one
    # paragraph, so that claims about the report itself have something to cite.
    title_page = section_iri("title-page")
    add(title_page, str(RDF.type), URIRef(BIBO + "DocumentPart"))
    add(title_page, str(RDFS.label), Literal("Title page", lang="en"))
    add(title_page, DCT + "title", Literal("Title page", lang="en"))
    add(title_page, DCT + "isPartOf", REPORT)
    add(title_page, BIBO + "locator", Literal("title page"))
    add(title_page, PJO + "sectionOrder", Literal(0))
    front = URIRef(PREFIXES["pj-report"] + "title-page-p1")
    add(front, str(RDF.type), URIRef(PJO + "Paragraph"))
    add(front, str(RDFS.label), Literal("Title page", lang="en"))
    add(front, DCT + "isPartOf", title_page)
    add(front, PJO + "paragraphNumber", Literal(1))
    for p in paragraphs(text):
        s = paragraph_iri(p)
        add(s, str(RDF.type), URIRef(PJO + "Paragraph"))
        where = "Bibliography" if p.section == "bibliography" else f"Section {p.section[1:]}"
        inferred = " (page inferred)" if p.first_page is not None and not p.page_certain else ""
        add(
            s,
            str(RDFS.label),
            Literal(f"{where}, paragraph {p.number}{_pages(p)}{inferred}", lang="en"),
        )
        add(s, DCT + "isPartOf", section_iri(p.section))
        add(s, PJO + "paragraphNumber", Literal(p.number))
        if p.first_page is not None:
            add(s, BIBO + "pageStart", Literal(str(p.first_page)))
            if p.last_page is not None:
                add(s, BIBO + "pageEnd", Literal(str(p.last_page)))
            add(s, PJO + "pageInferred", Literal(not p.page_certain, datatype=XSD.boolean))
    return g
