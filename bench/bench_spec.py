"""Benchmark: the spec pipeline over the whole corpus, against a bare line scan and against docutils.

    python bench/bench_spec.py [--repeat N] [--skip-docutils]

Prints wall times in seconds (best of N; docutils once) and the ratios. The goal is parse + lint +
features under 2 s on a 2-core machine. It reads ../shared/corpus (or $TALKQA_SHARED/corpus) and exits
with a message, doing nothing, when that is absent. A benchmark prints; it never asserts a timing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from harness.dataflow.gherkin import render_features
from harness.dataflow.lint import lint
from harness.dataflow.parser import parse_file
from harness.errors import FeatureError

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TALKQA_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "technical"


def line_scan(paths: list[Path]) -> int:
    return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in paths)


def parse_only(paths: list[Path]) -> int:
    return sum(len(parse_file(path).sections) for path in paths)


def parse_and_lint(paths: list[Path]) -> int:
    return sum(len(lint(parse_file(path)).findings) for path in paths)


def parse_lint_features(paths: list[Path]) -> int:
    features = 0
    for path in paths:
        document = lint(parse_file(path))
        with contextlib.suppress(FeatureError):  # a document the writer refuses is counted by the tests
            features += len(render_features(document))
    return features


def docutils_doctrees(paths: list[Path]) -> int:
    from docutils.core import publish_doctree

    settings = {"report_level": 5, "halt_level": 5, "warning_stream": io.StringIO(), "file_insertion_enabled": False}
    return sum(len(publish_doctree(path.read_text(encoding="utf-8"), settings_overrides=settings)) for path in paths)


def timed(job: Callable[[list[Path]], int], paths: list[Path], repeat: int) -> tuple[float, int]:
    """The best wall time of ``repeat`` runs, and what the job counted."""
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = job(paths)
        best = min(best, time.perf_counter() - start)
    return best, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, the best is printed (default 3)")
    parser.add_argument("--skip-docutils", action="store_true", help="leave out the docutils figure (about 25 s)")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"bench_spec: skipped: {CORPUS} is absent (set TALKQA_SHARED to the shared folder)", file=sys.stderr)
        return 0
    paths = sorted(CORPUS.glob("*.rst"))
    print(f"corpus: {len(paths)} documents in {CORPUS}; best of {args.repeat} runs, docutils once")
    jobs: list[tuple[str, str, Callable[[list[Path]], int], int]] = [
        ("a", "bare line scan (read + splitlines)", line_scan, args.repeat),
        ("b", "parse", parse_only, args.repeat),
        ("c", "parse + lint", parse_and_lint, args.repeat),
        ("d", "parse + lint + features", parse_lint_features, args.repeat),
    ]
    if not args.skip_docutils:
        jobs.append(("e", "docutils doctree", docutils_doctrees, 1))
    figures: dict[str, float] = {}
    units = {"a": "lines", "b": "sections", "c": "findings", "d": "features", "e": "top-level nodes"}
    for key, label, job, repeat in jobs:
        seconds, count = timed(job, paths, repeat)
        figures[key] = seconds
        print(f"({key}) {label:<36} {seconds:8.3f} s   ({count} {units[key]})")
    scan = figures["a"]
    print("ratios to the line scan: " + ", ".join(f"({k}) {v / scan:.1f}x" for k, v in figures.items() if k != "a"))
    if "e" in figures:
        print(f"docutils / (d): {figures['e'] / figures['d']:.1f}x")
    print(f"goal (d) < 2 s: {'met' if figures['d'] < 2 else 'NOT met'} ({figures['d']:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
