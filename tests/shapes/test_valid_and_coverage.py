"""The valid base passes; every shape and check is named, documented and proven by a test; a large set is clean."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import BNode, Node

from pjgj import canon, sources, validate
from pjgj.config import Config
from pjgj.namespaces import PJS, PREFIXES

from . import test_date_and_report_shapes, test_entity_shapes, test_integrity_checks, test_statement_shapes
from .shapecase import CHECKS, SHAPES, VALID, Expect, base, problems
from .synthetic import synthetic_graph

SH = PREFIXES["sh"]
TARGETS = [URIRef(SH + t) for t in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode", "target")]
SHAPE_REFERENCES = [URIRef(SH + p) for p in ("node", "property", "not")]
SHAPE_LISTS = [URIRef(SH + p) for p in ("or", "and", "xone")]


def shapes_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for path in SHAPES:
        graph += sources.parse(path).graph
    return graph


NOT_CONSTRAINTS = {RDF.type, URIRef(SH + "message"), URIRef(SH + "path"), URIRef(SH + "property"), *TARGETS}


def targeted_shapes(graph: Graph) -> set[Node]:
    return {s for t in TARGETS for s in graph.subjects(t, None)}


def result_shapes(graph: Graph) -> set[Node]:
    """The shapes whose results a curator sees: targeted shapes with constraints of their own, and their properties."""
    found = set()
    for shape in targeted_shapes(graph):
        if any(p not in NOT_CONSTRAINTS and str(p).startswith(SH) for p in graph.predicates(shape, None)):
            found.add(shape)
        found |= set(graph.objects(shape, URIRef(SH + "property")))
    return found


def test_valid_fixture_has_no_problem(config: Config) -> None:
    assert problems(config, VALID) == []


def test_valid_fixture_is_canonical() -> None:
    assert VALID.read_text(encoding="utf-8") == canon.serialize(base())


def test_every_shape_has_an_iri_and_every_reference_resolves() -> None:
    graph = shapes_graph()
    shapes = set(graph.subjects(RDF.type, URIRef(SH + "NodeShape"))) | set(
        graph.subjects(RDF.type, URIRef(SH + "PropertyShape"))
    )
    assert all(isinstance(s, URIRef) and str(s).startswith(str(PJS)) for s in shapes), "every shape is a pjs: IRI"
    referenced: set[Node] = set()
    for p in SHAPE_REFERENCES:
        referenced |= set(graph.objects(None, p))
    for p in SHAPE_LISTS:
        for head in graph.objects(None, p):
            referenced |= set(Collection(graph, head))
    assert not [r for r in referenced if isinstance(r, BNode)], "no anonymous shape"
    assert sorted(str(r) for r in referenced - shapes) == [], "every referenced shape is declared"
    assert sorted(str(s) for s in targeted_shapes(graph) - shapes) == []


def test_every_shape_with_results_has_an_english_message() -> None:
    graph = shapes_graph()
    for shape in result_shapes(graph):
        messages = list(graph.objects(shape, URIRef(SH + "message")))
        assert len(messages) == 1, f"{shape}: one sh:message"
        assert getattr(messages[0], "language", None) == "en", f"{shape}: the message is @en"


CLASSES_IN_USE = [
    "http://xmlns.com/foaf/0.1/Person",
    "http://www.w3.org/ns/org#Organization",
    "http://www.w3.org/ns/org#ChangeEvent",
    "http://schema.org/Place",
    "http://semanticweb.cs.vu.nl/2009/11/sem/Event",
    *(PREFIXES["bibo"] + c for c in ("Book", "Thesis", "Article", "Report", "Document", "DocumentPart")),
    *(PREFIXES["pjo"] + c for c in ("Claim", "Assessment", "Paragraph", "AmbiguousName")),
    "http://www.w3.org/2004/02/skos/core#Concept",
]


def test_every_class_in_use_has_shapes() -> None:
    graph = shapes_graph()
    targeted = {str(c) for c in graph.objects(None, URIRef(SH + "targetClass"))}
    assert [c for c in CLASSES_IN_USE if c not in targeted] == []


def _tested_rules() -> set[str]:
    expectations: list[Expect] = []
    for module in (test_entity_shapes, test_statement_shapes, test_date_and_report_shapes, test_integrity_checks):
        for case in module.CASES:
            expectations += case.values[-1]
    return {e.rule for e in expectations}


def test_every_shape_and_check_is_proven_to_fire() -> None:
    """Each shape with results and each check query appears in the expectations of at least one invalid case."""
    shapes = {f"pjs:{str(s)[len(str(PJS)) :]}" for s in result_shapes(shapes_graph())}
    checks = {path.stem.removesuffix("-violation") for path in CHECKS}
    # schema-org-https: test_integrity_checks.test_schema_org_https_is_caught_even_past_the_parser
    tested = _tested_rules() | {"schema-org-https"}
    assert sorted(shapes - tested) == []
    assert sorted(checks - tested) == []


def test_twenty_thousand_triples_validate_clean(config: Config, tmp_path: Path) -> None:
    """About 20k valid triples: parse + derive + SHACL + checks find no problem (no false positive at scale).

    How long it takes is the benchmarks' to measure, as a ratio, not a wall-clock bound here.
    """
    path = tmp_path / "big.ttl"
    path.write_text(canon.serialize(synthetic_graph(base(), 120)), encoding="utf-8")
    assembled = validate.assemble(config, data=[path], shapes=SHAPES)
    found = [
        *assembled.problems,
        *validate.shacl_problems(assembled),
        *validate.integrity_problems(assembled, config.root),
    ]
    assert len(assembled.data) > 18_000
    assert found == []
