"""The starter design: one chain with one entry of every kind, for templates to begin from.

>>> len(starter_quads()) > 40
True
"""

from __future__ import annotations

import pyoxigraph as ox

from ketenontologie.authoring.vocabulary import ESCALATES_TO, RDF_TYPE, K, concepts
from ketenontologie.namespaces import ID, ORG

__all__ = ["starter_quads"]

_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

# key, section prefix, class, Dutch name, English name, level
_ENTRIES = (
    ("nieuwe-keten", "keten", "Chain", "Nieuwe keten", "New chain", None),
    (
        "doelstelling-nieuwe-keten",
        "doel",
        "ChainObjective",
        "Ketendoelstelling (vul in)",
        "Chain objective (fill in)",
        None,
    ),
    ("partner-a", "organisatie", "ChainPartner", "Ketenpartner A", "Chain partner A", None),
    ("partner-b", "organisatie", "ChainPartner", "Ketenpartner B", "Chain partner B", None),
    ("ketenbestuur", "orgaan", "ChainBoard", "Ketenbestuur", "Chain board", "strategisch"),
    ("ketenbureau", "orgaan", "ChainBureau", "Ketenbureau", "Chain bureau", "tactisch"),
    (
        "bestuurlijk-kernteam",
        "orgaan",
        "CoreTeam",
        "Bestuurlijk kernteam",
        "Administrative core team",
        "strategisch",
    ),
    ("ketenmanager", "rol", "ChainManager", "Ketenmanager", "Chain manager", "strategisch"),
    ("ketenregisseur", "rol", "ChainDirector", "Ketenregisseur", "Chain director", "tactisch"),
    (
        "lijnmanager-a",
        "rol",
        "LineManager",
        "Lijnmanager partner A",
        "Line manager, partner A",
        "strategisch",
    ),
    (
        "lijnmanager-b",
        "rol",
        "LineManager",
        "Lijnmanager partner B",
        "Line manager, partner B",
        "strategisch",
    ),
    (
        "coachende-manager-a",
        "rol",
        "CoachingManager",
        "Coachende teammanager partner A",
        "Coaching team manager, partner A",
        "tactisch",
    ),
    (
        "professional-a",
        "rol",
        "AutonomousProfessional",
        "Autonome professional partner A",
        "Autonomous professional, partner A",
        "operationeel",
    ),
    (
        "politiek-verantwoordelijke",
        "rol",
        "PoliticalPrincipal",
        "Politiek verantwoordelijke",
        "Political principal",
        "strategisch",
    ),
)


def _node(key: str, kind: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}{kind}/{key}")


def starter_quads() -> list[ox.Quad]:
    """A chain with two partners, a board, a bureau, a core team, a chain manager with
    overriding power, a chain director, line managers, a coaching manager, a professional and a
    political principal, its posts, board seats and escalation steps."""
    quads: list[ox.Quad] = []
    levels = {c.iri.rsplit("/", 1)[-1]: c.iri for c in concepts("niveau")}
    nodes = {key: _node(key, kind) for key, kind, *_ in _ENTRIES}

    def add(subject: str, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(nodes[subject], ox.NamedNode(predicate), value))

    for key, _, cls, nl, en, level in _ENTRIES:
        add(key, RDF_TYPE, ox.NamedNode(K + cls))
        add(key, _LABEL, ox.Literal(nl, language="nl"))
        add(key, _LABEL, ox.Literal(en, language="en"))
        if level:
            add(key, K + "atLevel", ox.NamedNode(levels[level]))
        if cls not in ("Chain", "ChainObjective", "ChainPartner"):
            add(key, K + "actsIn", nodes["nieuwe-keten"])
    for partner in ("partner-a", "partner-b"):
        add("nieuwe-keten", K + "hasPartner", nodes[partner])
    add("nieuwe-keten", K + "hasBoard", nodes["ketenbestuur"])
    add("nieuwe-keten", K + "hasBureau", nodes["ketenbureau"])
    add("nieuwe-keten", str(ORG) + "purpose", nodes["doelstelling-nieuwe-keten"])
    add("nieuwe-keten", K + "inPhase", ox.NamedNode(f"{ID}fase/opbouw"))
    for seat in ("ketenmanager", "lijnmanager-a", "lijnmanager-b"):
        add("ketenbestuur", K + "boardMember", nodes[seat])
    for post, unit in (
        ("ketenmanager", "ketenbureau"),
        ("ketenregisseur", "ketenbureau"),
        ("lijnmanager-a", "partner-a"),
        ("lijnmanager-b", "partner-b"),
        ("coachende-manager-a", "partner-a"),
        ("professional-a", "partner-a"),
    ):
        add(post, str(ORG) + "postIn", nodes[unit])
    add(
        "ketenmanager",
        K + "hasOverridingPower",
        ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
    )
    add("coachende-manager-a", K + "coaches", nodes["professional-a"])
    for source, target in (
        ("professional-a", "coachende-manager-a"),
        ("coachende-manager-a", "ketenmanager"),
        ("ketenregisseur", "ketenmanager"),
        ("ketenmanager", "ketenbestuur"),
        ("ketenbestuur", "bestuurlijk-kernteam"),
        ("bestuurlijk-kernteam", "politiek-verantwoordelijke"),
    ):
        add(source, ESCALATES_TO, nodes[target])
    return quads
