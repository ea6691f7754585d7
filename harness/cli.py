"""``talkqa`` — the command line. Thin: it parses arguments and calls the library.

Exit codes: 0 success; 1 a check failed (lint errors, features out of date, a required checklist
item failed); 2 the spec or the command line is unusable; 130 interrupted; ``talkqa run`` also 3
(internal error) and 5 (nothing was checked) — see ``harness.checklist.runner``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from harness import __version__
from harness.errors import HarnessError, UnreadableSpecError, UsageError
from harness.options import DEFAULT_SPEC, add_arguments, non_negative, positive, values_of

#: ``talkqa serve --call-log``'s default (``harness.mock.served.SERVED_CALL_WINDOW``, not imported: the CLI
#: loads no mock until one is served).
SERVED_CALL_WINDOW = 1000

__all__ = ["DEFAULT_SPEC", "EXIT_FAILED", "EXIT_OK", "EXIT_UNUSABLE", "build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNUSABLE = 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_UNUSABLE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _port(text: str) -> int:
    value = non_negative(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a TCP port from 0 to 65535, got {value}")
    return value


def _spec_paths(values: Sequence[str]) -> list[Path]:
    return [Path(v) for v in values]


# -- lint / parse / features ----------------------------------------------------------------
def _cmd_parse(args: argparse.Namespace) -> int:
    from harness.dataflow.parser import parse_file

    status = EXIT_OK
    for path in _spec_paths(args.spec):
        try:
            document = parse_file(path)
        except UnreadableSpecError as exc:
            print(f"talkqa: {exc}", file=sys.stderr)
            status = EXIT_UNUSABLE
            continue
        if args.format == "json":
            print(json.dumps(document.as_json(), ensure_ascii=False))
        else:
            distinct = len(document.distinct_sections())
            rows = sum(len(s.properties) for s in document.sections)
            print(
                f"{document.path}: {document.title!r}: {len(document.sections)} sections "
                f"({distinct} distinct), {rows} property rows, {len(document.findings)} findings"
            )
            for section in document.sections:
                print(
                    f"  line {section.line}: {section.title} "
                    f"[{', '.join(r.kind.value for r in section.rules)}] "
                    f"{len(section.properties)} properties, {len(section.merge_criteria)} merge criteria"
                )
    return status


def _cmd_lint(args: argparse.Namespace) -> int:
    from harness.dataflow.lint import lint_file
    from harness.dataflow.model import Severity

    status = EXIT_OK
    totals = dict.fromkeys(Severity, 0)
    for path in _spec_paths(args.spec):
        try:
            document = lint_file(path)
        except UnreadableSpecError as exc:
            if args.format == "json":
                print(json.dumps({"path": str(path), "line": exc.line, "error": exc.problem}, ensure_ascii=False))
            else:
                print(f"talkqa: {exc}", file=sys.stderr)
            status = EXIT_UNUSABLE
            continue
        findings = document.findings
        for finding in findings:
            totals[finding.severity] += 1
        if args.format == "json":
            print(
                json.dumps(
                    {"path": document.path, "findings": [f.as_json() for f in findings]},
                    ensure_ascii=False,
                )
            )
        else:
            for finding in findings:
                print(finding.render(document.path))
        if any(f.severity is Severity.ERROR for f in findings) and status == EXIT_OK:
            status = EXIT_FAILED
    if args.format == "text":
        print(
            f"talkqa lint: {totals[Severity.ERROR]} errors, {totals[Severity.WARNING]} warnings, "
            f"{totals[Severity.INFO]} notes in {len(args.spec)} file(s)",
            file=sys.stderr,
        )
    return status


def _cmd_features(args: argparse.Namespace) -> int:
    from harness.dataflow.gherkin import check_features, write_features
    from harness.dataflow.parser import parse_file

    document = parse_file(Path(args.spec))
    out_dir = Path(args.output)
    if args.check:
        differences = check_features(document, out_dir)
        for difference in differences:
            print(difference)
        if differences:
            print(
                f"talkqa features: {out_dir} is out of date with {args.spec}; "
                f"run `talkqa features {args.spec} -o {out_dir}`",
                file=sys.stderr,
            )
            return EXIT_FAILED
        print(f"talkqa features: {out_dir} matches {args.spec}", file=sys.stderr)
        return EXIT_OK
    written = write_features(document, out_dir)
    for path in written:
        print(path)
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    from harness.mock.served import check_loopback

    host = check_loopback(args.host)
    if args.system == "exact":
        from harness.exact.serve import serve as serve_exact

        return serve_exact(
            host=host,
            port=args.port,
            seed=args.seed,
            items=args.items,
            orders=args.orders,
            minutely_limit=args.minutely_limit,
            daily_limit=args.daily_limit,
            token_ttl=args.token_ttl,
            call_log=args.call_log,
        )
    from harness.squarespace.serve import serve as serve_squarespace

    return serve_squarespace(
        host=host,
        port=args.port,
        seed=args.seed,
        products=args.products,
        orders=args.orders,
        rate_limit=args.rate_limit,
        call_log=args.call_log,
    )


def _cmd_run(args: argparse.Namespace) -> int:
    from harness.checklist.runner import RunOptions, run_checklist

    return run_checklist(RunOptions(**values_of(args, "run")))


def _cmd_selfcheck(args: argparse.Namespace) -> int:
    from harness.selfcheck.run import REFERENCE, RunOutcome, SelfCheckOptions, render_table, run_selfcheck

    def progress(outcome: RunOutcome) -> None:
        if outcome.problem is not None:
            what = "could not run"
        elif outcome.target.name == REFERENCE:
            what = f"{len(outcome.failed)} item(s) fail against the reference engine"
        else:
            what = f"caught by {len(outcome.failed)} item(s)" if outcome.failed else "SURVIVED"
        print(f"talkqa selfcheck: {outcome.target.name}: {what} ({outcome.duration_s:.1f} s)", file=sys.stderr)

    result = run_selfcheck(SelfCheckOptions(**values_of(args, "selfcheck")), on_done=progress)
    print(render_table(result))
    caught = sum(1 for f in result.faults if f.caught)
    if result.problems:
        names = ", ".join(r.target.name for r in result.problems)
        verdict = f"cannot judge: the run(s) of {names} did not report"
    elif result.exit_code == 0:
        verdict = f"every broken engine is caught ({caught} of {len(result.faults)}), the reference engine passes"
    else:
        survivors = ", ".join(f.target.name for f in result.survivors) or "none"
        verdict = f"{caught} of {len(result.faults)} broken engines caught; survived: {survivors}"
        if result.reference.failed:
            verdict += f"; the reference engine fails {len(result.reference.failed)} item(s)"
    print(
        f"talkqa selfcheck: {verdict} — {result.duration_s:.1f} s on {result.workers} worker(s); "
        f"reports in {Path(args.report_dir)}/<engine>/",
        file=sys.stderr,
    )
    return result.exit_code


def _add_selfcheck(commands: argparse._SubParsersAction[_Parser]) -> None:
    from harness.selfcheck.broken import BROKEN_ENGINES

    names = ", ".join(fault.name for fault in BROKEN_ENGINES)
    selfcheck = commands.add_parser(
        "selfcheck",
        help="prove the checklist can fail: run it against deliberately broken engines",
        description=(
            "Run the checklist against the reference engine and against each deliberately broken engine "
            "(harness.selfcheck.broken), each run in its own process, and print which items caught which fault. "
            "Exit 0 when every broken engine is caught by at least one failing item and the reference engine "
            "fails none; 1 when a broken engine survives or the reference engine fails an item; 2 when the spec, "
            "the mapping or the command line is unusable, or a run could not report."
        ),
        epilog=f"Broken engines: {names}.",
    )
    add_arguments(selfcheck, "selfcheck")
    selfcheck.set_defaults(handler=_cmd_selfcheck)


def _add_run(commands: argparse._SubParsersAction[_Parser]) -> None:
    run = commands.add_parser(
        "run",
        help="run the checklist of a dataflow document against a system under test",
        description=(
            "Generate (or reuse) the spec's Gherkin checklist and run it against the system under test over "
            "the Exact Online and Squarespace mocks. Writes checklist.html, checklist.json, junit.xml and "
            "cucumber.json into the report folder (written beside it, moved in when the run ends; an "
            "interrupted run leaves a report marked interrupted). Prints one line per failed item and a summary."
        ),
        epilog=(
            "Exit codes: 0 at least one required item ran and every required item passed; 1 a required item "
            "failed or could not be set up (--strict: or is pending); 2 unusable input, refused before anything "
            "runs (spec, mapping, --sut, report folder, an -m/-k pytest cannot parse or an -m naming no tag, "
            "error-level lint findings unless --allow-lint-errors), or pytest could not collect the checklist; "
            "3 internal error; 5 nothing was checked (no item selected, or all pending or skipped), with the "
            "reason; 130 interrupted (Ctrl-C), 143 stopped by SIGTERM."
        ),
    )
    add_arguments(run, "run")
    run.set_defaults(handler=_cmd_run)


def _add_serve(commands: argparse._SubParsersAction[_Parser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve a mock system on loopback until Ctrl-C",
        description=(
            "Serve a mock of a system on this machine only (loopback). On start it prints exactly one "
            "JSON line to stdout saying how a client reaches and logs in to it; Ctrl-C stops it."
        ),
    )
    systems = serve.add_subparsers(dest="system", metavar="SYSTEM", parser_class=_Parser)
    systems.required = True

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=_port, default=0, help="port to listen on; 0 (default) picks a free one")
        parser.add_argument(
            "--call-log",
            type=positive,
            default=SERVED_CALL_WINDOW,
            metavar="N",
            help="calls the mock keeps as evidence, the oldest dropped first (default %(default)s)",
        )
        parser.add_argument("--seed", type=non_negative, default=1, help="seed of the fake data (default 1)")
        parser.add_argument("--orders", type=non_negative, default=10, help="sales orders to create (default 10)")

    exact = systems.add_parser(
        "exact",
        help="the Exact Online REST API mock",
        description=(
            "Serve the Exact Online mock. The start line holds base_url, auth_url, token_url, client_id, "
            "client_secret, redirect_uri and division."
        ),
    )
    common(exact)
    exact.add_argument("--items", type=non_negative, default=50, help="items to create (default 50)")
    exact.add_argument(
        "--minutely-limit", type=positive, default=60, help="calls per minute per app and division (default 60)"
    )
    exact.add_argument(
        "--daily-limit", type=positive, default=5000, help="calls per day per app and division (default 5000)"
    )
    exact.add_argument("--token-ttl", type=positive, default=600, help="access token lifetime in seconds (default 600)")

    squarespace = systems.add_parser(
        "squarespace",
        help="the Squarespace Commerce API mock",
        description="Serve the Squarespace Commerce mock. The start line holds base_url and api_key.",
    )
    common(squarespace)
    squarespace.add_argument("--products", type=non_negative, default=20, help="products to create (default 20)")
    squarespace.add_argument("--rate-limit", type=positive, default=300, help="requests per minute (default 300)")
    serve.set_defaults(handler=_cmd_serve)


# -- the parser -----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="talkqa",
        description=(
            "Turn Sesam Talk dataflow documents into runnable QA checklists: parse and lint them, write Gherkin "
            "features, run the checklist against a sync engine over mocks of the systems they name, and serve "
            "those mocks."
        ),
        epilog=(
            "Exit codes: 0 ok, 1 a check failed, 2 unusable spec or command line; talkqa run also 5 when "
            "nothing was checked and 130 when interrupted (see talkqa run --help)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"talkqa {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    lint = commands.add_parser(
        "lint",
        help="report what is wrong with dataflow documents",
        description=(
            "Check dataflow documents and print one finding per line as "
            "'path:line: CODE severity: message'. Exit 0 without errors, 1 when a finding of "
            "severity error exists, 2 when a file cannot be read."
        ),
    )
    lint.add_argument("spec", nargs="+", metavar="SPEC", help="dataflow document(s) to check")
    lint.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text lines (default) or one JSON object per file",
    )
    lint.set_defaults(handler=_cmd_lint)

    parse = commands.add_parser(
        "parse",
        help="print the model of dataflow documents",
        description=(
            "Parse dataflow documents. With --format json, print one JSON object per file and line: "
            "path, title, systems, generated, sections (rules, properties, merge criteria) and findings."
        ),
    )
    parse.add_argument("spec", nargs="+", metavar="SPEC", help="dataflow document(s) to parse")
    parse.add_argument("--format", choices=("text", "json"), default="text", help="a summary (default) or JSON lines")
    parse.set_defaults(handler=_cmd_parse)

    features = commands.add_parser(
        "features",
        help="write the Gherkin checklist of a dataflow document",
        description=(
            "Write one .feature file per distinct flow section of SPEC into DIR (a section repeated "
            "word for word is written once). With --check, write nothing and exit 1 when the files "
            "in DIR differ from what SPEC gives."
        ),
    )
    features.add_argument("spec", metavar="SPEC", help="the dataflow document")
    features.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the .feature files")
    features.add_argument("--check", action="store_true", help="compare DIR with what SPEC gives instead of writing")
    features.set_defaults(handler=_cmd_features)

    _add_run(commands)
    _add_selfcheck(commands)
    _add_serve(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        print(f"talkqa: error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except UnreadableSpecError as exc:
        print(f"talkqa: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except HarnessError as exc:
        print(f"talkqa: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt as exc:
        print("talkqa: interrupted", file=sys.stderr)
        signum = getattr(exc, "signum", None)
        return 128 + signum if isinstance(signum, int) else EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
