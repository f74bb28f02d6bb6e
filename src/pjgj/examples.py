"""The example questions in ``queries/examples/*.rq``: what users see and what tests check.

Each file starts with comment lines ``# title:``, ``# kind:`` and one ``# expect:`` line per
expected row (values joined by `` | ``, IRIs as CURIEs, literals as plain text; ``true`` or
``false`` for ASK). The query itself declares no prefixes: the standard prologue is predefined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("lookup", "alias", "join", "multi-hop", "temporal", "aggregate", "provenance", "contested")
EXAMPLES_DIR = "queries/examples"
_HEADER = re.compile(r"^#\s*(title|kind|expect):\s?(.*)$")


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    kind: str
    query: str
    expected: tuple[str, ...]

    @property
    def ordered(self) -> bool:
        return re.search(r"\bORDER\s+BY\b", self.query, re.IGNORECASE) is not None


def parse(path: Path) -> Example:
    title = kind = ""
    expected: list[str] = []
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line)
        if match and not body:
            key, value = match.group(1), match.group(2).strip()
            if key == "title":
                title = value
            elif key == "kind":
                kind = value
            else:
                expected.append(value)
        elif line.startswith("#") and not body:
            continue
        else:
            body.append(line)
    if not title or kind not in KINDS:
        raise ValueError(f"{path}: needs '# title:' and '# kind:' (one of {', '.join(KINDS)})")
    return Example(path.stem, title, kind, "\n".join(body).strip() + "\n", tuple(expected))


def load(root: Path) -> list[Example]:
    return [parse(p) for p in sorted((root / EXAMPLES_DIR).glob("*.rq"))]
