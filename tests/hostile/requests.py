"""The hostile corpus: malicious or malformed requests, each with the answer it must get.

Data only; ``tests/http/test_hostile_requests.py`` sends every case to the
real server (``pjgj serve``, granian) and checks the status, a fragment of the
message, what must never appear in the body (``root:x:0:0`` from /etc/passwd,
an unescaped ``<script>``), a time bound (``within``, plus a capped slack when
the machine is loaded), and that the server still answers ``ASK {}``
afterwards. ``{port}`` in a case is the port of a loopback listener that must
never receive a connection. The server runs with a 2 s query time limit, 1,000
rows and the default limits otherwise (see tests/http/conftest.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

JSON = "application/sparql-results+json"
DIRECT = {"Content-Type": "application/sparql-query", "Accept": JSON}
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON}
PASSWD = "root:x:0:0"


@dataclass(frozen=True)
class Case:
    id: str
    path: str
    status: tuple[int, ...]
    #: a fragment of the message (in the body); "" when any body will do
    says: str = ""
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=lambda: {"Accept": JSON})
    body: bytes | None = None
    #: fragments that must never appear in the body
    never: tuple[str, ...] = ()
    #: seconds the answer may take at most on a quiet machine (the test adds a capped slack under load);
    #: for a query stopped by the limit, the limit plus two seconds
    within: float = 5.0


def q(query: str, **params: str) -> str:
    """``/sparql?query=...`` with the query percent-encoded."""
    return "/sparql?" + urlencode({"query": query, **params}, quote_via=quote)


def post(case_id: str, query: str, status: int, says: str, within: float = 5.0) -> Case:
    return Case(case_id, "/sparql", (status,), says, "POST", DIRECT, query.encode("utf-8"), within=within)


SERVICE_SPELLINGS = {
    "decimal": "2130706433:{port}",
    "hex": "0x7f000001:{port}",
    "octal": "0177.0.0.1:{port}",
    "short": "127.1:{port}",
    "localhost": "localhost:{port}",
    "ipv6": "[::1]:{port}",
    "mapped": "[::ffff:127.0.0.1]:{port}",
}

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _concat(levels: int, select: str) -> str:
    binds = " ".join(f"BIND(CONCAT({','.join([f'?x{i - 1}'] * 10)}) AS ?x{i})" for i in range(1, levels + 1))
    return f'SELECT {select} WHERE {{ BIND("0123456789" AS ?x0) {binds} }}'


CASES: list[Case] = [
    # ---------------------------------------------------------------- outbound requests: refused before execution
    Case("service", q("SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }"), (400,), "SERVICE"),
    Case(
        "service-silent",
        q("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:{port}/> { ?s ?p ?o } }"),
        (400,),
        "never sends requests",
    ),
    *[
        Case(f"service-{name}", q(f"SELECT * WHERE {{ service <http://{host}/> {{ ?s ?p ?o }} }}"), (400,), "SERVICE")
        for name, host in SERVICE_SPELLINGS.items()
    ],
    Case(
        "service-variable",
        q("SELECT * WHERE { BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e { ?s ?p ?o } }"),
        (400,),
        "SERVICE",
    ),
    Case(
        "service-prefixed-name",
        q("PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }"),
        (400,),
        "SERVICE",
    ),
    Case(
        "service-in-subquery",
        q("SELECT * WHERE { OPTIONAL { SELECT * WHERE { SERVICE <http://127.1:{port}/> { ?s ?p ?o } } } }"),
        (400,),
        "SERVICE",
    ),
    post("service-posted", "SELECT * WHERE { SeRvIcE <http://2130706433:{port}/> { ?s ?p ?o } }", 400, "SERVICE"),
    Case(
        "from-remote",
        q("SELECT * FROM <http://127.0.0.1:{port}/g.ttl> WHERE { ?s ?p ?o }"),
        (400,),
        "only the default graph",
    ),
    Case(
        "from-file",
        q("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
        (400,),
        "only the default graph",
        never=(PASSWD,),
    ),
    Case(
        "from-named",
        q("SELECT * FROM NAMED <http://localhost:{port}/g> WHERE { GRAPH ?g { ?s ?p ?o } }"),
        (400,),
        "FROM NAMED",
    ),
    Case(
        "default-graph-uri",
        q("ASK {}", **{"default-graph-uri": "http://127.0.0.1:{port}/g"}),
        (400,),
        "not a graph of this dataset",
    ),
    Case("named-graph-uri", q("ASK {}", **{"named-graph-uri": "http://[::1]:{port}/g"}), (400,), "no named graphs"),
    Case("load-in-query", q("LOAD <http://127.0.0.1:{port}/data.ttl>"), (400,), "read-only"),
    Case("load-as-update", "/sparql?" + urlencode({"update": "LOAD <http://127.0.0.1:{port}/x>"}), (403,), "read-only"),
    Case(
        "load-as-update-body",
        "/sparql",
        (403,),
        "read-only",
        "POST",
        {"Content-Type": "application/sparql-update", "Accept": JSON},
        b"LOAD <http://127.0.0.1:{port}/x>",
    ),
    Case("insert-data", q("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), (400,), "read-only"),
    Case("drop-all", q("DROP ALL"), (400,), "read-only"),
    Case(
        "unicode-escaped-keyword",
        q("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }"),
        (400,),
        "SPARQL syntax error",
    ),
    # ---------------------------------------------------------------- sizes, nesting, the parser
    post("nested-braces", "SELECT * WHERE " + "{" * 5000 + "?s ?p ?o" + "}" * 5000, 400, "nested more than 100 deep"),
    post(
        "nested-parentheses",
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        400,
        "PJGJ_MAX_NESTING",
    ),
    post("nested-optionals", "SELECT * WHERE {" + " OPTIONAL {" * 300 + "?s ?p ?o" + "}" * 300 + "}", 400, "nested"),
    post("query-too-long", "SELECT * WHERE { ?s ?p ?o } #" + "x" * 300_000, 413, "PJGJ_MAX_QUERY_BYTES"),
    Case("body-too-large", "/sparql", (413,), "PJGJ_MAX_BODY_BYTES", "POST", DIRECT, b"#" * (2 * 1024 * 1024)),
    Case(
        "values-too-large",
        "/sparql",
        (413,),
        "PJGJ_MAX_BODY_BYTES",
        "POST",
        DIRECT,
        ("SELECT * WHERE { VALUES ?x { " + '"aaaaaaaa" ' * 150_000 + "} }").encode(),
    ),
    # 1,000 branches: answered well within the 2 s test limit (the engine's cost grows faster than linearly)
    post("many-unions", "ASK { " + " UNION ".join(["{ <urn:a> <urn:b> <urn:c> }"] * 1000) + " }", 200, "false"),
    # 3,000 MINUS blocks already overflow the engine's stack on the default 8 MiB (SIGSEGV); not on the worker's
    post("many-minus", "ASK { " + "MINUS { <urn:a> <urn:b> <urn:c> } " * 4000 + "}", 200, "true"),
    post("syntax-error", "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }", 400, "line 3, column"),
    post("empty-query", "   ", 400, "empty"),
    post("not-a-query", "HELLO WORLD", 400, "expected SELECT, ASK, CONSTRUCT or DESCRIBE"),
    # ---------------------------------------------------------------- time and memory: stopped, 503, others served
    post("cross-join", CROSS_JOIN, 503, "time limit of 2 s", within=4.0),
    post("order-by-rand", "SELECT ?s WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY RAND() LIMIT 1", 503, "limit", within=4.0),
    post(
        "group-concat-blowup",
        "SELECT (STRLEN(GROUP_CONCAT(STR(?o))) AS ?n) WHERE { ?s ?p ?o . ?s2 ?p2 ?o2 . ?s3 ?p3 ?o3 }",
        503,
        "limit",
        within=4.0,
    ),
    post("concat-blowup", _concat(10, "(STRLEN(?x10) AS ?n)"), 503, "limit", within=4.0),
    post("result-too-large", _concat(6, "?x6"), 400, "PJGJ_MAX_RESULT_BYTES", within=4.0),
    post(
        "catastrophic-regex",
        'ASK { FILTER(REGEX("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "^(a+)+$")) }',
        200,
        "false",
        within=1.0,
    ),
    Case("timeout-lowered", q(CROSS_JOIN, timeout="0.5"), (503,), "time limit of 0.5 s", within=2.5),
    Case("timeout-zero", q("ASK {}", timeout="0"), (400,), "positive number"),
    Case("timeout-nan", q("ASK {}", timeout="nan"), (400,), "positive number"),
    Case("timeout-words", q("ASK {}", timeout="forever"), (400,), "not a number"),
    # ---------------------------------------------------------------- encodings
    Case("query-string-invalid-utf8", "/sparql?query=ASK%20%7B%7D%FF", (400,), "not valid UTF-8"),
    Case("query-string-overlong-utf8", "/sparql?query=ASK%20%7B%7D%C0%AE", (400,), "not valid UTF-8"),
    Case("query-string-surrogate", "/sparql?query=ASK%20%7B%7D%ED%A0%80", (400,), "not valid UTF-8"),
    Case("form-body-invalid-utf8", "/sparql", (400,), "not valid UTF-8", "POST", FORM, b"query=ASK%20%7B%7D%C3%28"),
    Case("direct-body-invalid-utf8", "/sparql", (400,), "not valid UTF-8", "POST", DIRECT, b"ASK { } # caf\xc3\x28"),
    Case(
        "direct-body-utf16",
        "/sparql",
        (415,),
        "UTF-8",
        "POST",
        {"Content-Type": "application/sparql-query; charset=utf-16", "Accept": JSON},
        "ASK {}".encode("utf-16"),
    ),
    Case("nul-in-query", "/sparql?query=ASK%20%7B%7D%00", (400,), "NUL"),
    Case("lone-surrogate-escape", q('SELECT ?x WHERE { BIND("\\uD800" AS ?x) }'), (400,), "SPARQL syntax error"),
    Case(
        "nul-in-xml-results",
        q('SELECT ?x WHERE { BIND("a\\u0000b" AS ?x) }'),
        (406,),
        "U+0000",
        headers={"Accept": "application/sparql-results+xml"},
    ),
    Case("nul-in-json-results", q('SELECT ?x WHERE { BIND("a\\u0000b" AS ?x) }'), (200,), "\\u0000"),
    Case(
        "control-char-in-rdfxml",
        q('CONSTRUCT { <urn:a> <urn:p> "bell\\u0007" } WHERE {}'),
        (406,),
        "U+0007",
        headers={"Accept": "application/rdf+xml"},
    ),
    Case(
        "rdfxml-unsplittable-predicate",
        q("CONSTRUCT { <urn:a> <http://example.org/> 1 } WHERE {}"),
        (406,),
        "cannot be written as RDF/XML",
        headers={"Accept": "application/rdf+xml"},
    ),
    Case("path-invalid-utf8", "/id/org/caf%C3", (400,), "not valid UTF-8"),
    Case("search-invalid-utf8", "/search?q=caf%C3", (400,), "not valid UTF-8", headers={"Accept": "text/plain"}),
    # ---------------------------------------------------------------- protocol
    Case("query-twice", "/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D", (400,), "given 2 times"),
    Case(
        "query-in-url-and-body", "/sparql?query=ASK%20%7B%7D", (400,), "not in the URL", "POST", FORM, b"query=ASK+{}"
    ),
    Case(
        "post-text-plain",
        "/sparql",
        (415,),
        "application/sparql-query",
        "POST",
        {"Content-Type": "text/plain", "Accept": JSON},
        b"ASK {}",
    ),
    Case("post-no-query", "/sparql", (400,), "no query", "POST", FORM, b"format=json"),
    Case("put", "/sparql", (405,), "", "PUT", DIRECT, b"ASK {}"),
    Case("delete", "/dumps/pjgj.nt", (405,), "", "DELETE"),
    Case(
        "format-header-injection",
        q("ASK {}", format="json\r\nX-Injected: yes"),
        (406,),
        "available",
        never=("X-Injected: yes\r\n",),
    ),
    Case("accept-garbage", q("ASK {}"), (200, 406), "", headers={"Accept": ";;;,,,q=abc/*;;q=2"}),
    Case(
        "cors-evil-origin",
        q("ASK {}"),
        (200,),
        "true",
        headers={"Accept": JSON, "Origin": "https://evil.example", "Cookie": "session=1"},
    ),
    # ---------------------------------------------------------------- paths: nothing outside its folder
    Case("dumps-dotdot", "/dumps/../../../../etc/passwd", (404,), "", never=(PASSWD,)),
    Case("dumps-encoded-slash", "/dumps/..%2f..%2f..%2f..%2fetc%2fpasswd", (404,), "", never=(PASSWD,)),
    Case("dumps-encoded-dots", "/dumps/%2e%2e/%2e%2e/%2e%2e/etc/passwd", (404,), "", never=(PASSWD,)),
    Case("dumps-double-encoded", "/dumps/%252e%252e%252f%252e%252e%252fetc%252fpasswd", (404,), "", never=(PASSWD,)),
    Case("dumps-backslash", "/dumps/..%5c..%5c..%5cetc%5cpasswd", (404,), "", never=(PASSWD,)),
    Case(
        "dumps-overlong-dot", "/dumps/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", (400,), "not valid UTF-8", never=(PASSWD,)
    ),
    Case("dumps-nul", "/dumps/pjgj.nt%00.txt", (400,), "control character"),
    Case("dumps-absolute", "/dumps//etc/passwd", (308, 404), "", never=(PASSWD,)),
    Case("root-absolute", "//etc/passwd", (404,), "", never=(PASSWD,)),
    Case("static-dotdot", "/static/../../../../../../etc/passwd", (404,), "", never=(PASSWD,)),
    Case("static-encoded-slash", "/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", (404,), "", never=(PASSWD,)),
    Case("static-encoded-dots", "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", (404,), "", never=(PASSWD,)),
    Case("static-double-encoded", "/static/%252e%252e/%252e%252e/etc/passwd", (404,), "", never=(PASSWD,)),
    Case("static-backslash", "/static/..%5c..%5c..%5cetc%5cpasswd", (404,), "", never=(PASSWD,)),
    Case("static-absolute", "/static//etc/passwd", (308, 404), "", never=(PASSWD,)),
    Case("static-nul", "/static/site.css%00.txt", (400,), "control character"),
    Case("static-source-file", "/static/../pages/__init__.py", (404,), "", never=("import",)),
    Case("id-encoded-slash", "/id/org/..%2f..%2f..%2fetc%2fpasswd", (404,), "", never=(PASSWD,)),
    Case("concept-backslash", "/concept/..%5c..%5c..%5cetc%5cpasswd", (404,), "", never=(PASSWD,)),
    Case("ontology-extension", "/ontology.%2e%2e%2f%2e%2e%2fetc%2fpasswd", (404,), "", never=(PASSWD,)),
    Case(
        "browse-dotdot",
        "/browse/..%2f..%2f..%2fetc%2fpasswd",
        (404,),
        "",
        never=(PASSWD,),
        headers={"Accept": "text/plain"},
    ),
    # ---------------------------------------------------------------- no debugger
    Case("console", "/console", (404,), "", never=("Werkzeug", "Debugger", "console.png")),
    Case(
        "debugger-resource",
        "/?__debugger__=yes&cmd=resource&f=style.css",
        (200,),
        "",
        never=("Werkzeug",),
        headers={"Accept": "text/html"},
    ),
    Case("debugger-printpin", "/console?__debugger__=yes&cmd=printpin&s=x", (404,), "", never=("Werkzeug",)),
    # ---------------------------------------------------------------- markup never comes back as markup
    Case(
        "xss-in-404",
        "/id/org/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        (404,),
        "&lt;script&gt;",
        headers={"Accept": "text/html"},
        never=("<script>alert(1)",),
    ),
    Case(
        "xss-in-search",
        "/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        (200,),
        "&lt;img",
        headers={"Accept": "text/html"},
        never=("<img src=x onerror",),
    ),
    Case(
        "xss-in-editor",
        "/query?query=%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        (200,),
        "",
        headers={"Accept": "text/html"},
        never=("<script>alert(1)",),
    ),
    Case(
        "xss-in-error",
        q("ASK {}", **{"default-graph-uri": "<script>alert(1)</script>"}),
        (400,),
        "&lt;script&gt;",
        headers={"Accept": "text/html"},
        never=("<script>alert(1)",),
    ),
    # ---------------------------------------------------------------- request size limits of the server
    Case("request-line-too-long", "/sparql?query=" + "A" * 9000, (414,), "PJGJ_MAX_URL_BYTES"),
    Case("header-too-large", "/", (431,), "PJGJ_MAX_HEADER_BYTES", headers={"X-Big": "A" * 9000}),
    # refused by the HTTP server itself (it reads 100 headers at most), before the app: an empty 431
    Case("too-many-headers", "/", (431,), "", headers={f"X-H{i}": "a" for i in range(120)}),
]
