"""The reference engine as a system under test: built from the endpoints alone, its state (links,
cursors, tokens) in ``endpoints.state_dir``, so a restart picks up exactly where a crash left it."""

from __future__ import annotations

import os
import ssl
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from harness.clock import Clock
from harness.dataflow.model import DataflowDocument
from harness.dataflow.parser import parse_file
from harness.errors import HarnessError
from harness.exact.client import ExactClient, TokenState
from harness.mapping.mapping_file import load_mapping_file
from harness.mapping.sections import SectionMapping, effective_mapping
from harness.retry import RetryPolicy
from harness.squarespace.client import SquarespaceClient
from harness.sut import Endpoints
from harness.sync.engine import CycleReport, SyncEngine
from harness.sync.exact_side import ExactItemsSide, ExactOrdersSide
from harness.sync.links import LinkTable
from harness.sync.plan import SyncPlan, build_plan
from harness.sync.records import CallCounter, RecordSide
from harness.sync.squarespace_orders import SquarespaceOrdersSide
from harness.sync.squarespace_side import SquarespaceProductsSide

__all__ = ["ReferenceEngine", "reference_engine"]

_EXACT, _SQUARESPACE = "exact online", "squarespace"
#: Exact's rate-limit headers are saved once fewer calls than this are left, so an engine restarted
#: within the same minute (or day) waits for the reset instead of running into a 429.
_SAVE_LIMITS_BELOW = 10
_LIMIT_REMAINING = ("x-ratelimit-minutely-remaining", "x-ratelimit-remaining")


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the process: loading the CA store costs ~50 ms a time."""
    return ssl.create_default_context()


def _stamp(path: str | None) -> tuple[int, int] | None:
    if not path:
        return None
    stat = os.stat(path)
    return (stat.st_mtime_ns, stat.st_size)


def _mappings_of(spec_path: str, mapping_path: str | None) -> tuple[DataflowDocument, tuple[SectionMapping, ...]]:
    """The effective mapping of a spec (and mapping file), parsed once per process while the files are
    unchanged: an engine is built for every scenario and restart, and a large spec takes seconds to parse."""
    return _parsed_mappings(spec_path, _stamp(spec_path), mapping_path, _stamp(mapping_path))


@cache
def _parsed_mappings(
    spec_path: str, spec_stamp: object, mapping_path: str | None, mapping_stamp: object
) -> tuple[DataflowDocument, tuple[SectionMapping, ...]]:
    document = parse_file(spec_path)
    mapping_file = load_mapping_file(mapping_path) if mapping_path else None
    return document, tuple(effective_mapping(document, mapping_file))


class ReferenceEngine:
    """talkqa's engine wired to Exact Online and Squarespace through their httpx clients."""

    def __init__(self, endpoints: Endpoints, clock: Clock, *, engine_class: type[SyncEngine] = SyncEngine) -> None:
        self.endpoints = endpoints
        self.clock = clock
        document, mappings = _mappings_of(endpoints.spec_path, endpoints.mapping_path)
        self.mappings: list[SectionMapping] = list(mappings)
        state = Path(endpoints.state_dir)
        state.mkdir(parents=True, exist_ok=True)
        self.links = LinkTable(state / "links.sqlite")
        self.calls = {"exact": CallCounter(), "squarespace": CallCounter()}
        saved = self.links.client_state("exact")
        # It lives by the clock the mocks tell (served: real time sped up ``time_scale`` times), so its own
        # back-off after a 5xx or a time-out shrinks with it; a wait the mocks announce is taken as told.
        own_waits = RetryPolicy(backoff_s=1.0 / max(1.0, endpoints.time_scale))
        self.exact = ExactClient(
            endpoints.exact_base_url,
            endpoints.exact_client_id,
            endpoints.exact_client_secret,
            endpoints.exact_redirect_uri,
            clock=clock,
            http=self._http("exact"),
            tokens=TokenState(**saved) if saved else None,
            division=endpoints.exact_division,
            policy=own_waits,
            on_tokens=lambda tokens: self.links.set_client_state("exact", tokens.__dict__),
        )
        self.exact.rate.update(self.links.client_state("exact-limits") or {})
        self.squarespace = SquarespaceClient(
            endpoints.squarespace_api_key,
            base_url=endpoints.squarespace_base_url,
            clock=clock,
            http=self._http("squarespace"),
            retry=own_waits,
        )
        self.plan: SyncPlan = build_plan(document, self.mappings, self._sides())
        self.engine = engine_class(self.plan, self.links, clock)

    def run_cycle(self) -> CycleReport:
        for counter in self.calls.values():
            counter.reset()
        if self.exact.tokens is None:
            try:
                self.exact.login()  # the authorization-code dance; tokens are saved by on_tokens
            except (HarnessError, httpx.HTTPError) as exc:
                report = CycleReport(started=self.clock.now(), finished=self.clock.now(), ok=False)
                report.error = f"cannot log in to Exact Online: {exc}"
                return report
        report = self.engine.run_cycle()
        report.api_calls = {name: dict(counter.by_method) for name, counter in self.calls.items()}
        return report

    def close(self) -> None:
        for http in self._clients:
            http.close()
        self.links.close()

    # -- wiring --------------------------------------------------------------------------------
    def _http(self, system: str) -> httpx.Client:
        counter = self.calls[system]

        def count(request: httpx.Request) -> None:
            counter.count(request.method)

        hooks: dict[str, list[Any]] = {"request": [count]}
        if system == "exact":
            hooks["response"] = [self._save_limits]
        url = self.endpoints.exact_base_url if system == "exact" else self.endpoints.squarespace_base_url
        # Plain http (served mocks on loopback) needs no CA store: loading it costs ~60 ms per client.
        verify: ssl.SSLContext | bool = _tls_context() if url.startswith("https:") else False
        http = httpx.Client(timeout=self.endpoints.http_timeout_s, event_hooks=hooks, verify=verify)
        self._clients = [*getattr(self, "_clients", []), http]
        return http

    def _save_limits(self, response: httpx.Response) -> None:
        """Keep Exact's rate-limit headers in the state folder while few calls are left."""
        limits: dict[str, float] = {}
        for name, value in response.headers.items():
            if name.lower().startswith("x-ratelimit-"):
                try:
                    limits[name.lower()] = float(value)
                except ValueError:
                    continue
        if any(limits.get(name, _SAVE_LIMITS_BELOW) < _SAVE_LIMITS_BELOW for name in _LIMIT_REMAINING):
            self.links.set_client_state("exact-limits", limits)

    def _sides(self) -> Any:
        def fields(spec_type: str, lines: bool) -> list[str]:
            out: list[str] = []
            for mapping in self.mappings:
                if mapping.section.source_type.casefold() != spec_type.casefold():
                    continue
                for row in (*mapping.rows, *mapping.key_rows):
                    path = row.source.path
                    if row.is_line_row == lines:
                        out.append(path.split(".", 1)[1] if lines else path)
            return out

        currency = self.endpoints.squarespace_currency
        sides: dict[tuple[str, str], RecordSide] = {}
        items = ExactItemsSide(self.exact, fields("Items", False))
        orders = ExactOrdersSide(self.exact, fields("Salesorders", False), fields("Salesorders", True))
        products = SquarespaceProductsSide(self.squarespace, currency=currency)
        imported = SquarespaceOrdersSide(self.squarespace, self.clock, currency=currency)
        sides[(_EXACT, "items")] = items
        sides[(_EXACT, "salesorders")] = orders
        sides[(_SQUARESPACE, "inventory")] = products
        sides[(_SQUARESPACE, "sesamproducts")] = products
        sides[(_SQUARESPACE, "order")] = imported

        def side_for(system: str, spec_type: str) -> RecordSide | None:
            return sides.get((system.strip().casefold(), spec_type.strip().casefold()))

        return side_for


def reference_engine(endpoints: Endpoints, clock: Clock) -> ReferenceEngine:
    """The factory ``--sut reference`` names."""
    return ReferenceEngine(endpoints, clock)
