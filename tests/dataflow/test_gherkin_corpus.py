"""The Gherkin writer over the whole corpus: every document's features are accepted by pytest-bdd 9.

pytest-bdd's ``FeatureParser`` reads a file through ``get_gherkin_document``, i.e. the official Gherkin
parser, and then builds its own model; both must accept every feature. The official parser takes about
5 ms per feature, so the 1,152 documents are spread over the machine's cores.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_gherkin import citation_problems, matching_templates, parse_feature, scenario_runs

from harness.dataflow.gherkin import write_features
from harness.dataflow.parser import parse_file
from harness.errors import FeatureError

#: The two scenario templates that name the same thing when a flow goes from a type to itself.


@dataclass(frozen=True)
class DocumentResult:
    name: str
    sections: int
    distinct: int
    self_flows: int  #: distinct sections whose source and target are the same system and type
    features: int = 0
    scenarios: int = 0
    runs: int = 0  #: scenarios as pytest-bdd runs them (an outline once per example)
    resilience: tuple[int, ...] = ()  #: resilience scenarios per feature
    step_texts: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()
    refused: str | None = None  #: the writer's error, when it refused the document


def _check_document(spec: Path, out_dir: Path) -> DocumentResult:
    doc = parse_file(spec)
    distinct = doc.distinct_sections()
    base = DocumentResult(
        spec.name,
        len(doc.sections),
        len(distinct),
        sum(1 for s in distinct if (s.source_system, s.source_type) == (s.target_system, s.target_type)),
    )
    try:
        paths = write_features(doc, out_dir / spec.stem)
    except FeatureError as exc:
        return DocumentResult(base.name, base.sections, base.distinct, base.self_flows, refused=str(exc))
    lines = spec.read_text(encoding="utf-8").splitlines()
    scenarios = runs = 0
    resilience = []
    texts: set[str] = set()
    problems: list[str] = []
    for path in paths:
        feature = parse_feature(path)
        scenarios += len(feature.scenarios)
        resilience.append(sum("resilience" in s.tags for s in feature.scenarios.values()))
        for scenario in feature.scenarios.values():
            for _, steps in scenario_runs(scenario):
                runs += 1
                texts.update(steps)
        problems.extend(f"{spec.name}: {p}" for p in citation_problems(doc, lines, feature))
    return DocumentResult(
        base.name,
        base.sections,
        base.distinct,
        base.self_flows,
        len(paths),
        scenarios,
        runs,
        tuple(resilience),
        frozenset(texts),
        tuple(problems),
    )


def _check_chunk(specs: list[Path], out_dir: Path) -> list[DocumentResult]:
    return [_check_document(spec, out_dir) for spec in specs]


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@pytest.fixture(scope="module")
def corpus_results(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[DocumentResult]:
    specs = sorted(corpus_dir.glob("*.rst"))
    out_dir = tmp_path_factory.mktemp("corpus-features")
    workers = max(1, min(4, os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        chunks = pool.map(_check_chunk, _chunks(specs, 24), itertools.repeat(out_dir))
        return [result for chunk in chunks for result in chunk]


def test_every_corpus_document_yields_features_pytest_bdd_accepts(corpus_results: list[DocumentResult]) -> None:
    assert len(corpus_results) == 1152
    assert sum(r.sections for r in corpus_results) == 4557
    written = [r for r in corpus_results if r.refused is None]
    assert [r.name for r in written if r.features != r.distinct] == []  # one feature per distinct section
    assert all(count == 4 for r in written for count in r.resilience)
    # Plausibility: besides the four resilience items every section has at least one rule item, and
    # outlines run once per example.
    assert all(r.scenarios >= 5 * r.features and r.runs >= r.scenarios for r in written)
    assert sum(r.features for r in written) > 4000
    assert [p for r in written for p in r.problems] == []


def test_every_corpus_document_is_written(corpus_results: list[DocumentResult]) -> None:
    assert [r.name for r in corpus_results if r.refused is not None] == []


def _unbound_steps(corpus_results: list[DocumentResult]) -> tuple[set[str], set[str]]:
    """Step texts matching no template, and those matching more than one."""
    texts = set().union(*(r.step_texts for r in corpus_results))
    counts = {text: len(matching_templates(text)) for text in texts}
    return {t for t, n in counts.items() if n == 0}, {t for t, n in counts.items() if n > 1}


def test_every_corpus_step_binds_to_one_template(corpus_results: list[DocumentResult]) -> None:
    unmatched, ambiguous = _unbound_steps(corpus_results)
    assert unmatched | ambiguous == set()
