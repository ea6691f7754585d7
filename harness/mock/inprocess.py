"""Reach a mock in-process: respx routes every request for the mock's hosts to its core.

A plain side-effect function serves both ``httpx.Client`` and ``httpx.AsyncClient`` (respx's
ASGI handler would serve only the async client). Loopback requests pass through, so a served
mock and an in-process one can be used side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import respx

from harness.mock.core import MockService
from harness.mock.messages import MockRequest, header_items

__all__ = ["from_httpx", "routed", "side_effect_for", "to_httpx"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def from_httpx(request: httpx.Request) -> MockRequest:
    """Translate an httpx request into the mock's own request type."""
    return MockRequest(
        method=request.method.upper(),
        url=str(request.url),
        path=request.url.path,
        query=tuple(request.url.params.multi_items()),
        headers=header_items(request.headers.multi_items()),
        body=request.read(),
    )


def to_httpx(response_status: int, headers: dict[str, str], body: bytes) -> httpx.Response:
    return httpx.Response(response_status, headers=headers, content=body)


def side_effect_for(service: MockService) -> Callable[[httpx.Request], httpx.Response]:
    """The respx side effect that hands a request to ``service`` (raising on a simulated time-out)."""

    def side_effect(request: httpx.Request) -> httpx.Response:
        response = service.handle(from_httpx(request))
        if response.timed_out:
            raise httpx.ReadTimeout(f"{service.name} mock: simulated time-out", request=request)
        return to_httpx(response.status, response.headers, response.body)

    return side_effect


@contextmanager
def routed(*services: MockService, router: respx.MockRouter | None = None) -> Iterator[respx.MockRouter]:
    """Route every https request for the services' hosts to them, for as long as the block runs.

    Pass ``router`` to add the routes to a respx router that is already active (the ``respx_mock``
    fixture, say); otherwise a new one is started, which refuses any request it does not know.
    """
    if router is not None:
        _add_routes(router, services)
        yield router
        return
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as new_router:
        _add_routes(new_router, services)
        new_router.route(host__in=_LOOPBACK).pass_through()
        yield new_router


def _add_routes(router: respx.MockRouter, services: tuple[MockService, ...]) -> None:
    for service in services:
        effect = side_effect_for(service)
        for host in service.hosts:
            router.route(scheme="https", host=host, name=f"{service.name}:{host}").mock(side_effect=effect)
