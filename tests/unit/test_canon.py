"""The canonical Turtle writer: idempotent, lossless, and a check that catches drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from pjgj import canon, sources
from pjgj.sources import SourceError

MESSY = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix pj-org: <https://w3id.org/pjgj/id/org/> .
@prefix org: <http://www.w3.org/ns/org#> .
pj-org:b skos:altLabel "B2"@en , "B1"@en ; a org:Organization ; skos:prefLabel "Bee \\"quoted\\""@en .
pj-org:a a org:Organization ; skos:prefLabel "A"@en ; <http://example.org/count> 3 .
"""


def _write(tmp_path: Path, text: str, name: str = "x.ttl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_serialize_is_idempotent_and_keeps_the_graph(tmp_path: Path) -> None:
    path = _write(tmp_path, MESSY)
    original = sources.parse(path).graph
    once = canon.serialize(original)
    again = canon.serialize(Graph().parse(data=once, format="turtle"))
    assert once == again
    assert isomorphic(original, Graph().parse(data=once, format="turtle"))


def test_layout_is_one_pair_per_line_sorted(tmp_path: Path) -> None:
    text = canon.serialize(sources.parse(_write(tmp_path, MESSY)).graph)
    blocks = text.split("\n\n")
    assert blocks[1].startswith("pj-org:a\n    a org:Organization ;")
    assert blocks[2].splitlines() == [
        "pj-org:b",
        "    a org:Organization ;",
        '    skos:prefLabel "Bee \\"quoted\\""@en ;',
        '    skos:altLabel "B1"@en ;',
        '    skos:altLabel "B2"@en .',
    ]


def test_check_names_file_and_first_differing_line(tmp_path: Path) -> None:
    path = _write(tmp_path, MESSY)
    [problem] = canon.check([path])
    assert problem.path == path and problem.line == 2
    assert canon.format_file(path) is True
    assert canon.check([path]) == []
    assert canon.format_file(path) is False


def test_blank_nodes_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "@prefix ex: <http://example.org/> .\nex:a ex:b [ ex:c 1 ] .\n")
    with pytest.raises(SourceError, match="blank node"):
        canon.serialize(sources.parse(path).graph, path)


def test_every_committed_source_is_canonical() -> None:
    root = sources.ROOT
    paths = [p for part in ("ontology", "data") for p in sources.find(root, part)]
    assert paths, "no sources found"
    assert canon.check(paths) == []
