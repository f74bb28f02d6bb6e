"""data/report.ttl is exactly what the locator rule derives from the report's text."""

from __future__ import annotations

from pjgj import canon
from pjgj.config import Config
from pjgj.locators import build_graph
from pjgj.report_text import paragraphs
from pjgj.sources import ROOT


def _text(config: Config) -> str:
    # CI and every developer machine have the report beside the repository;
    # without it this check cannot run, and it must fail rather than skip.
    assert config.report_text.is_file(), f"report text not found at {config.report_text} (set PJGJ_REPORT_TEXT)"
    return config.report_text.read_text(encoding="utf-8")


def test_committed_locator_index_matches_the_report(config: Config) -> None:
    expected = canon.serialize(build_graph(_text(config)))
    assert (ROOT / "data/report.ttl").read_text(encoding="utf-8") == expected


def test_paragraph_rule_rejoins_page_breaks(config: Config) -> None:
    found = paragraphs(_text(config))
    per_section = {s: sum(1 for p in found if p.section == s) for s in ("s1", "s2", "s3", "s4", "s5")}
    assert per_section == {"s1": 11, "s2": 8, "s3": 13, "s4": 13, "s5": 10}
    by_id = {(p.section, p.number): p for p in found}
    # s1 p3 was cut by the page break after "which" (p. 3 -> p. 4)
    assert (by_id["s1", 3].first_page, by_id["s1", 3].last_page, by_id["s1", 3].breaks_inside) == (3, 4, 1)
    # sections 1 and 2 show every page break: pages are exact
    assert all(p.page_certain for p in found if p.section in ("s1", "s2"))
    # section 3 spans pp. 10-14 but only three breaks are visible: pages are ranges, marked inferred
    assert not by_id["s3", 1].page_certain and (by_id["s3", 1].first_page, by_id["s3", 1].last_page) == (10, 11)
    # the quotation cut by a page break stays one paragraph
    assert "Mehsud tribes" in by_id["s3", 3].text
    # the bibliography has one paragraph per entry and no page
    assert sum(1 for p in found if p.section == "bibliography") == 15
