"""``talkqa serve exact``: the Exact Online mock on loopback, filled by the factory, until Ctrl-C."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from harness.clock import SystemClock
from harness.exact.app import ExactOnlineMock
from harness.exact.settings import ExactSettings
from harness.mock.served import SERVED_CALL_WINDOW, serve_until_interrupted

__all__ = ["build", "serve", "start_line"]


def build(seed: int, items: int, orders: int, minutely_limit: int, daily_limit: int, token_ttl: int) -> ExactOnlineMock:
    """A mock on the system clock with the given limits, filled with ``items`` items and ``orders`` orders."""
    window = min(30, token_ttl)
    settings = ExactSettings(
        minutely_limit=minutely_limit, daily_limit=daily_limit, token_ttl_s=token_ttl, early_refresh_window_s=window
    )
    mock = ExactOnlineMock(SystemClock(), settings, seed=seed)
    mock.control.seed(items=items, orders=orders, seed=seed)
    return mock


def start_line(mock: ExactOnlineMock, base_url: str) -> dict[str, Any]:
    """How a client reaches and logs in to the served mock (the one JSON line printed on start)."""
    settings = mock.settings
    return {
        "base_url": base_url,
        "auth_url": f"{base_url}/api/oauth2/auth",
        "token_url": f"{base_url}/api/oauth2/token",
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
        "redirect_uri": settings.redirect_uri,
        "division": settings.default_division,
    }


def serve(
    host: str,
    port: int,
    seed: int,
    items: int,
    orders: int,
    minutely_limit: int,
    daily_limit: int,
    token_ttl: int,
    out: TextIO | None = None,
    call_log: int = SERVED_CALL_WINDOW,
) -> int:
    """Serve until Ctrl-C; print the start line first. Returns the exit code."""
    mock = build(seed, items, orders, minutely_limit, daily_limit, token_ttl)
    return serve_until_interrupted(
        mock, host, port, lambda base: start_line(mock, base), out or sys.stdout, call_window=call_log
    )
