"""Competency questions: every example query runs against the graph and gives its expected answer."""

from __future__ import annotations

from collections import Counter

import pyoxigraph
import pytest

from pjgj import examples
from pjgj.config import Config
from pjgj.namespaces import shorten, sparql_prologue
from pjgj.sources import ROOT
from pjgj.validate import assemble

EXAMPLES = examples.load(ROOT)


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    assembled = assemble(Config())
    assert assembled.problems == [], assembled.problems[:5]
    s = pyoxigraph.Store()
    s.load(assembled.published.serialize(format="nt").encode(), pyoxigraph.RdfFormat.N_TRIPLES)
    return s


def _text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        return shorten(term.value)
    return str(getattr(term, "value", term))


def test_there_are_enough_questions_of_every_kind() -> None:
    kinds = Counter(e.kind for e in EXAMPLES)
    assert len(EXAMPLES) >= 40
    assert set(kinds) == set(examples.KINDS), kinds


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_example_gives_expected_answer(store: pyoxigraph.Store, example: examples.Example) -> None:
    assert example.expected, f"{example.id} has no '# expect:' line"
    result = store.query(sparql_prologue() + example.query)
    if isinstance(result, bool):
        assert [str(result).lower()] == list(example.expected)
        return
    assert isinstance(result, pyoxigraph.QuerySolutions)
    variables = result.variables
    rows = [" | ".join(_text(row[v]) for v in variables) for row in result]
    if example.ordered:
        assert rows == list(example.expected)
    else:
        assert Counter(rows) == Counter(example.expected)
