"""Find and parse the Turtle sources, with errors that name the file and line.

The sources are ``ontology/*.ttl``, ``data/**/*.ttl`` and ``shapes/*.ttl``
under the project root. Each file is parsed on its own so that an error can
name it; rdflib's own messages say "at line 7 of <>" and nothing else.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.term import BNode, Literal, URIRef

ROOT = Path(__file__).resolve().parents[2]

#: what is loaded from where, relative to the project root
LAYOUT: dict[str, str] = {
    "ontology": "ontology/*.ttl",
    "data": "data/**/*.ttl",
    "shapes": "shapes/*.ttl",
}


class SourceError(Exception):
    """A source file that cannot be used; ``str()`` is a one-line curator message."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {reason}")


@dataclass
class Source:
    path: Path
    text: str
    graph: Graph = field(repr=False)


def find(root: Path, part: str) -> list[Path]:
    return sorted(root.glob(LAYOUT[part]))


def _line_of(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def check_bytes(path: Path, raw: bytes) -> str:
    """Reject what rdflib would accept silently or choke on later."""
    if not raw.strip():
        raise SourceError(path, None, "the file is empty")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise SourceError(path, 1, "the file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise SourceError(path, line, f"not UTF-8 (byte 0x{raw[err.start]:02x})") from None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise SourceError(path, line, "carriage return found; use LF line endings")
    for n, line_text in enumerate(text.split("\n"), start=1):
        for ch in line_text:
            if ord(ch) < 0x20 and ch != "\t":
                raise SourceError(path, n, f"control character U+{ord(ch):04X}")
    return text


#: the only input format: Turtle has no entities, no DTD and no remote contexts
ACCEPTED_SUFFIX = ".ttl"


def parse(path: Path) -> Source:
    if path.suffix.lower() != ACCEPTED_SUFFIX:
        raise SourceError(
            path,
            None,
            f"only Turtle (.ttl) is accepted, not {path.suffix or 'a file without extension'}: RDF/XML can expand "
            "entities and JSON-LD can fetch remote contexts; convert it to Turtle first",
        )
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SourceError(path, None, f"cannot be read: {err.strerror or err}") from None
    text = check_bytes(path, raw)
    graph = Graph(bind_namespaces="none")
    try:
        with _quiet_rdflib():
            graph.parse(data=text, format="turtle", publicID=_NO_BASE)
    except Exception as err:  # rdflib raises several unrelated types for bad syntax
        raise SourceError(path, _line_of(str(err)), f"Turtle syntax: {_syntax_reason(err)}") from None
    _check_terms(path, text, graph)
    return Source(path, text, graph)


def _syntax_reason(err: Exception) -> str:
    """rdflib's ``at line 7 of <>:\nBad syntax (Prefix "x:" not bound) at ^ in: ...`` -> ``Prefix "x:" not bound``."""
    text = str(err).strip()
    match = re.search(r"Bad syntax \((.*?)\) at \^", text, re.DOTALL)
    if match:
        return match.group(1)
    return text.splitlines()[0] if text else type(err).__name__


class _DropRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """While parsing, rdflib logs a traceback for each ill-typed literal and a warning for each bad IRI;
    both are reported here, once, with the file and line (:func:`_check_terms`)."""
    logger = logging.getLogger("rdflib.term")
    drop = _DropRecords()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


# A relative IRI resolves against this base: finding it afterwards means the
# file used one, which would publish an IRI that depends on where it was read.
_NO_BASE = "https://relative-iri.invalid/"


def _first_line(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text[:index].count("\n") + 1 if index >= 0 else None


def _check_terms(path: Path, text: str, graph: Graph) -> None:
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                iri = str(term)
                if iri.startswith(_NO_BASE):
                    rel = iri[len(_NO_BASE) :]
                    raise SourceError(path, _first_line(text, f"<{rel}>"), f"relative IRI <{rel}>")
                if any(c.isspace() for c in iri) or any(c in iri for c in '<>"{}|^`\\'):
                    raise SourceError(path, _first_line(text, iri[-20:]), f"invalid IRI <{iri}>")
                if iri.startswith("https://schema.org/"):
                    raise SourceError(
                        path,
                        _first_line(text, "https://schema.org/"),
                        "schema.org terms use http://schema.org/ in this project",
                    )
            elif isinstance(term, Literal) and term.datatype is not None and term.ill_typed:
                raise SourceError(
                    path,
                    _first_line(text, str(term)),
                    f'"{term}" is not a valid {term.datatype.n3()}',
                )
            elif isinstance(term, BNode) and path.parts[-2:-1] != ("shapes",):
                pass  # blank nodes are refused by the canonical writer, which names the subject


def load(root: Path, parts: tuple[str, ...] = ("ontology", "data")) -> tuple[Graph, list[Source]]:
    """Parse every file of the given parts; the first error stops the load."""
    merged = Graph(bind_namespaces="none")
    sources = []
    for part in parts:
        for path in find(root, part):
            source = parse(path)
            sources.append(source)
            merged += source.graph
    return merged, sources
