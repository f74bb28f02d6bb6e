"""The result writers, the JSON-LD writer and the deterministic graph writers."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from pjgj import canon, jsonld, rdfio, results
from pjgj.formats import GRAPH_FORMATS
from pjgj.namespaces import PREFIXES

A = ox.NamedNode("https://w3id.org/pjgj/id/org/a")
LIT = ox.Literal('say "hi"\tnow', language="en")
NUM = ox.Literal("17", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
CTRL = ox.Literal("bell\x07")


def test_select_json_has_the_truncated_flag() -> None:
    doc = json.loads(results.select("json", ["x", "y"], [(A, None), (LIT, NUM)], True))
    assert doc["truncated"] is True
    assert doc["results"]["bindings"][0] == {"x": {"type": "uri", "value": A.value}}
    assert doc["results"]["bindings"][1]["x"] == {"type": "literal", "value": 'say "hi"\tnow', "xml:lang": "en"}


def test_select_xml_refuses_characters_xml_cannot_carry() -> None:
    """Never ill-formed XML, and never a silently changed value: a typed error the web layer answers 406."""
    from xml.etree import ElementTree

    with pytest.raises(results.Unrepresentable, match="U\\+0007"):
        results.select("xml", ["x"], [(CTRL,), (LIT,)], False)
    root = ElementTree.fromstring(results.select("xml", ["x"], [(LIT,)], False))
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == 1


def test_csv_and_tsv() -> None:
    assert results.select("csv", ["x", "n"], [(LIT, NUM)], False) == b'x,n\r\n"say ""hi""\tnow",17\r\n'
    tsv = results.select("tsv", ["x", "n"], [(LIT, NUM)], False).decode()
    assert tsv == '?x\t?n\n"say \\"hi\\"\\tnow"@en\t17\n'


def test_ask_formats() -> None:
    assert json.loads(results.ask("json", True)) == {"head": {}, "boolean": True}
    assert b"<boolean>false</boolean>" in results.ask("xml", False)


def test_jsonld_is_deterministic_and_round_trips() -> None:
    triples = [
        ox.Triple(A, ox.NamedNode(PREFIXES["skos"] + "prefLabel"), LIT),
        ox.Triple(A, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(PREFIXES["org"] + "Organization")),
        ox.Triple(A, ox.NamedNode(PREFIXES["pjo"] + "memberCount"), NUM),
    ]
    first = jsonld.write(triples, PREFIXES)
    assert first == jsonld.write(list(reversed(triples)), PREFIXES)
    doc = json.loads(first)
    assert set(doc["@context"]) == {"skos", "org", "pjo", "pj-org", "xsd"}
    parsed = Graph().parse(data=first, format="json-ld")
    expected = Graph().parse(data=rdfio.ntriples(triples).decode(), format="nt")
    assert isomorphic(parsed, expected)


def test_graph_writers_are_deterministic_with_blank_nodes() -> None:
    text = "@prefix e: <http://e/> . e:a e:p [ e:q 1 ; e:r [ e:s 2 ] ] ."
    outputs = {fmt.name: set() for fmt in GRAPH_FORMATS}
    for _ in range(3):
        graph = Graph().parse(data=text, format="turtle")
        for fmt in GRAPH_FORMATS:
            outputs[fmt.name].add(rdfio.write_graph(graph, fmt, {"e": "http://e/"}))
    assert all(len(v) == 1 for v in outputs.values())


def test_canonical_turtle_writes_rdf_type_as_an_object() -> None:
    graph = Graph()
    node = URIRef("http://rdfs.org/ns/void#p")
    graph.add((node, URIRef("http://rdfs.org/ns/void#property"), RDF.type))
    graph.add((node, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")))
    graph.add((node, URIRef(PREFIXES["dct"] + "title"), Literal("x")))
    text = canon.serialize(graph)
    assert "void:property rdf:type" in text
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)
