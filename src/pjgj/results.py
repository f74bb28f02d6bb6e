"""SPARQL SELECT and ASK results as JSON, XML, CSV and TSV.

Written here rather than by the engine's serialisers because the row cap must
be visible inside the result: a SELECT cut at ``max_rows`` says
``"truncated": true`` at the top level of its JSON (next to ``head`` and
``results``, where SPARQL JSON clients ignore unknown keys); every format also
gets the ``X-PJGJ-Truncated`` header from the web layer.

Specs: https://www.w3.org/TR/sparql11-results-json/,
https://www.w3.org/TR/rdf-sparql-XMLres/, https://www.w3.org/TR/sparql11-results-csv-tsv/.
Only pyoxigraph and the standard library are imported: this module runs in
the query workers, which must start fast.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]

XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# TSV may write these literals bare (SPARQL 1.1 CSV/TSV, section 3.1)
_BARE_TSV = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "boolean"}


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def select_json(variables: list[str], rows: list[Row], truncated: bool) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}, "truncated": truncated}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def ask_json(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
        f"</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def select_xml(variables: list[str], rows: list[Row]) -> bytes:
    out = [_XML_HEAD, "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>\n")
    for row in rows:
        out.append("<result>")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return xml_check("".join(out), "JSON, CSV or TSV").encode("utf-8")


def ask_xml(value: bool) -> bytes:
    return f"{_XML_HEAD}<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n".encode()


class Unrepresentable(ValueError):
    """The results hold a character the chosen format cannot carry; another format can."""


# XML 1.0 Char production (https://www.w3.org/TR/xml/#charsets): anything else makes the document ill-formed
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_check(text: str, instead: str) -> str:
    """``text`` if XML 1.0 can carry every character of it; else :class:`Unrepresentable`.

    Never replaced silently: a client would get different values than the
    store holds. ``instead`` names the formats that can carry them.
    """
    bad = _NOT_XML.search(text)
    if bad is not None:
        raise Unrepresentable(
            f"the results contain the character U+{ord(bad.group()):04X}, which XML cannot carry; "
            f"ask for {instead} instead"
        )
    return text


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def select_csv(variables: list[str], rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue().encode("utf-8")


def ask_csv(value: bool) -> bytes:
    # not defined by the spec; the same convention as Apache Jena
    return f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and term.datatype.value in _BARE_TSV and not term.language:
        return term.value
    # pyoxigraph's str() is the N-Triples form; tabs and newlines are escaped in it
    return str(term)


def select_tsv(variables: list[str], rows: list[Row]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def ask_tsv(value: bool) -> bytes:
    return f"?_askResult\n{'true' if value else 'false'}\n".encode()


def select(fmt: str, variables: list[str], rows: list[Row], truncated: bool) -> bytes:
    """SELECT results in the format named ``fmt`` (a :mod:`pjgj.formats` short name)."""
    if fmt == "json":
        return select_json(variables, rows, truncated)
    if fmt == "xml":
        return select_xml(variables, rows)
    if fmt == "csv":
        return select_csv(variables, rows)
    if fmt == "tsv":
        return select_tsv(variables, rows)
    raise ValueError(f"not a results format: {fmt}")


def ask(fmt: str, value: bool) -> bytes:
    writers = {"json": ask_json, "xml": ask_xml, "csv": ask_csv, "tsv": ask_tsv}
    return writers[fmt](value)
