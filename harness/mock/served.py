"""Serve a mock on loopback under uvicorn: in a background thread (tests, external SUTs) or in
the foreground until Ctrl-C (``talkqa serve``)."""

from __future__ import annotations

import ipaddress
import json
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

import uvicorn

from harness.errors import UsageError
from harness.mock.asgi import asgi_app
from harness.mock.calls import CallLog
from harness.mock.core import MockService
from harness.mock.messages import MockRequest, MockResponse

__all__ = ["SERVED_CALL_WINDOW", "ServedMock", "check_loopback", "serve_until_interrupted"]

#: Calls ``talkqa serve`` keeps in a mock's call log (``--call-log``): a mock served for days stays flat.
SERVED_CALL_WINDOW = 1000


def check_loopback(host: str) -> str:
    """Return ``host`` if it is a loopback address; a mock is never served beyond this machine."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise UsageError(f"--host {host!r} is not a loopback address; mocks serve on 127.0.0.1 or ::1 only") from None
    if not address.is_loopback:
        raise UsageError(f"--host {host!r} is not a loopback address; mocks serve on 127.0.0.1 or ::1 only")
    return str(address)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Naming TCP lets asyncio turn on TCP_NODELAY; without it every answer on a kept-open connection
    # waits ~40 ms for Nagle's algorithm.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if not 0 <= port <= 65535:
        sock.close()
        raise UsageError(f"--port {port} is no TCP port; give 0 (a free one) to 65535")
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class ServedMock:
    """A mock served on loopback from a background thread, for as long as the ``with`` block runs.

    ``port=0`` picks a free port; ``base_url`` tells which. ``swap`` puts another service behind the same
    server (a checklist run serves each scenario's fresh mock on one server per process).
    """

    def __init__(
        self,
        service: MockService,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        timeout_hold_s: float = 30.0,
    ) -> None:
        self.service = service
        self.host = check_loopback(host)
        self._sock = _bind(self.host, port)
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            asgi_app(self, timeout_hold_s=timeout_hold_s, abort=self._abort),
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name=f"talkqa-{service.name}",
            daemon=True,
        )

    def handle(self, request: MockRequest) -> MockResponse:
        """Hand a request to the service behind the server now."""
        return self.service.handle(request)

    @property
    def max_body_bytes(self) -> int:
        """The largest request body the service behind the server now accepts."""
        return self.service.max_body_bytes

    def refuse_too_large(self, request: MockRequest, size: int | None) -> MockResponse:
        """Answer a request whose body was refused unread, from the service behind the server now."""
        return self.service.refuse_too_large(request, size)

    def swap(self, service: MockService) -> None:
        """Serve ``service`` from now on, on the same address."""
        self.service = service

    def _abort(self, client: tuple[str, int]) -> bool:
        """Drop the connection of ``client`` at once, with no answer (a lost answer, a time-out's end)."""
        for connection in list(self._server.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is None:
                continue
            peer = transport.get_extra_info("peername")
            if peer is not None and (str(peer[0]), int(peer[1])) == client:
                transport.abort()
                return True
        return False

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> ServedMock:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise UsageError(f"the {self.service.name} mock did not start on {self.base_url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._sock.close()

    def wait(self) -> None:
        """Block until the server stops; Ctrl-C stops it cleanly."""
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> ServedMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_until_interrupted(
    service: MockService,
    host: str,
    port: int,
    start_line: Callable[[str], dict[str, Any]],
    out: TextIO | None = None,
    *,
    call_window: int = SERVED_CALL_WINDOW,
) -> int:
    """Serve ``service`` until Ctrl-C, printing exactly one JSON line once it accepts connections.

    ``start_line(base_url)`` gives the object to print (how a client logs in); the call log keeps the
    last ``call_window`` calls.
    """
    stream = out if out is not None else sys.stdout
    service.calls = CallLog(call_window)
    served = ServedMock(service, host, port)
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C raises KeyboardInterrupt; a process manager's SIGTERM should stop it just as cleanly.
        signal.signal(signal.SIGTERM, _interrupt)
    served.start()
    stream.write(json.dumps(start_line(served.base_url), sort_keys=False) + "\n")
    stream.flush()
    served.wait()
    return 0
