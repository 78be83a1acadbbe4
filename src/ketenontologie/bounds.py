"""How large and how deep input may be, checked before any parser sees it.

Parsers recurse on nesting: a JSON-LD document nested some thousands deep, or a query with
thousands of parentheses, can exhaust a parser's stack and take the process down with it. So
every input is measured first, without recursion and in passes that run at C speed, and refused
with a message that names the bound (:class:`~ketenontologie.errors.InputTooDeepError`,
:class:`~ketenontologie.errors.InputTooLargeError`). The service and the command line use the
same bounds.

>>> check_nesting(b'{"a": [[[1]]]}', format="json-ld", name="x.jsonld")
>>> check_nesting(b"[" * 100, format="json-ld", name="x.jsonld")
Traceback (most recent call last):
...
ketenontologie.errors.InputTooDeepError: x.jsonld nests brackets, groups or elements more than 48...
"""

from __future__ import annotations

import array
import itertools
import re
import xml.parsers.expat

from ketenontologie.errors import InputTooDeepError, InputTooLargeError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_VALUE_GROWTH",
    "check_nesting",
    "check_size",
    "deepest",
]

MAX_NESTING = 48
"""How deep brackets, lists, groups, objects or elements may nest in any input."""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest file the command line reads as one design (the service bounds request bodies
with ``KETENONTOLOGIE_MAX_BODY_BYTES``)."""

MAX_VALUE_GROWTH = 1000
"""How many times longer than the values it starts from a value a query builds may become
(:func:`ketenontologie.sparql.algebra.value_growth`). A query over that bound is refused before
any store runs it: a store computes such values before a bound on the answer can see them."""

_LONG_DOUBLE = rb'"""(?:[^"\\]++|\\.|"(?!""))*+"""'
_LONG_SINGLE = rb"'''(?:[^'\\]++|\\.|'(?!''))*+'''"
_SHORT_DOUBLE = rb'"(?:[^"\\\n]++|\\.)*+"'
_SHORT_SINGLE = rb"'(?:[^'\\\n]++|\\.)*+'"
_IRI = rb"<[^>\s]*+>"
_COMMENT = rb"#[^\n]*+"
_TURTLE_SKIP = re.compile(
    b"|".join([_LONG_DOUBLE, _LONG_SINGLE, _SHORT_DOUBLE, _SHORT_SINGLE, _IRI, _COMMENT])
)
"""What cannot hold nesting in Turtle, TriG, N-Triples and N-Quads: strings, IRIs, comments."""
_JSON_SKIP = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_OPENING = b"[({"
_CLOSING = b"])}"
_SIGNS = bytes.maketrans(_OPENING + _CLOSING, b"\x01\x01\x01\xff\xff\xff")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(_OPENING + _CLOSING)))


def check_size(size: int, *, name: str, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse an input of ``size`` bytes over ``limit``."""
    if size > limit:
        raise InputTooLargeError(name, size=size, limit=limit)


def check_nesting(data: bytes, *, format: str, name: str) -> None:
    """Refuse RDF ``data`` that nests deeper than :data:`MAX_NESTING` (formats by loader name).

    Turtle, TriG, N-Triples and N-Quads count ``[``, ``(`` and ``{`` outside IRIs, strings and
    comments; JSON-LD counts arrays and objects outside strings; RDF/XML counts elements. Only
    a refusal looks for the line.
    """
    if format == "rdf-xml":
        offset = _xml_too_deep(data)
        if offset is not None:
            line = data.count(b"\n", 0, offset) + 1
            raise InputTooDeepError(name, limit=MAX_NESTING, line=line)
        return
    if deepest(data) <= MAX_NESTING:
        return  # brackets inside strings can only add to the count: no need to skip them
    skip = _JSON_SKIP if format == "json-ld" else _TURTLE_SKIP
    # Strings and IRIs become blanks of the same length, so offsets stay those of ``data``.
    bare = skip.sub(lambda found: b" " * len(found.group()), data)
    if deepest(bare) > MAX_NESTING:
        raise InputTooDeepError(name, limit=MAX_NESTING, line=_line_too_deep(bare))


def deepest(text: bytes) -> int:
    """The deepest nesting of ``[``, ``(`` and ``{`` in ``text`` (nothing is skipped).

    >>> deepest(b"{ [ ( ) ] } ((( )))")
    3
    """
    steps = array.array("b", text.translate(_SIGNS, _NOT_BRACKETS))
    return max(itertools.accumulate(steps), default=0)


def _line_too_deep(bare: bytes) -> int:
    depth = 0
    for offset, char in enumerate(bare):
        if char in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                return bare.count(b"\n", 0, offset) + 1
        elif char in _CLOSING:
            depth -= 1
    return 1  # pragma: no cover - only called when too deep


def _xml_too_deep(data: bytes) -> int | None:
    """The offset of the first element past the bound, by expat (a DOCTYPE was refused before,
    so no entity is read); None when the nesting is fine or the XML is not well-formed (the
    RDF/XML parser then reports it with its position)."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0
    found: list[int] = []

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            found.append(parser.CurrentByteIndex)
            raise _TooDeep

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _TooDeep:
        return found[0]
    except xml.parsers.expat.ExpatError:
        return None
    return None


class _TooDeep(Exception):
    """Stops expat at the first element past the bound."""
