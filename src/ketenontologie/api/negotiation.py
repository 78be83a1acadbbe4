"""Content negotiation: the ``Accept`` header with q-values, or a ``format`` parameter.

>>> choose("text/csv;q=0.5, application/sparql-results+xml", kind="solutions").name
'xml'
>>> choose("*/*", kind="graph").name
'turtle'
"""

from __future__ import annotations

from ketenontologie.errors import NotAcceptableError
from ketenontologie.sparql.results import ResultFormat, format_by_name, formats_for
from ketenontologie.sparql.text import ResultKind

__all__ = ["choose", "parse_accept"]


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs from an ``Accept`` header; bad q-values count as 0."""
    ranges = []
    for part in header.split(","):
        pieces = [piece.strip() for piece in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(fmt: ResultFormat, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches ``fmt`` (RFC 9110 §12.5.1)."""
    best: tuple[int, float] = (-1, 0.0)
    for media in (fmt.media_type, *fmt.aliases):
        kind = media.partition("/")[0]
        for accepted, q in ranges:
            a_kind, _, a_sub = accepted.partition("/")
            if accepted == media:
                specificity = 2
            elif a_kind == kind and a_sub == "*":
                specificity = 1
            elif accepted == "*/*":
                specificity = 0
            else:
                continue
            if specificity > best[0]:
                best = (specificity, q)
    return best[1]


def choose(accept: str | None, *, kind: ResultKind, format: str | None = None) -> ResultFormat:
    """The format to answer with; raises :class:`NotAcceptableError` when none will do."""
    options = formats_for(kind)
    if format:
        chosen = format_by_name(format, kind=kind)
        if chosen is None:
            raise NotAcceptableError(
                f"format={format!r} cannot carry a {kind} result. Use one of: "
                f"{', '.join(f.name for f in options)}."
            )
        return chosen
    if not accept or not accept.strip():
        return options[0]
    ranges = parse_accept(accept)
    scored = [(_quality(fmt, ranges), -index, fmt) for index, fmt in enumerate(options)]
    q, _, best = max(scored, key=lambda item: (item[0], item[1]))
    if q <= 0:
        raise NotAcceptableError(
            f"None of the media types in Accept ({accept}) can carry a {kind} result. "
            f"Accept one of: {', '.join(f.media_type for f in options)}, or add "
            f"format=<{'|'.join(f.name for f in options)}>."
        )
    return best
