"""The one table of prefixes used in sources, dumps, queries and pages.

The order here is the order in which canonical Turtle declares them. Every
source file must use exactly these IRIs for these prefixes: rdflib's own
default bindings (for example ``schema:`` as ``https://schema.org/``) are
never used, see docs/decisions/20261125-iri-policy.md.
"""

from __future__ import annotations

import re

from rdflib import Namespace

BASE = "https://w3id.org/pjgj/"

PJO = Namespace(BASE + "ontology#")
PJC = Namespace(BASE + "concept/")
PJS = Namespace(BASE + "shapes#")
ID = BASE + "id/"

#: instance kinds: prefix name -> path segment under BASE/id/
KINDS: dict[str, str] = {
    "pj-org": "org",
    "pj-person": "person",
    "pj-place": "place",
    "pj-event": "event",
    "pj-claim": "claim",
    "pj-work": "work",
    "pj-report": "report",
    "pj-name": "name",
}

PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "schema": "http://schema.org/",
    "bibo": "http://purl.org/ontology/bibo/",
    "cito": "http://purl.org/spar/cito/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "pjo": str(PJO),
    "pjc": str(PJC),
    "pjs": str(PJS),
    **{name: f"{ID}{segment}/" for name, segment in KINDS.items()},
}


def sparql_prologue() -> str:
    """PREFIX lines for every prefix, for queries written by users and tests."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
# longest namespace first, so that pj-org: wins over any shorter namespace it starts with
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def split_curie(iri: str) -> tuple[str, str] | None:
    """(prefix, local name) when ``iri`` can be written as a CURIE, else None."""
    for name, ns in _BY_LENGTH:
        if iri.startswith(ns):
            local = iri[len(ns) :]
            if local == "" or _LOCAL.match(local):
                return name, local
    return None


def shorten(iri: str) -> str:
    """A CURIE for messages and pages, or the IRI in angle brackets."""
    parts = split_curie(iri)
    return f"{parts[0]}:{parts[1]}" if parts else f"<{iri}>"
