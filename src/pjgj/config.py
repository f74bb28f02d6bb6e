"""Settings: defaults, overridden by environment variables. Nothing is read at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .sources import ROOT


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Config:
    """Every setting, documented in README.md (a test checks that each one is)."""

    root: Path = ROOT
    #: where `pjgj build` writes and `pjgj serve` reads (PJGJ_BUILD_DIR)
    build_dir: Path = field(default_factory=lambda: ROOT / "build")
    #: the public base of every minted IRI (PJGJ_BASE)
    base: str = "https://w3id.org/pjgj/"
    #: HTTP port of `pjgj serve` (PORT)
    port: int = 8000
    #: host interface of `pjgj serve` (HOST)
    host: str = "127.0.0.1"
    #: wall-clock limit of one SPARQL query in seconds (PJGJ_QUERY_TIMEOUT)
    query_timeout: float = 10.0
    #: rows returned at most by one SELECT; more are cut and flagged (PJGJ_MAX_ROWS)
    max_rows: int = 10_000
    #: the report's text, used only to regenerate and check data/report.ttl (PJGJ_REPORT_TEXT)
    report_text: Path = field(
        default_factory=lambda: ROOT.parent / "shared/report/pakistani-jihadis-and-global-jihad.txt"
    )

    @classmethod
    def from_env(cls) -> Config:
        defaults = cls()
        return cls(
            build_dir=Path(os.environ.get("PJGJ_BUILD_DIR", defaults.build_dir)),
            base=os.environ.get("PJGJ_BASE", defaults.base),
            port=_env_int("PORT", defaults.port),
            host=os.environ.get("HOST", defaults.host),
            query_timeout=_env_float("PJGJ_QUERY_TIMEOUT", defaults.query_timeout),
            max_rows=_env_int("PJGJ_MAX_ROWS", defaults.max_rows),
            report_text=Path(os.environ.get("PJGJ_REPORT_TEXT", defaults.report_text)),
        )
