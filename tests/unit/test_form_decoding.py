"""Percent-decoding of query strings and form bodies: the fast decoder must agree with urllib's."""

from __future__ import annotations

from urllib.parse import quote_plus, unquote_to_bytes

from hypothesis import given, settings
from hypothesis import strategies as st

from pjgj.web.sparql import unquote_plus

_BYTES = st.lists(st.sampled_from([b"%", b"+", b"\\", b"x", b"2", b"F", b"f", b"g", b"%41", b"%zz", b"%4", b"\xff"]))


@settings(max_examples=2000, derandomize=True, deadline=None)
@given(st.one_of(st.binary(max_size=40), _BYTES.map(b"".join)))
def test_agrees_with_urllib_on_any_bytes(data: bytes) -> None:
    assert unquote_plus(data) == unquote_to_bytes(data.replace(b"+", b" "))


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.text(max_size=60))
def test_round_trips_what_a_client_encodes(text: str) -> None:
    encoded = quote_plus(text.encode("utf-8", "surrogatepass")).encode("ascii")
    assert unquote_plus(encoded) == text.encode("utf-8", "surrogatepass")
