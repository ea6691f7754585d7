"""Benchmark: specs of growing size — parse, lint and mapping resolution should grow linearly, and a
large spec's checklist items should cost what the bundled spec's cost (the spec is parsed once per
process, by the checker and by the engine, not once per engine build).

The large specs repeat the bundled spec's sections (word for word, as generated documents do), so the
checklist stays the same items. Prints figures; asserts nothing.
Run: ``.venv/bin/python bench/bench_spec_size.py [--sizes 0.25 1 5] [--run]``
(``--run`` also times ``talkqa run -m line_14`` on the bundled spec and on the largest one).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.dataflow.lint import lint
from harness.dataflow.parser import parse_file
from harness.mapping.sections import effective_mapping

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "fixtures" / "specs" / "exact-squarespace.rst"


def make_spec(folder: Path, megabytes: float) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    head, _, first = text.partition("\nExact Online Items to Squarespace Inventory\n")
    sections = "\nExact Online Items to Squarespace Inventory\n" + first
    copies = max(1, int(megabytes * 1024 * 1024 / len(sections.encode())))
    path = folder / f"spec-{megabytes:g}mb.rst"
    path.write_text(head + sections * copies, encoding="utf-8")
    return path


def timed(action: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()  # type: ignore[operator]
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.25, 1.0, 5.0])
    parser.add_argument("--run", action="store_true", help="also time talkqa run -m line_14")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="talkqa-bench-spec-") as tmp:
        folder = Path(tmp)
        print(f"{'size':>8} {'sections':>9} {'parse s':>8} {'lint s':>8} {'mapping s':>10} {'s per MB':>9}")
        largest = BUNDLED
        for size in args.sizes:
            spec = make_spec(folder, size)
            largest = spec
            parse_s, document = timed(lambda spec=spec: parse_file(spec))
            lint_s, linted = timed(lambda document=document: lint(document))  # type: ignore[arg-type]
            mapping_s, _ = timed(lambda linted=linted: effective_mapping(linted))  # type: ignore[arg-type]
            mb = spec.stat().st_size / (1024 * 1024)
            total = parse_s + lint_s + mapping_s
            print(
                f"{mb:7.2f}M {len(document.sections):9,} {parse_s:8.2f} {lint_s:8.2f} {mapping_s:10.3f} "  # type: ignore[attr-defined]
                f"{total / mb:9.2f}"
            )
        if args.run:
            for spec in (BUNDLED, largest):
                argv = [sys.executable, "-m", "harness.cli", "run", "--spec", str(spec), "-m", "line_14",
                        "--report-dir", str(folder / "reports")]  # fmt: skip
                seconds, finished = timed(lambda argv=argv: subprocess.run(argv, capture_output=True, text=True))
                last = finished.stdout.strip().splitlines()[-1] if finished.stdout.strip() else finished.stderr[-300:]  # type: ignore[attr-defined]
                print(f"talkqa run -m line_14 --spec {spec.name}: {seconds:.1f} s — {last}")


if __name__ == "__main__":
    main()
