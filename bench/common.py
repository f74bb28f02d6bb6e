"""What the benchmarks share: the graph to measure on, and timing helpers.

The graph is the project's real sources assembled as the build does
(ontology + data + derived triples), without SHACL or the integrity checks:
a benchmark measures speed, and curators' work in progress may not validate.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from pjgj import examples
from pjgj.config import Config
from pjgj.validate import assemble

ROOT = Path(__file__).resolve().parents[1]


def published_graph() -> Graph:
    assembled = assemble(Config())
    if assembled.problems:
        print(f"note: the sources have {len(assembled.problems)} parse/derive problem(s); measuring what parsed")
    return assembled.published


def example_queries() -> list[examples.Example]:
    return examples.load(ROOT)


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
