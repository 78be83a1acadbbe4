"""KS-C01: what OWL 2 RL finds inconsistent in a design, reported as violations.

SHACL does not see a node in two disjoint classes, a node of type ``owl:Nothing`` or a value
that does not fit its datatype; the reasoning that validation runs anyway does. Each is a
violation of KS-C01 with a message that names what clashes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, NamedTuple, TypeAlias

import pyoxigraph as ox

from ketenontologie.namespaces import DEF, PREFIXES
from ketenontologie.reasoning.reasoner import Inconsistency
from ketenontologie.validation.lines import DesignInput, Locator, term_text
from ketenontologie.validation.report import Rule, ValidationResult

__all__ = ["CONSISTENCY", "CONSISTENCY_RULE", "Clash", "clash_result", "clashes_from", "labels"]

CONSISTENCY = "KS-C01"  # OWL 2 RL inconsistencies: not a shape, so outside the KS-Rnn ids
_ONTOLOGY = DEF
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


ClashKind: TypeAlias = Literal["classes", "nothing", "literal", "other"]


class Clash(NamedTuple):
    """One OWL 2 RL inconsistency, engine-neutral (terms as in :class:`_Hit`).

    ``classes``: a node in two disjoint classes (the pair, ordered); ``nothing``: a node of type
    ``owl:Nothing``; ``literal``: the value of ``path`` on the node does not fit its datatype
    (``classes`` holds the datatype, ``detail`` the lexical form); ``other``: what owlrl
    reports, in ``detail``.
    """

    kind: ClashKind
    focus: str
    classes: tuple[str, ...] = ()
    path: str | None = None
    value: str | None = None
    detail: str | None = None


# owlrl's messages, read back only where owlrl reasoned (patterns compiled on first use: a
# process that validates one design would otherwise compile them for nothing).
_OWLRL_DISJOINT = r"Disjoint classes (\S+) and (\S+) have a common individual (\S+)"
_OWLRL_NOTHING = r"(\S+) is defined of type 'Nothing'"
_OWLRL_LEXICAL = r"Lexical value of the literal '(.*)' does not match its datatype \((\S+)\)"


def clashes_from(
    inconsistencies: Iterable[Inconsistency], designs: Sequence[DesignInput]
) -> set[Clash]:
    """The reasoner's inconsistencies as clashes, about the nodes of the design where it can."""
    clashes: set[Clash] = set()
    for found in inconsistencies:
        if found.rule in ("cax-dw", "cax-adc") and found.node is not None:
            classes = sorted(term_text(c) for c in found.classes)
            clashes.add(Clash("classes", term_text(found.node), tuple(classes)))
        elif found.rule == "cls-nothing2" and found.node is not None:
            clashes.add(Clash("nothing", term_text(found.node)))
        elif found.rule == "dt-lexical" and isinstance(found.node, ox.Literal):
            clashes |= _literal_clashes(found.node, designs)
        else:
            clashes |= _owlrl_clashes(found.owlrl_message, designs)
    # owl:Nothing is a subclass of every class: its other clashes follow from that one.
    nothing = {clash.focus for clash in clashes if clash.kind == "nothing"}
    return {c for c in clashes if not (c.kind == "classes" and c.focus in nothing)}


def _literal_clashes(literal: ox.Literal, designs: Sequence[DesignInput]) -> set[Clash]:
    uses = {
        (term_text(q.subject), q.predicate.value)
        for design in designs
        for q in design.quads
        if q.object == literal
    }
    value, datatype, lexical = term_text(literal), (literal.datatype.value,), literal.value
    if not uses:  # not the design's own value: report it as found
        return {Clash("literal", value, datatype, value=value, detail=lexical)}
    return {Clash("literal", s, datatype, path=p, value=value, detail=lexical) for s, p in uses}


def _owlrl_clashes(message: str, designs: Sequence[DesignInput]) -> set[Clash]:
    """What owlrl reports where the compiled rules do not apply, read back where it can be."""
    if match := re.fullmatch(_OWLRL_DISJOINT, message):
        first, second, node = match.groups()
        return {Clash("classes", _node_text(node), tuple(sorted((first, second))))}
    if match := re.fullmatch(_OWLRL_NOTHING, message):
        return {Clash("nothing", _node_text(match.group(1)))}
    if match := re.fullmatch(_OWLRL_LEXICAL, message, re.DOTALL):
        literal = ox.Literal(match.group(1), datatype=ox.NamedNode(match.group(2)))
        return _literal_clashes(literal, designs)
    mentioned = [
        text
        for design in designs
        for quad in design.quads
        for text in (term_text(quad.subject),)
        if text in message
    ]
    focus = min(mentioned, key=message.index) if mentioned else _ONTOLOGY
    return {Clash("other", focus, detail=message)}


def _node_text(text: str) -> str:
    """A node as owlrl writes it (IRI or blank node label) in the form results use."""
    return text if ":" in text else f"_:{text}"


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        local = iri.removeprefix(namespace)
        if local != iri and re.fullmatch(r"[A-Za-z_][\w\-]*", local):
            return f"{prefix}:{local}"
    return iri if iri.startswith("_:") else f"<{iri}>"


def labels(context: Sequence[ox.Quad], designs: Sequence[DesignInput]) -> dict[str, dict[str, str]]:
    """The ``rdfs:label`` texts per node and language, the context's first."""
    labels: dict[str, dict[str, str]] = {}
    for quad in [*context, *(q for design in designs for q in design.quads)]:
        label = quad.object
        if quad.predicate.value == _RDFS_LABEL and isinstance(label, ox.Literal) and label.language:
            texts = labels.setdefault(term_text(quad.subject), {})
            texts.setdefault(label.language, label.value)
    return labels


def _clash_message(clash: Clash, labels: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """What is inconsistent and what to change, in Dutch and English."""

    def name(iri: str, lang: str) -> str:
        label = labels.get(iri, {}).get(lang)
        return f"{label} ({_short(iri)})" if label else _short(iri)

    if clash.kind == "classes":
        first, second = clash.classes
        return {
            "nl": "Dit heeft twee typen die elkaar volgens de ontologie uitsluiten: "
            f"{name(first, 'nl')} en {name(second, 'nl')}. Houd er maar één van over, en kijk "
            "ook naar de typen die volgen uit het domein en bereik van de eigenschappen die erop "
            "of ernaar wijzen.",
            "en": "This has two types that the ontology declares disjoint: "
            f"{name(first, 'en')} and {name(second, 'en')}. Keep only one of them, and check "
            "also the types implied by the domain and range of the properties used on it or "
            "pointing at it.",
        }
    if clash.kind == "nothing":
        return {
            "nl": "Dit heeft het type owl:Nothing, een klasse die geen leden kan hebben. Haal dat "
            "type weg, of de rdfs:subClassOf of owl:equivalentClass waaruit het volgt.",
            "en": "This has the type owl:Nothing, a class that cannot have members. Remove that "
            "type, or the rdfs:subClassOf or owl:equivalentClass it follows from.",
        }
    if clash.kind == "literal":
        value = json.dumps(clash.detail, ensure_ascii=False)
        datatype = _short(clash.classes[0])
        where_nl = f" van {_short(clash.path)}" if clash.path else ""
        where_en = f" of {_short(clash.path)}" if clash.path else ""
        return {
            "nl": f"De waarde {value}{where_nl} past niet bij het datatype {datatype}: schrijf "
            "haar in de vorm die dat datatype voorschrijft, of kies een datatype dat bij de "
            "waarde past.",
            "en": f"The value {value}{where_en} does not fit the datatype {datatype}: write it in "
            "the form that datatype prescribes, or choose a datatype that fits the value.",
        }
    return {
        "nl": f"OWL 2 RL vindt een tegenspraak met de ontologie (owlrl meldt: {clash.detail}). "
        "Pas het ontwerp aan zodat het de axioma's van de ontologie niet meer tegenspreekt.",
        "en": f"OWL 2 RL finds a contradiction with the ontology (owlrl reports: {clash.detail}). "
        "Change the design so that it no longer contradicts the ontology's axioms.",
    }


CONSISTENCY_RULE = Rule(
    id=CONSISTENCY,
    severity="Violation",
    name={"nl": "consistent met de ontologie", "en": "consistent with the ontology"},
    description={
        "nl": "Het ontwerp spreekt de axioma's van de ontologie niet tegen: na OWL 2 "
        "RL-inferentie is niets lid van twee klassen die elkaar uitsluiten (zoals ketenbestuur "
        "en ketenbureau), niets van het type owl:Nothing, en past elke waarde bij haar datatype.",
        "en": "The design does not contradict the ontology's axioms: after OWL 2 RL inference "
        "nothing is a member of two disjoint classes (such as chain board and chain bureau), "
        "nothing has the type owl:Nothing, and every value fits its datatype.",
    },
    message={
        "nl": "Het ontwerp spreekt de ontologie tegen: geef elk orgaan, elke functie en elk "
        "ander ding alleen typen die elkaar niet uitsluiten, en schrijf elke waarde in de vorm "
        "van haar datatype.",
        "en": "The design contradicts the ontology: give every body, post and other thing only "
        "types that do not exclude each other, and write every value in the form of its "
        "datatype.",
    },
    source=_ONTOLOGY,
    basis="project",
)


def clash_result(
    clash: Clash, labels: Mapping[str, Mapping[str, str]], locator: Locator
) -> ValidationResult:
    # A value that does not fit its datatype is one statement; two disjoint classes (or
    # owl:Nothing) are the node's block, as either type statement may be the wrong one.
    if clash.kind in ("classes", "nothing"):
        place = locator.locate(clash.focus)
    else:
        place = locator.locate(clash.focus, path=clash.path, value=clash.value)
    return ValidationResult(
        rule=CONSISTENCY,
        severity="Violation",
        file=place.file,
        line=place.line,
        column=place.column,
        where=place.where,
        focus_node=clash.focus,
        path=_RDF_TYPE if clash.kind in ("classes", "nothing") else clash.path,
        value=clash.value,
        message=_clash_message(clash, labels),
        source=_ONTOLOGY,
        basis="project",
    )
