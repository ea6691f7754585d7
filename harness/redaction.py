"""One redactor for every text that leaves the harness: what a system under test printed, what an HTTP
exchange carried, what a report or the console shows.

It blanks out the secrets of the run *by value* — the mocks' client secret and API key, every token and
authorization code they issue (each is remembered as it is made) — and the common *shapes* of a secret:
``Bearer …``/``Basic …``, ``access_token=…``, ``code=…``, ``SOMETHING_KEY=…``, ``SOMETHING_SECRET=…``,
``"client_secret": "…"``, ``Authorization: …`` header lines. Imports nothing from harness: any layer
may use it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "Redactor", "forgotten_mark", "redact_later", "redact_text", "remember_secret", "run_redactor"]

REDACTED = "***"
#: A value shorter than this is no secret worth redacting by value (it would blank out ordinary words).
_MIN_SECRET = 6
#: How many values one redactor remembers (oldest forgotten first): tokens keep coming in a long run.
_MAX_SECRETS = 10_000

# a name that is, or ends in, a secret's name after a separator: access_token, accessToken, client_secret,
# TALKQA_SQUARESPACE_API_KEY, MY_SECRET, x-api-key — not $skiptoken (a page position) nor Idempotency-Key
_NAME = (
    r"(?:(?:[\w.-]*[_.-])?(?:access_?token|refresh_?token|client_?secret|api_?key|apikey|password|passwd|secret|token)"
    r"|[\w.-]*_key)"
)
# "client_secret": "…" — in JSON
_JSON = re.compile(r'("' + _NAME + r'"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)
# access_token=…, TALKQA_SQUARESPACE_API_KEY=…, MY_SECRET=… — in a query, a form, an environment, a log line
_ASSIGNED = re.compile(
    r"(?<![\w.-])(" + _NAME + r"\s*=\s*)(\"[^\"]*\"|'[^']*'|[^&\s\"',;]+)",
    re.IGNORECASE,
)
# an OAuth authorization code travels as ``code=`` in a query or form (``Code`` in JSON is an item code)
_AUTH_CODE = re.compile(r"(?<![\w])(code=)[^&\s\"']+")
_SCHEME = re.compile(r"\b((?:Bearer|Basic)\s+)[^\s\"',;]+", re.IGNORECASE)
# Authorization: …, X-Api-Key: …, Cookie: … as a header line (what follows the name up to the line's end)
_HEADER = re.compile(
    r"(?<![\w-])((?:authorization|proxy-authorization|x-api-key|api-key|cookie|set-cookie)\s*:\s*)(?!\s*(?:(?:Bearer|Basic)\s+)?\*\*\*)"
    r"[^\r\n\"]+",
    re.IGNORECASE,
)


class Redactor:
    """Blanks out known secret values and the shapes of secrets. Thread-safe.

    The known values are matched by a few compiled patterns rather than one: a run remembers every token its
    mocks issue (thousands), and compiling one alternation of them all again after each new token cost tens
    of seconds a run. New values get a pattern of their own; a pattern is merged with the one before it once
    it holds as many values (so each value is compiled about log2(n) times, and there are at most that many
    patterns). Together they blank out exactly what the one alternation did: at the leftmost position where
    any value matches, the longest value that matches there.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: dict[str, None] = {}
        #: (values, their pattern), oldest first; with ``_fresh`` they hold every value of ``_values``
        self._levels: list[tuple[list[str], re.Pattern[str]]] = []
        self._fresh: list[str] = []  #: values no pattern holds yet
        self._rebuild = False  #: a value was forgotten: the patterns are made again from ``_values``
        self.forgotten = 0  #: how many values were ever forgotten (a text kept raw since then may hold one)
        self._lock = threading.Lock()
        self.add(*secrets)

    def add(self, *values: str | None) -> None:
        """Remember secret values (with their URL-quoted forms); a short or empty value is ignored."""
        with self._lock:
            for value in values:
                if not value or len(value) < _MIN_SECRET:
                    continue
                for form in {value, quote(value, safe=""), quote_plus(value, safe="")}:
                    if form in self._values:
                        del self._values[form]  # remembered again: the last to be forgotten
                    else:
                        self._fresh.append(form)
                    self._values[form] = None
            while len(self._values) > _MAX_SECRETS:
                del self._values[next(iter(self._values))]
                self._rebuild = True
                self.forgotten += 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def _value_patterns(self) -> list[re.Pattern[str]]:
        with self._lock:
            if self._rebuild:
                self._levels, self._fresh, self._rebuild = [], list(self._values), False
            if self._fresh:
                values, self._fresh = self._fresh, []
                while self._levels and len(self._levels[-1][0]) <= len(values):
                    values = self._levels.pop()[0] + values
                self._levels.append((values, _alternation(values)))
            return [pattern for _, pattern in self._levels]

    def __call__(self, text: str) -> str:
        if not text:
            return text
        patterns = self._value_patterns()
        if patterns:
            text = _blank_values(patterns, text)
        text = _JSON.sub(rf'\1"{REDACTED}"', text)
        text = _ASSIGNED.sub(rf"\1{REDACTED}", text)
        text = _AUTH_CODE.sub(rf"\1{REDACTED}", text)
        text = _SCHEME.sub(rf"\1{REDACTED}", text)
        return _HEADER.sub(rf"\1{REDACTED}", text)


def _alternation(values: list[str]) -> re.Pattern[str]:
    """A pattern that matches any of ``values``, the longest where several match (a secret that contains
    another is blanked out whole): a trie of them, so that a match tries one branch per character, not one
    per value."""
    trie: dict[str, Any] = {}
    for value in values:
        node = trie
        for char in value:
            node = node.setdefault(char, {})
        node[""] = {}  # a value ends here
    return re.compile(_trie_pattern(trie))


def _trie_pattern(node: dict[str, Any]) -> str:
    # the branches of longer values first, the end of a value (an empty branch) last: the longest wins
    branches = [re.escape(char) + _trie_pattern(child) for char, child in node.items() if char]
    if "" in node:
        if not branches:
            return ""
        branches.append("")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _blank_values(patterns: list[re.Pattern[str]], text: str) -> str:
    """``text`` with every match of the patterns blanked out, as one alternation of all their values would:
    left to right, at each position the longest match of any pattern."""
    if len(patterns) == 1:
        return patterns[0].sub(REDACTED, text)
    found = [pattern.search(text) for pattern in patterns]
    if not any(found):
        return text
    parts: list[str] = []
    position = 0
    while True:
        best: re.Match[str] | None = None
        for index, pattern in enumerate(patterns):
            match = found[index]
            if match is not None and match.start() < position:
                match = found[index] = pattern.search(text, position)
            if match is None:
                continue
            if best is None or (match.start(), -match.end()) < (best.start(), -best.end()):
                best = match
        if best is None:
            break
        parts += (text[position : best.start()], REDACTED)
        position = best.end()
    parts.append(text[position:])
    return "".join(parts)


#: The secrets of this process's run: mocks remember what they issue, the SUT adapters what they hand out.
_RUN = Redactor()


def run_redactor() -> Redactor:
    """The redactor that knows every secret this process has seen."""
    return _RUN


def remember_secret(*values: str | None) -> None:
    """Make every later ``redact_text`` blank out these values."""
    _RUN.add(*values)


def redact_text(text: str) -> str:
    """``text`` with every known secret and every secret-shaped value blanked out."""
    return _RUN(text)


def forgotten_mark() -> int:
    """How many secrets the run's redactor has forgotten so far: a text kept raw for ``redact_later`` takes
    this mark when it is kept."""
    return _RUN.forgotten


#: a run of characters as long and as varied as a token (letters and digits, maybe ._~+/=-)
_TOKEN_SHAPED = re.compile(r"(?<![\w.~+/=-])(?=[\w.~+/=-]*\d)(?=[\w.~+/=-]*[A-Za-z])[\w.~+/=-]{20,}")


def redact_later(text: str, mark: int) -> str:
    """``text``, kept raw since ``forgotten_mark()`` was ``mark``, redacted now. When the redactor has forgotten
    secrets since (a long run's oldest tokens), one of them may be in ``text`` and no longer known by value:
    every token-shaped run of 20 characters or more is blanked out too — more than needed, never less."""
    text = _RUN(text)
    if _RUN.forgotten != mark:
        text = _TOKEN_SHAPED.sub(REDACTED, text)
    return text
