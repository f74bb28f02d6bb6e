"""The work: SPARQL queries (the example questions plus bench/queries/) and the service's own pages.

Two mixes:

* ``sparql``: the same query text sent to every server. The example
  questions (``queries/examples/*.rq``, weight 1 each) declare no prefixes, so
  the standard prologue (:func:`pjgj.namespaces.sparql_prologue`) is prepended
  for every server. ``bench/queries/*.rq`` add the shapes the examples lack
  (text search, transitive paths, OPTIONAL-heavy pages, aggregation, date
  ranges, provenance, DESCRIBE, CONSTRUCT); their ``{{ORG}}``-style
  placeholders are filled with anchors chosen from the data (see :func:`anchor_queries`),
  so the same files run on the real and the synthetic data.
* ``pages``: what this service serves besides SPARQL: entity pages as HTML and
  as Turtle at ``/id/...``, ``/search`` (HTML and JSON, and a misspelt query
  that takes the fuzzy path) and the N-Triples dump. Oxigraph has no such
  pages, so it gets the nearest request that returns the same data: the
  CONSTRUCT of the entity's description, a CONTAINS query on labels, and
  ``GET /store?default``. Those ratios compare equivalent work, not identical
  answers.

"Caching off" is enforced from the client: every request carries a fresh
nonce (a comment at the end of a query, a ``_=`` parameter on a page), so no
cache keyed on the request can answer it.
"""

from __future__ import annotations

import random
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from pjgj import examples
from pjgj.namespaces import sparql_prologue

from .client import HttpRequest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUERIES = HERE / "queries"
_HEADER = re.compile(r"^#\s*(title|weight):\s?(.*)$")
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
FORM_URLENCODED = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Task:
    """One kind of request; ``group`` names it in the tables (several tasks may share a group)."""

    id: str
    group: str
    mix: str
    title: str
    weight: int
    #: SPARQL sent to every server (sparql mix), or to the other servers in place of a page
    query: str | None = None
    form: str = "SELECT"
    ordered: bool = False
    #: a page of this service: path and Accept
    page: str | None = None
    accept: str | None = None
    #: for the dump: the other servers answer GET /store?default
    store_dump: bool = False

    @property
    def compared(self) -> bool:
        """Whether every server must return the same answer (the sparql mix only)."""
        return self.page is None and not self.store_dump


# ---------------------------------------------------------------- reading queries


def _query_form(text: str) -> str:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    match = _FORM.search(body)
    return match.group(1).upper() if match else "SELECT"


def _ordered(text: str) -> bool:
    return re.search(r"\bORDER\s+BY\b", text, re.IGNORECASE) is not None


def example_tasks(root: Path = ROOT) -> list[Task]:
    prologue = sparql_prologue()
    return [
        Task(
            id=f"ex:{e.id}",
            group=f"ex:{e.id}",
            mix="sparql",
            title=e.title,
            weight=1,
            query=prologue + e.query,
            form=_query_form(e.query),
            ordered=e.ordered,
        )
        for e in examples.load(root)
    ]


def sparql_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def bench_tasks(anchors: dict[str, str], folder: Path = QUERIES) -> list[Task]:
    """``bench/queries/*.rq`` with their placeholders filled from ``anchors``."""
    prologue = sparql_prologue()
    tasks = []
    for path in sorted(folder.glob("*.rq")):
        title, weight, body = path.stem, 1, list[str]()
        for line in path.read_text(encoding="utf-8").splitlines():
            match = _HEADER.match(line)
            if match and not body:
                if match.group(1) == "title":
                    title = match.group(2).strip()
                else:
                    weight = int(match.group(2))
            else:
                body.append(line)
        text = "\n".join(body).strip() + "\n"
        missing = sorted({m for m in _PLACEHOLDER.findall(text) if m not in anchors})
        if missing:
            raise ValueError(f"{path.name}: no anchor for {', '.join(missing)}")
        text = _PLACEHOLDER.sub(lambda m: anchors[m.group(1)], text)
        tasks.append(
            Task(
                id=f"q:{path.stem}",
                group=f"q:{path.stem}",
                mix="sparql",
                title=title,
                weight=weight,
                query=prologue + text,
                form=_query_form(text),
                ordered=_ordered(text),
            )
        )
    return tasks


# ---------------------------------------------------------------- anchors

#: SELECTs run on the reference server to choose the IRIs the templates name.
#: Each orders its answer fully, so the same data always gives the same anchors.
ANCHOR_QUERIES = {
    "ORG": """SELECT ?x WHERE { ?m org:memberOf ?x . ?x a org:Organization }
              GROUP BY ?x ORDER BY DESC(COUNT(?m)) ?x LIMIT 1""",
    "PERSON": """SELECT ?x WHERE { ?c rdf:subject ?x . ?x a foaf:Person }
                 GROUP BY ?x ORDER BY DESC(COUNT(?c)) ?x LIMIT 1""",
    "EVENT": """SELECT ?x WHERE { ?c rdf:subject ?x . ?x a sem:Event }
                GROUP BY ?x ORDER BY DESC(COUNT(?c)) ?x LIMIT 1""",
    "PLACE": """SELECT ?x WHERE { ?p schema:containedInPlace ?x . ?x a schema:Place }
                GROUP BY ?x ORDER BY DESC(COUNT(?p)) ?x LIMIT 1""",
}
#: entities whose pages are requested besides the anchors: a spread of kinds, in a fixed order
PAGE_SAMPLE_QUERY = """SELECT ?x WHERE {
  VALUES ?c { org:Organization foaf:Person sem:Event schema:Place pjo:Claim }
  ?x a ?c .
} ORDER BY MD5(STR(?x)) ?x LIMIT 12"""


def anchor_queries() -> dict[str, str]:
    return {name: sparql_prologue() + query for name, query in ANCHOR_QUERIES.items()}


def complete_anchors(iris: dict[str, str], org_label: str) -> dict[str, str]:
    """Template values: ``<iri>`` for the IRIs, the label as a literal, and a search word taken from it."""
    anchors = {name: f"<{iri}>" for name, iri in iris.items()}
    anchors["ORG_LABEL"] = sparql_literal(org_label) + "@en"
    words = [w for w in re.findall(r"[A-Za-z]+", org_label) if len(w) >= 4] or [org_label[:4] or "a"]
    anchors["TEXT"] = words[0].lower()
    return anchors


# ---------------------------------------------------------------- pages


def _misspell(word: str) -> str:
    """Swap two inner letters: a search that finds nothing exactly and falls back to fuzzy matching."""
    if len(word) < 4:
        return word + "x"
    return word[0] + word[2] + word[1] + word[3:]


def page_tasks(entities: list[str], base: str, text: str, org_label: str) -> list[Task]:
    """Entity pages (HTML, Turtle), search and the dump, with the equivalent query for other servers."""
    prologue = sparql_prologue()
    tasks = []
    for iri in entities:
        if not iri.startswith(base):
            continue
        path = "/" + iri[len(base) :]
        node = f"<{iri}>"
        describe = (
            f"{prologue}CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} . ?c ?cp ?co . }} WHERE {{\n"
            f"  {{ {node} ?p ?o }} UNION {{ ?s ?q {node} }}\n"
            f"  UNION {{ ?c rdf:subject|rdf:object|dct:subject {node} . ?c ?cp ?co }}\n}}\n"
        )
        for group, accept in (("page:entity-html", "text/html"), ("page:entity-turtle", "text/turtle")):
            tasks.append(
                Task(
                    id=f"{group}:{path}",
                    group=group,
                    mix="pages",
                    title=f"{path} as {accept}",
                    weight=1,
                    query=describe,
                    form="CONSTRUCT",
                    page=path,
                    accept=accept,
                )
            )
    contains = (
        prologue + "SELECT ?s ?label WHERE {\n  VALUES ?p { skos:prefLabel skos:altLabel skos:hiddenLabel }\n"
        "  ?s ?p ?label .\n  FILTER(CONTAINS(LCASE(STR(?label)), {text}))\n} LIMIT 50\n"
    )
    searches = (
        ("page:search-html", "text/html", "/search", text, 2),
        ("page:search-json", "application/json", "/search.json", org_label, 2),
        ("page:search-fuzzy", "text/html", "/search", _misspell(text), 1),
    )
    for group, accept, route, words, weight in searches:
        tasks.append(
            Task(
                id=f"{group}:{words}",
                group=group,
                mix="pages",
                title=f"{route}?q={words}",
                weight=weight,
                query=contains.replace("{text}", sparql_literal(words.lower())),
                page=f"{route}?{urllib.parse.urlencode({'q': words})}",
                accept=accept,
            )
        )
    tasks.append(
        Task(
            id="page:dump",
            group="page:dump",
            mix="pages",
            title="the whole graph, /dumps/pjgj.nt",
            weight=1,
            page="/dumps/pjgj.nt",
            accept=NTRIPLES,
            store_dump=True,
        )
    )
    return tasks


# ---------------------------------------------------------------- requests


def nonce_comment(nonce: int) -> str:
    return f"\n# bench {nonce:08d}\n"


def request_for(task: Task, server_kind: str, sparql_path: str, nonce: int, cache: bool) -> HttpRequest:
    """The HTTP request ``task`` makes on a server of ``server_kind`` (``pjgj`` or another)."""
    if task.page is not None and server_kind == "pjgj":
        path = task.page
        if not cache:
            path += ("&" if "?" in path else "?") + f"_={nonce:08d}"
        return HttpRequest("GET", path, (("Accept", task.accept or "*/*"),))
    if task.store_dump:
        return HttpRequest("GET", "/store?default", (("Accept", NTRIPLES),))
    assert task.query is not None
    text = task.query if cache else task.query + nonce_comment(nonce)
    accept = RESULTS_JSON if task.form in ("SELECT", "ASK") else NTRIPLES
    if task.page is not None and task.accept == "text/turtle":
        accept = "text/turtle"
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    headers = (("Accept", accept), ("Content-Type", FORM_URLENCODED))
    return HttpRequest("POST", sparql_path, headers, body)


def schedule(tasks: list[Task], seed: int = 20261125) -> list[Task]:
    """Every task ``weight`` times, shuffled with a fixed seed: the same order on every server and run."""
    expanded = [t for t in tasks for _ in range(t.weight)]
    random.Random(seed).shuffle(expanded)
    return expanded
