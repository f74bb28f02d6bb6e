"""``pjgj build``: validate, then write every artefact the server needs, atomically and deterministically.

1. The same checks as ``pjgj validate`` (parse, canonical form, SHACL, integrity
   checks); any problem and nothing is published (exit 1).
2. Every artefact is written into a temporary directory beside the build
   directory, which is then swapped in with two renames: the previous build
   stays whole until the new one is complete, and a failed build leaves it
   untouched.
3. Building twice gives byte-identical files: outputs are written from sorted
   triples, gzip headers carry no time or name, JSON keys are in a fixed order,
   and the one date in the outputs (``modified``) comes from the git commit of
   HEAD, else ``SOURCE_DATE_EPOCH``, else the ontology's own date; never the clock.

Layout of the build directory (see also README.md):

    manifest.json          what was built: version, counts, dumps, every file with size and SHA-256
    dumps/pjgj.{ttl,nt,jsonld,rdf}[.gz]   the whole graph; dumps/pjgj.nt is also the store's load file
    dumps/ontology.*, dumps/shapes.*      the ontology and the SHACL shapes
    meta/void.*, meta/dcat.*, meta/service.*, meta/schema-org.jsonld
    examples.json, labels.json, sitemap.xml
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import DCTERMS, OWL

from . import examples, locate, metadata, rdfio, sources
from .config import Config
from .formats import GRAPH_FORMATS, JSONLD, NTRIPLES, RDFXML, RESULT_FORMATS, TURTLE, Format
from .namespaces import PREFIXES, shorten, sparql_prologue
from .validate import Assembled, assemble, integrity_problems, shacl_problems

MANIFEST = "manifest.json"
STORE_FILE = "dumps/pjgj.nt"
LABEL_PROPERTIES = ("skos:prefLabel", "rdfs:label", "dct:title")
ALIAS_PROPERTIES = ("skos:altLabel", "skos:hiddenLabel")


class BuildFailed(Exception):
    """The sources have problems; nothing was published."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Inputs:
    """What to build from; ``None`` means the project's default files."""

    data: list[Path] | None = None
    shapes: list[Path] | None = None
    examples_dir: Path | None = None


# ---------------------------------------------------------------- dates and versions


def modified_date(config: Config, ontology: Graph) -> str:
    """The dataset's modification date (YYYY-MM-DD), never the wall clock.

    The git commit date of HEAD when the project is a git checkout; else
    ``SOURCE_DATE_EPOCH`` (reproducible-builds.org); else the ontology's
    ``dct:modified`` or ``dct:issued``.
    """
    try:
        out = subprocess.run(
            ["git", "-C", str(config.root), "log", "-1", "--format=%cs"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.SubprocessError):
        pass
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    for prop in (DCTERMS.modified, DCTERMS.issued):
        for value in sorted(str(v) for v in ontology.objects(None, prop)):
            return value[:10]
    return "1970-01-01"


def version(ontology: Graph) -> str:
    values = sorted(str(v) for s in ontology.subjects(None, OWL.Ontology) for v in ontology.objects(s, OWL.versionInfo))
    return values[0] if values else "0"


# ---------------------------------------------------------------- statistics


def _count(store: ox.Store, query: str) -> int:
    rows = list(store.query(sparql_prologue() + query))  # type: ignore[arg-type]
    return int(rows[0]["n"].value) if rows else 0


def statistics(store: ox.Store, base: str) -> metadata.Stats:
    """Counts over the store the endpoint will load, so VoID and the endpoint agree."""
    classes = {
        row["c"].value: int(row["n"].value)
        for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")  # type: ignore[union-attr]
        if isinstance(row["c"], ox.NamedNode)
    }
    properties = {
        row["p"].value: int(row["n"].value)
        for row in store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")  # type: ignore[union-attr]
    }
    entities = _count(
        store,
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }}',
    )
    return metadata.Stats(
        triples=_count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        entities=entities,
        distinct_subjects=_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_objects=_count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
    )


# ---------------------------------------------------------------- indexes


def _curie_iri(curie: str) -> str:
    name, _, local = curie.partition(":")
    return PREFIXES[name] + local


def label_index(store: ox.Store, base: str) -> list[dict[str, object]]:
    """Every IRI of ours with a label: preferred label, aliases, classes. Sorted by IRI."""
    label_props = {_curie_iri(c): c for c in LABEL_PROPERTIES}
    alias_props = {_curie_iri(c) for c in ALIAS_PROPERTIES}
    labels: dict[str, dict[str, set[str]]] = {}  # iri -> label property -> texts
    aliases: dict[str, set[str]] = {}
    values = " ".join(f"<{p}>" for p in [*label_props, *sorted(alias_props)])
    for row in store.query(f"SELECT ?s ?p ?l WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?l }}"):  # type: ignore[union-attr]
        subject, prop, text = row["s"], row["p"].value, row["l"].value
        if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(base):
            continue
        labels.setdefault(subject.value, {})
        aliases.setdefault(subject.value, set())
        if prop in label_props:
            labels[subject.value].setdefault(label_props[prop], set()).add(text)
        else:
            aliases[subject.value].add(text)
    types: dict[str, set[str]] = {}
    for row in store.query("SELECT ?s ?c WHERE { ?s a ?c }"):  # type: ignore[union-attr]
        if isinstance(row["s"], ox.NamedNode) and isinstance(row["c"], ox.NamedNode):
            types.setdefault(row["s"].value, set()).add(row["c"].value)
    out: list[dict[str, object]] = []
    for iri in sorted(labels):
        found = labels[iri]
        preferred = next((sorted(found[c])[0] for c in LABEL_PROPERTIES if c in found), iri)
        others = {t for texts in found.values() for t in texts} | aliases[iri]
        out.append(
            {
                "iri": iri,
                "label": preferred,
                "aliases": sorted(others - {preferred}),
                "types": sorted(types.get(iri, set())),
            }
        )
    return out


def sitemap(iris: Iterable[str]) -> bytes:
    """A sitemap of every page (sitemaps.org), with the public IRIs as locations."""
    from xml.sax.saxutils import escape

    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(iri)}</loc></url>" for iri in iris]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------- writing


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and mtime 0: the same input always gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as f:
        f.write(data)
    return buffer.getvalue()


def json_bytes(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


class _Writer:
    """Writes files under a root and remembers their size and SHA-256 for the manifest."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, dict[str, object]] = {}

    def write(self, name: str, data: bytes) -> dict[str, object]:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        info: dict[str, object] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        self.files[name] = info
        return info


def _shapes_turtle(paths: list[Path]) -> bytes:
    """The shapes as their curators wrote them (comments kept), one file after the other."""
    parts = [f"# shapes/{p.name}\n{p.read_text(encoding='utf-8')}" for p in paths]
    return "\n".join(parts).encode("utf-8")


def _write_graph_files(
    w: _Writer, stem: str, graph: Graph, content: str, dumps: list[metadata.Dump], turtle: bytes | None = None
) -> int:
    """``dumps/{stem}.{ext}`` in every graph format; returns the triple count."""
    items = rdfio.triples(graph)
    for fmt in GRAPH_FORMATS:
        if fmt == TURTLE and turtle is not None:
            data = turtle
        else:
            data = rdfio.write_graph(graph, fmt) if fmt == TURTLE else rdfio.write(items, fmt)
        info = w.write(f"dumps/{stem}.{fmt.extension}", data)
        dumps.append(metadata.Dump(f"{stem}.{fmt.extension}", fmt, info["bytes"], info["sha256"], len(items), content))  # type: ignore[arg-type]
    return len(items)


def write_artefacts(
    root: Path,
    config: Config,
    assembled: Assembled,
    example_list: list[dict[str, object]],
    shape_files: list[Path],
) -> dict[str, object]:
    w = _Writer(root)
    published = assembled.published
    base = config.base

    # the whole graph: N-Triples first, because the store (and so the counts) load it
    dumps: list[metadata.Dump] = []
    items = rdfio.triples(published)
    turtle = rdfio.write_graph(published, TURTLE)
    for fmt in (NTRIPLES, TURTLE, JSONLD, RDFXML):
        data = turtle if fmt == TURTLE else rdfio.write(items, fmt)
        name = f"pjgj.{fmt.extension}"
        info = w.write(f"dumps/{name}", data)
        dumps.append(metadata.Dump(name, fmt, info["bytes"], info["sha256"], len(items), "dataset"))  # type: ignore[arg-type]
        packed = gzip_bytes(data)
        info = w.write(f"dumps/{name}.gz", packed)
        dumps.append(metadata.Dump(f"{name}.gz", fmt, info["bytes"], info["sha256"], len(items), "dataset", True))  # type: ignore[arg-type]

    _write_graph_files(w, "ontology", assembled.ontology, "ontology", dumps)
    _write_graph_files(
        w, "shapes", assembled.shapes, "shapes", dumps, _shapes_turtle(shape_files) if shape_files else None
    )

    store = ox.Store()
    store.load(path=str(root / STORE_FILE), format=ox.RdfFormat.N_TRIPLES)
    stats = statistics(store, base)
    if stats.triples != len(items):
        raise RuntimeError(f"the store holds {stats.triples} triples, the dump {len(items)}")
    release = metadata.Release(
        base, version(assembled.ontology), modified_date(config, assembled.ontology), stats, tuple(dumps)
    )

    meta_graphs = {
        "void": metadata.void_graph(release),
        "dcat": metadata.dcat_graph(release),
        "service": metadata.service_graph(release, (*RESULT_FORMATS, *GRAPH_FORMATS)),
    }
    extra_prefixes = {**PREFIXES, "sd": str(metadata.SD), "spdx": str(metadata.SPDX)}
    for stem, graph in meta_graphs.items():
        for fmt in GRAPH_FORMATS:
            w.write(f"meta/{stem}.{fmt.extension}", rdfio.write_graph(graph, fmt, extra_prefixes))
    schema_doc = metadata.schema_org(release)
    w.write("meta/schema-org.jsonld", json_bytes(schema_doc))

    w.write("examples.json", json_bytes(example_list))
    labels = label_index(store, base)
    w.write("labels.json", json_bytes(labels))
    pages = sorted({str(e["iri"]).split("#", 1)[0] for e in labels} | {base, f"{base}ontology", f"{base}shapes"})
    w.write("sitemap.xml", sitemap(pages))

    build_id = hashlib.sha256((root / STORE_FILE).read_bytes()).hexdigest()[:16]
    manifest: dict[str, object] = {
        "manifest_version": 1,
        "version": release.version,
        "build_id": build_id,
        "modified": release.modified,
        "base": base,
        "dataset": metadata.dataset_iri(base),
        "default_graph": metadata.default_graph_iri(base),
        "triples": stats.triples,
        "entities": stats.entities,
        "classes": {_short(c): n for c, n in stats.classes.items()},
        "store": STORE_FILE,
        "dumps": [
            {
                "name": d.name,
                "format": d.fmt.name,
                "media_type": "application/gzip" if d.compressed else d.fmt.media_type,
                "content_media_type": d.fmt.media_type,
                "content": d.content,
                "compressed": d.compressed,
                "bytes": d.bytes,
                "triples": d.triples,
                "sha256": d.sha256,
                "url": f"{base}dumps/{d.name}",
            }
            for d in dumps
        ],
        "examples": example_list,
        "files": dict(sorted(w.files.items())),
    }
    w.write(MANIFEST, json_bytes(manifest))
    return manifest


def _short(iri: str) -> str:
    return shorten(iri)


def _examples(config: Config, inputs: Inputs) -> list[dict[str, object]]:
    try:
        if inputs.examples_dir is not None:
            found = [examples.parse(p) for p in sorted(inputs.examples_dir.glob("*.rq"))]
        else:
            found = examples.load(config.root)
    except ValueError as err:  # an example without its '# title:' / '# kind:' header
        raise BuildFailed([str(err)]) from None
    return [{"id": e.id, "title": e.title, "kind": e.kind, "query": e.query} for e in found]


# ---------------------------------------------------------------- the command


def check(config: Config, inputs: Inputs) -> Assembled:
    """The checks of ``pjgj validate``; :class:`BuildFailed` lists every problem."""
    assembled = assemble(config, inputs.data, inputs.shapes)
    problems = list(assembled.problems)
    if not problems:
        problems += shacl_problems(assembled)
        problems += integrity_problems(assembled, config.root)
    if problems:
        raise BuildFailed(locate.annotate(problems, assembled.files))
    return assembled


def swap_in(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp`` with renames; the old build is removed only once the new one is in place."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    if old.exists():
        shutil.rmtree(old)


def build(config: Config, inputs: Inputs = Inputs()) -> dict[str, object]:
    """Check, write into a temporary directory, swap it in; returns the manifest."""
    assembled = check(config, inputs)
    example_list = _examples(config, inputs)

    shape_files = inputs.shapes if inputs.shapes is not None else sources.find(config.root, "shapes")
    target = config.build_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        manifest = write_artefacts(tmp, config, assembled, example_list, sorted(shape_files))
        swap_in(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return manifest


def run(config: Config, inputs: Inputs) -> int:
    started = time.monotonic()
    try:
        manifest = build(config, inputs)
    except BuildFailed as err:
        for line in err.problems:
            print(line, file=sys.stderr)
        print(f"INVALID: {len(err.problems)} problem(s); nothing was built", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    print(
        f"built {config.build_dir}: {manifest['triples']} triples, {len(manifest['files'])} files "  # type: ignore[arg-type]
        f"(build {manifest['build_id']}, modified {manifest['modified']}) in {elapsed:.1f} s"
    )
    return 0


def load_manifest(build_dir: Path) -> dict[str, object]:
    """Read the manifest; the caller verifies the files (see :func:`verify`)."""
    return dict(json.loads((build_dir / MANIFEST).read_text(encoding="utf-8")))


def _sha256(path: Path) -> str:
    """Read in chunks: at a million triples the dumps are hundreds of MB."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify(build_dir: Path, manifest: dict[str, object]) -> list[str]:
    """Files that are missing or differ from the manifest (size and SHA-256)."""
    problems = []
    files: dict[str, dict[str, object]] = manifest.get("files", {})  # type: ignore[assignment]
    for name, info in files.items():
        path = build_dir / name
        if not path.is_file():
            problems.append(f"{name}: missing")
            continue
        if path.stat().st_size != info["bytes"] or _sha256(path) != info["sha256"]:
            problems.append(f"{name}: differs from the manifest")
    return problems


__all__ = ["BuildFailed", "Format", "Inputs", "build", "load_manifest", "run", "verify"]
