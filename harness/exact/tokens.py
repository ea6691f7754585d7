"""The client side of Exact Online's OAuth2: the authorization-code dance, refresh, and the
``TokenState`` an engine saves between runs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import httpx

from harness.clock import Clock
from harness.errors import AuthError

__all__ = ["TokenState", "log_in", "refresh_tokens"]


@dataclass(frozen=True)
class TokenState:
    """What a client must keep across restarts: the token pair and when the access token expires."""

    access_token: str
    refresh_token: str
    expires_at: float  #: clock seconds

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TokenState:
        data = json.loads(text)
        return cls(str(data["access_token"]), str(data["refresh_token"]), float(data["expires_at"]))


def log_in(
    http: httpx.Client, base_url: str, client_id: str, client_secret: str, redirect_uri: str, clock: Clock
) -> TokenState:
    """Ask the consent page for a code (it answers with a redirect) and trade the code for tokens."""
    params = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code"}
    answer = http.get(f"{base_url}/api/oauth2/auth?{urlencode(params, quote_via=quote)}", follow_redirects=False)
    location = answer.headers.get("location", "")
    code = parse_qs(urlsplit(location).query).get("code", [""])[0]
    if answer.status_code not in (301, 302, 303) or not code:
        raise AuthError(
            f"Exact Online login: the consent page answered {answer.status_code} without a code "
            f"({answer.text[:200]!r}); check client_id and redirect_uri of the app registration"
        )
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uri": redirect_uri,
    }
    return _token_request(http, base_url, form, "log in", clock)


def refresh_tokens(
    http: httpx.Client, base_url: str, client_id: str, client_secret: str, tokens: TokenState, clock: Clock
) -> TokenState:
    """Trade a refresh token for a new pair (Exact rotates the refresh token every time)."""
    form = {
        "grant_type": "refresh_token",
        "refresh_token": tokens.refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    return _token_request(http, base_url, form, "refresh the token", clock)


def _token_request(http: httpx.Client, base_url: str, form: Mapping[str, str], what: str, clock: Clock) -> TokenState:
    try:
        answer = http.post(f"{base_url}/api/oauth2/token", data=dict(form))
    except httpx.TransportError as exc:
        raise AuthError(f"Exact Online: could not {what}: {exc!r}; try again later") from None
    if answer.status_code != 200:
        raise AuthError(
            f"Exact Online refused to {what}: HTTP {answer.status_code} {answer.text[:300]}; "
            "if the refresh token is old, revoked or expired, log in again"
        )
    data = answer.json()
    return TokenState(str(data["access_token"]), str(data["refresh_token"]), clock.now() + float(data["expires_in"]))
