"""OAuth2 as Exact Online does it: an authorization-code flow whose consent screen approves at once,
a token endpoint for ``authorization_code`` and ``refresh_token`` with rotation, and the bearer check
of every API call.

Refusals, as Exact answers them:
- a token request carrying an ``Authorization`` header: 401;
- a refresh while the current access token has more than ``early_refresh_window_s`` left: 401
  ``access_denied`` (Reason ``TooEarlyToRefreshTokens``);
- a refresh token already rotated away: 401 ``unauthorized_client`` "Old refresh token used.";
- a refresh token unused for ``refresh_token_ttl_s`` (about 30 days): 400 ``invalid_request``;
- an unknown or revoked grant, a used or stale code: 400 ``invalid_grant``; a wrong secret: 400 ``invalid_client``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from harness.clock import Clock, told_delay
from harness.exact.settings import ExactSettings
from harness.exact.store import Store
from harness.mock.messages import MockRequest, MockResponse
from harness.redaction import remember_secret

__all__ = ["AccessToken", "App", "AuthServer", "Grant", "TokenPair"]


@dataclass(frozen=True)
class App:
    """A registered app (an API key): who may ask for tokens, and where the code goes."""

    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass
class Grant:
    """One user's consent to one app: the live refresh token and the tokens it led to."""

    client_id: str
    user_id: str
    refresh_token: str
    refresh_issued_at: float
    access_token: str
    revoked: bool = False
    old_refresh_tokens: set[str] = field(default_factory=set)


@dataclass
class AccessToken:
    token: str
    grant: Grant
    issued_at: float
    expires_at: float
    revoked: bool = False


@dataclass(frozen=True)
class TokenPair:
    """What a token answer carries (``expires_in`` in seconds)."""

    access_token: str
    refresh_token: str
    expires_in: int


@dataclass
class _Code:
    client_id: str
    user_id: str
    redirect_uri: str
    issued_at: float
    used: bool = False


def _oauth_error(status: int, error: str, description: str, reason: str | None = None) -> MockResponse:
    headers = {"Cache-Control": "no-store"}
    if reason:
        headers["Reason"] = reason
    return MockResponse.json(status, {"error": error, "error_description": description}, headers)


class AuthServer:
    """Apps, codes, grants and tokens of one mock."""

    def __init__(self, clock: Clock, settings: ExactSettings, store: Store) -> None:
        self.clock = clock
        self.settings = settings
        self.store = store
        self.apps: dict[str, App] = {}
        self.codes: dict[str, _Code] = {}
        self.grants: list[Grant] = []
        self.access: dict[str, AccessToken] = {}
        self.default_user_id: str | None = None

    def register(self, app: App) -> App:
        remember_secret(app.client_secret)
        self.apps[app.client_id] = app
        return app

    def _secret(self, prefix: str) -> str:
        # Exact's tokens carry '!' and other characters a client must quote; ours do too.
        body = "".join(
            self.store.random.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-_") for _ in range(40)
        )
        secret = f"{prefix}!{body}"
        remember_secret(secret)  # a token or code that reaches a report or the console is blanked out
        return secret

    # -- /api/oauth2/auth ---------------------------------------------------------------------
    def authorize(self, request: MockRequest) -> MockResponse:
        """Approve at once: redirect to the app's redirect URI with a code (and the state, if any)."""
        client_id = request.param("client_id") or ""
        redirect_uri = request.param("redirect_uri") or ""
        app = self.apps.get(client_id.strip("{}"))
        if app is None:
            return MockResponse(400, {"content-type": "text/plain; charset=utf-8"}, b"Unknown client_id.")
        if redirect_uri != app.redirect_uri:
            return MockResponse(
                400, {"content-type": "text/plain; charset=utf-8"}, b"redirect_uri does not match the app's."
            )
        if request.param("response_type") != "code":
            return self._redirect(redirect_uri, {"error": "unsupported_response_type"}, request.param("state"))
        user_id = self.default_user_id
        if user_id is None:
            return MockResponse(400, {"content-type": "text/plain; charset=utf-8"}, b"No user to log in as.")
        code = self._secret("stampNL001.code")
        self.codes[code] = _Code(app.client_id, user_id, redirect_uri, self.clock.now())
        return self._redirect(redirect_uri, {"code": code}, request.param("state"))

    @staticmethod
    def _redirect(uri: str, params: dict[str, str], state: str | None) -> MockResponse:
        if state is not None:
            params = {**params, "state": state}
        glue = "&" if "?" in uri else "?"
        return MockResponse(302, {"location": f"{uri}{glue}{urlencode(params)}"}, b"")

    # -- /api/oauth2/token --------------------------------------------------------------------
    def token(self, request: MockRequest) -> MockResponse:
        if request.header("authorization") is not None:
            return _oauth_error(401, "invalid_request", "A token request must not carry an Authorization header.")
        if request.method != "POST":
            return _oauth_error(400, "invalid_request", "The token endpoint takes POST only.")
        form = request.form()
        app = self.apps.get(form.get("client_id", "").strip("{}"))
        if app is None or form.get("client_secret") != app.client_secret:
            return _oauth_error(400, "invalid_client", "Unknown client_id or wrong client_secret.")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._redeem_code(app, form)
        if grant_type == "refresh_token":
            return self._refresh(app, form.get("refresh_token", ""))
        return _oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported.")

    def _redeem_code(self, app: App, form: dict[str, str]) -> MockResponse:
        code = self.codes.get(form.get("code", ""))
        now = self.clock.now()
        if code is None or code.used or code.client_id != app.client_id:
            return _oauth_error(400, "invalid_grant", "The authorization code is unknown or was used already.")
        if now - code.issued_at > self.settings.code_ttl_s:
            return _oauth_error(400, "invalid_grant", "The authorization code has expired.")
        if form.get("redirect_uri") != code.redirect_uri:
            return _oauth_error(400, "invalid_grant", "redirect_uri differs from the one the code was issued for.")
        code.used = True
        pair = self.issue(app.client_id, code.user_id)
        return self._token_answer(pair)

    def _refresh(self, app: App, refresh_token: str) -> MockResponse:
        now = self.clock.now()
        for grant in self.grants:
            if grant.client_id != app.client_id:
                continue
            if refresh_token in grant.old_refresh_tokens:
                return _oauth_error(401, "unauthorized_client", "Old refresh token used.")
            if refresh_token != grant.refresh_token:
                continue
            if grant.revoked:
                return _oauth_error(400, "invalid_grant", "The grant was revoked; log in again.")
            if now - grant.refresh_issued_at > self.settings.refresh_token_ttl_s:
                return _oauth_error(400, "invalid_request", "The refresh token has expired; log in again.")
            current = self.access.get(grant.access_token)
            window = self.settings.early_refresh_window_s
            if current is not None and not current.revoked and current.expires_at - now > window:
                return _oauth_error(
                    401,
                    "access_denied",
                    "Rate limit exceeded: access_token not expired",
                    reason="TooEarlyToRefreshTokens",
                )
            return self._token_answer(self._rotate(grant))
        return _oauth_error(400, "invalid_grant", "Unknown refresh token.")

    def _token_answer(self, pair: TokenPair) -> MockResponse:
        body = {
            "access_token": pair.access_token,
            "token_type": "bearer",
            "expires_in": str(int(told_delay(self.clock, pair.expires_in))),  # in the client's real seconds
            "refresh_token": pair.refresh_token,
        }
        return MockResponse.json(200, body, {"Cache-Control": "no-store"})

    # -- issuing, rotating, revoking ----------------------------------------------------------
    def issue(self, client_id: str, user_id: str) -> TokenPair:
        """A new grant and its first token pair (what a completed login gives)."""
        now = self.clock.now()
        grant = Grant(client_id, user_id, self._secret("refresh"), now, "")
        self.grants.append(grant)
        access = self._new_access(grant, now)
        return TokenPair(access.token, grant.refresh_token, self.settings.token_ttl_s)

    def _rotate(self, grant: Grant) -> TokenPair:
        now = self.clock.now()
        grant.old_refresh_tokens.add(grant.refresh_token)
        grant.refresh_token = self._secret("refresh")
        grant.refresh_issued_at = now
        access = self._new_access(grant, now)
        return TokenPair(access.token, grant.refresh_token, self.settings.token_ttl_s)

    def _new_access(self, grant: Grant, now: float) -> AccessToken:
        token = AccessToken(self._secret("access"), grant, now, now + self.settings.token_ttl_s)
        self.access[token.token] = token
        grant.access_token = token.token
        return token

    def revoke_access(self, access_token: str) -> bool:
        token = self.access.get(access_token)
        if token is None:
            return False
        token.revoked = True
        return True

    def revoke_app(self, client_id: str) -> int:
        """Revoke every grant (refresh and access tokens) of an app; how many grants."""
        count = 0
        for grant in self.grants:
            if grant.client_id == client_id and not grant.revoked:
                grant.revoked = True
                count += 1
        for token in self.access.values():
            if token.grant.client_id == client_id:
                token.revoked = True
        return count

    def expire_access_tokens(self) -> int:
        """End the life of every live access token now (refresh tokens stay good)."""
        now = self.clock.now()
        count = 0
        for token in self.access.values():
            if token.expires_at > now:
                token.expires_at = now
                count += 1
        return count

    # -- the bearer check ---------------------------------------------------------------------
    def lookup(self, request: MockRequest) -> tuple[AccessToken | None, str | None]:
        """The token a request carries, and why it is refused (None when it is good).

        An expired or revoked token is still returned, so that its error counts against its app.
        """
        header = request.header("authorization") or ""
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None, "Authorization header with a bearer token is missing."
        token = self.access.get(value.strip())
        if token is None:
            return None, "Access token is not valid."
        if token.revoked or token.grant.revoked:
            return token, "Access token has been revoked."
        if self.clock.now() >= token.expires_at:
            return token, "Access token has expired."
        return token, None
