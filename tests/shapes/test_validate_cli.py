"""`pjgj validate --data FILE`: exit 1 on a bad file, with file:line or focus node and message; 0 when valid."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .shapecase import VALID, variant


def pjgj_validate(*paths: Path) -> subprocess.CompletedProcess[str]:
    args = [a for path in paths for a in ("--data", str(path))]
    return subprocess.run(
        [sys.executable, "-m", "pjgj.cli", "validate", *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_valid_file_exits_0() -> None:
    result = pjgj_validate(VALID)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("valid")
    assert result.stderr == ""


def block_line(path: Path, subject: str) -> int:
    """1-based line of the canonical block that describes ``subject``."""
    return path.read_text(encoding="utf-8").splitlines().index(subject) + 1


def test_shape_violation_prints_focus_rule_and_message(tmp_path: Path) -> None:
    bad = variant(tmp_path, remove="pj-claim:s1-let-founded pjo:status pjc:asserted .")
    result = pjgj_validate(bad)
    assert result.returncode == 1
    # each problem starts with the file and line where its focus node's block begins
    assert (
        f"{bad}:{block_line(bad, 'pj-claim:s1-let-founded')}: "
        "pj-claim:s1-let-founded: pjo:status: needs exactly one pjo:status: pjc:asserted (the report's own voice) "
        "or pjc:reported (the report relays someone else's account). [pjs:statement-status]"
    ) in result.stderr.splitlines()
    assert "INVALID: 1 problem(s)" in result.stderr


def test_check_violation_prints_focus_check_and_message(tmp_path: Path) -> None:
    bad = variant(tmp_path, add="pj-person:hafiz-saeed org:headOf pj-org:lashkar-e-taiba .")
    result = pjgj_validate(bad)
    assert result.returncode == 1
    prefix = f"{bad}:{block_line(bad, 'pj-person:hafiz-saeed')}: pj-person:hafiz-saeed: direct-fact: "
    assert [line for line in result.stderr.splitlines() if line.startswith(prefix)]
    assert "INVALID: 1 problem(s)" in result.stderr


def test_syntax_error_prints_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    lines = VALID.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40].replace(" ;", "")  # line 41 loses its ';': the parser stops on line 42
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = pjgj_validate(bad)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{bad}:42: Turtle syntax"), first


def test_file_not_in_canonical_form_prints_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    text = VALID.read_text(encoding="utf-8")
    bad.write_text(text.replace("    a foaf:Person ;\n", "    a   foaf:Person ;\n", 1), encoding="utf-8")
    result = pjgj_validate(bad)
    assert result.returncode == 1
    line = text[: text.index("    a foaf:Person ;\n")].count("\n") + 1
    assert f"{bad}:{line}: not in canonical form; run `make fmt`" in result.stderr.splitlines()
