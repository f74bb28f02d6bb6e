"""Label and alias search: case-, accent- and punctuation-tolerant, with a fuzzy fallback.

"lashkar e taiba", "Lashkar-e-Taiba", "LASHKARETAIBA" and "Laskhar" (a
hidden label) all find the same group; "Sao Paulo" finds "São Paulo";
"al-Qaida" finds "al-Qa'ida". The index holds every label of every IRI
and is built once per application from the read-only store.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph
from flask import current_app

from . import site
from .terms import DCT, LABEL_PROPS, PJO, RDFS, SKOS, Labels, Value, iri_of, local_name, natural_key

_EXTENSION = "pjgj.pages.search"
_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_NON_WORD = re.compile(r"[\W_]+")

#: how a kind of label weighs in the ranking
_LABEL_WEIGHT = {
    SKOS + "prefLabel": 6,
    RDFS + "label": 5,
    DCT + "title": 5,
    PJO + "nameString": 4,
    SKOS + "altLabel": 3,
    SKOS + "hiddenLabel": 0,
}


def normalize(text: str) -> str:
    """Lower case, no accents, apostrophes dropped, other punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", plain)).strip()


@dataclass
class Entry:
    iri: str
    label: str  # the preferred label
    names: list[tuple[str, str, int]] = field(default_factory=list)  # (label, normalized, weight)
    types: list[str] = field(default_factory=list)
    description: str = ""
    deprecated: bool = False


@dataclass
class Hit:
    value: Value
    matched: str  # the alias that matched, when it is not the preferred label
    types: list[str]
    description: str
    score: int
    deprecated: bool


class Index:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        wanted = normalize(query)
        if not wanted:
            return []
        hits = [hit for entry in self.entries if (hit := _match(entry, wanted))]
        hits.sort(key=lambda h: (-h.score, natural_key(h.value.text)))
        return hits[:limit]

    def fuzzy(self, query: str, limit: int = 5) -> list[Hit]:
        """Close spellings, for a query or an IRI slug that matched nothing."""
        wanted = normalize(query)
        by_name: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            for _, norm, _ in entry.names:
                by_name[norm].append(entry)
        hits: dict[str, Hit] = {}
        for name in difflib.get_close_matches(wanted, list(by_name), n=limit * 2, cutoff=0.6):
            for entry in by_name[name]:
                score = int(difflib.SequenceMatcher(None, wanted, name).ratio() * 40)
                if entry.iri not in hits or hits[entry.iri].score < score:
                    hits[entry.iri] = _hit(entry, name, score)
        return sorted(hits.values(), key=lambda h: (-h.score, natural_key(h.value.text)))[:limit]


def _hit(entry: Entry, matched_norm: str, score: int) -> Hit:
    matched = next((label for label, norm, _ in entry.names if norm == matched_norm), entry.label)
    return Hit(
        Value(entry.label, iri=entry.iri, href=site.href(entry.iri)),
        "" if matched == entry.label else matched,
        entry.types,
        entry.description,
        score - (20 if entry.deprecated else 0),
        entry.deprecated,
    )


def _match(entry: Entry, wanted: str) -> Hit | None:
    words = wanted.split()
    compact = wanted.replace(" ", "")
    best: tuple[int, str] | None = None
    for _, norm, weight in entry.names:
        if norm == wanted:
            score = 100
        elif norm.startswith(wanted):
            score = 80
        elif all(any(w.startswith(x) for w in norm.split()) for x in words):
            score = 60
        elif wanted in norm:
            score = 50
        elif compact and compact in norm.replace(" ", ""):
            score = 40
        else:
            continue
        score += weight
        if best is None or score > best[0]:
            best = (score, norm)
    return _hit(entry, best[1], best[0]) if best else None


def _build() -> Index:
    service = site.service()
    props = " ".join(f"<{p}>" for p in (*LABEL_PROPS, SKOS + "altLabel", SKOS + "hiddenLabel"))
    rows = service.select(f"SELECT ?s ?p ?l WHERE {{ VALUES ?p {{ {props} }} ?s ?p ?l . FILTER(isIRI(?s)) }}")
    entries: dict[str, Entry] = {}
    for row in rows:
        s, p, label = iri_of(row["s"]), iri_of(row["p"]), row["l"]
        if s is None or p is None or not isinstance(label, pyoxigraph.Literal):
            continue
        entry = entries.setdefault(s, Entry(s, ""))
        entry.names.append((label.value, normalize(label.value), _LABEL_WEIGHT.get(p, 2)))
    labels = Labels()
    labels.fetch(entries)
    types: dict[str, set[str]] = defaultdict(set)
    for row in service.select("SELECT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?s)) }"):
        s, t = iri_of(row["s"]), iri_of(row["t"])
        if s in entries and t is not None:
            types[s].add(t)
    labels.fetch({t for ts in types.values() for t in ts})
    descriptions = {
        s: str(row["d"].value)
        for row in service.select("SELECT ?s ?d WHERE { ?s rdfs:comment|skos:definition ?d }")
        if (s := iri_of(row["s"])) in entries
    }
    deprecated = {s for row in service.select("SELECT ?s WHERE { ?s owl:deprecated true }") if (s := iri_of(row["s"]))}
    for iri, entry in entries.items():
        entry.label = labels.label(iri)
        entry.types = sorted(labels.label(t) for t in types[iri])
        entry.description = descriptions.get(iri, "")
        entry.deprecated = iri in deprecated
        entry.names.sort()
    return Index(sorted(entries.values(), key=lambda e: e.iri))


def index() -> Index:
    """The application's index, built on first use (the data never changes while serving)."""
    found = current_app.extensions.get(_EXTENSION)
    if not isinstance(found, Index):
        found = _build()
        current_app.extensions[_EXTENSION] = found
    return found


def suggest(iri: str, limit: int = 5) -> list[tuple[str, str]]:
    """(local path, label) of the resources an unknown IRI probably meant, best first."""
    words = local_name(iri).replace("-", " ")
    # an event slug starts with its date, which no label repeats
    without_numbers = " ".join(w for w in words.split() if not w.isdigit())
    hits = index().search(words, limit) or index().search(without_numbers, limit) or index().fuzzy(words, limit)
    return [(h.value.href or h.value.iri or "", h.value.text) for h in hits]
