"""How the mock is reached: sync and async httpx clients in-process through respx, the same answers
in-process and served on loopback, and ``talkqa serve exact`` with its one start line."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from exact_helpers import BASE, TLS, http_client

from harness.clock import SystemClock, VirtualClock
from harness.exact.app import ExactOnlineMock
from harness.exact.client import ExactClient
from harness.exact.inprocess import exact_online
from harness.exact.serve import build, start_line
from harness.mock.served import ServedMock

ROOT = Path(__file__).resolve().parents[2]


def test_a_sync_and_an_async_httpx_client_both_reach_the_in_process_mock(mock: ExactOnlineMock) -> None:
    mock.control.seed(items=3, orders=0)
    token = mock.control.issue_tokens().access_token
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    url = f"{BASE}/api/v1/{mock.settings.default_division}/logistics/Items"
    with http_client() as sync_client:
        assert len(sync_client.get(url, headers=headers).json()["d"]["results"]) == 3

    async def fetch() -> int:
        async with httpx.AsyncClient(verify=TLS) as async_client:
            answer = await async_client.get(url, headers=headers)
            return len(answer.json()["d"]["results"])

    assert asyncio.run(fetch()) == 3


def test_a_request_for_another_host_is_refused_by_the_router(mock: ExactOnlineMock) -> None:
    with http_client() as client, pytest.raises(Exception, match="not mocked"):
        client.get("https://example.invalid/api/v1/current/Me")


def _conversation(base: str, client: httpx.Client, token: str, division: int) -> list[dict[str, Any]]:
    """One request mix; each answer reduced to what must match, with the base URL written as BASE."""
    auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    items = f"{base}/api/v1/{division}/logistics/Items"
    steps: list[httpx.Response] = [
        client.get(items, headers=auth),
        client.get(items, params={"$filter": "Unit eq 'stuk'", "$select": "ID,Code,Unit", "$top": "3"}, headers=auth),
        client.post(items, json={"Code": "SAME-1", "Description": "Gelijk"}, headers=auth),
        client.post(items, json={"Code": "same-1", "Description": "Dubbel"}, headers=auth),
        client.get(items, params={"$filter": "Code eq"}, headers=auth),
        client.get(f"{base}/api/v1/{division}/sync/Logistics/Items", params={"$select": "ID,Timestamp"}, headers=auth),
        client.get(
            f"{base}/api/v1/{division}/salesorder/SalesOrders", params={"$expand": "SalesOrderLines"}, headers=auth
        ),
        client.get(items, headers={"Authorization": auth["Authorization"]}),
        client.get(f"{base}/api/v1/current/Me", headers=auth),
        client.get(items, headers={"Accept": "application/json"}),
    ]
    created = steps[2].json()["d"]["ID"]
    steps.append(client.put(f"{items}(guid'{created}')", json={"Description": "Anders"}, headers=auth))
    steps.append(client.get(f"{items}(guid'{created}')", headers=auth))
    steps.append(client.delete(f"{items}(guid'{created}')", headers=auth))
    rate = [h for h in steps[0].headers if h.startswith("x-ratelimit-")]
    kept = ("content-type", "reason", "preference-applied", *rate)
    return [
        {
            "status": r.status_code,
            "headers": {k: r.headers.get(k) for k in kept},
            "body": r.content.decode().replace(base, "BASE"),
        }
        for r in steps
    ]


def test_the_in_process_and_the_served_mock_answer_the_same_requests_identically() -> None:
    def twin() -> ExactOnlineMock:
        mock = ExactOnlineMock(VirtualClock(), seed=3)
        mock.control.seed(items=70, orders=3)
        return mock

    inner, outer = twin(), twin()
    inner_token, outer_token = inner.control.issue_tokens().access_token, outer.control.issue_tokens().access_token
    assert inner_token == outer_token  # the same seed gives the same tokens and keys
    division = inner.settings.default_division
    with exact_online(inner), http_client() as client:
        in_process = _conversation(BASE, client, inner_token, division)
    with ServedMock(outer) as served, httpx.Client() as client:
        over_loopback = _conversation(served.base_url, client, outer_token, division)
    assert [a["status"] for a in in_process] == [200, 200, 201, 400, 400, 200, 200, 200, 200, 401, 204, 200, 204]
    assert in_process == over_loopback
    assert inner.calls.crashes() == outer.calls.crashes() == []


def test_the_served_mock_takes_a_client_through_the_dance_on_the_system_clock() -> None:
    mock = build(seed=5, items=65, orders=2, minutely_limit=100, daily_limit=1000, token_ttl=600)
    with ServedMock(mock) as served:
        line = start_line(mock, served.base_url)
        with ExactClient(
            line["base_url"], line["client_id"], line["client_secret"], line["redirect_uri"], clock=SystemClock()
        ) as client:
            client.login()
            assert client.division == line["division"]
            assert len(client.list_all("logistics/Items")) == 65


def test_talkqa_serve_exact_prints_one_start_line_and_stops_cleanly_on_ctrl_c() -> None:
    command = [sys.executable, "-m", "harness.cli", "serve", "exact", "--port", "0", "--items", "3", "--orders", "1"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        start = json.loads(first)
        assert list(start) == [
            "base_url",
            "auth_url",
            "token_url",
            "client_id",
            "client_secret",
            "redirect_uri",
            "division",
        ]
        assert start["base_url"].startswith("http://127.0.0.1:")
        assert start["auth_url"] == start["base_url"] + "/api/oauth2/auth"
        with httpx.Client() as client:
            page = client.get(
                start["auth_url"],
                params={
                    "client_id": start["client_id"],
                    "redirect_uri": start["redirect_uri"],
                    "response_type": "code",
                },
            )
            assert page.status_code == 302
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert rest == ""
