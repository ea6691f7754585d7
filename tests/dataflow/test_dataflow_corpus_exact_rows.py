"""Real rows: every Exact Online field that a published document involving Exact Online names is in talkqa's
field catalogue, or lint says why it cannot be checked (no metadata for the type, TQ033; an unknown field,
TQ030 with its reason)."""

from __future__ import annotations

from support import CORPUS, require

from harness.dataflow import codes
from harness.dataflow.lint import lint_file
from harness.systems import resolve_system
from harness.systems.fields import exact_catalogue


def test_every_exact_field_the_corpus_names_is_catalogued_or_lint_says_why() -> None:
    require(CORPUS)
    documents = [p for p in sorted(CORPUS.glob("*.rst")) if "Exact Online" in p.read_text(encoding="utf-8")]
    assert len(documents) >= 60  # 67 published documents involve Exact Online (68 with the seed spec)
    checked = unexplained = 0
    for path in documents:
        document = lint_file(path)
        explained = {(f.code, f.line) for f in document.findings}
        for section in document.distinct_sections():
            sides = (
                (section.source_system or document.source_system, section.source_type, "source"),
                (section.target_system or document.target_system, section.target_type, "target"),
            )
            for system, spec_type, side in sides:
                if resolve_system(system, [spec_type]).strip() != "Exact Online":
                    continue
                fields = exact_catalogue(spec_type)
                named = [(p.source if side == "source" else p.target, p.line) for p in section.properties]
                named += [(m.source if side == "source" else m.target, m.line) for m in section.merge_criteria]
                for field, line in named:
                    if not field:
                        continue
                    checked += 1
                    if fields is None:
                        ok = (codes.NO_FIELD_METADATA.code, section.line) in explained
                    else:
                        ok = fields.lookup(field).exists or (codes.UNKNOWN_FIELD.code, line) in explained
                    unexplained += not ok
                    assert ok, f"{path.name}:{line}: Exact Online {spec_type}.{field} is neither catalogued nor linted"
    assert checked > 0 and unexplained == 0
