"""Where a problem is: ``file:line`` for problems that name a focus node.

SHACL results and the integrity checks name a focus node (``pj-org:x: rule:
message``), not a place in a file. A curator needs the file and the line, so
each problem whose focus node is the subject of a block in one of the source
files gets that block's first line in front (the last file's, when several
files describe it; the others are listed after the message): ``data/orgs.ttl:120: pj-org:x:
rule: message``. In canonical Turtle every subject block starts at column 0
with the subject, so the index is one pass over the lines. Problems that
already start with a file (parse errors) and focus nodes defined nowhere (a
derived triple, a typo'd reference) are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .namespaces import PREFIXES

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*)")


def _expand(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<"):
        return token[1:-1]
    name, _, local = token.partition(":")
    namespace = prefixes.get(name)
    return namespace + local if namespace is not None else None


def index(files: Iterable[Path]) -> dict[str, list[tuple[Path, int]]]:
    """Full IRI of every subject written at the start of a line -> (file, line) of each of its blocks."""
    found: dict[str, list[tuple[Path, int]]] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the parse step has reported it already
        prefixes: dict[str, str] = {}
        for number, line in enumerate(text.split("\n"), start=1):
            declared = _PREFIX.match(line)
            if declared:
                prefixes[declared.group(1) or ""] = declared.group(2)
                continue
            subject = _SUBJECT.match(line)
            if subject:
                iri = _expand(subject.group(1), prefixes)
                if iri is not None:
                    found.setdefault(iri, []).append((path, number))
    return found


def annotate(problems: list[str], files: Iterable[Path]) -> list[str]:
    """``problems`` with ``file:line:`` in front of each whose focus node a file defines."""
    where = index(files)
    out = []
    for problem in problems:
        focus, sep, _ = problem.partition(": ")
        iri = _expand(focus, dict(PREFIXES)) if sep and not focus.startswith("/") else None
        places = where.get(iri, []) if iri is not None else []
        if not places:
            out.append(problem)
            continue
        # the last file written is the likeliest culprit (the one being added); the others are named too
        (path, line), others = places[-1], places[:-1]
        also = f" (also defined at {', '.join(f'{p}:{n}' for p, n in others)})" if others else ""
        out.append(f"{path}:{line}: {problem}{also}")
    return out
