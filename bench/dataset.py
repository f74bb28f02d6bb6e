"""The data under test, as a build directory ``pjgj serve`` reads and the N-Triples file Oxigraph loads.

Both servers load the same file: the build's ``dumps/pjgj.nt``.

* ``real``: ``pjgj build --output WORK/real/build``, reused while the sources,
  the example questions and the code are unchanged (a fingerprint of all of
  them is kept beside the build). When ``pjgj build`` refuses the data
  (SHACL or integrity problems, e.g. while curators are mid-way), the bench
  writes the same artefacts without those checks (parse, canonical form and
  derivation still run) and says so in the report; ``--require-valid``
  stops instead.
* ``synth-100k``, ``synth-1m``: :mod:`bench.synth` writes the triples; the
  build directory is the real build with its dataset replaced (ontology dump +
  synthetic triples as ``dumps/pjgj.nt``, labels index, sitemap, counts and
  manifest recomputed with the build's own functions). ``pjgj build`` cannot
  take an N-Triples file (it validates hand-written canonical Turtle with
  rdflib and SHACL, which does not scale to 1M triples), so this adapter
  stands in for the hook described in bench/README.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from pjgj import examples, sources
from pjgj.build import json_bytes, label_index, sitemap, statistics, swap_in, write_artefacts
from pjgj.config import Config
from pjgj.errors import BuildError
from pjgj.namespaces import shorten
from pjgj.validate import assemble
from pjgj.web import check_build

from . import synth
from .servers import tool

ROOT = Path(__file__).resolve().parents[1]
STORE = "dumps/pjgj.nt"
_INPUTS = ("ontology/*.ttl", "data/**/*.ttl", "shapes/*.ttl", "queries/**/*.rq", "src/pjgj/**/*.py")


class DatasetError(RuntimeError):
    pass


@dataclass
class Dataset:
    name: str
    build_dir: Path
    triples: int
    #: how the build directory was made
    origin: str
    #: seconds spent making it in this run (None when reused)
    prepare_seconds: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def store_file(self) -> Path:
        return self.build_dir / STORE


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprint(root: Path = ROOT) -> str:
    """Of everything a build depends on: sources, queries, the code, and PJGJ_BASE."""
    h = hashlib.sha256(os.environ.get("PJGJ_BASE", "").encode())
    for pattern in _INPUTS:
        for path in sorted(root.glob(pattern)):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _usable(build_dir: Path) -> bool:
    try:
        check_build(replace(Config.from_env(), build_dir=build_dir))
    except BuildError:
        return False
    return True


def _triples(build_dir: Path) -> int:
    return int(json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))["triples"])


# ---------------------------------------------------------------- the real data


def unchecked_build(target: Path) -> None:
    """What ``pjgj build`` writes, without SHACL and integrity checks (parse and derivation still run)."""
    config = replace(Config.from_env(), build_dir=target)
    assembled = assemble(config)
    if assembled.problems:
        raise DatasetError("the sources do not parse or derive:\n" + "\n".join(assembled.problems[:20]))
    example_list: list[dict[str, object]] = [
        {"id": e.id, "title": e.title, "kind": e.kind, "query": e.query} for e in examples.load(config.root)
    ]
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        write_artefacts(tmp, config, assembled, example_list, sorted(sources.find(config.root, "shapes")))
        swap_in(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def prepare_real(work: Path, require_valid: bool = False, rebuild: bool = False) -> Dataset:
    folder = work / "real"
    build_dir = folder / "build"
    stamp = folder / "fingerprint"
    wanted = fingerprint()
    if not rebuild and stamp.is_file() and _usable(build_dir):
        recorded = stamp.read_text().split()
        if recorded and recorded[0] == wanted:
            origin = " ".join(recorded[1:]) or "pjgj build"
            return Dataset("real", build_dir, _triples(build_dir), f"{origin} (reused)")
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "build.log"
    started = time.monotonic()
    with log.open("wb") as out:
        done = subprocess.run(
            [tool("pjgj"), "build", "--output", str(build_dir)], stdout=out, stderr=subprocess.STDOUT, check=False
        )
    seconds = time.monotonic() - started
    notes = []
    if done.returncode == 0:
        origin = "pjgj build"
        notes.append(f"`pjgj build` took {seconds:.1f} s (validation included)")
    elif done.returncode == 1 and not require_valid:
        problems = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("INVALID")]
        started = time.monotonic()
        unchecked_build(build_dir)
        seconds = time.monotonic() - started
        origin = "unchecked build"
        notes.append(
            f"`pjgj build` refused the current data ({problems[0] if problems else 'see build.log'}); "
            "the artefacts were written without SHACL and integrity checks"
        )
    else:
        raise DatasetError(f"pjgj build exited with {done.returncode}; see {log}")
    stamp.write_text(f"{wanted} {origin}\n")
    return Dataset("real", build_dir, _triples(build_dir), origin, seconds, notes)


# ---------------------------------------------------------------- synthetic data


def replace_dataset(real_build: Path, parts: list[Path], target: Path) -> None:
    """The real build with its dataset replaced by the concatenation of ``parts`` (N-Triples)."""
    config = Config.from_env()
    base = config.base
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(real_build, tmp)
    try:
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        kept = [d for d in manifest["dumps"] if d["content"] != "dataset"]
        for d in manifest["dumps"]:
            if d["content"] == "dataset":
                (tmp / "dumps" / d["name"]).unlink(missing_ok=True)
        store_path = tmp / STORE
        with store_path.open("wb") as out:
            for part in parts:
                data = part.read_bytes()
                out.write(data if data.endswith(b"\n") or not data else data + b"\n")
        store = ox.Store()
        store.load(path=str(store_path), format=ox.RdfFormat.N_TRIPLES)
        stats = statistics(store, base)
        labels = label_index(store, base)
        (tmp / "labels.json").write_bytes(json_bytes(labels))
        pages = sorted({str(e["iri"]).split("#", 1)[0] for e in labels} | {base, f"{base}ontology", f"{base}shapes"})
        (tmp / "sitemap.xml").write_bytes(sitemap(pages))
        sha = _sha256_file(store_path)
        size = store_path.stat().st_size
        entry = {
            "name": "pjgj.nt",
            "format": "ntriples",
            "media_type": "application/n-triples",
            "content_media_type": "application/n-triples",
            "content": "dataset",
            "compressed": False,
            "bytes": size,
            "triples": stats.triples,
            "sha256": sha,
            "url": f"{base}dumps/pjgj.nt",
        }
        manifest.update(
            {
                "build_id": sha[:16],
                "triples": stats.triples,
                "entities": stats.entities,
                "classes": {shorten(c): n for c, n in stats.classes.items()},
                "dumps": [entry, *kept],
            }
        )
        files = {}
        for path in sorted(p for p in tmp.rglob("*") if p.is_file() and p.name != "manifest.json"):
            files[str(path.relative_to(tmp))] = {"bytes": path.stat().st_size, "sha256": _sha256_file(path)}
        manifest["files"] = files
        (tmp / "manifest.json").write_bytes(json_bytes(manifest))
        swap_in(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _synth_source_hash() -> str:
    return hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:16]


def prepare_synth(work: Path, size: int, seed: int, real: Dataset) -> Dataset:
    label = next((name for name, n in synth.SIZES.items() if n == size), str(size))
    folder = work / f"synth-{label}-s{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    nt = folder / "synth.nt"
    nt_stamp = folder / "synth.stamp"
    wanted = f"{size} {seed} {_synth_source_hash()}"
    notes: list[str] = []
    spent = 0.0
    if not (nt.is_file() and nt_stamp.is_file() and nt_stamp.read_text().strip() == wanted):
        started = time.monotonic()
        count = synth.write(nt, size, seed)
        spent += time.monotonic() - started
        nt_stamp.write_text(wanted + "\n")
        notes.append(f"generated {count} synthetic triples in {time.monotonic() - started:.1f} s")
    build_dir = folder / "build"
    build_stamp = folder / "build.stamp"
    real_id = json.loads((real.build_dir / "manifest.json").read_text(encoding="utf-8"))["build_id"]
    wanted_build = f"{wanted} {real_id}"
    if build_stamp.is_file() and build_stamp.read_text().strip() == wanted_build and _usable(build_dir):
        origin = "synthetic data in the real build (reused)"
    else:
        started = time.monotonic()
        replace_dataset(real.build_dir, [real.build_dir / "dumps/ontology.nt", nt], build_dir)
        spent += time.monotonic() - started
        build_stamp.write_text(wanted_build + "\n")
        origin = "synthetic data in the real build"
        notes.append(f"build directory adapted in {time.monotonic() - started:.1f} s (not a `pjgj build`)")
    notes.append("VoID/DCAT metadata files still describe the real dataset")
    name = f"synth-{label}"
    return Dataset(name, build_dir, _triples(build_dir), origin, spent or None, notes)
