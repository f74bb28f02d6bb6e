"""The structure of the source report: sections, paragraphs and their pages.

The project cites the report but does not ship its text. This module reads a
copy of the text (kept outside the repository) and derives the locator index
that ``data/report.ttl`` records. The rule, written down in
docs/decisions/20261125-locators.md:

* A section runs from its numbered heading to the next heading; the
  bibliography is a section of its own.
* Blocks are separated by blank lines. A block that stops in the middle of a
  sentence (no closing punctuation, or a quotation left open) was cut by a
  page break: it is joined with the next block, and the page counter of the
  section moves on by one at that point.
* Paragraphs are the joined blocks, numbered from 1 within their section.
* Pages start at the table of contents' first page for the section. Breaks
  that fall between paragraphs cannot be seen in the text; when the section
  has fewer visible breaks than its page span, a paragraph's page is a range
  (``pageStart``..``pageEnd`` wider than the paragraph) marked as inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: first page of each section, from the report's table of contents
TOC_PAGES: dict[str, int] = {"s1": 3, "s2": 7, "s3": 10, "s4": 15, "s5": 20}
SECTION_HEADINGS: dict[str, str] = {
    "s1": "1. The Deep Ties between Pakistani Armed Groups and the International Jihadi Milieu",
    "s2": "2. In the aftermath of 9/11",
    "s3": '3. Pakistani Militant Milieu\'s "Defectors"',
    "s4": "4. Pakistani Jihadis in the face of Jihad in Syria",
    "s5": "5. Risk assessment and policy implications",
    "bibliography": "Bibliography",
}
#: the last page of the last numbered section is not given by the table of contents
LAST_PAGE_UNKNOWN = "s5"

_SENTENCE_END = re.compile(r"[.!?:”\"’)]\s*$")


@dataclass(frozen=True)
class Paragraph:
    section: str
    number: int
    text: str
    first_page: int | None  # the earliest page the paragraph can start on
    last_page: int | None  # the latest page the paragraph can end on
    page_certain: bool  # True when first/last are the exact pages
    breaks_inside: int  # visible page breaks inside the paragraph


def _is_cut(block: str) -> bool:
    """A block ends mid-sentence, or leaves a quotation open.

    A bulleted list (every line starts with "- ") is never cut: its items end
    without punctuation by design.
    """
    if all(line.startswith("- ") for line in block.splitlines()):
        return False
    if not _SENTENCE_END.search(block):
        return True
    unclosed = block.count("“") - block.count("”") + block.count('"') % 2
    return unclosed > 0


def split_sections(text: str) -> dict[str, list[str]]:
    """Blocks of each section, in order, keyed by section id."""
    lines = text.split("\n")
    starts: list[tuple[int, str]] = []
    for key, heading in SECTION_HEADINGS.items():
        # the table of contents repeats the headings with a page number: take the last match
        found = [i for i, line in enumerate(lines) if line.strip() == heading]
        if not found:
            raise ValueError(f"section heading not found in report text: {heading!r}")
        starts.append((found[-1], key))
    starts.sort()
    sections: dict[str, list[str]] = {}
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        body = "\n".join(lines[start + 1 : end])
        sections[key] = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
    return sections


def paragraphs(text: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    for key, blocks in split_sections(text).items():
        joined: list[tuple[str, int]] = []  # (text, visible breaks inside)
        pending: list[str] = []
        for block in blocks:
            pending.append(block)
            if key == "bibliography" or not _is_cut(block):
                joined.append((" ".join(pending), len(pending) - 1))
                pending = []
        if pending:
            joined.append((" ".join(pending), len(pending) - 1))
        out.extend(_paginate(key, joined))
    return out


def _paginate(key: str, joined: list[tuple[str, int]]) -> list[Paragraph]:
    order = list(TOC_PAGES)
    if key not in TOC_PAGES:  # the bibliography: after the last section, page not given
        return [Paragraph(key, n, t, None, None, False, 0) for n, (t, _) in enumerate(joined, start=1)]
    start = TOC_PAGES[key]
    visible = sum(b for _, b in joined)
    last_section = key == LAST_PAGE_UNKNOWN
    if last_section:
        # the table of contents gives no end page, so breaks we cannot see are
        # unbounded: only the first paragraph's page is certain
        end = start + visible
        hidden = 0
    else:
        end = TOC_PAGES[order[order.index(key) + 1]] - 1
        hidden = (end - start) - visible
        if hidden < 0:
            raise ValueError(f"{key}: more visible page breaks than pages in the table of contents")
    result = []
    seen = 0
    for n, (t, inside) in enumerate(joined, start=1):
        first = start + seen
        last: int | None = min(first + inside + hidden, end)
        if last_section and n > 1:
            last = None  # "on page `first` or later"
        certain = hidden == 0 and not (last_section and n > 1)
        result.append(Paragraph(key, n, t, first, last, certain, inside))
        seen += inside
    return result


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
