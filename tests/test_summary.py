"""The chain summary: partners, bodies, roles by level, chain manager, escalation paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from ketenontologie import ChainSummary, load_graph, render_summary, summarize
from ketenontologie.namespaces import ID, KETEN

SUMMARY = Path(__file__).resolve().parent / "fixtures" / "summary"


@pytest.fixture(scope="module")
def proefketen(summary_graph: Graph) -> ChainSummary:
    chains = {chain.label: chain for chain in summarize(summary_graph, lang="nl")}
    return chains["Proefketen"]


@pytest.fixture(scope="module")
def regieketen(summary_graph: Graph) -> ChainSummary:
    chains = {chain.label: chain for chain in summarize(summary_graph, lang="nl")}
    return chains["Regieketen"]


def test_every_chain_is_found_and_sorted_by_label(summary_graph: Graph) -> None:
    assert [c.label for c in summarize(summary_graph, lang="nl")] == ["Proefketen", "Regieketen"]
    assert [c.label for c in summarize(summary_graph, lang="en")] == ["Regieketen", "Test chain"]


def test_partners_come_from_both_directions_of_the_inverse_pair(proefketen: ChainSummary) -> None:
    # Oost is stated with keten:partnerIn, the others with keten:hasPartner.
    assert [p.label for p in proefketen.partners] == ["Dienst Noord", "Dienst Oost", "Dienst Zuid"]


def test_bodies_and_their_members(proefketen: ChainSummary) -> None:
    [board] = proefketen.boards
    assert board.body.label == "Bestuur proefketen"
    assert [m.label for m in board.members] == ["Ketenmanager proefketen", "Lijnmanager Noord"]
    [bureau] = proefketen.bureaus
    assert [m.label for m in bureau.members] == ["Ketenmanager proefketen"]
    assert [team.body.label for team in proefketen.core_teams] == ["Kernteam proefketen"]


def test_roles_are_grouped_by_level_in_order(proefketen: ChainSummary) -> None:
    levels = {
        (group.level.label if group.level else None): [role.label for role in group.roles]
        for group in proefketen.levels
    }
    assert list(levels) == ["strategisch", "tactisch", "operationeel", None]
    assert levels == {
        "strategisch": ["Ketenmanager proefketen", "Minister van Proefzaken"],
        "tactisch": [
            "Lijnmanager Noord",
            "Lijnmanager Zuid",
            "Teammanager Noord",
            "Teammanager Zuid",
        ],
        "operationeel": ["Professional Noord", "Professional Zuid"],
        None: ["Adviseur"],
    }


def test_role_kinds_are_the_most_specific_classes(proefketen: ChainSummary) -> None:
    kinds = {role.label: role.kinds for group in proefketen.levels for role in group.roles}
    assert kinds["Ketenmanager proefketen"] == ("ketenmanager",)
    assert kinds["Minister van Proefzaken"] == ("politiek verantwoordelijke",)
    assert kinds["Adviseur"] == ("ketenrol",)


def test_chain_manager_with_overriding_power(proefketen: ChainSummary) -> None:
    [manager] = proefketen.managers
    assert manager.manager.label == "Ketenmanager proefketen"
    assert manager.overriding_power is True


def test_chain_without_manager_shows_its_directors(regieketen: ChainSummary) -> None:
    assert regieketen.managers == ()
    assert [d.label for d in regieketen.directors] == ["Ketenregisseur regieketen"]
    assert "geen ketenmanager; ketenregisseurs: Ketenregisseur regieketen" in render_summary(
        [regieketen]
    )


def test_phase_and_objective(proefketen: ChainSummary, regieketen: ChainSummary) -> None:
    assert proefketen.phase is not None
    assert proefketen.phase.label == "crisis"
    assert [p.label for p in proefketen.former_phases] == ["opbouw"]
    assert [o.label for o in proefketen.objectives] == [
        "Iedere aanvraag binnen een week afgehandeld"
    ]
    assert regieketen.phase is None


def test_escalation_steps_read_as_lines(proefketen: ChainSummary) -> None:
    steps = [str(step) for step in proefketen.escalation_steps]
    assert "Ketenmanager proefketen → Minister van Proefzaken" in steps
    assert "Lijnmanager Zuid → Teammanager Zuid" in steps
    assert len(steps) == 8


def test_escalation_paths_from_every_operational_actor(proefketen: ChainSummary) -> None:
    paths = [(path.labels, path.cyclic) for path in proefketen.escalation_paths]
    noord = ("Professional Noord", "Teammanager Noord", "Lijnmanager Noord")
    assert paths == [
        ((*noord, "Ketenmanager proefketen", "Bestuur proefketen"), False),
        ((*noord, "Ketenmanager proefketen", "Minister van Proefzaken"), False),
        (("Professional Zuid", "Teammanager Zuid", "Lijnmanager Zuid", "Teammanager Zuid"), True),
    ]


def test_escalation_starts_at_the_bottom_when_no_level_is_stated() -> None:
    graph = load_graph(SUMMARY / "terms.ttl")
    chain, a, b = (URIRef(f"{ID}{ref}") for ref in ("keten/k", "rol/a", "rol/b"))
    graph.add((chain, RDF.type, KETEN.Chain))
    for role in (a, b):
        graph.add((role, RDF.type, KETEN.ChainRole))
        graph.add((role, KETEN.actsIn, chain))
    graph.add((a, KETEN.escalatesTo, b))
    [summary] = summarize(graph)
    assert [path.labels for path in summary.escalation_paths] == [("a", "b")]


def test_subclasses_count_without_a_reasoner(summary_graph: Graph) -> None:
    graph = Graph() + summary_graph
    special = URIRef("https://example.org/def#CrisisManager")
    graph.add((special, RDFS.subClassOf, KETEN.ChainManager))
    graph.add((special, RDFS.label, Literal("crisismanager", lang="nl")))
    graph.set((URIRef(f"{ID}rol/ketenmanager"), RDF.type, special))
    chains = {c.label: c for c in summarize(graph)}
    [manager] = chains["Proefketen"].managers
    assert manager.manager.kinds == ("crisismanager",)


def test_labels_fall_back_to_the_other_language_then_the_iri(summary_graph: Graph) -> None:
    chains = {c.label: c for c in summarize(summary_graph, lang="en")}
    # Dienst Oost has only a Dutch label; the English summary uses it rather than the IRI.
    assert "Dienst Oost" in [p.label for p in chains["Test chain"].partners]
    graph = Graph()
    graph.add((URIRef(f"{ID}keten/zonder-label"), RDF.type, KETEN.Chain))
    assert [c.label for c in summarize(graph)] == ["zonder-label"]


def test_rendered_text_in_dutch(summary_graph: Graph) -> None:
    text = render_summary(summarize(summary_graph, lang="nl"), lang="nl")
    assert text.startswith("Proefketen\n══════════\n")
    for line in (
        "Fase: crisis (eerder: opbouw)",
        "Ketenpartners (3)",
        "  • Ketenmanager proefketen — met doorzettingsmacht",
        "Rollen per niveau",
        "    • Professional Noord (autonome professional) — vervuld door Anna de Vries",
        "  niveau onbekend",
        "Escalatiepaden",
    ):
        assert line in text.splitlines()
    assert "↺ kringloop" in text


def test_rendered_text_in_english_wraps_long_paths(summary_graph: Graph) -> None:
    text = render_summary(summarize(summary_graph, lang="en"), lang="en", width=70)
    assert "Roles by management level" in text
    assert "↺ cycle" in text
    paths = text.split("Escalation paths\n")[2].split("\n\n")[0].splitlines()
    assert paths[:2] == [
        "  • North professional → North team manager → North line manager",
        "    → Test chain manager → Minister of Test Affairs",
    ]
    assert all(len(line) <= 70 for line in paths)


def test_no_chains() -> None:
    assert render_summary(summarize(Graph()), lang="en") == "No chains found."


def test_sub_properties_of_has_governance_actor_count(summary_graph: Graph) -> None:
    graph = Graph() + summary_graph
    has_core_team = URIRef("https://example.org/def#hasCoreTeam")
    team = URIRef(f"{ID}orgaan/tweede-kernteam")
    graph.add((has_core_team, RDFS.subPropertyOf, KETEN.hasGovernanceActor))
    graph.add((URIRef(f"{ID}keten/regieketen"), has_core_team, team))
    graph.add((team, RDF.type, KETEN.CoreTeam))
    chains = {c.label: c for c in summarize(graph)}
    assert [t.body.iri for t in chains["Regieketen"].core_teams] == [str(team)]


# --- a level the role implies -------------------------------------------------------------------

LEVELS_IMPLIED = Path(__file__).resolve().parent / "designs" / "valid" / "niveaus-uit-de-rol.ttl"


def test_a_role_without_a_stated_level_has_the_level_its_role_implies() -> None:
    """As validation reads a level (KS-R14: keten:atLevel may be left out): the board is
    strategic, the coaching manager tactical, and the post that keten:coaches makes an
    autonomous professional (the reasoner's inference) operational, with its escalation path."""
    from ketenontologie.loading import load_ontology
    from ketenontologie.reasoning import infer

    design = load_graph(LEVELS_IMPLIED)
    [summary] = summarize(load_ontology() + design + infer(design))
    levels = {
        role.label: role.level.iri.removeprefix(f"{ID}niveau/") if role.level else None
        for group in summary.levels
        for role in group.roles
    }
    assert levels["Teammanager Dienst Niveaustad"] == "tactisch"
    assert levels["Professional Dienst Niveaustad"] == "operationeel"  # inferred type
    assert levels["Professional Gemeente Niveaustad"] == "operationeel"  # stated
    assert levels["Ketenmanager niveauketen"] is None  # no role implies the manager's level
    [board] = summary.boards
    assert board.body.level is not None and board.body.level.iri == f"{ID}niveau/strategisch"
    kinds = {role.label: role.kinds for group in summary.levels for role in group.roles}
    assert kinds["Professional Dienst Niveaustad"] == ("autonome professional",)
    assert [path.labels[0] for path in summary.escalation_paths] == [
        "Professional Dienst Niveaustad",
        "Professional Gemeente Niveaustad",
    ]


def test_the_diagram_draws_each_role_in_the_band_of_the_level_its_role_implies() -> None:
    from ketenontologie.diagrams import chain_dot
    from ketenontologie.loading import load_ontology
    from ketenontologie.reasoning import infer

    design = load_graph(LEVELS_IMPLIED)
    [summary] = summarize(load_ontology() + design + infer(design))
    dot = chain_dot(summary, lang="nl", href=lambda iri: None)
    bands = {
        name: body.split("\n  }")[0]
        for name, body in re.findall(r'subgraph "cluster_(\w+)" \{(.*?)\n  \}', dot, re.DOTALL)
    }
    assert "Professional Dienst Niveaustad" in bands["operationeel"]
    assert "Teammanager Dienst Niveaustad" in bands["tactisch"]
    assert "Ketenbestuur niveauketen" in bands["strategisch"]
    assert "Professional Dienst Niveaustad" not in bands.get("onbekend", "")


def test_the_chain_page_reads_the_level_the_role_implies() -> None:
    """The page of a stored design summarises it with its inferred triples, as the store keeps
    them beside the design: the professional typed only as a post is operational there too."""
    from ketenontologie.loading import load_ontology
    from ketenontologie.publication.chains import chain_page
    from ketenontologie.publication.links import ServiceLinks
    from ketenontologie.reasoning import infer

    design = load_graph(LEVELS_IMPLIED)
    page = chain_page(
        URIRef(f"{ID}keten/niveauketen"),
        design=design,
        inferred=infer(design),
        context=load_ontology(),
        links=ServiceLinks(),
        check=lambda graph: (None, None),
    )
    levels = {
        role.link.iri: group.level.iri if group.level else None
        for group in page.summary.levels
        for role in group.roles
    }
    assert levels[f"{ID}rol/niveau-professional"] == f"{ID}niveau/operationeel"
    assert [path[0].iri for path in page.summary.paths] == [
        f"{ID}rol/niveau-professional",
        f"{ID}rol/niveau-professional-gemeente",
    ]


def test_the_implied_levels_are_those_the_rules_give_each_role() -> None:
    """KS-R14 gives the board, the coaching manager and the autonomous professional their level
    (sh:in on keten:atLevel); the summary implies exactly those."""
    from rdflib import SH
    from rdflib.collection import Collection

    from ketenontologie.summary import IMPLIED_LEVELS

    shapes = Graph().parse(Path(__file__).resolve().parents[1] / "shapes" / "roles.ttl")
    given = {}
    for shape in shapes.subjects(SH.path, KETEN.atLevel):
        levels = Collection(shapes, shapes.value(shape, SH["in"]))  # type: ignore[arg-type]
        given[str(shapes.value(shape, SH.targetClass))] = [str(level) for level in levels]
    assert given == {role: [level] for role, level in IMPLIED_LEVELS.items()}


def test_a_stated_level_wins_over_the_level_the_role_implies(summary_graph: Graph) -> None:
    graph = Graph() + summary_graph
    manager = next(graph.subjects(RDFS.label, Literal("Teammanager Noord", lang="nl")))
    graph.remove((manager, KETEN.atLevel, None))
    graph.add((manager, KETEN.atLevel, URIRef(f"{ID}niveau/operationeel")))
    chains = {c.label: c for c in summarize(graph)}
    levels = {
        role.label: role.level.iri if role.level else None
        for group in chains["Proefketen"].levels
        for role in group.roles
    }
    assert levels["Teammanager Noord"] == f"{ID}niveau/operationeel"


def test_the_summary_command_reads_the_level_the_role_implies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ketenontologie.cli import main

    assert main(["summary", str(LEVELS_IMPLIED)]) == 0
    out = capsys.readouterr().out
    roles = out.split("Rollen per niveau\n")[1].split("\n\n")[0]
    assert "  operationeel niveau\n    • Professional Dienst Niveaustad" in roles
    paths = out.split("Escalatiepaden\n")[1]
    assert "• Professional Dienst Niveaustad → Teammanager Dienst Niveaustad" in paths
