"""A served mock's resources stay bounded: the call log keeps a window of the latest calls (marks stay
valid after drops), a body over the limit is refused before it is read, and only loopback Host
headers are answered (a page reaching the mock through DNS rebinding is refused)."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from harness.clock import VirtualClock
from harness.mock import MockRequest, MockResponse, MockService
from harness.mock.asgi import is_loopback_host
from harness.mock.calls import CallLog
from harness.mock.served import ServedMock


class Echo(MockService):
    name = "echo"
    hosts = ("api.echo.test",)
    max_body_bytes = 1024

    def __init__(self, window: int = 5) -> None:
        super().__init__(VirtualClock())
        self.calls = CallLog(window)
        self.bodies = 0

    def dispatch(self, request: MockRequest) -> MockResponse:
        self.bodies += len(request.body)
        return MockResponse.json(200, {"path": request.path, "bytes": len(request.body)})


def test_the_call_log_keeps_the_latest_window_and_marks_stay_valid() -> None:
    service = Echo(window=5)
    for i in range(3):
        service.call("GET", f"https://api.echo.test/{i}")
    mark = service.calls.mark()
    for i in range(3, 12):
        service.call("GET", f"https://api.echo.test/{i}")
    assert len(service.calls) == 12 and service.calls.dropped == 7
    assert [r.path for r in service.calls.records()] == [f"/{i}" for i in range(7, 12)]
    assert [r.seq for r in service.calls.records()] == list(range(8, 13))
    assert [r.path for r in service.calls.since(mark)] == [f"/{i}" for i in range(7, 12)]  # older are gone
    assert [r.path for r in service.calls.since(10)] == ["/10", "/11"]
    assert service.calls.count("GET", since=10) == 2


def test_a_call_log_keeps_at_least_one_call() -> None:
    with pytest.raises(ValueError, match="at least one"):
        CallLog(0)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1:8080", True),
        ("127.0.0.1", True),
        ("localhost:1", True),
        ("[::1]:443", True),
        ("evil.example", False),
        ("evil.example:8080", False),
        ("127.0.0.1.evil.example", False),
        ("", False),
        ("10.0.0.1:80", False),
    ],
)
def test_only_loopback_host_headers_are_answered(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_a_served_mock_refuses_a_foreign_host_header_before_the_mock_sees_it() -> None:
    service = Echo()
    with ServedMock(service) as served, httpx.Client(timeout=5) as http:
        assert http.get(f"{served.base_url}/ok").status_code == 200
        refused = http.get(f"{served.base_url}/rebound", headers={"Host": "attacker.example"})
    assert refused.status_code == 421
    assert [r.path for r in service.calls.records()] == ["/ok"]


def _raw(port: int, head: bytes, body: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head + body)
        answer = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the mock closes the connection after refusing a body
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent() -> None:
    service = Echo()
    with ServedMock(service) as served:
        # 300 MB announced, not one byte sent: the answer comes at once, nothing was buffered
        head = (
            f"POST /big HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Type: application/json\r\n"
            "Content-Length: 300000000\r\n\r\n"
        ).encode()
        answer = _raw(served.port, head)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert service.bodies == 0
    assert service.calls.records()[-1].status == 413


def test_a_streamed_body_over_the_limit_is_refused_while_streaming() -> None:
    service = Echo()

    def chunks() -> object:
        for _ in range(100):
            yield b"x" * 512

    with ServedMock(service) as served, httpx.Client(timeout=5) as http:
        refused = http.post(f"{served.base_url}/stream", content=chunks())  # type: ignore[arg-type]
        fits = http.post(f"{served.base_url}/small", content=b"y" * 1000)
    assert refused.status_code == 413
    assert fits.status_code == 200 and fits.json()["bytes"] == 1000
    assert service.bodies == 1000


@pytest.mark.parametrize("system", ["exact", "squarespace"])
def test_each_mock_refuses_a_large_body_in_its_own_error_shape(system: str) -> None:
    from harness.exact.app import ExactOnlineMock
    from harness.squarespace.app import SquarespaceMock

    service: MockService = ExactOnlineMock(VirtualClock()) if system == "exact" else SquarespaceMock(VirtualClock())
    with ServedMock(service) as served, httpx.Client(timeout=5) as http:
        path = "/api/v1/1/logistics/Items" if system == "exact" else "/1.0/commerce/products"
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Content-Length": str(11 << 20)}
        answer = _raw(
            served.port,
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode()
            + b"\r\n",
        )
        assert http.get(f"{served.base_url}{path}").status_code in {400, 401}  # still serving
    assert b" 413 " in answer.split(b"\r\n")[0]
    body = answer.partition(b"\r\n\r\n")[2]
    if system == "exact":
        assert b'"error"' in body and b'"message"' in body
    else:
        assert b'"type"' in body and b"REQUEST_TOO_LARGE" in body


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_serve_refuses_a_port_beyond_tcp_in_one_line(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    from harness.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "exact", f"--port={port}"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--port" in err and "Traceback" not in err


def test_a_served_mock_refuses_a_port_beyond_tcp_as_a_usage_error() -> None:
    from harness.errors import UsageError

    with pytest.raises(UsageError, match="no TCP port"):
        ServedMock(Echo(), port=99999)


def test_serve_keeps_the_call_log_window_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from harness.mock import served as served_module

    def ten_calls_then_stop(self: ServedMock) -> None:  # instead of waiting for Ctrl-C
        with httpx.Client(timeout=5) as http:
            for i in range(10):
                http.get(f"{self.base_url}/{i}")
        self.stop()

    monkeypatch.setattr(served_module.ServedMock, "wait", ten_calls_then_stop)
    service = Echo(window=50)
    code = served_module.serve_until_interrupted(
        service, "127.0.0.1", 0, lambda base: {"base_url": base}, io.StringIO(), call_window=3
    )
    assert code == 0
    assert service.calls.window == 3
    assert [r.path for r in service.calls.records()] == ["/7", "/8", "/9"]
