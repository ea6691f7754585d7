"""What the checklist tests share: a deliberately broken system under test, ``talkqa run`` in a child
process, and checklist.html read back as a tree.

Kept out of ``conftest.py`` (see ``tests/support.py``); the broken factory lives here so that
``--sut checklist_helpers:engine_without_extra_description`` can name it (with this folder on
``PYTHONPATH``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from support import ROOT

from harness.clock import Clock
from harness.exact.tokens import TokenState
from harness.sut import Endpoints
from harness.sync.reference import ReferenceEngine, reference_engine

HERE = Path(__file__).resolve().parent
BUNDLED_SPEC = ROOT / "fixtures" / "specs" / "exact-squarespace.rst"
TALKQA = Path(sys.executable).parent / "talkqa"  #: the console script of this virtual environment
BROKEN_SUT = "checklist_helpers:engine_without_extra_description"

#: The Sesamproducts row the broken engine leaves out of its copy of the spec.
_DROPPED_ROW = '   * - ExtraDescription\n     - description\n     - "string"\n'


#: When set, the broken engine appends every secret it holds (one a line) to this file, so a test can
#: look for them in the reports.
SECRETS_FILE_VARIABLE = "TALKQA_TEST_SECRETS_FILE"


def engine_without_extra_description(*, endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """The reference engine, but reading a spec without the ExtraDescription → description row: it
    never writes a product's description (the "drops one mapped property" fault)."""
    text = Path(endpoints.spec_path).read_text(encoding="utf-8")
    if _DROPPED_ROW not in text:
        raise RuntimeError(f"{endpoints.spec_path} has no ExtraDescription → description row to drop")
    state = Path(endpoints.state_dir)
    state.mkdir(parents=True, exist_ok=True)
    spec = state / "spec-without-extra-description.rst"
    spec.write_text(text.replace(_DROPPED_ROW, ""), encoding="utf-8")
    engine = ReferenceEngine(replace(endpoints, spec_path=str(spec)), clock)
    _tell_secrets(engine)
    return engine


def _tell_secrets(engine: ReferenceEngine) -> None:
    target = os.environ.get(SECRETS_FILE_VARIABLE)
    if not target:
        return

    def tell(*secrets: str) -> None:
        with open(target, "a", encoding="utf-8") as out:
            out.writelines(f"{secret}\n" for secret in secrets if secret)

    tell(engine.endpoints.exact_client_secret, engine.endpoints.squarespace_api_key)
    if engine.exact.tokens is not None:
        tell(engine.exact.tokens.access_token, engine.exact.tokens.refresh_token)
    keep = engine.exact.on_tokens

    def on_tokens(tokens: TokenState) -> None:
        tell(tokens.access_token, tokens.refresh_token)
        if keep is not None:
            keep(tokens)

    engine.exact.on_tokens = on_tokens


def engine_that_cannot_start(*, endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """A factory whose engine never gets built (a required item fails, never the harness)."""
    raise ConnectionError("the engine's database is down")


def reference(*, endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """The reference engine under a ``module:callable`` name (the factory protocol, working)."""
    return reference_engine(endpoints, clock)


# -- talkqa run, in a child process ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One ``talkqa run``: its exit code, what it printed and the reports it wrote."""

    exit_code: int
    stdout: str
    stderr: str
    report_dir: Path

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.report_dir / "checklist.json").read_text(encoding="utf-8"))
        return data

    def items(self) -> Iterator[dict[str, Any]]:
        for section in self.json["sections"]:
            yield from section["items"]

    def statuses(self) -> dict[str, str]:
        """Item status by pytest node id."""
        return {item["node_id"]: item["status"] for item in self.items()}


class StartedRun:
    """A ``talkqa run`` under way in a child process (so that two can run at once)."""

    def __init__(self, report_dir: Path, args: tuple[str, ...], env: dict[str, str] | None) -> None:
        environment = {**os.environ, **(env or {})}
        path = (str(HERE), str(HERE.parent), environment.get("PYTHONPATH", ""))
        environment["PYTHONPATH"] = os.pathsep.join(p for p in path if p)
        self.report_dir = report_dir
        self.process = subprocess.Popen(
            [str(TALKQA), "run", "--report-dir", str(report_dir), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=ROOT,
        )

    def finish(self) -> Run:
        stdout, stderr = self.process.communicate()
        return Run(self.process.returncode, stdout, stderr, self.report_dir)


def talkqa_run(report_dir: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """``talkqa run --report-dir DIR ARGS`` as a user runs it, with this folder importable (for ``--sut``)."""
    return StartedRun(report_dir, args, env).finish()


# -- checklist.html as a tree ------------------------------------------------------------------------------

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [
            e
            for e in self.iter()
            if e is not self and (tag is None or e.tag == tag) and (cls is None or e.has_class(cls))
        ]

    def one(self, tag: str | None = None, cls: str | None = None) -> Element:
        found = self.all(tag, cls)
        assert len(found) == 1, f"expected one <{tag or '*'} class={cls!r}>, found {len(found)}"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]
        self.unbalanced: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.stack[-1].tag != tag:
            self.unbalanced.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_page(html: str) -> Element:
    """The page as a tree; fails when a tag is left open or closed out of order."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    assert builder.unbalanced == [], builder.unbalanced[:5]
    assert builder.stack == [builder.root], f"unclosed: {[e.tag for e in builder.stack[1:]]}"
    return builder.root
