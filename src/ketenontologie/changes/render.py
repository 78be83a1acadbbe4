"""A comparison as text, JSON, Markdown (for a pull-request comment) or RDF Patch.

Labels and messages are in Dutch or English (``lang``); a thing is named by its label in the
version it is shown from (the old one for values before, the new one for values after), else
by its IRI in short form (``rol:ketenmanager-havenstad``).

>>> from ketenontologie.changes.model import Change, Comparison
>>> comparison = Comparison(
...     changes=(
...         Change(
...             "phase-changed",
...             "https://w3id.org/ketenontologie/id/keten/k",
...             "https://w3id.org/ketenontologie/id/keten/k",
...             before="https://w3id.org/ketenontologie/id/fase/crisis",
...             after="https://w3id.org/ketenontologie/id/fase/stabiel",
...         ),
...     ),
...     removed=frozenset(),
...     added=frozenset(),
... )
>>> print(render(comparison, "text", lang="en"))
ketens:k
  ~ development phase changed: fase:crisis → fase:stabiel
<BLANKLINE>
1 change in 1 chain; findings: 0 new (0 violations), 0 fixed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeAlias, cast, get_args

import pyoxigraph as ox

from ketenontologie.changes.canonical import write_patch
from ketenontologie.changes.model import KINDS, Change, Comparison, Kind, Value
from ketenontologie.namespaces import PREFIXES

__all__ = ["DiffFormat", "Language", "describe", "render", "summary_line", "to_dict"]

DiffFormat: TypeAlias = Literal["text", "json", "markdown", "patch"]
"""Formats of a comparison."""
DIFF_FORMATS: tuple[DiffFormat, ...] = get_args(DiffFormat)
Language: TypeAlias = Literal["nl", "en"]

_KIND_LABELS: Mapping[Kind, tuple[str, str]] = {
    "partner-added": ("ketenpartner toegevoegd", "partner added"),
    "partner-removed": ("ketenpartner verwijderd", "partner removed"),
    "body-added": ("orgaan toegevoegd", "body added"),
    "body-removed": ("orgaan verwijderd", "body removed"),
    "member-added": ("zetel in het ketenbestuur toegevoegd", "board seat added"),
    "member-removed": ("zetel in het ketenbestuur verwijderd", "board seat removed"),
    "post-added": ("functie toegevoegd", "post added"),
    "post-removed": ("functie verwijderd", "post removed"),
    "role-changed": ("soort functie gewijzigd", "kind of post changed"),
    "level-changed": ("besturingsniveau gewijzigd", "management level changed"),
    "holder-changed": ("bekleder gewijzigd", "holder changed"),
    "overriding-power-changed": ("doorzettingsmacht gewijzigd", "overriding power changed"),
    "escalation-added": ("escalatiestap toegevoegd", "escalation step added"),
    "escalation-removed": ("escalatiestap verwijderd", "escalation step removed"),
    "escalation-path-changed": ("escalatiepad gewijzigd", "escalation path changed"),
    "building-block-added": ("bouwsteen toegevoegd", "building block added"),
    "building-block-removed": ("bouwsteen verwijderd", "building block removed"),
    "phase-changed": ("ontwikkelfase gewijzigd", "development phase changed"),
    "objective-changed": ("ketendoelstelling gewijzigd", "chain objective changed"),
    "label-changed": ("naam gewijzigd", "label changed"),
    "finding-new": ("nieuwe bevinding", "new finding"),
    "finding-fixed": ("opgeloste bevinding", "finding fixed"),
    "other": ("overige wijziging", "other change"),
}

_WORDS: Mapping[str, tuple[str, str]] = {
    "Violation": ("schending", "violation"),
    "Warning": ("waarschuwing", "warning"),
    "Info": ("melding", "info"),
    "true": ("ja", "yes"),
    "false": ("nee", "no"),
    "was": ("was", "was"),
    "now": ("nu", "now"),
    "no-chain": ("buiten een keten", "outside any chain"),
    "no-changes": ("Geen wijzigingen.", "No changes."),
    "heading": ("Wijzigingen in de ketensturing", "Changes in chain governance"),
    "change": ("wijziging", "change"),
    "subject": ("onderwerp", "subject"),
    "before": ("was", "before"),
    "after": ("wordt", "after"),
    "paths": ("Escalatiepaden", "Escalation paths"),
    "findings": ("Bevindingen", "Findings"),
    "rule": ("regel", "rule"),
    "severity": ("ernst", "severity"),
    "message": ("melding", "message"),
    "where": ("waar", "where"),
    "new": ("nieuw", "new"),
    "fixed": ("opgelost", "fixed"),
    "others": ("Overige wijzigingen", "Other changes"),
    "at": ("bij", "at"),
    "on": ("in", "on"),
}

_MARKS: Mapping[Kind, str] = {
    **{kind: "+" for kind in KINDS if kind.endswith("-added")},
    **{kind: "-" for kind in KINDS if kind.endswith("-removed")},
    "finding-new": "!",
    "finding-fixed": "✓",
    "other": "?",
}


def _word(key: str, lang: Language) -> str:
    nl, en = _WORDS[key]
    return nl if lang == "nl" else en


def kind_label(kind: Kind, *, lang: Language) -> str:
    """The kind of change in words."""
    nl, en = _KIND_LABELS[kind]
    return nl if lang == "nl" else en


class _Namer:
    """Names terms in one language, from the old or the new version's labels."""

    def __init__(self, comparison: Comparison, lang: Language) -> None:
        self.comparison, self.lang = comparison, lang

    def name(self, term: str, *, after: bool = True) -> str:
        if term.startswith('"'):
            return self._literal(term)
        if term.startswith("_:"):
            return term
        first, second = (
            (self.comparison.names_after, self.comparison.names_before)
            if after
            else (self.comparison.names_before, self.comparison.names_after)
        )
        for names in (first, second):
            labels = names.get(term)
            if labels:
                other = "en" if self.lang == "nl" else "nl"
                for language in (self.lang, other, ""):
                    if language in labels:
                        return labels[language]
                return next(iter(labels.values()))
        return short(term)

    def _literal(self, term: str) -> str:
        try:
            triple = next(
                iter(ox.parse(f"<a:s> <a:p> {term} .".encode(), format=ox.RdfFormat.N_TRIPLES))
            )
        except (SyntaxError, StopIteration):
            return term
        literal = triple.object
        assert isinstance(literal, ox.Literal)
        if literal.datatype.value.endswith("#boolean") and literal.value in ("true", "false"):
            return _word(literal.value, self.lang)
        if literal.language:
            return f"“{literal.value}” ({literal.language})"
        return literal.value

    def value(self, change: Change, value: Value, *, after: bool) -> str:
        if value is None:
            return "\N{EN DASH}"
        if isinstance(value, str):
            return self.name(value, after=after)
        if change.kind == "escalation-path-changed":
            return " → ".join(
                " / ".join(self.name(node, after=after) for node in step) for step in value
            )
        items = cast("tuple[str, ...]", value)
        return ", ".join(self.name(item, after=after) for item in items)

    def subject(self, change: Change) -> str:
        """The subject by its current label (its old one when it is gone)."""
        return self.name(change.subject, after=True)

    def chain(self, chain: str | None) -> str:
        return _word("no-chain", self.lang) if chain is None else self.name(chain)


def short(iri: str) -> str:
    """An IRI in short form with the project's prefixes, or as it is.

    >>> short("https://w3id.org/ketenontologie/id/rol/ketenmanager-havenstad")
    'rol:ketenmanager-havenstad'
    """
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best and "/" not in iri[len(PREFIXES[best]) :]:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return iri


def describe(change: Change, comparison: Comparison, *, lang: Language = "nl") -> str:
    """One line that says what changed, in ``lang``."""
    n = _Namer(comparison, lang)
    label = kind_label(change.kind, lang=lang)
    subject = n.subject(change)
    before = n.value(change, change.before, after=False)
    after = n.value(change, change.after, after=True)
    kind = change.kind
    if kind in ("partner-added", "partner-removed"):
        return f"{label}: {subject}"
    if kind in ("body-added", "post-added"):
        return f"{label}: {subject} ({after})"
    if kind in ("body-removed", "post-removed"):
        return f"{label}: {subject} ({before})"
    if kind in ("member-added", "member-removed"):
        board = after if kind == "member-added" else before
        return f"{label}: {subject} {_word('on', lang)} {board}"
    if kind == "escalation-added":
        return f"{label}: {subject} → {after}"
    if kind == "escalation-removed":
        return f"{label}: {subject} → {before}"
    if kind == "building-block-added":
        return f"{label}: {after}"
    if kind == "building-block-removed":
        return f"{label}: {before}"
    if kind == "escalation-path-changed":
        return f"{label}: {subject}: {_word('was', lang)} {before}; {_word('now', lang)} {after}"
    if kind in ("finding-new", "finding-fixed") and change.finding is not None:
        finding = change.finding
        text = (
            f"{label} {finding.rule} ({_word(finding.severity, lang)}) "
            f"{_word('at', lang)} {subject}"
        )
        return f"{text}: {finding.message.get(lang, '')}".rstrip(": ")
    if kind == "other":
        gone = len(change.before or ())
        came = len(change.after or ())
        return f"{label}: {subject} (\N{MINUS SIGN}{gone} +{came})"
    if change.subject == change.chain:
        return f"{label}: {before} → {after}"
    return f"{label}: {subject}: {before} → {after}"


# --- JSON --------------------------------------------------------------------------------------


def _json_value(value: Value) -> Any:
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return value


def to_dict(comparison: Comparison, *, lang: Language = "nl") -> dict[str, Any]:
    """The JSON contract: ``{"changes": [...], "summary": {...}}``."""
    n = _Namer(comparison, lang)
    changes = []
    for change in comparison.changes:
        entry: dict[str, Any] = {
            "kind": change.kind,
            "chain": change.chain,
            "subject": change.subject,
            "before": _json_value(change.before),
            "after": _json_value(change.after),
            "label": n.subject(change),
            "message": describe(change, comparison, lang=lang),
        }
        if change.finding is not None:
            finding = change.finding
            entry["finding"] = {
                "rule": finding.rule,
                "severity": finding.severity,
                "path": finding.path,
                "value": finding.value,
                "file": finding.file,
                "line": finding.line,
                "message": dict(finding.message),
                "source": finding.source,
            }
        changes.append(entry)
    return {"changes": changes, "summary": comparison.summary()}


# --- text --------------------------------------------------------------------------------------


def _by_chain(comparison: Comparison, lang: Language) -> list[tuple[str | None, list[Change]]]:
    """The changes by chain, the chains by name (what belongs to none last)."""
    groups: dict[str | None, list[Change]] = {}
    for change in comparison.changes:
        groups.setdefault(change.chain, []).append(change)
    n = _Namer(comparison, lang)
    return sorted(groups.items(), key=lambda item: (item[0] is None, n.chain(item[0]).lower()))


def _summary_line(comparison: Comparison, lang: Language) -> str:
    summary = comparison.summary()
    findings = summary["findings"]
    total = summary["changes"] - findings["new"] - findings["fixed"]
    chains = summary["chains"]
    if lang == "nl":
        return (
            f"{total} {'wijziging' if total == 1 else 'wijzigingen'} in {chains} "
            f"{'keten' if chains == 1 else 'ketens'}; bevindingen: {findings['new']} nieuw "
            f"({findings['newViolations']} "
            f"{'schending' if findings['newViolations'] == 1 else 'schendingen'}), "
            f"{findings['fixed']} opgelost."
        )
    return (
        f"{total} {'change' if total == 1 else 'changes'} in {chains} "
        f"{'chain' if chains == 1 else 'chains'}; findings: {findings['new']} new "
        f"({findings['newViolations']} "
        f"{'violation' if findings['newViolations'] == 1 else 'violations'}), "
        f"{findings['fixed']} fixed."
    )


def summary_line(comparison: Comparison, *, lang: Language = "nl") -> str:
    """The comparison in one line: each kind of change with its count, then the findings.

    >>> summary_line(Comparison((), frozenset(), frozenset()), lang="en")
    'No changes.'
    """
    if not comparison.changed:
        return _word("no-changes", lang)
    counts = comparison.summary()["kinds"]
    parts = [
        kind_label(kind, lang=lang) + (f" ({count})" if count > 1 else "")
        for kind, count in counts.items()
        if kind not in ("finding-new", "finding-fixed")
    ]
    findings = comparison.summary()["findings"]
    line = "; ".join(parts) if parts else _word("no-changes", lang).rstrip(".")
    if findings["new"] or findings["fixed"]:
        line += (
            f"; {_word('findings', lang).lower()}: {findings['new']} {_word('new', lang)}, "
            f"{findings['fixed']} {_word('fixed', lang)}"
        )
    return line[:1].upper() + line[1:] + "."


def _text(comparison: Comparison, lang: Language) -> str:
    if not comparison.changes:
        return _word("no-changes", lang)
    n = _Namer(comparison, lang)
    lines: list[str] = []
    for chain, changes in _by_chain(comparison, lang):
        heading = n.chain(chain)
        if chain is not None and heading != short(chain):
            heading += f" ({short(chain)})"
        lines.append(heading)
        for change in changes:
            mark = _MARKS.get(change.kind, "~")
            if change.kind == "escalation-path-changed":
                lines.append(f"  {mark} {kind_label(change.kind, lang=lang)}: {n.subject(change)}")
                was = n.value(change, change.before, after=False)
                now = n.value(change, change.after, after=True)
                lines.append(f"      {_word('was', lang)}: {was}")
                lines.append(f"      {_word('now', lang)}: {now}")
                continue
            lines.append(f"  {mark} {describe(change, comparison, lang=lang)}")
            if change.finding is not None and change.finding.file:
                where = change.finding.file
                if change.finding.line:
                    where += f":{change.finding.line}"
                lines.append(f"      {where}")
            if change.kind == "other":
                lines += [f"      - {line} ." for line in change.before or ()]
                lines += [f"      + {line} ." for line in change.after or ()]
        lines.append("")
    lines.append(_summary_line(comparison, lang))
    return "\n".join(lines)


# --- Markdown ----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def _markdown(comparison: Comparison, lang: Language) -> str:
    n = _Namer(comparison, lang)
    lines = [f"## {_word('heading', lang)}", ""]
    if comparison.before_name or comparison.after_name:
        lines += [f"`{comparison.before_name}` → `{comparison.after_name}`", ""]
    if not comparison.changes:
        return "\n".join([*lines, _word("no-changes", lang)])
    for chain, changes in _by_chain(comparison, lang):
        lines += [f"### {_cell(n.chain(chain))}", ""]
        table = [
            c
            for c in changes
            if c.kind not in ("escalation-path-changed", "other")
            and not c.kind.startswith("finding-")
        ]
        if table:
            lines += [
                f"| {_word('change', lang)} | {_word('subject', lang)} | "
                f"{_word('before', lang)} | {_word('after', lang)} |",
                "|---|---|---|---|",
            ]
            for change in table:
                lines.append(
                    f"| {_cell(kind_label(change.kind, lang=lang))} "
                    f"| {_cell(n.subject(change))} "
                    f"| {_cell(n.value(change, change.before, after=False))} "
                    f"| {_cell(n.value(change, change.after, after=True))} |"
                )
            lines.append("")
        paths = [c for c in changes if c.kind == "escalation-path-changed"]
        if paths:
            lines += [f"**{_word('paths', lang)}**", ""]
            for change in paths:
                was = n.value(change, change.before, after=False)
                now = n.value(change, change.after, after=True)
                lines += [
                    f"- **{_cell(n.subject(change))}**",
                    f"  - {_word('was', lang)}: {_cell(was)}",
                    f"  - {_word('now', lang)}: {_cell(now)}",
                ]
            lines.append("")
        findings = [c for c in changes if c.finding is not None]
        if findings:
            lines += [
                f"**{_word('findings', lang)}**",
                "",
                f"| | {_word('rule', lang)} | {_word('severity', lang)} | "
                f"{_word('subject', lang)} | {_word('where', lang)} | {_word('message', lang)} |",
                "|---|---|---|---|---|---|",
            ]
            for change in findings:
                finding = change.finding
                assert finding is not None
                status = (
                    f"❗ {_word('new', lang)}"
                    if change.kind == "finding-new"
                    else f"✅ {_word('fixed', lang)}"
                )
                where = finding.file or ""
                if where and finding.line:
                    where += f":{finding.line}"
                lines.append(
                    f"| {status} | {finding.rule} | {_word(finding.severity, lang)} "
                    f"| {_cell(n.subject(change))} | {_cell(where)} "
                    f"| {_cell(finding.message.get(lang, ''))} |"
                )
            lines.append("")
        others = [c for c in changes if c.kind == "other"]
        if others:
            count = sum(len(c.before or ()) + len(c.after or ()) for c in others)
            lines += [
                f"<details><summary>{_word('others', lang)} ({count} triples)</summary>",
                "",
                "````diff",
            ]
            for change in others:
                lines += [f"- {line} ." for line in change.before or ()]
                lines += [f"+ {line} ." for line in change.after or ()]
            lines += ["````", "", "</details>", ""]
    lines.append(_summary_line(comparison, lang))
    return "\n".join(lines)


# --- the one entry point -----------------------------------------------------------------------


_RENDERERS: Mapping[DiffFormat, Callable[[Comparison, Language], str]] = {
    "text": _text,
    "markdown": _markdown,
    "json": lambda comparison, lang: json.dumps(
        to_dict(comparison, lang=lang), ensure_ascii=False, indent=2
    ),
    "patch": lambda comparison, _: write_patch(comparison.removed, comparison.added).rstrip("\n"),
}


def render(comparison: Comparison, format: DiffFormat = "text", *, lang: Language = "nl") -> str:
    """The comparison in ``format`` (text, json, markdown or patch), labels in ``lang``."""
    renderer = _RENDERERS.get(format)
    if renderer is None:
        from ketenontologie.errors import InputError

        raise InputError(f"Unknown diff format {format!r}. Use one of: {', '.join(DIFF_FORMATS)}.")
    return renderer(comparison, lang)
