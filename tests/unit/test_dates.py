"""EDTF plus qualifiers become day bounds by the documented convention."""

from __future__ import annotations

from datetime import date

import pytest

from pjgj.dates import DateError, bounds


@pytest.mark.parametrize(
    ("edtf", "qualifier", "start", "end", "precision"),
    [
        ("2010-02-13", None, date(2010, 2, 13), date(2010, 2, 13), "day"),
        ("1989-05", "mid", date(1989, 5, 11), date(1989, 5, 20), "month"),
        ("2015-01", "late", date(2015, 1, 21), date(2015, 1, 31), "month"),
        ("2001", "late", date(2001, 9, 1), date(2001, 12, 31), "year"),
        ("1999", "early", date(1999, 1, 1), date(1999, 4, 30), "year"),
        ("199X", "early", date(1990, 1, 1), date(1993, 12, 31), "decade"),
        ("198X", None, date(1980, 1, 1), date(1989, 12, 31), "decade"),
        ("2012-22", None, date(2012, 6, 1), date(2012, 8, 31), "season"),
        ("2014-24", None, date(2014, 12, 1), date(2015, 2, 28), "season"),
        ("2016", "around", date(2016, 1, 1), date(2016, 12, 31), "year"),
    ],
)
def test_single_dates(edtf: str, qualifier: str | None, start: date, end: date, precision: str) -> None:
    b = bounds(edtf, qualifier)
    assert (b.earliest_start, b.latest_end, b.precision) == (start, end, precision)


def test_interval_with_qualified_ends() -> None:
    b = bounds("2001/2002", start_qualifier="late", end_qualifier="early")
    assert (b.earliest_start, b.latest_start) == (date(2001, 9, 1), date(2001, 12, 31))
    assert (b.earliest_end, b.latest_end) == (date(2002, 1, 1), date(2002, 4, 30))


def test_open_end_stops_at_the_report() -> None:
    assert bounds("2010/..").latest_end == date(2021, 6, 30)


@pytest.mark.parametrize(
    ("edtf", "qualifier", "message"),
    [
        ("2010-02-30", None, "no such day"),
        ("2010-13", None, "does not exist"),
        ("May 1989", None, "not an EDTF date"),
        ("2009/2006", None, "ends before it starts"),
        ("../2002", None, "open start"),
        ("2010-02-13", "late", "single day"),
        ("2010", "sometime", "unknown date qualifier"),
    ],
)
def test_bad_dates_say_why(edtf: str, qualifier: str | None, message: str) -> None:
    with pytest.raises(DateError, match=message):
        bounds(edtf, qualifier)
