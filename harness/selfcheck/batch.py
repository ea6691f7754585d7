"""Several checklist runs in one process, one after the other: the self-check's default form, where a
pytest process per engine would cost more than the items that catch it.

``python -m harness.selfcheck.batch PLAN.json`` runs each run of the plan with ``pytest.main``. A run
with ``order_from`` runs only the items of that (earlier) run's report, cheapest first by the durations
it measured — so round trips, the costliest, come last — and stops at its first failure (``-x``): it has
its answer then.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["DONE", "cheapest_first", "main"]

#: How the batch says a run has ended (a line of its stdout; any other line there is not the batch's).
DONE = "talkqa-batch-done "


def cheapest_first(report: dict[str, Any]) -> list[str]:
    """The node ids of a run's items, cheapest first by the run's own timings (ties in report order)."""
    items = [item for section in report["sections"] for item in section["items"]]
    ranked = sorted(enumerate(items), key=lambda pair: (float(pair[1].get("duration_s") or 0.0), pair[0]))
    return list(dict.fromkeys(str(item["node_id"]) for _, item in ranked if item.get("node_id")))


def _ordered_args(args: list[str], module: str, report_path: Path) -> list[str]:
    """``args`` with the checklist module replaced by its items in cheapest-first order, stopping early."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    folder = Path(module).resolve().parent
    root = folder.parent.parent  # node ids are relative to the rootdir, the checkout holding harness/
    ids = []
    for node_id in cheapest_first(report):
        path, sep, name = node_id.partition("::")
        if sep and Path(path).name == Path(module).name:
            ids.append(f"{module}::{name}")
        elif sep:
            ids.append(f"{root / path}::{name}")
    index = args.index(module)
    return [*args[:index], *(ids or [module]), *args[index + 1 :], "-x"]


def main(argv: Sequence[str] | None = None) -> int:
    import pytest

    words = list(sys.argv[1:] if argv is None else argv)
    plan = json.loads(Path(words[0]).read_text(encoding="utf-8"))
    for run in plan["runs"]:
        args = list(run["args"])
        log = Path(run["log"])
        log.parent.mkdir(parents=True, exist_ok=True)
        if run.get("order_from"):
            source = Path(run["order_from"])
            if source.exists():
                args = _ordered_args(args, run["module"], source)
        with log.open("w", encoding="utf-8") as out:
            saved = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = out
            try:
                pytest.main(args)
            finally:
                sys.stdout, sys.stderr = saved
        print(DONE + json.dumps(run["name"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
