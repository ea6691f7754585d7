"""Serve a mock as an ASGI application (Starlette), for uvicorn on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.mock.messages import MockRequest, MockResponse, header_items

__all__ = ["asgi_app", "from_starlette"]

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


async def from_starlette(request: Request) -> MockRequest:
    """Translate a Starlette request into the mock's own request type."""
    return MockRequest(
        method=request.method.upper(),
        url=str(request.url),
        path=request.url.path,
        query=tuple(request.query_params.multi_items()),
        headers=header_items(request.headers.items()),
        body=await request.body(),
    )


class Handler(Protocol):
    """What an ASGI app hands requests to: a ``MockService``, or a served mock's slot for one."""

    def handle(self, request: MockRequest) -> MockResponse: ...


#: Drops the connection of the client at ``(host, port)`` without an answer; True when it found it.
Abort = Callable[[tuple[str, int]], bool]


def asgi_app(service: Handler, *, timeout_hold_s: float = 30.0, abort: Abort | None = None) -> Starlette:
    """An ASGI app that hands every request to ``service.handle``.

    A simulated time-out holds the connection for ``timeout_hold_s`` real seconds — the client time-out
    the run advertises (``TALKQA_HTTP_TIMEOUT_S``) — and then closes it without an answer: a client keeping
    to that time-out sees a real time-out, and no fault costs more. A lost answer (the request was acted
    on) closes the connection at once.
    """

    async def endpoint(request: Request) -> Response:
        mock_request = await from_starlette(request)
        response = await run_in_threadpool(service.handle, mock_request)
        if response.timed_out:
            if not response.lost:
                await asyncio.sleep(timeout_hold_s)
            client = request.scope.get("client")
            if abort is not None and client is not None and abort((str(client[0]), int(client[1]))):
                # Let the server see the connection gone, so it sends nothing (not even a 500) and logs nothing.
                for _ in range(3):
                    await asyncio.sleep(0)
                return Response(status_code=599)
            raise ConnectionAbortedError("simulated time-out" if not response.lost else "simulated lost answer")
        return Response(content=response.body, status_code=response.status, headers=response.headers)

    routes = [Route("/", endpoint, methods=_METHODS), Route("/{path:path}", endpoint, methods=_METHODS)]
    return Starlette(routes=routes)
