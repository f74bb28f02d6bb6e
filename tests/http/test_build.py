"""``pjgj build``: deterministic, atomic, refuses invalid input; ``pjgj serve`` refuses a bad build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from pjgj.build import build, modified_date
from pjgj.config import Config
from pjgj.errors import BuildError
from pjgj.web import create_app

from .conftest import BUILD_ARGS, INPUTS, ROOT


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pjgj.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_building_twice_gives_byte_identical_files(build_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(Config(build_dir=again), INPUTS)
    assert files(again) == files(build_dir)


def test_a_build_in_another_process_is_byte_identical(build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = cli("build", *BUILD_ARGS, "--output", str(out), env={"PYTHONHASHSEED": "12345"})
    assert result.returncode == 0, result.stderr
    assert "triples" in result.stdout
    assert files(out) == files(build_dir)


def test_manifest_lists_every_file_with_size_and_checksum(build_dir: Path) -> None:
    manifest = json.loads((build_dir / "manifest.json").read_text())
    on_disk = set(files(build_dir)) - {"manifest.json"}
    assert set(manifest["files"]) == on_disk
    assert manifest["store"] == "dumps/pjgj.nt"
    assert [e["id"] for e in manifest["examples"]] == ["01-leaders", "02-contested"]
    assert manifest["classes"]["pjo:Claim"] == 13


def test_jsonld_dump_is_isomorphic_to_the_ntriples_dump(build_dir: Path) -> None:
    from rdflib.compare import isomorphic

    nt = Graph().parse(build_dir / "dumps/pjgj.nt", format="nt")
    jsonld = Graph().parse(build_dir / "dumps/pjgj.jsonld", format="json-ld")
    assert len(nt) > 1000
    assert isomorphic(nt, jsonld)


def test_gzip_files_carry_no_time_or_name(build_dir: Path) -> None:
    head = (build_dir / "dumps/pjgj.ttl.gz").read_bytes()[:10]
    assert head[3] == 0  # no FNAME flag
    assert head[4:8] == b"\0\0\0\0"  # mtime 0


def test_modified_date_comes_from_git_then_source_date_epoch_then_the_ontology(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ontology = Graph().parse(ROOT / "ontology/pjgj.ttl", format="turtle")
    git = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%cs"], capture_output=True, text=True)
    if git.returncode == 0 and git.stdout.strip():
        assert modified_date(Config(), ontology) == git.stdout.strip()
    not_a_checkout = Config(root=tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    assert modified_date(not_a_checkout, ontology) == "2001-09-09"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    dct = "http://purl.org/dc/terms/"
    dates = sorted(str(o)[:10] for p in ("modified", "issued") for o in ontology.objects(None, URIRef(dct + p)))
    assert modified_date(not_a_checkout, ontology) in dates


def test_invalid_data_publishes_nothing_and_keeps_the_previous_build(build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(build_dir, out)
    before = files(out)
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix pjo: <https://w3id.org/pjgj/ontology#> .\npjo:x pjo:y .\n")
    args = [a if a != str(INPUTS.data[1]) else str(broken) for a in BUILD_ARGS]  # type: ignore[index]
    result = cli("build", *args, "--output", str(out))
    assert result.returncode == 1
    assert "broken.ttl:2" in result.stderr
    assert "nothing was built" in result.stderr
    assert files(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_serve_refuses_a_missing_build(tmp_path: Path) -> None:
    result = cli("serve", "--build-dir", str(tmp_path / "nothing"), env={"PORT": "9"})
    assert result.returncode == 2
    assert "run `pjgj build` first" in result.stderr


def test_app_refuses_a_corrupt_build(build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "corrupt"
    shutil.copytree(build_dir, out)
    with (out / "dumps/pjgj.nt").open("ab") as f:
        f.write(b"<urn:x> <urn:y> <urn:z> .\n")
    with pytest.raises(BuildError, match="corrupt"):
        create_app(Config(build_dir=out))


def test_app_refuses_a_build_for_another_base(build_dir: Path) -> None:
    with pytest.raises(BuildError, match="PJGJ_BASE"):
        create_app(Config(build_dir=build_dir, base="https://example.org/other/"))
