"""Bad source files are rejected with the file, the line and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from pjgj import sources
from pjgj.sources import SourceError

GOOD_HEAD = "@prefix ex: <http://example.org/> .\n"


@pytest.mark.parametrize(
    ("raw", "line", "reason"),
    [
        (b"", None, "empty"),
        (b"\xef\xbb\xbf" + GOOD_HEAD.encode(), 1, "byte-order mark"),
        (GOOD_HEAD.encode() + b'ex:a ex:b "caf\xe9" .\n', 2, "not UTF-8"),
        (GOOD_HEAD.encode() + b"ex:a ex:b ex:c .\r\n", 2, "carriage return"),
        ((GOOD_HEAD + "\nex:a ex:b ex:c\nex:d ex:e ex:f .\n").encode(), 4, "Turtle syntax"),
        ((GOOD_HEAD + "ex:a nope:b ex:c .\n").encode(), 2, "Turtle syntax"),
        ((GOOD_HEAD + "ex:a ex:b <relative> .\n").encode(), 2, "relative IRI"),
        (
            (GOOD_HEAD + 'ex:a ex:b "2010-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n').encode(),
            2,
            "not a valid",
        ),
        ((GOOD_HEAD + "ex:a ex:b <https://schema.org/name> .\n").encode(), 2, "http://schema.org/"),
    ],
)
def test_bad_file_names_line_and_reason(tmp_path: Path, raw: bytes, line: int | None, reason: str) -> None:
    path = tmp_path / "bad.ttl"
    path.write_bytes(raw)
    with pytest.raises(SourceError) as caught:
        sources.parse(path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{path}:")
