"""Serve a mock as an ASGI application (Starlette), for uvicorn on loopback."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Protocol

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.mock.messages import MockRequest, MockResponse, header_items

__all__ = ["asgi_app", "from_starlette", "is_loopback_host"]

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class _TooLarge(Exception):
    """A request body over the limit: refused before it is read whole."""

    def __init__(self, announced: int | None) -> None:
        self.announced = announced


async def from_starlette(request: Request, max_body_bytes: int | None = None) -> MockRequest:
    """Translate a Starlette request into the mock's own request type. A body over ``max_body_bytes``
    raises ``_TooLarge`` — by its Content-Length before a byte is read, or as soon as the stream passes it."""
    body = b""
    if max_body_bytes is not None:
        announced = request.headers.get("content-length", "").strip()
        if announced.isascii() and announced.isdigit() and int(announced) > max_body_bytes:
            raise _TooLarge(int(announced))
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body_bytes:
                raise _TooLarge(None)
            chunks.append(chunk)
        body = b"".join(chunks)
    else:
        body = await request.body()
    return MockRequest(
        method=request.method.upper(),
        url=str(request.url),
        path=request.url.path,
        query=tuple(request.query_params.multi_items()),
        headers=header_items(request.headers.items()),
        body=body,
    )


#: The Host headers a served mock answers: it listens on loopback only, and a page that reaches it
#: through DNS rebinding (its own name resolving to 127.0.0.1) still names its own host.
_LOOPBACK_HOSTS = re.compile(r"^(?:127(?:\.[0-9]{1,3}){3}|localhost|\[::1\])(?::[0-9]{1,5})?$", re.IGNORECASE)


def is_loopback_host(host: str) -> bool:
    """Whether a Host header names this machine's loopback (with any port)."""
    return bool(_LOOPBACK_HOSTS.match(host.strip()))


class Handler(Protocol):
    """What an ASGI app hands requests to: a ``MockService``, or a served mock's slot for one."""

    @property
    def max_body_bytes(self) -> int: ...

    def handle(self, request: MockRequest) -> MockResponse: ...

    def refuse_too_large(self, request: MockRequest, size: int | None) -> MockResponse: ...


#: Drops the connection of the client at ``(host, port)`` without an answer; True when it found it.
Abort = Callable[[tuple[str, int]], bool]


def asgi_app(service: Handler, *, timeout_hold_s: float = 30.0, abort: Abort | None = None) -> Starlette:
    """An ASGI app that hands every request to ``service.handle``: only from a loopback ``Host``, and
    only a body of at most ``service.max_body_bytes`` (refused unread otherwise, in the system's shape).

    A simulated time-out holds the connection for ``timeout_hold_s`` real seconds — the client time-out
    the run advertises (``TALKQA_HTTP_TIMEOUT_S``) — and then closes it without an answer: a client keeping
    to that time-out sees a real time-out, and no fault costs more. A lost answer (the request was acted
    on) closes the connection at once.
    """

    async def endpoint(request: Request) -> Response:
        if not is_loopback_host(request.headers.get("host", "")):
            message = "this mock answers loopback Host headers only (127.0.0.1, localhost, [::1])"
            return JSONResponse({"error": message}, status_code=421)
        try:
            mock_request = await from_starlette(request, service.max_body_bytes)
        except _TooLarge as refused:
            bare = MockRequest(
                method=request.method.upper(),
                url=str(request.url),
                path=request.url.path,
                query=tuple(request.query_params.multi_items()),
                headers=header_items(request.headers.items()),
            )
            response = await run_in_threadpool(service.refuse_too_large, bare, refused.announced)
            # the rest of the body is not read: the connection closes after this answer
            return Response(
                content=response.body,
                status_code=response.status,
                headers={**response.headers, "connection": "close"},
            )
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
