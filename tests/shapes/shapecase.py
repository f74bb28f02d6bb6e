"""Shared helpers of the shape tests: a valid base, one change at a time, every problem found.

``fixtures/valid.ttl`` is a tiny, fully valid dataset (the report's own
nodes, two paragraphs, people, organizations, places, events, a work, an
ambiguous name, claims of every kind, an assessment). Each invalid case
removes and adds a few triples, written as Turtle with the project's
prefixes, and lists every problem it must produce: the focus node, the rule
(a ``pjs:`` shape, a SHACL result path, a check or ``date`` for the build's
own date errors) and a fragment of the message. A case fails when an
expected problem is missing *or* when an unexpected one appears.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from pjgj import canon, validate
from pjgj.config import Config
from pjgj.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid.ttl"
SHAPES = sorted((ROOT / "shapes").glob("*.ttl"))
CHECKS = validate.check_queries(ROOT)
HEAD = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())


def turtle(snippet: str) -> Graph:
    """A graph from a Turtle snippet that uses the project's prefixes without declaring them."""
    graph = Graph(bind_namespaces="none")
    graph.parse(data=HEAD + snippet, format="turtle")
    return graph


def base() -> Graph:
    graph = Graph(bind_namespaces="none")
    graph.parse(VALID, format="turtle")
    return graph


def variant(directory: Path, remove: str = "", add: str = "", name: str = "case.ttl") -> Path:
    """The valid base minus ``remove`` plus ``add``, written canonically to ``directory/name``.

    Every triple of ``remove`` must be in the base: a typo in a case must not
    silently leave the base unchanged.
    """
    graph = base()
    for triple in turtle(remove):
        assert triple in graph, f"not in the base, cannot remove: {triple}"
        graph.remove(triple)
    graph += turtle(add)
    path = directory / name
    path.write_text(canon.serialize(graph), encoding="utf-8")
    return path


def problems(config: Config, path: Path) -> list[str]:
    """Every problem of ``path`` as ``pjgj validate`` words it: build, SHACL and checks.

    Unlike ``pjgj validate``, SHACL and the checks also run when the build
    reported a problem, so that a case shows everything that fires.
    """
    assembled = validate.assemble(config, data=[path], shapes=SHAPES)
    return [
        *assembled.problems,
        *validate.shacl_problems(assembled),
        *validate.integrity_problems(assembled, config.root, CHECKS),
    ]


@dataclass(frozen=True)
class Expect:
    """One problem: its focus node (a CURIE), its rule and a fragment of its message."""

    focus: str
    rule: str
    text: str

    def matches(self, line: str) -> bool:
        if not line.startswith(f"{self.focus}: ") or self.text not in line:
            return False
        if self.rule.startswith("pjs:"):  # a shape: named at the end of a SHACL line, or as its rule
            return line.endswith(f"[{self.rule}]") or line.startswith(f"{self.focus}: {self.rule}: ")
        return line.startswith(f"{self.focus}: {self.rule}: ")


def assert_problems(lines: list[str], expected: list[Expect]) -> None:
    missing = [e for e in expected if not any(e.matches(line) for line in lines)]
    unexpected = [line for line in lines if not any(e.matches(line) for e in expected)]
    report = "\n".join(["problems found:", *lines])
    assert not missing, f"expected problems not found: {missing}\n{report}"
    assert not unexpected, f"unexpected problems: {unexpected}\n{report}"
