"""Which embedded engine answers our queries fastest: rdflib's own, oxrdflib, or pyoxigraph directly.

    .venv/bin/python bench/store_engines.py [--runs 5] [--limit-s 30]

Loads the real graph into each engine, then runs every example question of
queries/examples/ plus a few global queries (counts, a join over claims and
paragraphs), printing load time and the median time per query. A query that
takes longer than --limit-s in one engine is not repeated there. The numbers
are recorded in docs/decisions/20261125-store.md.
"""

from __future__ import annotations

import argparse
import time

import pyoxigraph as ox
from common import example_queries, median_ms, published_graph
from rdflib import Graph

from pjgj.namespaces import sparql_prologue

GLOBAL = {
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "per-class": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)",
    "claims-with-pages": """SELECT ?claim ?s ?page ?who WHERE {
        ?claim a pjo:Claim ; rdf:subject ?s ; prov:wasDerivedFrom ?para .
        ?para bibo:pageStart ?page .
        OPTIONAL { ?claim pjo:accordingTo ?who } }""",
    "two-hop": """SELECT DISTINCT ?a ?c WHERE {
        ?a org:memberOf ?b . ?b org:subOrganizationOf|org:memberOf ?c }""",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit-s", type=float, default=30.0)
    args = parser.parse_args()

    graph = published_graph()
    nt = graph.serialize(format="nt", encoding="utf-8")
    queries = dict(GLOBAL)
    queries.update({e.id: e.query for e in example_queries()})
    prologue = sparql_prologue()

    engines: dict[str, object] = {}
    loads: dict[str, float] = {}
    started = time.perf_counter()
    g = Graph()
    g.parse(data=nt.decode(), format="nt")
    loads["rdflib"] = time.perf_counter() - started
    engines["rdflib"] = g
    started = time.perf_counter()
    og = Graph(store="Oxigraph")
    og.parse(data=nt.decode(), format="nt")
    loads["oxrdflib"] = time.perf_counter() - started
    engines["oxrdflib"] = og
    started = time.perf_counter()
    store = ox.Store()
    store.load(nt, ox.RdfFormat.N_TRIPLES)
    loads["pyoxigraph"] = time.perf_counter() - started
    engines["pyoxigraph"] = store

    def runner(name: str, query: str) -> object:
        text = prologue + query
        if name == "pyoxigraph":
            result = store.query(text)
            return result if isinstance(result, ox.QueryBoolean) else list(result)  # type: ignore[arg-type]
        engine = engines[name]
        assert isinstance(engine, Graph)
        return list(engine.query(text))

    print(f"{len(graph)} triples; median of {args.runs} runs, ms")
    print("| query | " + " | ".join(engines) + " |")
    print("|---|" + "---:|" * len(engines))
    print("| load (s) | " + " | ".join(f"{loads[n]:.2f}" for n in engines) + " |")
    totals = dict.fromkeys(engines, 0.0)
    for qid, query in queries.items():
        cells = []
        for name in engines:
            started = time.perf_counter()
            runner(name, query)  # first run: parse and warm up
            first = time.perf_counter() - started
            if first > args.limit_s:
                cells.append(f"{first * 1000:.0f} (once)")
                totals[name] += first * 1000
                continue
            ms = median_ms(lambda n=name, q=query: runner(n, q), args.runs)
            totals[name] += ms
            cells.append(f"{ms:.1f}")
        print(f"| {qid} | " + " | ".join(cells) + " |")
    print("| **total** | " + " | ".join(f"**{totals[n]:.0f}**" for n in engines) + " |")


if __name__ == "__main__":
    main()
