"""Several checklist runs in one process, one after the other: the self-check's default form, where a
pytest process per engine would cost more than the items that catch it.

``python -m harness.selfcheck.batch PLAN.json`` runs each run of the plan with ``pytest.main``. A run
with ``order_from`` runs only the items of that (earlier) run's report, cheapest first by the durations
it measured — so round trips, the costliest, come last — and stops at its first failure (``-x``): it has
its answer then. A run with ``order: "static"`` (when the reference engine runs at the same time, in
another process, so no timings exist yet) orders the items by the promise each checks — the first item
of every promise first, cheap kinds first, round trips last (``static_order``) — and stops at its first
failure too. A run with ``first`` (a regular expression: a broken engine's promise items, by name)
runs the items whose names match it before all others, in the order above among themselves: the item
that states the promise an engine breaks is the one expected to catch it, and usually the first does.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

__all__ = ["DONE", "KIND_ORDER", "cheapest_first", "main", "static_order"]

#: Kinds of checklist item (their feature tag), cheapest first as measured in-process: a kind not named
#: comes after these, a round trip (ten examples and more, each several cycles) after everything.
KIND_ORDER = ("create", "create_if_no_match", "merge", "lines", "properties", "bidirectional", "resilience")

#: How the batch says a run has ended (a line of its stdout; any other line there is not the batch's).
DONE = "talkqa-batch-done "


def cheapest_first(report: dict[str, Any]) -> list[str]:
    """The node ids of a run's items, cheapest first by the run's own timings (ties in report order)."""
    items = [item for section in report["sections"] for item in section["items"]]
    ranked = sorted(enumerate(items), key=lambda pair: (float(pair[1].get("duration_s") or 0.0), pair[0]))
    return list(dict.fromkeys(str(item["node_id"]) for _, item in ranked if item.get("node_id")))


def _promise(tags: Sequence[str], name: str) -> tuple[int, str]:
    """The promise an item checks, for the static order: its kind (by ``KIND_ORDER``) and, within a kind,
    what it says — the first two words of its name ("A deliberate ...", "When both ..."); every "X is
    carried to Y" item is one promise, and a round trip comes after every other."""
    words = name.lower().replace("_", " ").split()
    if "round trip" in " ".join(words):
        return (len(KIND_ORDER) + 1, "round trip")
    ranks = [KIND_ORDER.index(tag) for tag in tags if tag in KIND_ORDER]
    rank = min(ranks) if ranks else len(KIND_ORDER)
    if "carried" in words:
        return (rank, "carried")
    return (rank, " ".join(words[1:3] if words and words[0] == "test" else words[:2]))


def static_order(items: Sequence[tuple[Sequence[str], str]]) -> list[int]:
    """The positions of ``items`` (tags, name) in the static order: the first item of every promise, the
    promises by kind (cheap kinds first); then the second of every promise; and so on — a broken engine
    meets the item of the promise it breaks early — round trips last."""
    groups: dict[tuple[int, str], list[int]] = {}
    for index, (tags, name) in enumerate(items):
        groups.setdefault(_promise(tags, name), []).append(index)
    ordered = sorted(groups, key=lambda promise: (promise[0] > len(KIND_ORDER), promise[0], min(groups[promise])))
    regular = [groups[p] for p in ordered if p[0] <= len(KIND_ORDER)]
    last = [i for p in ordered if p[0] > len(KIND_ORDER) for i in groups[p]]
    out: list[int] = []
    for round_ in range(max((len(g) for g in regular), default=0)):
        out += [group[round_] for group in regular if round_ < len(group)]
    return out + last


class _StaticOrder:
    """A pytest plugin that puts the collected checklist items in the static order."""

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        order = static_order([([m.name for m in item.iter_markers()], item.name) for item in items])
        items[:] = [items[i] for i in order]


class _PromiseFirst:
    """A pytest plugin that moves the items whose names match ``pattern`` before the others (a stable
    move: each group keeps the order it had)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        from harness.checklist.collect import item_title

        first = [item for item in items if self.pattern.search(item_title(item) or "")]
        chosen = {id(item) for item in first}
        items[:] = [*first, *(item for item in items if id(item) not in chosen)]


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


def _forget(module: Path) -> None:
    """Drop the checklist module a previous session imported: imported anew, it has pytest-bdd register
    its tags as markers in this session too (else ``-m section_2`` is an unknown marker here)."""
    wanted = module.resolve()
    for name, loaded in list(sys.modules.items()):
        where = getattr(loaded, "__file__", None)
        if where and Path(where).resolve() == wanted:
            del sys.modules[name]


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    plan = json.loads(Path(words[0]).read_text(encoding="utf-8"))
    for run in plan["runs"]:
        # pytest's unraisable-exception plugin collects garbage twice at the end of every session (0.14 s
        # a run here, a third of what most broken engines cost); a self-check's run reports no warnings
        args = [*run["args"], "-p", "no:unraisableexception"]
        log = Path(run["log"])
        log.parent.mkdir(parents=True, exist_ok=True)
        plugins: list[Any] = []
        if run.get("order_from"):
            source = Path(run["order_from"])
            if source.exists():
                args = _ordered_args(args, run["module"], source)
        elif run.get("order") == "static":
            plugins.append(_StaticOrder())
            args = [*args, "-x"]
        if run.get("first"):
            plugins.append(_PromiseFirst(run["first"]))
        _forget(Path(run["module"]))
        with log.open("w", encoding="utf-8") as out:
            saved = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = out
            try:
                pytest.main(args, plugins=plugins)
            finally:
                sys.stdout, sys.stderr = saved
        print(DONE + json.dumps(run["name"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
