"""Helpers of the Exact Online mock tests: an httpx client holding a token, and Exact's error body."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from harness.exact.app import ExactOnlineMock

BASE = "https://start.exactonline.nl"
#: one TLS context for every test client: building one per httpx.Client costs ~80 ms
TLS = ssl.create_default_context()


def http_client() -> httpx.Client:
    """An httpx client that reuses the shared TLS context (respx answers before TLS is used)."""
    return httpx.Client(verify=TLS)


class Api:
    """An httpx client with a bearer token and ``Accept: application/json``, addressing one division."""

    def __init__(self, mock: ExactOnlineMock, http: httpx.Client) -> None:
        self.mock = mock
        self.http = http
        self.division = mock.settings.default_division
        self.token = mock.control.issue_tokens().access_token

    def renew(self) -> None:
        """A fresh token (after the virtual clock has moved past the old one's life)."""
        self.token = self.mock.control.issue_tokens().access_token

    def url(self, path: str) -> str:
        return f"{BASE}/api/v1/{self.division}/{path}"

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json", **(extra or {})}

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(self.url(path), headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        return self.http.post(self.url(path), json=body, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def put(self, path: str, body: Any) -> httpx.Response:
        return self.http.put(self.url(path), json=body, headers=self.headers())

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(self.url(path), headers=self.headers())


def error_text(response: httpx.Response) -> str:
    """The message of Exact's error body (asserting the body has Exact's shape)."""
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == ""
    assert body["error"]["message"]["lang"] == ""
    return str(body["error"]["message"]["value"])
