"""The mutation score of the last ``mutmut run`` (``make mutate``): how many mutants of the engine's
decision and conversion modules the checklist killed, and the survivors by name, with the reason
mutation-survivors.md gives for each (or "unexplained").

Prints the figures; asserts nothing. Exit 1 when the score is under the goal (85 %) and a survivor is
unexplained, 2 when there is no mutmut result to read. Run after ``mutmut run``:
``.venv/bin/python bench/mutation_score.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).parent / "mutmut"
STATS = ROOT / "mutants" / "mutmut-cicd-stats.json"
EXPLAINED = ROOT / "mutation-survivors.md"
GOAL = 0.85
_NAME = re.compile(r"^\s*(harness\.[\w.]+__mutmut_\d+): (\w[\w ]*)$")


def _explained() -> set[str]:
    """Mutant names mutation-survivors.md gives a reason for (a line starting with ``- `name```)."""
    if not EXPLAINED.exists():
        return set()
    return set(re.findall(r"^- `([^`]+)`", EXPLAINED.read_text(encoding="utf-8"), re.MULTILINE))


def main() -> int:
    export = subprocess.run([str(MUTMUT), "export-cicd-stats"], cwd=ROOT, capture_output=True, text=True, check=False)
    if export.returncode != 0 or not STATS.exists():
        print(f"no mutmut results to read ({export.stdout.strip() or export.stderr.strip()}): run make mutate")
        return 2
    stats = json.loads(STATS.read_text(encoding="utf-8"))
    results = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True)
    by_status: dict[str, list[str]] = {}
    for line in results.stdout.splitlines():
        found = _NAME.match(line)
        if found:
            by_status.setdefault(found.group(2).strip(), []).append(found.group(1))
    # A mutant in code no checklist item reaches ("no tests": the bundled spec never calls it) is reported
    # apart: the score is over the mutants the checklist runs.
    judged = stats["killed"] + stats["survived"] + stats["timeout"] + stats["suspicious"]
    killed = stats["killed"] + stats["timeout"]  # a mutant that hangs the checklist is caught by it
    score = killed / judged if judged else 0.0
    print(f"mutants: {stats['total']}  killed: {stats['killed']}  timeout: {stats['timeout']}  ", end="")
    print(f"survived: {stats['survived']}  suspicious: {stats['suspicious']}  ", end="")
    print(f"not reached by the checklist: {stats['no_tests']}  skipped: {stats['skipped']}")
    print(f"mutation score: {score:.1%} of the {judged} mutants the checklist runs (goal {GOAL:.0%})")
    explained = _explained()
    survivors = by_status.get("survived", [])
    unexplained = [name for name in survivors if name not in explained]
    for name in survivors:
        print(f"  survived: {name}" + ("" if name in explained else "  (unexplained)"))
    return 1 if score < GOAL and unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
