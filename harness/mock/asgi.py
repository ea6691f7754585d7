"""Serve a mock as an ASGI application (Starlette), for uvicorn on loopback."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.mock.core import MockService
from harness.mock.messages import MockRequest, header_items

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


def asgi_app(service: MockService, *, timeout_hold_s: float = 30.0) -> Starlette:
    """An ASGI app that hands every request to ``service.handle``.

    A simulated time-out holds the connection for ``timeout_hold_s`` real seconds and then closes
    it without an answer, so a client with a shorter time-out sees a real time-out.
    """

    async def endpoint(request: Request) -> Response:
        mock_request = await from_starlette(request)
        response = await run_in_threadpool(service.handle, mock_request)
        if response.timed_out:
            await asyncio.sleep(timeout_hold_s)
            raise ConnectionAbortedError("simulated time-out")
        return Response(content=response.body, status_code=response.status, headers=response.headers)

    routes = [Route("/", endpoint, methods=_METHODS), Route("/{path:path}", endpoint, methods=_METHODS)]
    return Starlette(routes=routes)
