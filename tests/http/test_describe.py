"""Resource descriptions: the fast writer (no rdflib) gives the canonical Turtle of ``canon.serialize``."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from pjgj import rdfio
from pjgj.formats import GRAPH_FORMATS, TURTLE


def test_every_description_is_written_like_the_canonical_writer(app: Flask) -> None:
    svc = app.extensions["pjgj"]
    subjects = {
        quad.subject.value
        for quad in svc.store.store.quads_for_pattern(None, None, None)
        if isinstance(quad.subject, ox.NamedNode)
    }
    assert len(subjects) > 100
    for iri in sorted(subjects):
        fast = rdfio.write_triples(svc.describe_triples(iri), TURTLE)
        assert fast == rdfio.write_graph(svc.describe(iri), TURTLE), iri


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_other_formats_match_the_graph_writer(app: Flask, build_dir: Path, fmt: object) -> None:
    svc = app.extensions["pjgj"]
    for entry in json.loads((build_dir / "labels.json").read_text())[::10]:
        iri = entry["iri"]
        assert rdfio.write_triples(svc.describe_triples(iri), fmt) == rdfio.write_graph(svc.describe(iri), fmt)  # type: ignore[arg-type]


def test_canonical_turtle_refuses_blank_nodes() -> None:
    blank = ox.Triple(ox.BlankNode("b"), ox.NamedNode("http://example.org/p"), ox.Literal("x"))
    assert rdfio.canonical_turtle([blank]) is None
    assert b'"x"' in rdfio.write_triples([blank], TURTLE)  # written by the engine's Turtle writer instead
