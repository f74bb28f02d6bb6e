"""Dates that keep their precision: EDTF plus a qualifier, turned into day bounds.

The convention (docs/decisions/20261125-dates.md): a date is the period its
EDTF string names (a day, month, season, year, decade or century); the
qualifiers early / mid / late take the first, middle or last third of that
period; "around" keeps the period. A single date gives a start and an end in
the same period; an interval ``A/B`` starts within A and ends within B; an
open end (``A/..``) ends no later than the report (June 2021).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

REPORT_DATE = date(2021, 6, 30)

PRECISIONS = ("day", "month", "season", "year", "decade", "century")
QUALIFIERS = ("early", "mid", "late", "around")

_SINGLE = re.compile(
    r"^(?P<year>[0-9]{4}|[0-9]{3}X|[0-9]{2}XX)(-(?P<month>[0-9]{2}))?(-(?P<day>[0-9]{2}))?(?P<flag>[?~%])?$"
)
# northern-hemisphere seasons, as EDTF level 1 numbers them
_SEASONS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14)}


class DateError(ValueError):
    """An EDTF string or qualifier that cannot be read; the message says why."""


@dataclass(frozen=True)
class Bounds:
    earliest_start: date
    latest_start: date
    earliest_end: date
    latest_end: date
    precision: str


def _month_end(year: int, month: int) -> date:
    if month > 12:  # winter runs into the next year
        year, month = year + 1, month - 12
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(text: str) -> tuple[date, date, str]:
    match = _SINGLE.match(text)
    if not match:
        raise DateError(
            f"'{text}' is not an EDTF date this project reads (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-21..24, YYYX, YYXX)"
        )
    year_text, month_text, day_text = match["year"], match["month"], match["day"]
    if "X" in year_text:
        if month_text:
            raise DateError(f"'{text}': a decade or century cannot have a month")
        if year_text.endswith("XX"):
            start = int(year_text[:2]) * 100
            return date(max(start, 1), 1, 1), date(start + 99, 12, 31), "century"
        start = int(year_text[:3]) * 10
        return date(start, 1, 1), date(start + 9, 12, 31), "decade"
    year = int(year_text)
    if month_text is None:
        return date(year, 1, 1), date(year, 12, 31), "year"
    month = int(month_text)
    if month in _SEASONS:
        if day_text:
            raise DateError(f"'{text}': a season cannot have a day")
        first, last = _SEASONS[month]
        return date(year, first, 1), _month_end(year, last), "season"
    if not 1 <= month <= 12:
        raise DateError(f"'{text}': month {month} does not exist")
    if day_text is None:
        return date(year, month, 1), _month_end(year, month), "month"
    try:
        day = date(year, month, int(day_text))
    except ValueError:
        raise DateError(f"'{text}': no such day") from None
    return day, day, "day"


def _narrow(start: date, end: date, precision: str, qualifier: str | None) -> tuple[date, date]:
    if qualifier is None or qualifier == "around":
        return start, end
    if qualifier not in QUALIFIERS:
        raise DateError(f"unknown date qualifier '{qualifier}'")
    third = ("early", "mid", "late").index(qualifier)
    if precision == "day":
        raise DateError(f"'{qualifier}' cannot qualify a single day")
    if precision == "month":
        cuts = [(1, 10), (11, 20), (21, _month_end(start.year, start.month).day)]
        lo, hi = cuts[third]
        return start.replace(day=lo), start.replace(day=hi)
    if precision == "season":
        month = start.month + third
        first = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        return first, _month_end(first.year, first.month)
    if precision == "year":
        lo, hi = [(1, 4), (5, 8), (9, 12)][third]
        return date(start.year, lo, 1), _month_end(start.year, hi)
    span = 10 if precision == "decade" else 100
    cuts = [(0, 3), (4, 6), (7, 9)] if span == 10 else [(0, 32), (33, 65), (66, 99)]
    lo, hi = cuts[third]
    return date(max(start.year + lo, 1), 1, 1), date(start.year + hi, 12, 31)


def bounds(
    edtf: str,
    qualifier: str | None = None,
    start_qualifier: str | None = None,
    end_qualifier: str | None = None,
) -> Bounds:
    """Day bounds of an EDTF date or interval with the project's qualifiers."""
    if "/" not in edtf:
        if start_qualifier or end_qualifier:
            raise DateError(f"'{edtf}': start/end qualifiers apply to intervals only")
        lo, hi, precision = _period(edtf)
        lo, hi = _narrow(lo, hi, precision, qualifier)
        return Bounds(lo, hi, lo, hi, precision)
    if qualifier:
        raise DateError(f"'{edtf}': use pjo:startQualifier / pjo:endQualifier on an interval")
    first, _, last = edtf.partition("/")
    if first in ("", ".."):
        raise DateError(f"'{edtf}': an open start is not supported; give the earliest period the report allows")
    s_lo, s_hi, precision = _period(first)
    s_lo, s_hi = _narrow(s_lo, s_hi, precision, start_qualifier)
    if last in ("", ".."):
        if end_qualifier:
            raise DateError(f"'{edtf}': an open end cannot be qualified")
        e_lo, e_hi = s_lo, REPORT_DATE
    else:
        e_lo, e_hi, end_precision = _period(last)
        e_lo, e_hi = _narrow(e_lo, e_hi, end_precision, end_qualifier)
    if e_hi < s_lo:
        raise DateError(f"'{edtf}': the interval ends before it starts")
    return Bounds(s_lo, s_hi, max(e_lo, s_lo), e_hi, precision)
