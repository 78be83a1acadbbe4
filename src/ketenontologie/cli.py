"""The ``ketenontologie`` command line: parse arguments, call the library, print the result.

Each subcommand is one ``_add_<name>`` function (its arguments) and one ``_run_<name>`` function
(the call into the library); ``_SUBCOMMANDS`` lists the adders. Errors from the library become
exit codes here: 2 for unusable input (:class:`~ketenontologie.errors.InputError`), 1 for any
other :class:`~ketenontologie.errors.KetenontologieError`, with the message on stderr.

A command loads only what it needs: the library is imported inside the functions that call it,
and :func:`main` builds the arguments of the one subcommand named (every subcommand only for
``--help``, a usage error or a name it does not know). ``validate`` in a CI job starts in a few
hundredths of a second instead of half a second.

>>> from ketenontologie.cli import main
>>> main(["--version"])  # doctest: +ELLIPSIS
ketenontologie ...
0
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from ketenontologie.errors import InputError, InputNotFoundError, KetenontologieError
from ketenontologie.resources import design_files, ontology_files

if TYPE_CHECKING:
    from rdflib import Graph

    from ketenontologie.designs import DesignCatalogue
    from ketenontologie.loading import RDFFormat

__all__ = ["add_serve_arguments", "build_parser", "exit_code_for", "main"]

PROG = "ketenontologie"

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INPUT = 2  # also what argparse uses for a usage error

Handler = Callable[[argparse.Namespace], int]


def exit_code_for(error: KetenontologieError) -> int:
    """The exit code for ``error``: 2 for unusable input, 1 otherwise."""
    return EXIT_INPUT if isinstance(error, InputError) else EXIT_ERROR


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def _print(output: str) -> None:
    """Write ``output`` (if any) to stdout; a reader that has gone (``| head``) ends it quietly,
    and the command keeps its exit code."""
    if not output:
        return
    try:
        print(output)
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_to_devnull()


def _stdout_to_devnull() -> None:
    """After a broken pipe: send what stdout still holds to /dev/null, so that flushing it at
    exit raises nothing (the way the Python documentation gives for SIGPIPE)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _load_with_context(paths: Sequence[Path], *, format: RDFFormat | None) -> Graph:
    """Load the inputs (default: the example designs) with the ontology as context, and what
    the reasoner infers from them (a role's kind and level the ontology implies)."""
    from rdflib import Graph

    from ketenontologie.loading import load_graph
    from ketenontologie.reasoning import infer

    graph = Graph()
    design = load_graph(paths or design_files(), format=format)
    try:
        graph += load_graph(ontology_files())
    except InputNotFoundError as error:
        _warn(f"{error} Continuing without the ontology as context.")
    else:
        graph += infer(design, on_inconsistency="ignore")
    graph += design
    return graph


# --- summary -----------------------------------------------------------------------------------


def _add_summary(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ketenontologie.summary import Language

    parser = subcommands.add_parser(
        "summary",
        help="summarise chain designs: partners, bodies, roles by level, escalation",
        description="Summarise every chain in the given RDF files: partners, board, bureau, core "
        "team, roles by management level, the chain manager, phase and escalation paths. "
        "The ontology and concept scheme are always loaded as context.",
    )
    _add_input_arguments(parser, default="the example designs in data/")
    parser.add_argument(
        "--lang",
        choices=get_args(Language),
        default="nl",
        help="language of labels and headings (default: %(default)s)",
    )
    parser.set_defaults(handler=_run_summary)


def _run_summary(args: argparse.Namespace) -> int:
    from ketenontologie.summary import render_summary, summarize

    graph = _load_with_context(args.paths, format=args.format)
    import shutil

    width = max(60, shutil.get_terminal_size((100, 24)).columns)
    print(render_summary(summarize(graph, lang=args.lang), lang=args.lang, width=width))
    return EXIT_OK


# --- serve -------------------------------------------------------------------------------------


def _add_serve(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "serve",
        help="run the SPARQL service (SPARQL 1.1 Protocol, Graph Store, named queries)",
        description="Run the SPARQL service on uvicorn. Every option also comes from a "
        "KETENONTOLOGIE_* environment variable; the update token only from "
        "KETENONTOLOGIE_UPDATE_TOKEN. See docs/service.md.",
    )
    add_serve_arguments(parser)
    parser.set_defaults(handler=_run_serve)


def _run_serve(args: argparse.Namespace) -> int:
    from ketenontologie.api import serve
    from ketenontologie.config import settings_from_args

    serve(settings_from_args(args))
    return EXIT_OK


# --- queries -----------------------------------------------------------------------------------


def _add_queries(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "queries",
        help="list the named queries (queries/*.rq) with their parameters",
        description="List every named query: its name, summary, parameters and what it should "
        "return. The service answers each at /queries/<name>.",
    )
    parser.set_defaults(handler=_run_queries)


def _run_queries(args: argparse.Namespace) -> int:
    from ketenontologie.queries import load_queries

    for query in load_queries().values():
        print(f"{query.name}\n  {query.summary}")
        for parameter in query.parameters:
            need = "required" if parameter.required else "optional"
            print(f"  ?{parameter.name} ({parameter.kind}, {need}): {parameter.description}")
        if query.expect != "any":
            print(f"  expect: {query.expect}")
    return EXIT_OK


# --- validate ----------------------------------------------------------------------------------


def _add_validate(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ketenontologie.validation import FailOn, Language, OutputFormat

    parser = subcommands.add_parser(
        "validate",
        help="check chain designs against the governance rules (SHACL, after OWL 2 RL)",
        description="Validate chain designs against the governance rules KS-R01... (see "
        "docs/rules.md), with the ontology and concept scheme as context, after OWL 2 RL "
        "inference. All files form one design and get one report, with a verdict per chain. "
        "On unusable input every --format but text still writes a document that says so. "
        "What OWL 2 RL finds "
        "inconsistent (e.g. a node in two disjoint classes) is a violation of KS-C01. Exit code "
        "0: no violations (warnings allowed); 1: violations (or warnings with --fail-on "
        "warning); 2: unusable input.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="FILE_OR_DIR",
        help="designs: RDF files, YAML (.yaml), workbooks (.xlsx) or ArchiMate exchange files "
        "(.xml); directories are searched for RDF files",
    )
    parser.add_argument(
        "--format",
        dest="output",
        choices=get_args(OutputFormat),
        default="text",
        help="report format (default: %(default)s)",
    )
    parser.add_argument(
        "--lang",
        choices=get_args(Language),
        default="nl",
        help="language of the messages (default: %(default)s)",
    )
    parser.add_argument(
        "--fail-on",
        choices=get_args(FailOn),
        default="violation",
        help="lowest severity that fails the run (default: %(default)s)",
    )
    parser.add_argument(
        "--shapes",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="extra SHACL shapes (Core or SPARQL) checked on top of the project's rules; "
        "may be repeated",
    )
    parser.set_defaults(handler=_run_validate)


def _run_validate(args: argparse.Namespace) -> int:
    # What the imports made lives as long as the process: the collector need not scan it again
    # and again while the design is validated (a few percent of a one-design run). Nor need it
    # run at all while one report is made: what validation allocates holds no reference cycles
    # worth finding (reference counting frees it), yet every allocation counts towards the
    # collector's thresholds, and its collections cost several percent more.
    gc.freeze()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _validate_and_render(args)
    finally:
        if enabled:
            gc.enable()


def _validate_and_render(args: argparse.Namespace) -> int:
    import os

    from ketenontologie.convert import reading_notes
    from ketenontologie.validation import render, validate
    from ketenontologie.validation.render import render_error

    try:
        report = validate(args.paths, shapes=args.shapes or None, fail_on=args.fail_on)
    except InputError as error:
        # CI reads stdout: every format but text says there, in its own terms, that the input
        # could not be used (the message goes to stderr as for every command).
        _print(render_error(error, args.output, lang=args.lang))
        raise
    for note in reading_notes(args.paths):
        _warn(note)
    color = args.output == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    _print(render(report, args.output, lang=args.lang, color=color))
    return report.exit_code


# --- diff --------------------------------------------------------------------------------------


def _add_diff(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ketenontologie.changes import DiffFormat, FailOn
    from ketenontologie.summary import Language

    parser = subcommands.add_parser(
        "diff",
        help="what changed in the chains' governance between two versions of a design",
        description="Compare two versions of a design and say what changed in governance "
        "terms: partners, bodies, board seats, posts and their kind, level, holder and "
        "overriding power, escalation steps and the paths of operational roles, building "
        "blocks, phase, objective and labels, and the validation findings fixed and new; what "
        "else differs is listed as 'other' with its triples. Either OLD and NEW (files or "
        "directories), or --git REV with the paths to compare in the working tree (default: "
        "the current directory). Formatting is no change. Exit code 0 whether or not anything "
        "changed; 1 with --fail-on new-violation when a change introduces a violation; 2: "
        "unusable input.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="OLD and NEW: designs in any format the project reads, or directories searched "
        "for RDF files; with --git, the working tree's files or directories to compare",
    )
    parser.add_argument(
        "--git",
        metavar="REV",
        help="compare the working tree with git revision REV (e.g. origin/main, HEAD~1); the "
        "old files are read from the repository, the working tree is not touched",
    )
    parser.add_argument(
        "--format",
        dest="output",
        choices=get_args(DiffFormat),
        default="text",
        help="output format; markdown for a pull-request comment, patch for RDF Patch "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--lang",
        choices=get_args(Language),
        default="nl",
        help="language of labels and messages (default: %(default)s)",
    )
    parser.add_argument(
        "--fail-on",
        choices=get_args(FailOn),
        help="exit 1 when a change introduces a finding of this kind",
    )
    parser.add_argument(
        "--shapes",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="extra SHACL shapes for the findings, as for validate; may be repeated",
    )
    parser.set_defaults(handler=_run_diff)


def _run_diff(args: argparse.Namespace) -> int:
    from ketenontologie.changes import compare, read_design, read_revision, render

    if args.git is not None:
        old, new = read_revision(args.git, args.paths or [Path()])
    elif len(args.paths) == 2:
        old, new = read_design(args.paths[0]), read_design(args.paths[1])
    else:
        raise InputError(
            "diff compares two versions: name OLD and NEW (files or directories), "
            "or use --git REV [PATHS]."
        )
    comparison = compare(old, new, shapes=args.shapes or None)
    print(render(comparison, args.output, lang=args.lang))
    return EXIT_ERROR if comparison.fails(args.fail_on) else EXIT_OK


# --- convert and template ---------------------------------------------------------------------


def _add_convert(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ketenontologie.convert import OUTPUT_EXTENSIONS, OutputFormat

    parser = subcommands.add_parser(
        "convert",
        help="convert a chain design between Turtle, YAML, a workbook and ArchiMate",
        description="Read a design (Turtle, N-Triples, JSON-LD, RDF/XML, YAML, .xlsx or an "
        "ArchiMate 3.1 exchange file .xml) and write it in the format of OUT's extension "
        f"({', '.join(OUTPUT_EXTENSIONS)}) or --to. Turtle out is canonical (the same design "
        "gives the same bytes). YAML and the workbook keep every statement; ArchiMate keeps "
        "the governance and says on stderr what it could not carry. OUT '-' writes to stdout.",
    )
    parser.add_argument("source", type=Path, metavar="IN", help="the design to read")
    parser.add_argument("target", metavar="OUT", help="the file to write, or - for stdout")
    parser.add_argument("--to", choices=get_args(OutputFormat), help="format of OUT")
    parser.set_defaults(handler=_run_convert)


def _run_convert(args: argparse.Namespace) -> int:
    from ketenontologie.convert import convert_file, output_format_for

    if args.target == "-" and args.to is None:
        raise InputError("Writing to stdout needs --to: name the format (e.g. --to turtle).")
    to = output_format_for(args.target, to=args.to)
    conversion = convert_file(args.source, to=to)
    _write_output(args.target, conversion.data)
    for note in conversion.notes:
        _warn(note)
    return EXIT_OK


def _add_template(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ketenontologie.convert import TemplateFormat

    parser = subcommands.add_parser(
        "template",
        help="write a template to start a chain design in YAML, a workbook or ArchiMate",
        description="Write a template: --format xlsx an empty workbook with one sheet per kind "
        "of thing and drop-down lists; --format archimate an Archi-ready starter model (one "
        "chain with one element of every specialization, laid out by level); --format yaml "
        "the same starter design in YAML.",
    )
    parser.add_argument("--format", required=True, choices=get_args(TemplateFormat))
    parser.add_argument(
        "--output", "-o", default="-", metavar="FILE", help="file to write (default: stdout)"
    )
    parser.set_defaults(handler=_run_template)


def _run_template(args: argparse.Namespace) -> int:
    from ketenontologie.convert import template

    _write_output(args.output, template(args.format))
    return EXIT_OK


def _write_output(target: str, data: bytes) -> None:
    if target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        Path(target).write_bytes(data)
    except OSError as error:
        raise InputError(
            f"{target}: cannot be written ({error.strerror}). Check the directory and try again."
        ) from None


# --- reason and explain ------------------------------------------------------------------------


def _add_reason(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from ketenontologie.reasoning import OutputFormat

    parser = subcommands.add_parser(
        "reason",
        help="OWL 2 RL inference over chain designs: asserted and inferred triples",
        description="Infer what OWL 2 RL entails from the given designs (one per file) with the "
        "ontology and concept scheme, and write the designs with their inferred triples. TriG "
        "puts asserted and inferred triples in named graphs of their own. Exit code 0: "
        "consistent; 1: OWL 2 RL finds an inconsistency (listed on stderr); 2: unusable input.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="FILE_OR_DIR",
        help="RDF files (one design each), or directories searched for them",
    )
    parser.add_argument(
        "--format",
        dest="output",
        choices=get_args(OutputFormat),
        default="turtle",
        help="output format (default: %(default)s)",
    )
    parser.add_argument(
        "--inferred-only",
        dest="include",
        action="store_const",
        const="inferred",
        default="all",
        help="write only the inferred triples",
    )
    parser.set_defaults(handler=_run_reason)


def _run_reason(args: argparse.Namespace) -> int:
    from ketenontologie.reasoning import Reasoner, load_designs, serialize

    designs = load_designs(args.paths)
    inferred = Reasoner.from_ontology().infer(designs)
    sys.stdout.write(serialize(designs, inferred, format=args.output, include=args.include))
    for inconsistency in inferred.inconsistencies:
        print(f"{PROG}: inconsistency: {inconsistency.message}", file=sys.stderr)
    return EXIT_ERROR if inferred.inconsistencies else EXIT_OK


def _add_explain(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "explain",
        help="why a triple holds: its derivation down to asserted triples",
        description="Show why a triple is entailed by the given designs with the ontology: the "
        "OWL 2 RL rule, the ontology axiom and the premises of each step, down to the triples "
        "the designs assert. Exit code 0: explained; 1: the triple does not hold; 2: unusable "
        "input.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="FILE_OR_DIR",
        help="RDF files (one design each), or directories searched for them",
    )
    parser.add_argument(
        "--triple",
        required=True,
        metavar='"S P O"',
        help="the triple, as in Turtle: IRIs in <>, prefixed names (keten:, rol:, the files' "
        'own prefixes) or literals, e.g. "rol:a keten:escalatesEventuallyTo orgaan:b"',
    )
    parser.set_defaults(handler=_run_explain)


def _run_explain(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from ketenontologie.reasoning import Reasoner, load_designs, parse_triple, prefix_manager

    designs = load_designs(args.paths)
    context = Graph()
    for design in designs.values():
        for prefix, namespace in design.namespaces():
            context.bind(prefix, namespace, override=False)
    manager = prefix_manager(context)
    triple = parse_triple(args.triple, prefixes=dict(manager.namespaces()))
    explanation = Reasoner.from_ontology().infer(designs).explain(triple)
    print(explanation.render(namespaces=manager))
    return EXIT_OK


# --- designs in a store ------------------------------------------------------------------------


def _add_designs(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "designs",
        help="store, list, show and remove chain designs in the service's store",
        description="Work on the designs in a store as the service does: 'put' validates a "
        "design and stores it with its inferred triples in one transaction, 'list', 'show' and "
        "'rm' do what they say. The store comes from --store/--data-dir or the "
        "KETENONTOLOGIE_* variables (docs/deploy.md); the embedded store can be opened by one "
        "process at a time, so stop a service that uses the same data directory first.",
    )
    actions = parser.add_subparsers(title="action", metavar="ACTION", required=True)
    put = actions.add_parser("put", help="validate and store (or replace) a design")
    put.add_argument("design_id", metavar="ID", help="the design's id (letters, digits, . _ -)")
    put.add_argument("path", type=Path, metavar="FILE", help="the design, an RDF file")
    put.add_argument(
        "--strict",
        action="store_true",
        help="store only a design that conforms (exit 1 and nothing stored otherwise)",
    )
    show = actions.add_parser("show", help="write a stored design as Turtle")
    show.add_argument("design_id", metavar="ID")
    show.add_argument(
        "--include",
        choices=("asserted", "inferred", "all"),
        default="asserted",
        help="the design's own triples, those inferred from it, or both (default: %(default)s)",
    )
    listing = actions.add_parser("list", help="the stored designs and their sizes")
    remove = actions.add_parser("rm", help="remove a design and what only it supported")
    remove.add_argument("design_id", metavar="ID")
    for action, handler in ((put, _run_designs_put), (show, _run_designs_show)):
        action.set_defaults(handler=handler)
    listing.set_defaults(handler=_run_designs_list)
    remove.set_defaults(handler=_run_designs_rm)
    for action in (put, show, listing, remove):
        _add_store_arguments(action)


@contextlib.contextmanager
def _catalogue(args: argparse.Namespace) -> Iterator[DesignCatalogue]:
    from ketenontologie.config import settings_from_args
    from ketenontologie.designs import open_catalogue
    from ketenontologie.store import open_store

    settings = settings_from_args(args)
    store = open_store(settings)
    try:
        yield open_catalogue(store, load_project=settings.load_project)
    finally:
        store.close()


def _run_designs_put(args: argparse.Namespace) -> int:
    from ketenontologie.designs import check_design_id, store_design
    from ketenontologie.loading import parse_file
    from ketenontologie.namespaces import design_graph
    from ketenontologie.validation import render

    design = parse_file(args.path, base_iri=design_graph(check_design_id(args.design_id)))
    with _catalogue(args) as catalogue:
        outcome, report = store_design(
            catalogue, design, design_id=args.design_id, strict=args.strict
        )
    print(render(report, "text"))
    what = "stored" if outcome.created else "replaced"
    info = outcome.info
    print(f"{args.design_id}: {what}, {info.triples} triples, {info.inferred} inferred")
    return EXIT_OK


def _run_designs_show(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from ketenontologie.namespaces import PREFIXES

    with _catalogue(args) as catalogue:
        triples = catalogue.read(args.design_id, include=args.include)
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES)) or b""
    sys.stdout.write(text.decode("utf-8"))
    return EXIT_OK


def _run_designs_list(args: argparse.Namespace) -> int:
    with _catalogue(args) as catalogue:
        infos = catalogue.infos()
    for info in infos:
        print(f"{info.id}\t{info.triples} triples\t{info.inferred} inferred")
    return EXIT_OK


def _run_designs_rm(args: argparse.Namespace) -> int:
    with _catalogue(args) as catalogue:
        removed = catalogue.remove(args.design_id)
    print(f"{args.design_id}: removed, {removed} inferred triples went with it")
    return EXIT_OK


# --- publish -----------------------------------------------------------------------------------


def _add_publish(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "publish",
        help="write release artefacts (dist) or the w3id.org redirect rules (w3id)",
        description="Publish the vocabulary. 'dist' writes the ontology, shapes and concept "
        "scheme in Turtle, JSON-LD, RDF/XML and N-Triples, with the version IRI stamped, plus "
        "the HTML documentation. 'w3id' writes the .htaccess rules for the w3id.org registry.",
    )
    targets = parser.add_subparsers(title="what", metavar="WHAT", required=True)
    dist = targets.add_parser("dist", help="release artefacts and static HTML documentation")
    dist.add_argument("--out", type=Path, default=Path("dist"), help="folder (default: dist)")
    dist.set_defaults(handler=_run_publish_dist)
    # The defaults are resolved when the command runs: importing the publication package here
    # would cost every other command (validate in a CI job) a third of a second at start-up.
    w3id = targets.add_parser("w3id", help="redirect rules for w3id.org (.htaccess)")
    w3id.add_argument("--out", type=Path, help="(default: docs/w3id/.htaccess)")
    w3id.add_argument(
        "--target",
        help="the service's address (default: a placeholder, https://ketenontologie.example.org)",
    )
    w3id.set_defaults(handler=_run_publish_w3id)


def _run_publish_dist(args: argparse.Namespace) -> int:
    from ketenontologie.publication.dist import build_dist

    written = build_dist(args.out)
    print(f"{len(written)} files written to {args.out}/")
    return EXIT_OK


def _run_publish_w3id(args: argparse.Namespace) -> int:
    from ketenontologie.publication.w3id import DEFAULT_TARGET, HTACCESS_PATH, write_htaccess

    print(write_htaccess(args.out or HTACCESS_PATH, target=args.target or DEFAULT_TARGET))
    return EXIT_OK


# --- options shared by serve and designs --------------------------------------------------------


def _add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--data-dir`` and ``--store``: which store to open."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="directory of the store; an empty one is filled with the project's data "
        "(default: $XDG_DATA_HOME/ketenontologie, or ~/.local/share/ketenontologie)",
    )
    parser.add_argument(
        "--store",
        metavar="STORE",
        help="'oxigraph' (the embedded store in --data-dir, the default) or the URL of a "
        "SPARQL 1.1 server, sparql+http://host:8890/sparql; its account comes from "
        "KETENONTOLOGIE_STORE_USER and KETENONTOLOGIE_STORE_PASSWORD (docs/deploy.md)",
    )


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options; each one defaults to its ``KETENONTOLOGIE_*`` variable."""
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: 8000)")
    _add_store_arguments(parser)
    parser.add_argument("--query-timeout", type=float, help="seconds per query (default: 10)")
    parser.add_argument("--row-limit", type=int, help="rows per result at most (default: 10000)")
    parser.add_argument("--max-body-bytes", type=int, help="largest request body (default: 10 MB)")
    parser.add_argument(
        "--cors-origin",
        action="append",
        dest="cors_origins",
        metavar="ORIGIN",
        help="origin allowed to query from a browser (repeat for more)",
    )
    parser.add_argument("--base-iri", help="base IRI of the knowledge graph")
    parser.add_argument("--query-workers", type=int, help="query worker processes (default: 3)")
    parser.add_argument(
        "--no-load-project",
        dest="load_project",
        action="store_const",
        const=False,
        help="start empty instead of loading the project's data into an empty data directory",
    )


# --- parser ------------------------------------------------------------------------------------


def _add_input_arguments(parser: argparse.ArgumentParser, *, default: str) -> None:
    from ketenontologie.loading import RDFFormat

    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="FILE_OR_DIR",
        help=f"RDF files, or directories searched for them (default: {default})",
    )
    parser.add_argument(
        "--format",
        choices=get_args(RDFFormat),
        help="RDF format of the given files (default: from each file's extension)",
    )


_SUBCOMMANDS: dict[str, Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = {
    "summary": _add_summary,
    "queries": _add_queries,
    "validate": _add_validate,
    "diff": _add_diff,
    "convert": _add_convert,
    "template": _add_template,
    "reason": _add_reason,
    "explain": _add_explain,
    "serve": _add_serve,
    "designs": _add_designs,
    "publish": _add_publish,
}
"""Each subcommand's name and the function that adds it, in the order ``--help`` lists them."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand, or with only ``command`` (which parses that
    command's arguments exactly as the whole parser does, and loads nothing for the others)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Knowledge graph of ketensturing (chain governance in the Dutch public "
        "sector): load, summarise and check chain designs.",
    )
    parser.add_argument("--version", action=_VersionAction)
    subcommands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name, add in _SUBCOMMANDS.items():
        if command is None or name == command:
            add(subcommands)
    return parser


class _VersionAction(argparse._VersionAction):
    """argparse's ``--version``, which reads the installed version only when it is asked for
    (reading it costs a tenth of a second of start-up)."""

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        from ketenontologie import __version__

        self.version = f"{PROG} {__version__}"
        super().__call__(*args, **kwargs)


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names, when it names one first (the parser has no options of its
    own but ``--help`` and ``--version``, which need the whole parser)."""
    first = argv[0] if argv else None
    return first if first in _SUBCOMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    >>> main(["summary", "tests/fixtures/summary/chain.ttl", "--lang", "en"])  # doctest: +SKIP
    0
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser(_command(arguments)).parse_args(arguments)
    except SystemExit as exit:  # --help, --version and usage errors: return, don't exit
        return exit.code if isinstance(exit.code, int) else EXIT_ERROR
    handler: Handler = args.handler
    try:
        code = handler(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # the reader of stdout has gone (| head): stop quietly
        _stdout_to_devnull()
        return EXIT_ERROR
    except KetenontologieError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return exit_code_for(error)
