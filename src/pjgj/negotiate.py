"""Content negotiation: pick the format to send from ``Accept`` (RFC 9110 section 12.5.1).

One function for every route. The rules:

* each media range has a quality ``q`` (default 1; ``q=0`` means "not this");
* a format's quality is the one of the *most specific* range that matches it
  (``text/turtle`` beats ``text/*`` beats ``*/*``), so ``*/*;q=0.1, text/turtle``
  still prefers Turtle and ``text/*;q=0, text/csv`` still allows CSV;
* parameters other than ``q`` (``charset``, ``profile``) do not stop a match:
  we always send UTF-8 and one profile per format;
* ties go to the server's order of preference (the order of ``available``);
* malformed ranges are ignored, so a broken header degrades to ``*/*``;
* a ``format`` parameter (short name, extension or media type) overrides the header;
* when nothing fits, :class:`NotAcceptable` names what is available.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import NotAcceptable
from .formats import Format, by_name


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    #: how many non-q parameters the range has; more is more specific
    params: int

    def specificity(self, media_type: str) -> int | None:
        """How specifically this range matches ``media_type`` (higher is better), or None."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == kind and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == sub:
            return 2 + self.params
        return None


def parse_accept(header: str | None) -> list[MediaRange]:
    """The ranges of an ``Accept`` header; an absent or empty header is ``*/*``."""
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q, params, valid = 1.0, 0, True
        for param in fields[1:]:
            name, eq, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    valid = False
                    break
                if not 0.0 <= q <= 1.0:
                    valid = False
                    break
            elif eq and name.strip().lower() != "charset":
                params += 1
        if valid:
            ranges.append(MediaRange(kind, sub, q, params))
    return ranges or [MediaRange("*", "*", 1.0, 0)]


def quality(fmt: Format, ranges: list[MediaRange]) -> float:
    """The quality the client gives ``fmt``: from the most specific matching range, 0 if none."""
    best: tuple[int, float] | None = None
    for media_type in (fmt.media_type, *fmt.aliases):
        for r in ranges:
            spec = r.specificity(media_type)
            # an alias answers only to its exact name: application/* must not pick Turtle
            # because of application/x-turtle
            if spec is None or (media_type != fmt.media_type and spec < 2):
                continue
            # the most specific match decides; among equally specific ones, the highest q
            if best is None or (spec, r.q) > best:
                best = (spec, r.q)
    return best[1] if best else 0.0


def choose(accept: str | None, available: tuple[Format, ...], format_param: str | None = None) -> Format:
    """The format to answer with, or :class:`NotAcceptable`."""
    if format_param:
        fmt = by_name(format_param, available)
        if fmt is None:
            raise NotAcceptable(available, f"format={format_param!r} is not available here")
        return fmt
    ranges = parse_accept(accept)
    best: Format | None = None
    best_q = 0.0
    for fmt in available:  # strict '>' keeps the earlier (preferred) format on a tie
        q = quality(fmt, ranges)
        if q > best_q:
            best, best_q = fmt, q
    if best is None:
        raise NotAcceptable(available, f"nothing in Accept: {accept!r} is available here")
    return best


def prefers_html(accept: str | None, available: tuple[Format, ...]) -> bool:
    """True when the client is a browser: it rates HTML at least as high as everything else available."""
    ranges = parse_accept(accept)
    html = [f for f in available if f.kind == "html"]
    if not html or accept is None:
        return False
    q_html = quality(html[0], ranges)
    # a browser names text/html explicitly; "*/*" alone is a machine client
    explicit = any(r.type == "text" and r.subtype == "html" and r.q > 0 for r in ranges)
    return explicit and q_html >= max((quality(f, ranges) for f in available if f.kind != "html"), default=0.0)
