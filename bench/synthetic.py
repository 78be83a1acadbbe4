"""Synthetic chain designs for benchmarks and tests: realistic, valid, deterministic.

``design(index)`` writes one chain design of about 1,000 triples as Turtle: 2 to 6 partners, a
board with the chain manager and each partner's line manager as members, a chain bureau, an
administrative core team, a chain manager with or without overriding power (or, in a stable
chain, none and chain directors instead), line managers at strategic, coaching managers at
tactical and autonomous professionals at operational level, escalation steps upward only,
building blocks applied, current and former phase and an objective. Thing IRIs carry the index
(``…/id/rol/synthetisch-00042-…``) so designs do not collide, except where real chains share
things: some designs take partners from a pool of national organisations (UWV, SVB, …) and every
design escalates to ministers from a shared pool, stating their identical triples again.

``designs(total_triples)`` yields designs until about that many triples are written.

>>> text = design(7)
>>> text == design(7) and text != design(8)
True
>>> from rdflib import Graph
>>> 900 <= len(Graph().parse(data=text, format="turtle")) <= 1100
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["TRIPLES_PER_DESIGN", "design", "designs", "triple_count"]

TRIPLES_PER_DESIGN = 1_000
"""About how many triples one design holds."""

_PREFIXES = {
    "bouwsteen": "https://w3id.org/ketenontologie/id/bouwsteen/",
    "dct": "http://purl.org/dc/terms/",
    "doel": "https://w3id.org/ketenontologie/id/doel/",
    "fase": "https://w3id.org/ketenontologie/id/fase/",
    "keten": "https://w3id.org/ketenontologie/def#",
    "ketens": "https://w3id.org/ketenontologie/id/keten/",
    "niveau": "https://w3id.org/ketenontologie/id/niveau/",
    "org": "http://www.w3.org/ns/org#",
    "orgaan": "https://w3id.org/ketenontologie/id/orgaan/",
    "organisatie": "https://w3id.org/ketenontologie/id/organisatie/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rol": "https://w3id.org/ketenontologie/id/rol/",
}

# National organisations that take part in many chains: designs share these IRIs.
_SHARED_PARTNERS = (
    ("uwv", "UWV", "UWV (Employee Insurance Agency)"),
    ("belastingdienst", "Belastingdienst", "Tax and Customs Administration"),
    ("svb", "Sociale Verzekeringsbank", "Social Insurance Bank"),
    ("duo", "Dienst Uitvoering Onderwijs", "Education Executive Agency"),
    ("cjib", "Centraal Justitieel Incassobureau", "Central Judicial Collection Agency"),
    ("rvig", "Rijksdienst voor Identiteitsgegevens", "National Office for Identity Data"),
    ("ind", "Immigratie- en Naturalisatiedienst", "Immigration and Naturalisation Service"),
    ("kvk", "Kamer van Koophandel", "Chamber of Commerce"),
)

_MINISTERS = (
    ("minister-szw", "minister van Sociale Zaken en Werkgelegenheid", "Minister of Social Affairs"),
    ("staatssecretaris-financien", "staatssecretaris van Financiën", "State Secretary for Finance"),
    ("minister-jenv", "minister van Justitie en Veiligheid", "Minister of Justice and Security"),
    ("minister-bzk", "minister van Binnenlandse Zaken", "Minister of the Interior"),
    ("minister-ocw", "minister van Onderwijs, Cultuur en Wetenschap", "Minister of Education"),
    ("minister-ienw", "minister van Infrastructuur en Waterstaat", "Minister of Infrastructure"),
)

_BUILDING_BLOCKS = (
    "besluitvormingsmodel",
    "ketenoverlegstructuur",
    "ketenrapportage",
    "keteninformatie-infrastructuur",
    "ketenkaart",
    "coachende-manager",
    "autonome-professional",
    "lijnmanagement",
)

_DOMAINS = (
    ("werk en inkomen", "work and income"),
    ("loonaangifte", "payroll tax returns"),
    ("jeugdbescherming", "child protection"),
    ("strafrecht", "criminal justice"),
    ("studiefinanciering", "student finance"),
    ("inburgering", "civic integration"),
    ("schuldhulpverlening", "debt relief"),
    ("vergunningverlening", "permits"),
)


@dataclass
class _Design:
    """One design's triples, grouped by subject (Turtle terms as strings)."""

    subjects: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    count: int = 0

    def add(self, subject: str, predicate: str, *objects: str) -> None:
        entries = self.subjects.setdefault(subject, [])
        for obj in objects:
            if (predicate, obj) not in entries:
                entries.append((predicate, obj))
                self.count += 1

    def labelled(self, subject: str, kind: str, nl: str, en: str) -> None:
        self.add(subject, "a", kind)
        self.add(subject, "rdfs:label", _text(nl, "nl"))
        self.add(subject, "rdfs:label", _text(en, "en"))

    def turtle(self, header: str) -> str:
        lines = [header]
        lines += [f"@prefix {prefix}: <{iri}> ." for prefix, iri in sorted(_PREFIXES.items())]
        for subject, entries in self.subjects.items():
            lines.append("")
            lines.append(subject)
            lines += [f"  {predicate} {obj} ;" for predicate, obj in entries]
            lines.append(".")
        return "\n".join(lines) + "\n"


def _text(value: str, language: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{language}'


def _build(index: int, seed: int) -> _Design:
    rng = random.Random(f"ketenontologie-synthetic-{seed}-{index}")
    slug = f"synthetisch-{index:05d}"
    number = f"{index:05d}"
    domain_nl, domain_en = rng.choice(_DOMAINS)
    out = _Design()

    chain = f"ketens:{slug}"
    board = f"orgaan:{slug}-ketenbestuur"
    bureau = f"orgaan:{slug}-ketenbureau"
    core_team = f"orgaan:{slug}-kernteam"
    objective = f"doel:{slug}"

    phase = rng.choice(("opbouw", "crisis", "stabiel", "stabiel"))
    has_manager = phase != "stabiel" or rng.random() < 0.7
    overriding_power = has_manager and rng.random() < 0.5
    directors = rng.randint(1, 2) if has_manager else rng.randint(2, 3)

    # Partners: most are the chain's own; about a third of the designs take one or two from the
    # shared pool of national organisations.
    partner_count = rng.randint(2, 6)
    shared = rng.sample(_SHARED_PARTNERS, k=rng.choice((0, 0, 1, 2)))
    partners: list[tuple[str, str, str]] = [
        (f"organisatie:{key}", nl, en) for key, nl, en in shared[:partner_count]
    ]
    while len(partners) < partner_count:
        k = len(partners) + 1
        partners.append(
            (
                f"organisatie:{slug}-partner-{k}",
                f"Partnerorganisatie {k} van keten {number}",
                f"Partner organisation {k} of chain {number}",
            )
        )
    ministers = rng.sample(_MINISTERS, k=rng.randint(1, 2))

    out.labelled(
        chain,
        "keten:Chain",
        f"Keten {domain_nl} {number} (synthetisch)",
        f"Chain for {domain_en} {number} (synthetic)",
    )
    out.add(chain, "keten:hasPartner", *(p for p, _, _ in partners))
    out.add(chain, "keten:hasBoard", board)
    out.add(chain, "keten:hasBureau", bureau)
    out.add(chain, "keten:hasGovernanceActor", core_team)
    out.add(chain, "org:purpose", objective)
    blocks = ["ketenbestuur", "ketenbureau", "ketenregisseur"]
    blocks += ["ketenmanager"] if has_manager else []
    blocks += rng.sample(_BUILDING_BLOCKS, k=rng.randint(2, len(_BUILDING_BLOCKS)))
    out.add(chain, "keten:appliesBuildingBlock", *(f"bouwsteen:{b}" for b in blocks))
    out.add(chain, "keten:inPhase", f"fase:{phase}")
    if phase != "opbouw":
        out.add(chain, "keten:formerPhase", "fase:opbouw")
    out.add(chain, "dct:source", "<https://www.noraonline.nl/wiki/Ketensturing>")

    out.labelled(
        objective,
        "keten:ChainObjective",
        f"Doelstelling van keten {number}: {domain_nl} zonder onnodige wachttijd",
        f"Objective of chain {number}: {domain_en} without needless waiting",
    )
    for partner, nl, en in partners:
        out.labelled(partner, "keten:ChainPartner", nl, en)

    def role(subject: str, kind: str, nl: str, en: str, level: str, post_in: str) -> None:
        out.labelled(subject, kind, nl, en)
        out.add(subject, "org:postIn", post_in)
        out.add(subject, "keten:actsIn", chain)
        out.add(subject, "keten:atLevel", f"niveau:{level}")

    # Governance bodies and political principals.
    out.labelled(board, "keten:ChainBoard", f"ketenbestuur {number}", f"chain board {number}")
    out.add(board, "keten:actsIn", chain)
    out.add(board, "keten:atLevel", "niveau:strategisch")
    out.add(board, "keten:escalatesTo", core_team)
    out.labelled(bureau, "keten:ChainBureau", f"ketenbureau {number}", f"chain bureau {number}")
    out.add(bureau, "keten:actsIn", chain)
    out.add(bureau, "keten:atLevel", "niveau:tactisch")
    out.labelled(
        core_team, "keten:CoreTeam", f"bestuurlijk kernteam {number}", f"core team {number}"
    )
    out.add(core_team, "keten:actsIn", chain)
    out.add(core_team, "keten:atLevel", "niveau:strategisch")
    for key, nl, en in ministers:
        minister = f"rol:{key}"
        out.labelled(minister, "keten:PoliticalPrincipal", nl, en)
        out.add(minister, "keten:atLevel", "niveau:strategisch")
        out.add(minister, "keten:actsIn", chain)
        out.add(core_team, "keten:escalatesTo", minister)

    # Chain manager and chain directors: posts in the bureau.
    manager = f"rol:{slug}-ketenmanager"
    top = manager if has_manager else board
    if has_manager:
        role(
            manager,
            "keten:ChainManager",
            f"ketenmanager {number}",
            f"chain manager {number}",
            "strategisch",
            bureau,
        )
        out.add(manager, "keten:hasOverridingPower", "true" if overriding_power else "false")
        out.add(manager, "keten:escalatesTo", board)
        if overriding_power:
            out.add(manager, "keten:escalatesTo", f"rol:{ministers[0][0]}")
        out.add(board, "keten:boardMember", manager)
    for d in range(1, directors + 1):
        director = f"rol:{slug}-ketenregisseur-{d}"
        role(
            director,
            "keten:ChainDirector",
            f"ketenregisseur {d} van keten {number}",
            f"chain director {d} of chain {number}",
            "tactisch",
            bureau,
        )
        out.add(director, "keten:escalatesTo", top)

    # Per partner: a line manager on the board; coaching managers and professionals are added
    # below until the design reaches its size.
    coaches: list[list[str]] = []
    for k, (partner, _nl, _en) in enumerate(partners, 1):
        line_manager = f"rol:{slug}-lijnmanager-{k}"
        role(
            line_manager,
            "keten:LineManager",
            f"lijnmanager partner {k} van keten {number}",
            f"line manager, partner {k} of chain {number}",
            "strategisch",
            partner,
        )
        out.add(board, "keten:boardMember", line_manager)
        coaches.append([])

    k = 0
    while out.count < TRIPLES_PER_DESIGN:
        k = k % len(partners) + 1
        partner = partners[k - 1][0]
        team = coaches[k - 1]
        if not team or rng.random() < 0.15:
            team.append(f"rol:{slug}-coach-{k}-{len(team) + 1}")
            coach = team[-1]
            role(
                coach,
                "keten:CoachingManager",
                f"coachende teammanager {len(team)}, partner {k}, keten {number}",
                f"coaching team manager {len(team)}, partner {k}, chain {number}",
                "tactisch",
                partner,
            )
            out.add(coach, "keten:escalatesTo", top)
        coach = rng.choice(team)
        professional = f"{coach.replace('-coach-', '-professional-')}-{out.count}"
        role(
            professional,
            "keten:AutonomousProfessional",
            f"professional {out.count}, partner {k}, keten {number}",
            f"professional {out.count}, partner {k}, chain {number}",
            "operationeel",
            partner,
        )
        out.add(professional, "keten:escalatesTo", coach)
        out.add(coach, "keten:coaches", professional)
    return out


def design(index: int, *, seed: int = 0) -> str:
    """Turtle text of synthetic chain design number ``index`` (about 1,000 triples)."""
    header = (
        f"# Synthetic chain design {index} (seed {seed}), made by bench/synthetic.py: "
        "fictional, for benchmarks and tests."
    )
    return _build(index, seed).turtle(header)


def triple_count(index: int, *, seed: int = 0) -> int:
    """How many triples :func:`design` writes for ``index``."""
    return _build(index, seed).count


def designs(total_triples: int, *, seed: int = 0) -> Iterator[str]:
    """Designs 0, 1, 2 … until together they hold at least ``total_triples`` triples.

    >>> sum(1 for _ in designs(3_000))
    3
    """
    written = 0
    index = 0
    while written < total_triples:
        built = _build(index, seed)
        written += built.count
        yield built.turtle(
            f"# Synthetic chain design {index} (seed {seed}), made by bench/synthetic.py."
        )
        index += 1
