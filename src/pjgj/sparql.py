"""What a SPARQL request asks for, checked before anything runs.

The query is read by a small lexer (strings, IRIs and comments are skipped, so
a keyword inside them does not count) to learn:

* its form (SELECT, ASK, CONSTRUCT, DESCRIBE), which decides the formats on offer;
* whether it is an update (INSERT, DELETE, LOAD, CLEAR ...): refused, the service is read-only;
* whether it uses SERVICE: refused before execution, because the engine would fetch
  the remote endpoint and this service never makes an outbound request;
* its dataset clauses: ``FROM <the default graph>`` is accepted (it names the only
  graph there is), any other ``FROM`` and every ``FROM NAMED`` are refused;
* how deeply it nests brackets: the engine's recursive parser crashes the process
  on very deep nesting, so deep queries are refused with 400 first.

The SPARQL parser itself runs in the query worker; its syntax errors come back
with line and column and are answered with 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

from .errors import BadRequest, PayloadTooLarge, QueryRefused

Form = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

#: a longer query is refused with 413; the example questions are under 2 KiB
MAX_QUERY_BYTES = 256 * 1024
#: brackets nested deeper than this are refused with 400 (the engine crashes near 10,000)
MAX_NESTING = 100

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
FORMS: frozenset[str] = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

# One alternation, tried left to right at each position. Long strings come before
# short ones, IRIs before the '<' operator, prefixed names before bare words.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"
              |'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:[\w.\-:%\\\u00b7\u00c0-\uffff]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


#: what :func:`_inspect_plain` removes: the same strings, IRIs and comments as the lexer's
_LITERALS = re.compile(
    r"""
    \#[^\n]*
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '''(?:[^'\\]|\\.|'(?!''))*'''
  | "(?:[^"\\\n]|\\.)*"
  | '(?:[^'\\\n]|\\.)*'
  | <[^<>"{}|^`\\\x00-\x20]*>
    """,
    re.VERBOSE | re.DOTALL,
)
_SUSPECT = re.compile(r"SERVICE|FROM", re.IGNORECASE)
_NOT_BRACKET = re.compile(r"[^{}()\[\]]+")
#: the prologue (each IRI blanked to \x01) and the form keyword after it
_PLAIN_FORM = re.compile(
    r"\s*(?:(?:BASE|PREFIX\s+(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:)\s*\x01\s*)*"
    r"(?P<form>SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:])",
    re.IGNORECASE,
)


def _blank(match: re.Match[str]) -> str:
    """A comment is white space; an IRI and a string each stay one token, of their own kind."""
    first = match.group()[0]
    return " " if first == "#" else "\x01" if first == "<" else "\x02"


class Token(NamedTuple):
    # a NamedTuple, not a frozen dataclass: every query is split into a few hundred tokens,
    # and a frozen dataclass costs three times as much to build (measured: 0.35 vs 0.2 ms a query)
    kind: str
    text: str
    line: int
    column: int


def tokens(text: str) -> list[Token]:
    """Every token except white space and comments, with its 1-based line and column."""
    out: list[Token] = []
    append = out.append
    line, line_start = 1, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        value = match.group()
        if kind != "ws" and kind != "comment":
            append(Token(kind, value, line, match.start() - line_start + 1))
        if "\n" in value:
            line += value.count("\n")
            line_start = match.start() + value.rindex("\n") + 1
    return out


@dataclass(frozen=True)
class QueryInfo:
    form: Form
    #: the IRIs of FROM clauses (all of them name the default graph, or the query was refused)
    from_graphs: tuple[str, ...] = ()


def inspect(
    query: str, default_graph: str, max_bytes: int = MAX_QUERY_BYTES, max_nesting: int = MAX_NESTING
) -> QueryInfo:
    """The form of ``query``, or a typed error saying why it is not run."""
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise PayloadTooLarge(
            f"the query is {size:,} bytes long, more than the limit of {max_bytes:,} bytes (PJGJ_MAX_QUERY_BYTES)"
        )
    if "\x00" in query:
        raise BadRequest("the query contains a NUL character")
    return _inspect_plain(query, max_nesting) or _inspect_tokens(query, default_graph, max_nesting)


def _inspect_plain(query: str, max_nesting: int) -> QueryInfo | None:
    """The common case, read with a few regular expressions: no SERVICE, no FROM, shallow brackets,
    a plain prologue. None whenever any of that is not certain: :func:`_inspect_tokens` then decides.

    Why: the lexer builds a token for every word, and with the standard prologue
    a query has a few hundred; that was the largest cost of a query request in
    the web process (0.3 ms of about 1.5, measured with the benchmark's mix).
    """
    bare = _LITERALS.sub(_blank, query)  # strings, IRIs and comments cannot hold a keyword or a bracket
    if _SUSPECT.search(bare):  # anywhere, even inside a name: then the lexer looks closely
        return None
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", bare):
        depth = depth + 1 if char in "{([" else max(0, depth - 1)
        deepest = max(deepest, depth)
    if deepest > max_nesting:
        return None
    match = _PLAIN_FORM.match(bare)
    return QueryInfo(match.group("form").upper()) if match else None  # type: ignore[arg-type]


def _inspect_tokens(query: str, default_graph: str, max_nesting: int) -> QueryInfo:
    toks = tokens(query)
    depth = 0
    for tok in toks:
        if tok.kind == "open":
            depth += 1
            if depth > max_nesting:
                raise QueryRefused(
                    f"brackets nested more than {max_nesting} deep (PJGJ_MAX_NESTING) "
                    f"at line {tok.line}, column {tok.column}"
                )
        elif tok.kind == "close":
            depth = max(0, depth - 1)

    words = [(i, t) for i, t in enumerate(toks) if t.kind == "word"]
    form = _form(toks)
    for i, tok in words:
        keyword = tok.text.upper()
        if keyword == "SERVICE":
            raise QueryRefused(
                f"SERVICE (federated query) is not supported at line {tok.line}, column {tok.column}: "
                "this endpoint never sends requests to other servers"
            )
        if keyword == "FROM":
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.kind == "word" and nxt.text.upper() == "NAMED":
                raise QueryRefused(
                    f"FROM NAMED at line {tok.line}, column {tok.column}: this dataset has no named graphs; "
                    f"its one graph is the default graph <{default_graph}>"
                )
    from_graphs = _from_graphs(toks, default_graph)
    return QueryInfo(form, from_graphs)


def _form(toks: list[Token]) -> Form:
    """The first keyword after the prologue (BASE and PREFIX declarations)."""
    i = 0
    while i < len(toks):
        tok = toks[i]
        keyword = tok.text.upper() if tok.kind == "word" else ""
        if keyword == "BASE":
            i += 2
            continue
        if keyword == "PREFIX":
            i += 3
            continue
        if keyword in FORMS:
            return keyword  # type: ignore[return-value]
        if keyword in UPDATE_KEYWORDS:
            raise QueryRefused(
                f"{keyword} at line {tok.line}, column {tok.column} is SPARQL Update: "
                "this endpoint is read-only and answers queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)"
            )
        where = f"at line {tok.line}, column {tok.column}"
        raise QueryRefused(f"expected SELECT, ASK, CONSTRUCT or DESCRIBE {where}, found {tok.text[:30]!r}")
    raise BadRequest("the query is empty")


def _from_graphs(toks: list[Token], default_graph: str) -> tuple[str, ...]:
    found = []
    for i, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "FROM":
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        iri = nxt.text[1:-1] if nxt is not None and nxt.kind == "iri" else None
        if iri != default_graph:
            shown = nxt.text if nxt is not None else "nothing"
            raise QueryRefused(
                f"FROM {shown} at line {tok.line}, column {tok.column}: only the default graph "
                f"<{default_graph}> is available (written as a full IRI); other graphs are never fetched"
            )
        found.append(iri)
    return tuple(found)


def check_dataset(default_graph_uris: list[str], named_graph_uris: list[str], default_graph: str) -> None:
    """The protocol's ``default-graph-uri`` / ``named-graph-uri``: only the one graph we have."""
    for iri in default_graph_uris:
        if iri != default_graph:
            raise QueryRefused(
                f"default-graph-uri <{iri}> is not a graph of this dataset; "
                f"its one graph is <{default_graph}>, and other graphs are never fetched"
            )
    if named_graph_uris:
        raise QueryRefused(
            f"named-graph-uri <{named_graph_uris[0]}>: this dataset has no named graphs; "
            f"its one graph is the default graph <{default_graph}>"
        )


def parse_timeout(value: str | None, limit: float) -> float:
    """The ``timeout`` parameter in seconds: may lower the server's limit, never raise it."""
    if value is None or value == "":
        return limit
    try:
        seconds = float(value)
    except ValueError:
        raise BadRequest(f"timeout={value!r} is not a number of seconds") from None
    if not seconds > 0 or seconds != seconds:
        raise BadRequest(f"timeout={value!r} must be a positive number of seconds")
    return min(seconds, limit)
