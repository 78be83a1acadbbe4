"""Draw a chain's governance as SVG: partners, bodies, roles by level, and escalation steps.

The drawing is made on the server by Graphviz ``dot`` (the Debian package ``graphviz``), run as
a subprocess with a time limit; the SVG is meant to be put inline in an HTML page. Levels are
horizontal bands (strategic at the top), escalation steps are solid arrows upward, inferred
escalation paths are dotted, posts in an organisation and seats on a board are dashed lines.

>>> from ketenontologie.summary import summarize
>>> svg = chain_svg(summarize(graph)[0], lang="en", href=lambda iri: None)  # doctest: +SKIP
>>> svg.startswith("<svg")  # doctest: +SKIP
True
"""

from __future__ import annotations

import functools
import itertools
import re
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence

from ketenontologie.errors import DiagramError
from ketenontologie.namespaces import ID
from ketenontologie.summary import Actor, ChainSummary, EscalationStep, Language, Named

__all__ = [
    "chain_dot",
    "chain_svg",
    "graphviz_available",
    "render_svg",
]

DOT_TIMEOUT = 10.0
"""Seconds ``dot`` may run for one drawing."""

_BANDS: Mapping[str, Mapping[Language, str]] = {
    "strategisch": {"nl": "strategisch niveau", "en": "strategic level"},
    "tactisch": {"nl": "tactisch niveau", "en": "tactical level"},
    "operationeel": {"nl": "operationeel niveau", "en": "operational level"},
    "": {"nl": "niveau niet vastgelegd", "en": "level not stated"},
}
_WORDS: Mapping[Language, Mapping[str, str]] = {
    "nl": {
        "title": "Sturing van",
        "partners": "ketenpartners",
        "power": "met doorzettingsmacht",
        "escalates": "escaleert naar",
        "eventually": "escaleert uiteindelijk naar",
        "post": "functie in",
        "member": "lid van",
    },
    "en": {
        "title": "Governance of",
        "partners": "chain partners",
        "power": "with overriding power",
        "escalates": "escalates to",
        "eventually": "escalates eventually to",
        "post": "post in",
        "member": "member of",
    },
}


def graphviz_available(executable: str = "dot") -> bool:
    """True when Graphviz's ``dot`` can be found on ``PATH``."""
    return shutil.which(executable) is not None


def _quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(**values: str | float | None) -> str:
    parts = [f"{key}={_quote(str(value))}" for key, value in values.items() if value is not None]
    return "[" + ", ".join(parts) + "]" if parts else ""


def _slug(iri: str) -> str:
    # Graphviz writes "-" as "&#45;" in ids, so words are joined with "_".
    return re.sub(r"[^A-Za-z0-9]+", "_", iri.removeprefix(ID)).strip("_") or "node"


def _band(actor: Actor) -> str:
    if actor.level is None or not actor.level.iri.startswith(f"{ID}niveau/"):
        return ""
    name = actor.level.iri.removeprefix(f"{ID}niveau/")
    return name if name in _BANDS else ""


class _Nodes:
    """Node names for IRIs: the label itself (readable ``<title>`` in the SVG), made unique."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.taken: set[str] = set()

    def name(self, named: Named) -> str:
        if named.iri not in self.names:
            name = named.label
            number = 2
            while name in self.taken:
                name = f"{named.label} ({number})"
                number += 1
            self.names[named.iri] = name
            self.taken.add(name)
        return self.names[named.iri]


def _actors(summary: ChainSummary) -> dict[str, Actor]:
    found: dict[str, Actor] = {}
    for body in (*summary.boards, *summary.bureaus, *summary.core_teams):
        found[body.body.iri] = body.body
    for group in summary.levels:
        for role in group.roles:
            found.setdefault(role.iri, role)
    for manager in summary.managers:
        found.setdefault(manager.manager.iri, manager.manager)
    for director in summary.directors:
        found.setdefault(director.iri, director)
    return found


def chain_dot(
    summary: ChainSummary,
    *,
    lang: Language,
    href: Callable[[str], str | None],
    inferred: Sequence[EscalationStep] = (),
) -> str:
    """The DOT source of the governance diagram of one chain."""
    words = _WORDS[lang]
    nodes = _Nodes()
    actors = _actors(summary)
    bodies = {b.body.iri for b in (*summary.boards, *summary.bureaus, *summary.core_teams)}
    managers = {m.manager.iri: m.overriding_power for m in summary.managers}
    lines = [
        f"digraph {_quote(words['title'] + ' ' + summary.label)} {{",
        '  graph [rankdir=BT, newrank=true, nodesep=0.35, ranksep=0.55, fontname="Helvetica", '
        'fontsize=11, bgcolor="white", pad=0.2];',
        '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", '
        'fillcolor="#ffffff", color="#374151", fontcolor="#111827", margin="0.12,0.06"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#374151"];',
    ]

    def node_line(named: Named, *, kinds: Iterable[str] = (), **style: str | None) -> str:
        label = "\n".join(textwrap.wrap(named.label, 28)) or named.label
        kinds = tuple(kinds)
        if kinds:
            label += "\n(" + ", ".join(kinds) + ")"
        if managers.get(named.iri):
            label += "\n" + words["power"]
        return (
            "    "
            + _quote(nodes.name(named))
            + " "
            + _attrs(
                label=label,
                id=f"node_{_slug(named.iri)}",
                URL=href(named.iri),
                target="_top",
                tooltip=named.label,
                **style,
            )
        )

    bands: dict[str, list[Named]] = {key: [] for key in ("partners", *_BANDS)}
    styles: dict[str, dict[str, str]] = {}
    kinds: dict[str, tuple[str, ...]] = {}
    for actor in actors.values():
        bands[_band(actor)].append(actor.named)
        kinds[actor.iri] = actor.kinds
        if actor.iri in bodies:
            styles[actor.iri] = {"fillcolor": "#fff4d6", "style": "filled,bold", "shape": "box"}
        elif actor.iri in managers:
            styles[actor.iri] = {"fillcolor": "#dbeafe", "penwidth": "2"}
        elif any("politi" in kind for kind in actor.kinds):
            styles[actor.iri] = {"fillcolor": "#f3e8ff", "shape": "octagon", "style": "filled"}
    for partner in summary.partners:
        bands["partners"].append(partner)
        styles[partner.iri] = {"shape": "folder", "fillcolor": "#d1fae5", "style": "filled"}
    # Bands from the bottom up; an invisible anchor per band keeps every band above the one
    # below it, while steps inside a band may still stack (manager -> board -> minister).
    order = [
        key for key in ("partners", "", "operationeel", "tactisch", "strategisch") if bands[key]
    ]
    for key in order:
        title = words["partners"] if key == "partners" else _BANDS[key][lang]
        fill = {"partners": "#ecfdf5", "tactisch": "#eef2f7"}.get(key, "#f3f4f6")
        lines.append(f"  subgraph {_quote('cluster_' + (key or 'onbekend'))} {{")
        lines.append(
            f"    label={_quote(title)}; style=filled; fillcolor={_quote(fill)}; "
            f"color={_quote('#d1d5db')}; labeljust=l; fontcolor={_quote('#374151')};"
        )
        lines.append(f'    {_quote("band " + key)} [style=invis, shape=point, width=0, label=""];')
        for named in sorted(bands[key], key=lambda n: n.label.casefold()):
            lines.append(
                node_line(named, kinds=kinds.get(named.iri, ()), **styles.get(named.iri, {}))
            )
        lines.append("  }")
    for lower, upper in itertools.pairwise(order):
        for named in bands[lower]:
            lines.append(
                f"  {_quote(nodes.name(named))} -> {_quote('band ' + upper)} [style=invis];"
            )
        for named in bands[upper]:
            lines.append(
                f"  {_quote('band ' + upper)} -> {_quote(nodes.name(named))} "
                "[style=invis, minlen=0];"
            )
    # Escalation steps go upward and shape the layout; other lines do not.
    known = set(nodes.names)
    for step in summary.escalation_steps:
        for end in (step.source, step.target):
            if end.iri not in known:
                lines.append(node_line(end))
                known.add(end.iri)
        lines.append(
            f"  {_quote(nodes.name(step.source))} -> {_quote(nodes.name(step.target))} "
            + _attrs(color="#a4000f", penwidth="1.6", tooltip=words["escalates"])
        )
    direct = {(s.source.iri, s.target.iri) for s in summary.escalation_steps}
    for step in inferred:
        if (step.source.iri, step.target.iri) in direct:
            continue
        if step.source.iri not in known or step.target.iri not in known:
            continue
        lines.append(
            f"  {_quote(nodes.name(step.source))} -> {_quote(nodes.name(step.target))} "
            + _attrs(
                style="dotted",
                color="#6b7280",
                constraint="false",
                arrowhead="vee",
                tooltip=words["eventually"],
            )
        )
    for actor in actors.values():
        for place in actor.post_in:
            if place.iri in known:
                lines.append(
                    f"  {_quote(nodes.name(actor.named))} -> {_quote(nodes.name(place))} "
                    + _attrs(
                        style="dashed",
                        color="#6b7280",
                        arrowhead="none",
                        constraint="false",
                        tooltip=words["post"],
                    )
                )
    for board in (*summary.boards, *summary.core_teams):
        for member in board.members:
            if member.iri in known and member.iri != board.body.iri:
                lines.append(
                    f"  {_quote(nodes.name(member))} -> {_quote(nodes.name(board.body.named))} "
                    + _attrs(
                        style="dashed",
                        color="#92400e",
                        arrowhead="odot",
                        constraint="false",
                        tooltip=words["member"],
                    )
                )
    lines.append("}")
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=64)
def render_svg(dot: str, *, timeout: float = DOT_TIMEOUT, executable: str = "dot") -> str:
    """Run Graphviz on ``dot`` and return the SVG element (no XML prolog), for inline use.

    Raises :class:`DiagramError` when ``dot`` is missing, fails or runs past ``timeout``.
    """
    program = shutil.which(executable)
    if program is None:
        raise DiagramError(
            f"Graphviz's {executable!r} program was not found, so the diagram cannot be drawn "
            "(Graphviz ontbreekt). Install it (Debian: apt-get install graphviz) and reload."
        )
    try:
        done = subprocess.run(
            [program, "-Tsvg"],
            input=dot.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DiagramError(
            f"Graphviz did not finish the diagram within {timeout:g} s and was stopped "
            "(het diagram duurde te lang). The design may be too large to draw."
        ) from None
    if done.returncode != 0:
        problem = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
        raise DiagramError(f"Graphviz could not draw the diagram: {problem}")
    svg = done.stdout.decode("utf-8")
    svg = svg[svg.index("<svg") :]
    return re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL).strip()


def chain_svg(
    summary: ChainSummary,
    *,
    lang: Language,
    href: Callable[[str], str | None],
    inferred: Sequence[EscalationStep] = (),
    timeout: float = DOT_TIMEOUT,
) -> str:
    """The governance diagram of ``summary`` as an inline SVG element with a title.

    The root element gets ``role="group"`` and an ``aria-labelledby`` pointing at its first
    ``<title>``, so screen readers announce what the picture is; nodes link to their pages.
    """
    words = _WORDS[lang]
    title = f"{words['title']} {summary.label}"
    svg = render_svg(chain_dot(summary, lang=lang, href=href, inferred=inferred), timeout=timeout)
    ident = f"diagram_{_slug(summary.chain.iri)}"
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(
        r"<svg\b([^>]*)>",
        lambda match: (
            f'<svg{match.group(1)} preserveAspectRatio="xMidYMid meet" role="group" '
            f'aria-labelledby="{ident}" class="diagram">'
            f'<title id="{ident}">{escaped}</title>'
        ),
        svg,
        count=1,
    )
