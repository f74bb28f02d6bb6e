"""Synthetic data in the shapes of the real graph, for measuring at 100k and 1M triples.

``python -m bench.synth --triples 100k --seed 1 --output synth.nt`` writes N-Triples,
one triple per line, sorted and without duplicates. The same seed and size
always give the same bytes: every choice comes from one seeded
``random.Random``, nothing depends on hashing or set order, and the
date bounds come from the project's own :func:`pjgj.dates.bounds`.

What it makes, in the proportions of the real graph (docs/authoring.md):

* entity records: organizations, people, places (nested countries, provinces,
  cities), events, works, with ``skos:prefLabel``, ``skos:altLabel``
  (acronyms, transliterations, shared short names), ``skos:hiddenLabel``
  (misspellings), ``rdfs:comment``, types from the controlled lists and
  ``pjo:mentionedIn``;
* a report with sections and numbered paragraphs with pages;
* claims (``rdf:subject``/``rdf:predicate``/``rdf:object``, status, sources,
  cited works, roles, EDTF dates with qualifiers, counts, contested pairs),
  each citing one or two paragraphs; assessments; ambiguous names;
* what ``pjgj build`` derives (:mod:`pjgj.derive`): the direct triple of every
  claim, ``org:memberOf`` for ``org:headOf``, the reverse of symmetric
  properties, date precision and ``xsd:date`` bounds (with the envelope on
  events) and ``pjo:mentionedIn`` from claims to the paragraphs they cite.

It does not include the ontology: the benchmark prepends the built ontology
dump, so that concept labels resolve as they do in the real graph.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pjgj import dates
from pjgj.namespaces import PREFIXES

#: named sizes accepted by --triples
SIZES = {"100k": 100_000, "1m": 1_000_000}

#: the real graph (ontology excluded) has about this many triples per "unit" of entities below
_UNIT_TRIPLES = 13_000.0
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SEASON_NAMES = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_SYLLABLES = [
    "ba",
    "da",
    "fa",
    "ga",
    "ha",
    "ja",
    "ka",
    "la",
    "ma",
    "na",
    "qa",
    "ra",
    "sa",
    "ta",
    "wa",
    "ya",
    "za",
    "bi",
    "di",
    "hi",
    "ki",
    "li",
    "mi",
    "ni",
    "ri",
    "si",
    "ti",
    "zi",
    "bu",
    "du",
    "hu",
    "ku",
    "lu",
    "mu",
    "nu",
    "ru",
    "su",
    "tu",
    "zu",
    "kha",
    "sha",
    "dha",
    "tha",
    "ghu",
]
_ENDINGS = ("", "", "n", "r", "m", "d", "i", "ar", "an", "ir", "at")
_ORG_HEADS = (
    "Lashkar",
    "Jaish",
    "Sipah",
    "Tehrik",
    "Harakat",
    "Hizb",
    "Jamaat",
    "Ansar",
    "Jund",
    "Tanzim",
    "Markaz",
    "Majlis",
)
_ORG_TAILS = ("Front", "Brigade", "Network", "Movement", "Council", "Group", "Cell")
_FIRST_NAMES = ("Abu", "Mullah", "Hafiz", "Maulana", "Qari", "Mufti", "Sheikh", "Commander")
_EVENT_TYPES: tuple[tuple[str, str, int], ...] = (
    # (concept slug, label word, weight)
    ("event-attack", "Attack", 14),
    ("event-bombing", "Bombing", 10),
    ("event-suicide-attack", "Suicide attack", 6),
    ("event-plot", "Plot", 6),
    ("event-foiled-plot", "Foiled plot", 3),
    ("event-meeting", "Meeting", 6),
    ("event-statement", "Statement", 8),
    ("event-video", "Video", 5),
    ("event-interview", "Interview", 3),
    ("event-letter", "Letter", 3),
    ("event-arrest", "Arrest", 6),
    ("event-killing", "Killing", 5),
    ("event-kidnapping", "Kidnapping", 3),
    ("event-founding", "Founding", 4),
    ("event-merger", "Merger", 2),
    ("event-split", "Split", 2),
    ("event-announcement", "Announcement", 3),
    ("event-training", "Training", 4),
    ("event-military-operation", "Military operation", 3),
    ("event-prisoner-release", "Prisoner release", 2),
)
_VIOLENT = {"event-attack", "event-bombing", "event-suicide-attack", "event-killing", "event-kidnapping"}
_SPOKEN = {"event-statement", "event-video", "event-interview", "event-letter", "event-announcement"}
_CHANGE = {"event-founding", "event-merger", "event-split", "event-announcement"}
_ORG_TYPES = (
    "orgtype-militant-group",
    "orgtype-militant-group",
    "orgtype-militant-group",
    "orgtype-cell",
    "orgtype-faction",
    "orgtype-network",
    "orgtype-umbrella-organization",
    "orgtype-media-outlet",
    "orgtype-government",
    "orgtype-intelligence-agency",
    "orgtype-seminary",
    "orgtype-tribe",
)
_ROLES = (
    "role-member",
    "role-member",
    "role-commander",
    "role-operative",
    "role-fighter",
    "role-leader",
    "role-spokesperson",
    "role-trainer",
    "role-recruiter",
    "role-planner",
    "role-founder",
)
_WORK_CLASSES = ("bibo:Book", "bibo:Book", "bibo:Article", "bibo:Thesis", "bibo:Report", "bibo:Document")
_ASSESSMENT_TYPES = (
    "assessment-trend",
    "assessment-forecast",
    "assessment-observation",
    "assessment-risk",
    "assessment-case-in-point",
    "assessment-policy-implication",
)
_SYMMETRIC = {"pjo:alliedWith", "pjo:associatedWith", "pjo:cooperatedWith", "pjo:relativeOf"}
_SECTIONS = 5


def iri(curie: str) -> str:
    """``pj-org:x`` -> ``<https://w3id.org/pjgj/id/org/x>``."""
    prefix, _, local = curie.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def lit(text: str, lang: str | None = "en") -> str:
    """A literal: language-tagged (default ``@en``) or, with ``lang=None``, a plain string."""
    return f'"{_escape(text)}"@{lang}' if lang else f'"{_escape(text)}"'


def typed(value: object, datatype: str) -> str:
    return f'"{_escape(str(value))}"^^{iri(datatype)}'


def slugify(label: str) -> str:
    """The authoring rule: ASCII, lower case, apostrophes dropped, other runs of non-alphanumerics as ``-``."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").lower()
    plain = plain.replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


@dataclass
class Entity:
    curie: str
    label: str
    home: str  # the paragraph that first mentions it
    kind: str


@dataclass
class Event(Entity):
    etype: str = ""
    year: int = 2000
    dated: list[dates.Bounds] = field(default_factory=list)


class Writer:
    """Collects hand-written and derived triples as N-Triples lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.derived: set[str] = set()

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .")

    def derive(self, s: str, p: str, o: str) -> None:
        self.derived.add(f"{s} {p} {o} .")

    def __len__(self) -> int:
        return len(self.lines) + len(self.derived)

    def output(self) -> list[str]:
        return sorted(set(self.lines) | self.derived)


@dataclass(frozen=True)
class DateChoice:
    edtf: str
    text: str
    qualifier: str | None = None
    start_qualifier: str | None = None
    end_qualifier: str | None = None

    def bounds(self) -> dates.Bounds:
        return dates.bounds(self.edtf, self.qualifier, self.start_qualifier, self.end_qualifier)


class Generator:
    def __init__(self, seed: int, units: float) -> None:
        self.rng = random.Random(seed)
        self.units = units
        self.w = Writer()
        self.slugs: set[str] = set()
        self.paragraphs: list[str] = []
        self.section_of: dict[str, int] = {}
        self.bibliography: list[str] = []
        self.orgs: list[Entity] = []
        self.people: list[Entity] = []
        self.places: list[Entity] = []
        self.countries: list[Entity] = []
        self.events: list[Event] = []
        self.works: list[Entity] = []
        self.claim_count = 0
        self.claims_by_subject: dict[str, list[str]] = {}
        self.short_names: dict[str, list[str]] = {}

    # ------------------------------------------------------------ helpers

    def n(self, real_count: float, minimum: int = 3) -> int:
        return max(minimum, round(real_count * self.units))

    def word(self) -> str:
        rng = self.rng
        text = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))) + rng.choice(_ENDINGS)
        return text.capitalize()

    def words(self, count: int) -> str:
        return " ".join(self.word().lower() for _ in range(count))

    def mint(self, prefix: str, label: str) -> str:
        base = slugify(label) or "x"
        slug, i = base, 1
        while f"{prefix}:{slug}" in self.slugs:
            i += 1
            slug = f"{base}-{i}"
        self.slugs.add(f"{prefix}:{slug}")
        return f"{prefix}:{slug}"

    def para(self) -> str:
        return self.rng.choice(self.paragraphs)

    def date(self, year: int) -> DateChoice:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            return DateChoice(f"{year}-{month:02d}-{day:02d}", f"{day} {_MONTHS[month - 1]} {year}")
        if roll < 0.7:
            month = rng.randint(1, 12)
            if rng.random() < 0.1:
                return DateChoice(f"{year}-{month:02d}", f"mid-{_MONTHS[month - 1]} {year}", "mid")
            return DateChoice(f"{year}-{month:02d}", f"{_MONTHS[month - 1]} {year}")
        if roll < 0.9:
            if rng.random() < 0.4:
                q = rng.choice(("early", "mid", "late"))
                return DateChoice(str(year), f"{q} {year}", q)
            return DateChoice(str(year), f"in {year}")
        if roll < 0.95:
            season = rng.randint(21, 24)
            return DateChoice(f"{year}-{season}", f"{_SEASON_NAMES[season]} {year}")
        decade = year // 10 * 10
        if rng.random() < 0.5:
            q = rng.choice(("early", "mid", "late"))
            return DateChoice(f"{decade // 10}X", f"the {q} {decade}s", q)
        return DateChoice(f"{decade // 10}X", f"the {decade}s")

    def interval(self) -> DateChoice:
        rng = self.rng
        start = rng.randint(1985, 2018)
        if rng.random() < 0.2:
            return DateChoice(f"{start}/..", f"from {start}")
        end = min(2021, start + rng.randint(1, 8))
        sq = rng.choice((None, None, "early", "late"))
        eq = rng.choice((None, None, "early", "late"))
        text = f"between {sq + ' ' if sq else ''}{start} and {eq + ' ' if eq else ''}{end}"
        return DateChoice(f"{start}/{end}", text, None, sq, eq)

    def bounds_triples(self, node: str, b: dates.Bounds) -> None:
        w = self.w
        w.derive(node, iri("pjo:datePrecision"), iri(f"pjc:precision-{b.precision}"))
        w.derive(node, iri("pjo:earliestStart"), typed(b.earliest_start.isoformat(), "xsd:date"))
        w.derive(node, iri("pjo:latestStart"), typed(b.latest_start.isoformat(), "xsd:date"))
        w.derive(node, iri("pjo:earliestEnd"), typed(b.earliest_end.isoformat(), "xsd:date"))
        w.derive(node, iri("pjo:latestEnd"), typed(b.latest_end.isoformat(), "xsd:date"))

    def record(self, e: Entity, rdf_type: str, comment: str) -> None:
        w, s = self.w, iri(e.curie)
        w.add(s, iri("rdf:type"), iri(rdf_type))
        w.add(s, iri("skos:prefLabel"), lit(e.label))
        w.add(s, iri("rdfs:comment"), lit(comment))
        w.add(s, iri("pjo:mentionedIn"), iri(e.home))

    # ------------------------------------------------------------ the report

    def report(self) -> None:
        w, rng = self.w, self.rng
        report = iri("pj-work:synthetic-report")
        w.add(report, iri("rdf:type"), iri("bibo:Report"))
        w.add(report, iri("skos:prefLabel"), lit("Synthetic report"))
        w.add(report, iri("dct:title"), lit("Synthetic report"))
        w.add(report, iri("dct:issued"), typed(2021, "xsd:gYear"))
        page = 1
        per_section = self.n(11, 4)
        for sec in [*range(1, _SECTIONS + 1), 0]:
            name = f"s{sec}" if sec else "bibliography"
            title = f"Section {sec}: {self.words(3)}" if sec else "Bibliography"
            node = iri(f"pj-report:{name}")
            w.add(node, iri("rdf:type"), iri("bibo:DocumentPart"))
            w.add(node, iri("rdfs:label"), lit(title))
            w.add(node, iri("dct:title"), lit(title.split(": ", 1)[-1]))
            w.add(node, iri("dct:isPartOf"), report)
            w.add(node, iri("bibo:locator"), lit(str(sec) if sec else "bibliography", None))
            w.add(node, iri("pjo:sectionOrder"), typed(sec or _SECTIONS + 1, "xsd:integer"))
            if sec:
                w.add(node, iri("bibo:pageStart"), lit(str(page), None))
            count = per_section if sec else self.n(3, 3)
            for number in range(1, count + 1):
                curie = f"pj-report:{name}-p{number}"
                p = iri(curie)
                w.add(p, iri("rdf:type"), iri("pjo:Paragraph"))
                w.add(p, iri("dct:isPartOf"), node)
                w.add(p, iri("pjo:paragraphNumber"), typed(number, "xsd:integer"))
                if sec:
                    w.add(p, iri("rdfs:label"), lit(f"Section {sec}, paragraph {number}, p. {page}"))
                    w.add(p, iri("bibo:pageStart"), lit(str(page), None))
                    if rng.random() < 0.3:
                        page += 1
                        w.add(p, iri("bibo:pageEnd"), lit(str(page), None))
                    if rng.random() < 0.2:
                        w.add(p, iri("pjo:pageInferred"), typed("true", "xsd:boolean"))
                    self.paragraphs.append(curie)
                    self.section_of[curie] = sec
                else:
                    w.add(p, iri("rdfs:label"), lit(f"Bibliography, paragraph {number}"))
                    self.bibliography.append(curie)
                if rng.random() < 0.5:
                    page += 1

    # ------------------------------------------------------------ entity records

    def places_records(self) -> None:
        rng, w = self.rng, self.w
        total = self.n(80, 10)
        n_countries = max(3, total // 12)
        n_provinces = max(3, total // 4)
        for i in range(total):
            if i < n_countries:
                label, ptype, parent = self.word() + rng.choice(("stan", "ia", "", "")), "place-country", None
            elif i < n_countries + n_provinces:
                label, ptype = f"{self.word()} {rng.choice(('Province', 'Region', 'Valley'))}", "place-province"
                parent = rng.choice(self.countries)
            else:
                label = self.word()
                ptype = rng.choice(("place-city", "place-city", "place-district", "place-camp", "place-area"))
                parent = rng.choice(self.places[n_countries : n_countries + n_provinces])
            e = Entity(self.mint("pj-place", label), label, self.para(), "place")
            where = f" in {parent.label}" if parent else ""
            self.record(e, "schema:Place", f"Synthetic place{where}.")
            s = iri(e.curie)
            w.add(s, iri("pjo:placeType"), iri(f"pjc:{ptype}"))
            if parent is not None:
                w.add(s, iri("schema:containedInPlace"), iri(parent.curie))
            if rng.random() < 0.1:
                w.add(s, iri("skos:altLabel"), lit(label.replace("a", "aa", 1)))
            self.places.append(e)
            if ptype == "place-country":
                self.countries.append(e)

    def org_records(self) -> None:
        rng, w = self.rng, self.w
        for _ in range(self.n(111, 12)):
            word = self.word()
            if rng.random() < 0.7:
                head = rng.choice(_ORG_HEADS)
                join = rng.choice(("-e-", "-ul-", " al-", "-i-"))
                label = f"{head}{join}{word}"
                acronym = head[0] + join.strip(" -")[0].lower() + word[0]
            else:
                tail = rng.choice(_ORG_TAILS)
                label = f"{word} {tail}"
                acronym = word[0] + tail[0]
            e = Entity(self.mint("pj-org", label), label, self.para(), "org")
            otype = rng.choice(_ORG_TYPES)
            self.record(e, "org:Organization", f"Synthetic {otype.split('-', 1)[1].replace('-', ' ')} called {label}.")
            s = iri(e.curie)
            w.add(s, iri("pjo:organizationType"), iri(f"pjc:{otype}"))
            aliases = {acronym.upper(), acronym, label.replace("-e-", " i ").replace("-ul-", " ul "), word}
            for alias in sorted(aliases - {label})[: rng.randint(0, 4)]:
                w.add(s, iri("skos:altLabel"), lit(alias))
            if rng.random() < 0.1 and len(word) > 3:
                w.add(s, iri("skos:hiddenLabel"), lit(label.replace(word, word[0] + word[2] + word[1] + word[3:])))
            self.orgs.append(e)

    def people_records(self) -> None:
        rng, w = self.rng, self.w
        shared = [self.word() for _ in range(max(3, self.n(72, 3) // 4))]
        for _ in range(self.n(72, 12)):
            first, last = rng.choice(_FIRST_NAMES), self.word()
            short = f"al-{rng.choice(shared)}"
            label = f"{first} {last} {short}" if first == "Abu" else f"{first} {last} {self.word()}"
            e = Entity(self.mint("pj-person", label), label, self.para(), "person")
            self.record(e, "foaf:Person", f"Synthetic person, {rng.choice(_ROLES).split('-', 1)[1]}.")
            s = iri(e.curie)
            if first == "Abu":
                w.add(s, iri("skos:altLabel"), lit(short))
                self.short_names.setdefault(short, []).append(e.curie)
            if rng.random() < 0.3:
                w.add(s, iri("skos:altLabel"), lit(f"{last} {label.split()[-1]}"))
            if rng.random() < 0.05:
                w.add(s, iri("skos:hiddenLabel"), lit(label.replace("a", "e", 1)))
            self.people.append(e)

    def work_records(self) -> None:
        rng, w = self.rng, self.w
        for _ in range(self.n(19, 4)):
            author = rng.choice(self.people)
            year = rng.randint(1995, 2021)
            title = f"{self.word()} and {self.word()}: {self.words(3)}"
            curie = self.mint("pj-work", f"{author.label.split()[1]}-{year}")
            e = Entity(curie, title, rng.choice(self.bibliography), "work")
            self.record(e, rng.choice(_WORK_CLASSES), f"Synthetic work by {author.label}.")
            s = iri(curie)
            w.add(s, iri("dct:title"), lit(title))
            w.add(s, iri("dct:creator"), iri(author.curie))
            w.add(s, iri("dct:issued"), typed(year, "xsd:gYear"))
            w.add(s, iri("dct:bibliographicCitation"), lit(f"{author.label}, {title}, {year}.", None))
            w.add(s, iri("pjo:inBibliography"), typed("true" if rng.random() < 0.8 else "false", "xsd:boolean"))
            self.works.append(e)

    def event_records(self) -> None:
        rng = self.rng
        kinds = [t for t, _, weight in _EVENT_TYPES for _ in range(weight)]
        words = {t: word for t, word, _ in _EVENT_TYPES}
        for _ in range(self.n(151, 12)):
            etype = rng.choice(kinds)
            year = rng.choice((rng.randint(1979, 2021), rng.randint(1998, 2020), rng.randint(2005, 2020)))
            place = rng.choice(self.places)
            label = f"{words[etype]} in {place.label} ({year})"
            e = Event(self.mint("pj-event", f"{year}-{words[etype]}-{place.label}"), label, self.para(), "event")
            e.etype, e.year = etype, year
            self.record(e, "sem:Event", f"Synthetic {words[etype].lower()} in {place.label}.")
            self.w.add(iri(e.curie), iri("pjo:eventType"), iri(f"pjc:{etype}"))
            if etype in _CHANGE:
                self.w.add(iri(e.curie), iri("rdf:type"), iri("org:ChangeEvent"))
            if etype == "event-suicide-attack":
                self.w.add(iri(e.curie), iri("pjo:eventType"), iri("pjc:event-attack"))
            self.events.append(e)

    # ------------------------------------------------------------ claims

    def claim(
        self,
        subject: Entity,
        predicate: str,
        obj: str,
        *,
        role: str | None = None,
        when: DateChoice | None = None,
        extra: list[tuple[str, str]] | None = None,
    ) -> str:
        """One claim node, its provenance and status, and what the build derives from it."""
        rng, w = self.rng, self.w
        first = subject.home if rng.random() < 0.6 else self.para()
        cited = [first] if rng.random() < 0.9 else [first, self.para()]
        self.claim_count += 1
        slug = f"s{self.section_of[first]}-{self.claim_count:07d}-{slugify(predicate.split(':', 1)[1])}"
        curie = f"pj-claim:{slug}"
        c, s, p = iri(curie), iri(subject.curie), iri(predicate)
        w.add(c, iri("rdf:type"), iri("pjo:Claim"))
        w.add(c, iri("rdf:subject"), s)
        w.add(c, iri("rdf:predicate"), p)
        w.add(c, iri("rdf:object"), obj)
        touched = [s, obj]
        if rng.random() < 0.7:
            w.add(c, iri("pjo:status"), iri("pjc:asserted"))
        else:
            w.add(c, iri("pjo:status"), iri("pjc:reported"))
            if rng.random() < 0.75:
                source = rng.choice(self.people if rng.random() < 0.6 else self.orgs)
                w.add(c, iri("pjo:accordingTo"), iri(source.curie))
                touched.append(iri(source.curie))
                if rng.random() < 0.4:
                    w.add(c, iri("pjo:citedWork"), iri(rng.choice(self.works).curie))
                    w.add(c, iri("skos:editorialNote"), lit("Work matched by author: the report has no footnotes."))
            else:
                w.add(c, iri("pjo:accordingToUnnamed"), lit(rng.choice(("media reports", "reports", "officials"))))
        for paragraph in cited:
            w.add(c, iri("prov:wasDerivedFrom"), iri(paragraph))
        if role:
            w.add(c, iri("org:role"), iri(f"pjc:{role}"))
        if when is not None:
            w.add(c, iri("pjo:dateText"), lit(when.text))
            w.add(c, iri("pjo:edtf"), lit(when.edtf, None))
            for prop, value in (
                ("dateQualifier", when.qualifier),
                ("startQualifier", when.start_qualifier),
                ("endQualifier", when.end_qualifier),
            ):
                if value:
                    w.add(c, iri(f"pjo:{prop}"), iri(f"pjc:{value}"))
            self.bounds_triples(c, when.bounds())
        for prop, value in extra or []:
            w.add(c, iri(prop), value)
        if rng.random() < 0.3:
            w.add(c, iri("skos:editorialNote"), lit(f"Synthetic note: {self.words(6)}."))
        # derived: the direct triple, memberOf for headOf, reverse of symmetric properties
        w.derive(s, p, obj)
        if predicate == "org:headOf":
            w.derive(s, iri("org:memberOf"), obj)
        if predicate in _SYMMETRIC:
            w.derive(obj, p, s)
        base = "<" + PREFIXES["pj-org"].rsplit("/", 2)[0] + "/"
        for paragraph in cited:
            for entity in touched:
                if entity.startswith(base):
                    w.derive(entity, iri("pjo:mentionedIn"), iri(paragraph))
        self.claims_by_subject.setdefault(subject.curie, []).append(curie)
        return curie

    def event_claims(self, e: Event) -> None:
        rng = self.rng
        if rng.random() < 0.9:
            when = self.date(e.year)
            b = when.bounds()
            extra = [("pjo:dateText", lit(when.text))]
            if when.qualifier:
                extra.append(("pjo:dateQualifier", iri(f"pjc:{when.qualifier}")))
            c = self.claim(e, "pjo:date", lit(when.edtf, None), extra=extra)
            self.bounds_triples(iri(c), b)
            e.dated.append(b)
            if rng.random() < 0.03:  # the report dates it twice
                other = self.date(e.year + rng.choice((-1, 1)))
                c2 = self.claim(e, "pjo:date", lit(other.edtf, None), extra=[("pjo:dateText", lit(other.text))])
                self.bounds_triples(iri(c2), other.bounds())
                e.dated.append(other.bounds())
                for a, z in ((c, c2), (c2, c)):
                    self.w.add(iri(a), iri("pjo:conflictsWith"), iri(z))
        if rng.random() < 0.8:
            self.claim(e, "sem:hasPlace", iri(rng.choice(self.places).curie))
        if e.etype in _VIOLENT or e.etype in ("event-plot", "event-foiled-plot"):
            for org in rng.sample(self.orgs, rng.randint(1, 2)):
                self.claim(e, "pjo:carriedOutBy", iri(org.curie))
            if rng.random() < 0.3:
                self.claim(e, "pjo:plannedBy", iri(rng.choice(self.orgs).curie))
            if rng.random() < 0.25:
                self.claim(e, "pjo:claimedBy", iri(rng.choice(self.orgs).curie))
            if rng.random() < 0.1:
                self.contested(e)
            if e.etype in _VIOLENT and rng.random() < 0.5:
                extra = [("pjo:countQualifier", iri("pjc:at-least"))] if rng.random() < 0.2 else []
                self.claim(e, "pjo:killedCount", typed(rng.randint(1, 150), "xsd:integer"), extra=extra)
            if e.etype in _VIOLENT and rng.random() < 0.35:
                self.claim(e, "pjo:woundedCount", typed(rng.randint(1, 300), "xsd:integer"))
            if rng.random() < 0.2:
                self.claim(e, "pjo:target", iri(rng.choice(self.orgs).curie))
            elif rng.random() < 0.25:
                self.claim(e, "pjo:targetDescription", lit(self.words(2)))
            if rng.random() < 0.1:
                self.claim(e, "pjo:victim", iri(rng.choice(self.people).curie))
        for person in rng.sample(self.people, rng.randint(0, 3)):
            self.claim(e, "pjo:participant", iri(person.curie), role=rng.choice(_ROLES))
        if e.etype in _SPOKEN:
            self.claim(e, "pjo:speaker", iri(rng.choice(self.people).curie))
            self.claim(e, "pjo:quote", lit(self.words(rng.randint(4, 12))))
            if rng.random() < 0.5:
                self.claim(e, "pjo:publishedBy", iri(rng.choice(self.orgs).curie))
            if rng.random() < 0.5:
                self.claim(e, "pjo:about", iri(rng.choice(self.events).curie))
        if e.etype == "event-arrest":
            self.claim(e, "pjo:detainee", iri(rng.choice(self.people).curie))
        if e.etype == "event-prisoner-release":
            self.claim(e, "pjo:releasedPerson", iri(rng.choice(self.people).curie))
        if e.etype in _CHANGE:
            self.claim(e, "org:resultingOrganization", iri(rng.choice(self.orgs).curie))
            if e.etype in ("event-merger", "event-split"):
                self.claim(e, "org:originalOrganization", iri(rng.choice(self.orgs).curie))
            if e.etype == "event-announcement":
                self.claim(e, "pjo:announcedBy", iri(rng.choice(self.orgs).curie))
        if rng.random() < 0.1:
            self.claim(e, rng.choice(("pjo:ledTo", "pjo:retaliationFor")), iri(rng.choice(self.events).curie))
        if rng.random() < 0.05:
            self.claim(e, "sem:subEventOf", iri(rng.choice(self.events).curie))

    def contested(self, e: Event) -> None:
        """Two sources that disagree about who did it: both claims, linked both ways."""
        rng = self.rng
        a = self.claim(e, "pjo:blamedOn", iri(rng.choice(self.orgs).curie))
        b = self.claim(e, "pjo:carriedOutBy", iri(rng.choice(self.orgs).curie))
        self.w.add(iri(a), iri("pjo:contestedBy"), iri(b))
        self.w.add(iri(b), iri("pjo:contestedBy"), iri(a))

    def person_claims(self, e: Entity) -> None:
        rng = self.rng
        for org in rng.sample(self.orgs, rng.randint(1, 2)):
            when = self.interval() if rng.random() < 0.4 else None
            self.claim(e, "org:memberOf", iri(org.curie), role=rng.choice(_ROLES), when=when)
        if rng.random() < 0.12:
            self.claim(e, "org:headOf", iri(rng.choice(self.orgs).curie), role="role-leader", when=self.interval())
        if rng.random() < 0.4:
            self.claim(e, "pjo:basedIn", iri(rng.choice(self.places).curie))
        if rng.random() < 0.3:
            self.claim(e, "pjo:nationality", iri(rng.choice(self.countries).curie))
        if rng.random() < 0.2:
            year = rng.randint(1985, 2020)
            self.claim(e, "pjo:travelledTo", iri(rng.choice(self.places).curie), when=self.date(year))
        if rng.random() < 0.15:
            self.claim(e, "pjo:trainedAt", iri(rng.choice(self.places).curie), when=self.interval())
        if rng.random() < 0.05:
            self.claim(e, "pjo:relativeOf", iri(rng.choice(self.people).curie), role="role-nephew")
        if rng.random() < 0.1:
            self.claim(e, "pjo:bornIn", iri(rng.choice(self.places).curie))
        if rng.random() < 0.05:
            self.claim(e, "pjo:founded", iri(rng.choice(self.orgs).curie))

    def org_claims(self, e: Entity, index: int) -> None:
        rng = self.rng
        if index and rng.random() < 0.3:
            parent = self.orgs[rng.randrange(max(0, index - 50), index)]
            self.claim(e, "org:subOrganizationOf", iri(parent.curie))
        for prop, chance in (
            ("pjo:alliedWith", 0.5),
            ("pjo:hostileTo", 0.2),
            ("pjo:cooperatedWith", 0.2),
            ("pjo:associatedWith", 0.1),
            ("pjo:supported", 0.1),
            ("pjo:splitFrom", 0.05),
            ("pjo:mergedInto", 0.03),
            ("pjo:trained", 0.05),
            ("pjo:funded", 0.05),
        ):
            if rng.random() < chance:
                other = rng.choice(self.orgs)
                if other.curie != e.curie:
                    self.claim(e, prop, iri(other.curie))
        if rng.random() < 0.6:
            self.claim(e, "pjo:basedIn", iri(rng.choice(self.places).curie))
        for place in rng.sample(self.places, rng.randint(0, 2)):
            self.claim(e, "pjo:operatedIn", iri(place.curie))
        if rng.random() < 0.1:
            self.claim(e, "pjo:sheltered", iri(rng.choice(self.people).curie))
        if rng.random() < 0.1:
            self.claim(e, "pjo:recruitedFrom", iri(rng.choice(self.places).curie))
        if rng.random() < 0.05:
            self.claim(e, "pjo:sentFightersTo", iri(rng.choice(self.countries).curie))
        if rng.random() < 0.05:
            extra = [("pjo:countScope", lit("fighters"))]
            self.claim(e, "pjo:memberCount", typed(rng.randint(10, 5000), "xsd:integer"), extra=extra)

    def assessments(self) -> None:
        rng, w = self.rng, self.w
        last = [p for p in self.paragraphs if self.section_of[p] == _SECTIONS]
        for i in range(self.n(31, 3)):
            curie = f"pj-claim:s{_SECTIONS}-assessment-{i + 1:05d}"
            a = iri(curie)
            w.add(a, iri("rdf:type"), iri("pjo:Assessment"))
            w.add(a, iri("dct:description"), lit(f"Synthetic assessment: {self.words(10)}."))
            w.add(a, iri("pjo:assessmentType"), iri(f"pjc:{rng.choice(_ASSESSMENT_TYPES)}"))
            w.add(a, iri("pjo:status"), iri("pjc:asserted"))
            paragraph = rng.choice(last)
            w.add(a, iri("prov:wasDerivedFrom"), iri(paragraph))
            for topic in rng.sample([*self.orgs, *self.places], rng.randint(1, 2)):
                w.add(a, iri("dct:subject"), iri(topic.curie))
                w.derive(iri(topic.curie), iri("pjo:mentionedIn"), iri(paragraph))

    def ambiguous_names(self) -> None:
        w = self.w
        for name in sorted(self.short_names):
            people = self.short_names[name]
            if len(people) < 2:
                continue
            n = iri(self.mint("pj-name", name))
            w.add(n, iri("rdf:type"), iri("pjo:AmbiguousName"))
            w.add(n, iri("pjo:nameString"), lit(name))
            w.add(n, iri("skos:scopeNote"), lit(f"{len(people)} people go by {name}."))
            for person in people[:6]:
                w.add(n, iri("pjo:mayDenote"), iri(person))

    def envelopes(self) -> None:
        """Events dated by their claims get the envelope of those dates (as pjgj.derive does)."""
        for e in self.events:
            if not e.dated:
                continue
            precisions = {b.precision for b in e.dated}
            precision = e.dated[0].precision if len(precisions) == 1 else max(precisions, key=dates.PRECISIONS.index)
            envelope = dates.Bounds(
                min(b.earliest_start for b in e.dated),
                max(b.latest_start for b in e.dated),
                min(b.earliest_end for b in e.dated),
                max(b.latest_end for b in e.dated),
                precision,
            )
            self.bounds_triples(iri(e.curie), envelope)

    def run(self) -> list[str]:
        self.report()
        self.places_records()
        self.org_records()
        self.people_records()
        self.work_records()
        self.event_records()
        for i, org in enumerate(self.orgs):
            self.org_claims(org, i)
        for person in self.people:
            self.person_claims(person)
        for event in self.events:
            self.event_claims(event)
        self.assessments()
        self.ambiguous_names()
        self.envelopes()
        return self.w.output()


def generate(triples: int, seed: int) -> list[str]:
    """About ``triples`` N-Triples lines (sorted, distinct) for ``seed``; the same arguments give the same lines.

    A first pass at a small size measures how many triples one unit of
    entities yields with this seed; the second pass is sized from it.
    """
    probe_units = min(triples, 20_000) / _UNIT_TRIPLES
    probe = len(Generator(seed, probe_units).run())
    units = probe_units * triples / max(probe, 1)
    return Generator(seed, units).run()


def parse_size(text: str) -> int:
    """``100k``, ``1m``, ``250000``, ``2.5m``."""
    value = text.strip().lower()
    if value in SIZES:
        return SIZES[value]
    factor = 1
    if value.endswith("k"):
        factor, value = 1_000, value[:-1]
    elif value.endswith("m"):
        factor, value = 1_000_000, value[:-1]
    try:
        return int(float(value) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (100k, 1m or a number)") from None


def write(path: Path, triples: int, seed: int) -> int:
    """Generate and write the file (atomically); returns the number of triples."""
    lines = generate(triples, seed)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return len(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=parse_size, default=SIZES["100k"], help="about how many (100k, 1m, 50000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.output == "-":
        lines = generate(args.triples, args.seed)
        sys.stdout.write("\n".join(lines) + "\n")
        count = len(lines)
    else:
        count = write(Path(args.output), args.triples, args.seed)
    print(f"{count} triples (seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
