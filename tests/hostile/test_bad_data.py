"""Bad data at build time: every file of ``tests/hostile/data/`` is refused with its file, line and reason.

Each case is built (``pjgj build``, in-process) on top of the report's
paragraphs and the fixture data, validated against the project's own shapes
and checks, into a directory that already holds a good build: the build must
fail (exit 1), name ``file:line`` and the reason, publish nothing and leave the
previous build byte for byte as it was. A few cases also run the real command
line for its exit code. ``pjgj serve`` refuses a missing, corrupt or
unreadable build with one clear line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pjgj.build import Inputs, build, run
from pjgj.config import Config

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
FIXTURES = ROOT / "tests" / "fixtures"
BASE_DATA = [ROOT / "data" / "report.ttl", FIXTURES / "data" / "fixture.ttl"]


@dataclass(frozen=True)
class Case:
    file: str
    #: the line the problem must be reported at (None: the file as a whole)
    line: int | None
    #: a fragment of the reason
    reason: str


CASES = [
    Case("syntax-error.ttl", 19, "Turtle syntax: expected '.'"),
    Case("undefined-prefix.ttl", 19, 'Prefix "nope:" not bound'),
    Case("relative-iri.ttl", 19, "relative IRI <event1>"),
    Case("space-in-iri.ttl", 19, "invalid IRI <https://w3id.org/pjgj/id/place/event 1>"),
    Case("wrong-datatype.ttl", 20, '"twelve" is not a valid'),
    Case("impossible-xsd-date.ttl", 17, '"2010-02-30" is not a valid <http://www.w3.org/2001/XMLSchema#date>'),
    Case("impossible-edtf.ttl", 11, "'2010-02-30': no such day"),
    Case("negative-count.ttl", 9, "must be a whole number >= 0"),
    Case("dangling-reference.ttl", 11, "dangling-reference: refers to pj-org:no-such-organization"),
    Case("two-classes.ttl", 4, "entity-kind: is both a person (foaf:Person) and an organization"),
    Case("two-preflabels.ttl", 4, "needs exactly one skos:prefLabel"),
    Case("bom.ttl", 1, "byte-order mark"),
    Case("crlf.ttl", 1, "carriage return found; use LF line endings"),
    Case("latin1.ttl", 18, "not UTF-8 (byte 0xe9)"),
    Case("empty.ttl", None, "the file is empty"),
    Case("control-character.ttl", 18, "control character U+0001"),
    Case("entity-bomb.rdf", None, "only Turtle (.ttl) is accepted, not .rdf"),
    Case("entity-bomb.xml", None, "only Turtle (.ttl) is accepted, not .xml"),
    Case("remote-context.jsonld", None, "only Turtle (.ttl) is accepted, not .jsonld"),
    Case("entity-bomb-as-turtle.ttl", 1, "Turtle syntax"),
    # an entity reference in a Turtle string is text: the file is refused only for what the shapes say
    Case("entity-reference-literal.ttl", 5, "pj-org:hostile-i"),
]


def test_every_bad_file_has_a_case() -> None:
    assert sorted(c.file for c in CASES) == sorted(p.name for p in DATA.iterdir())
    assert len(CASES) >= 15


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good build (the fixture data and shapes), standing in for the one being served."""
    out = tmp_path_factory.mktemp("previous") / "build"
    build(
        Config(build_dir=out),
        Inputs(data=BASE_DATA, shapes=[FIXTURES / "shapes" / "fixture.ttl"], examples_dir=FIXTURES / "examples"),
    )
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_bad_file_is_refused_with_file_line_and_reason(
    case: Case, previous_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "build"
    shutil.copytree(previous_build, out)
    before = files(out)
    bad = DATA / case.file
    started = time.monotonic()
    code = run(Config(build_dir=out), Inputs(data=[*BASE_DATA, bad], examples_dir=FIXTURES / "examples"))
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 1, err
    where = f"{bad}:{case.line}: " if case.line is not None else f"{bad}: "
    lines = [line for line in err.splitlines() if line.startswith(where)]
    assert any(case.reason in line for line in lines), f"expected {where}...{case.reason!r} in:\n{err}"
    assert "nothing was built" in err
    assert "Traceback" not in err
    assert files(out) == before  # the previous build is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # no half-written temporary directory
    assert elapsed < 30, "no input may make the build crawl (entity expansion)"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pjgj.cli", *args], capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )


@pytest.mark.parametrize("name", ["syntax-error.ttl", "entity-bomb.rdf", "negative-count.ttl"])
def test_the_command_line_exits_1_and_publishes_nothing(name: str, previous_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    shutil.copytree(previous_build, out)
    before = files(out)
    args = [a for p in [*BASE_DATA, DATA / name] for a in ("--data", str(p))]
    result = cli("build", *args, "--examples", str(FIXTURES / "examples"), "--output", str(out))
    assert result.returncode == 1
    assert str(DATA / name) in result.stderr and "nothing was built" in result.stderr
    assert "Traceback" not in result.stderr
    assert files(out) == before
    result = cli("validate", *args)
    assert result.returncode == 1 and str(DATA / name) in result.stderr


def test_turtle_has_no_entities_to_expand() -> None:
    """The Turtle parser has no DTD: an XML-style bomb is a syntax error, an entity reference stays text."""
    from pjgj import sources

    started = time.monotonic()
    with pytest.raises(sources.SourceError, match="Turtle syntax"):
        sources.parse(DATA / "entity-bomb-as-turtle.ttl")
    source = sources.parse(DATA / "entity-reference-literal.ttl")
    labels = {str(o) for o in source.graph.objects()}
    assert "&b; stays text" in labels
    assert time.monotonic() - started < 2


# ---------------------------------------------------------------- the server refuses a bad build


def serve(build_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PORT": "9", "PJGJ_BUILD_DIR": str(build_dir)}
    return subprocess.run(
        [sys.executable, "-m", "pjgj.cli", "serve"], capture_output=True, text=True, timeout=60, env=env
    )


def test_serve_refuses_a_missing_build(tmp_path: Path) -> None:
    result = serve(tmp_path / "nothing")
    assert result.returncode == 2
    assert "no build found" in result.stderr and "run `pjgj build` first" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("damage", ["appended", "deleted", "manifest"])
def test_serve_refuses_a_corrupt_build(damage: str, previous_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    shutil.copytree(previous_build, out)
    if damage == "appended":
        with (out / "dumps/pjgj.nt").open("ab") as f:
            f.write(b"<urn:x> <urn:y> <urn:z> .\n")
    elif damage == "deleted":
        (out / "labels.json").unlink()
    else:
        (out / "manifest.json").write_text('{"files": ', encoding="utf-8")
    result = serve(out)
    assert result.returncode == 2, result.stderr
    assert "run `pjgj build`" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
