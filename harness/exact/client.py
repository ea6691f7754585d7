"""``ExactClient``: the sync httpx client a sync engine uses to talk to Exact Online (or its mock).

- Log in with the authorization-code dance (``login``: the mock's consent page approves at once; against
  the real service a person logs in once and the engine keeps the tokens); tokens live in a
  ``TokenState`` the engine can save and give back after a restart (``on_tokens`` is called after
  every login and refresh).
- Refresh only when due (Exact refuses a refresh while the access token has more than ~30 s left),
  or once after a 401.
- Page with ``__next``; read sync endpoints page by page by ``Timestamp`` cursor; read ``sync/Deleted``.
- Under rate limits, wait (on the injected clock) until the reset the headers announce, up to
  ``RetryPolicy.max_rate_wait_s``; else ``RateLimitedError``.
- Retry 5xx and time-outs with exponential backoff for GET/PUT/DELETE. Never duplicate a POST: after
  an ambiguous POST failure (time-out, lost answer, 5xx) look the record up by the caller's
  natural-key filter first; without one, raise ``GaveUpError`` instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from harness.clock import Clock
from harness.errors import AuthError, ExactApiError, GaveUpError, RateLimitedError
from harness.exact.tokens import TokenState, log_in, refresh_tokens
from harness.retry import RetryPolicy

__all__ = ["EXACT_RETRY", "ExactClient", "RetryPolicy", "SyncPage", "TokenState"]

_RETRYABLE = frozenset({500, 502, 503, 504})


#: The Exact client's own retry defaults (a field a given policy leaves to the client is taken from here).
EXACT_RETRY = RetryPolicy(max_backoff_s=60.0)


@dataclass(frozen=True)
class SyncPage:
    """One page of a sync endpoint and the cursor to persist once it is processed."""

    rows: list[dict[str, Any]]
    cursor: int  #: the highest Timestamp seen so far: start the next read after it
    more: bool


class ExactClient:
    """A sync client for one app and one user; ``division`` comes from ``current/Me`` unless given."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        *,
        clock: Clock,
        http: httpx.Client | None = None,
        tokens: TokenState | None = None,
        division: int | None = None,
        policy: RetryPolicy | None = None,
        on_tokens: Callable[[TokenState], None] | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.clock = clock
        self.http = http if http is not None else httpx.Client(timeout=timeout_s)
        self._owns_http = http is None
        self.tokens = tokens
        self._division = division
        self.policy = (policy or EXACT_RETRY).over(EXACT_RETRY)
        self.on_tokens = on_tokens
        self.rate: dict[str, float] = {}  #: the last X-RateLimit-* values seen (lower-case names)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> ExactClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- OAuth ---------------------------------------------------------------------------------
    def login(self) -> TokenState:
        """The authorization-code dance: the consent page redirects with a code, traded for tokens."""
        return self._keep(
            log_in(self.http, self.base_url, self.client_id, self.client_secret, self.redirect_uri, self.clock)
        )

    def refresh(self) -> TokenState:
        """Trade the refresh token for a new pair (Exact refuses this until the access token is nearly spent)."""
        if self.tokens is None:
            raise AuthError("Exact Online: no refresh token; call login() first")
        state = refresh_tokens(self.http, self.base_url, self.client_id, self.client_secret, self.tokens, self.clock)
        return self._keep(state)

    def _keep(self, state: TokenState) -> TokenState:
        self.tokens = state
        if self.on_tokens is not None:
            self.on_tokens(state)
        return state

    def _bearer(self) -> str:
        if self.tokens is None:
            raise AuthError("Exact Online: not logged in; call login() or pass the saved TokenState")
        if self.tokens.expires_at - self.clock.now() < self.policy.refresh_margin_s:
            self.refresh()
        assert self.tokens is not None
        return self.tokens.access_token

    # -- the request loop ----------------------------------------------------------------------
    def _url(self, resource: str, *, division: bool = True) -> str:
        if resource.startswith(("http://", "https://")):
            return resource
        prefix = f"{self.base_url}/api/v1/{self.division}/" if division else f"{self.base_url}/api/v1/"
        return prefix + resource.lstrip("/")

    def _wait_for_limits(self) -> None:
        now_ms = self.clock.now() * 1000
        for remaining, reset in (
            ("x-ratelimit-minutely-remaining", "x-ratelimit-minutely-reset"),
            ("x-ratelimit-remaining", "x-ratelimit-reset"),
        ):
            if self.rate.get(remaining, 1) <= 0 and self.rate.get(reset, 0) > now_ms:
                self._sleep_until(self.rate[reset], attempts=0)

    def _sleep_until(self, reset_ms: float, *, attempts: int) -> None:
        wait = reset_ms / 1000 - self.clock.now()
        if wait > self.policy.max_rate_wait_s:
            raise RateLimitedError(
                f"Exact Online rate limit: the limit resets in {wait:.0f} s, longer than the "
                f"{self.policy.max_rate_wait_s:.0f} s this client may wait; run again after the reset",
                reset_at=reset_ms / 1000,
                attempts=attempts,
            )
        self.clock.sleep(max(wait, 0.0))

    def _note_limits(self, answer: httpx.Response) -> None:
        for name, value in answer.headers.items():
            if name.lower().startswith("x-ratelimit-"):
                try:
                    self.rate[name.lower()] = float(value)
                except ValueError:
                    continue

    def request(
        self,
        method: str,
        resource: str,
        *,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        division: bool = True,
    ) -> httpx.Response:
        """One call with refresh, rate-limit waits and retries (GET/PUT/DELETE only retry on 5xx/time-out).

        ``resource`` is a path under the division (``logistics/Items``) or an absolute URL (a ``__next``).
        A POST whose outcome is unknown is not repeated: ``GaveUpError`` (``create`` can do better).
        """
        try:
            return self._send(method, resource, body=body, headers=headers, division=division)
        except _Ambiguous as exc:
            raise GaveUpError(
                f"Exact Online: {method} {resource} ended in {exc.what}; it may or may not have taken effect "
                "and is not repeated (that could duplicate it); check the data, or use create(natural_key=...)",
                attempts=1,
                last_status=exc.status,
            ) from None

    def _send(
        self,
        method: str,
        resource: str,
        *,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        division: bool = True,
    ) -> httpx.Response:
        url = self._url(resource, division=division)
        attempts, refreshed, last_status = 0, False, None
        while True:
            attempts += 1
            self._wait_for_limits()
            hdrs = {"Accept": "application/json", "Authorization": f"Bearer {self._bearer()}", **(headers or {})}
            try:
                answer = self.http.request(method, url, json=body, headers=hdrs)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if method == "POST":
                    raise _Ambiguous(f"no answer ({type(exc).__name__})", None) from None
                last_status = None
                self._backoff_or_give_up(method, url, attempts, f"no answer ({type(exc).__name__})", last_status)
                continue
            self._note_limits(answer)
            status = answer.status_code
            if status < 400:
                return answer
            if status == 401 and not refreshed:
                refreshed = True
                self.refresh()
                continue
            if status == 401:
                raise AuthError(
                    f"Exact Online refused the access token for {method} {url} even after a refresh: "
                    f"{_message(answer)}; log in again"
                )
            if status == 429:
                self._rate_limited(answer, attempts)
                continue
            if status in _RETRYABLE:
                if method == "POST":
                    raise _Ambiguous(f"HTTP {status}: {_message(answer)}", status)
                self._backoff_or_give_up(method, url, attempts, f"HTTP {status}: {_message(answer)}", status)
                continue
            raise ExactApiError(status, _message(answer), method=method, url=url)

    def _rate_limited(self, answer: httpx.Response, attempts: int) -> None:
        reset = answer.headers.get("x-ratelimit-minutely-reset") or answer.headers.get("x-ratelimit-reset")
        if reset is None:
            raise RateLimitedError(
                f"Exact Online answered 429 without announcing a reset ({_message(answer)}): the API key is "
                "probably blocked for an hour after too many errors on this endpoint; fix the failing calls "
                "and run again in an hour",
                attempts=attempts,
            )
        if attempts >= self.policy.max_attempts:
            raise RateLimitedError(
                f"Exact Online kept answering 429 after {attempts} attempts; lower the call rate",
                reset_at=float(reset) / 1000,
                attempts=attempts,
            )
        self._sleep_until(float(reset), attempts=attempts)

    def _backoff_or_give_up(self, method: str, url: str, attempts: int, what: str, status: int | None) -> None:
        if attempts >= self.policy.max_attempts:
            raise GaveUpError(
                f"Exact Online: {method} {url} failed {attempts} times, last with {what}; "
                "the service may be down, try again later",
                attempts=attempts,
                last_status=status,
            )
        self.clock.sleep(self._backoff(attempts))

    def _backoff(self, attempts: int) -> float:
        """The wait after the ``attempts``-th try failed: doubling from ``backoff_s``, at most the cap."""
        policy = self.policy.over(EXACT_RETRY)  # a policy set after construction may leave the cap to the client
        doubled: float = policy.backoff_s * 2 ** (attempts - 1)
        return min(doubled, policy.backoff_cap_s)

    # -- reading -------------------------------------------------------------------------------
    @property
    def division(self) -> int:
        """The division calls go to: given, or the user's current division from ``current/Me``."""
        if self._division is None:
            answer = self.request("GET", "current/Me?$select=CurrentDivision", division=False)
            self._division = int(answer.json()["d"]["results"][0]["CurrentDivision"])
        return self._division

    def get(self, resource: str, key: str, *, select: str | None = None) -> dict[str, Any]:
        """One record by its Guid key; ``ExactApiError`` (404) when it is absent."""
        query = f"?$select={quote(select, safe=',')}" if select else ""
        answer = self.request("GET", f"{resource}(guid'{key}'){query}")
        return dict(answer.json()["d"])

    def pages(self, resource: str, **options: str | int) -> Iterator[list[dict[str, Any]]]:
        """Every page of a collection, following ``__next`` (options without ``$``: ``filter="Code eq 'X'"``)."""
        query = "&".join(f"${name}={quote(str(value), safe=chr(39) + ',()*:')}" for name, value in options.items())
        url: str | None = self._url(resource) + (f"?{query}" if query else "")
        while url is not None:
            data = self.request("GET", url).json()["d"]
            if isinstance(data, list):
                yield data
                return
            yield list(data["results"])
            url = data.get("__next")

    def list_all(self, resource: str, **options: str | int) -> list[dict[str, Any]]:
        """All rows of a collection (every page)."""
        return [row for page in self.pages(resource, **options) for row in page]

    def count(self, resource: str, filter: str | None = None) -> int:
        query = f"?$filter={quote(filter, safe=chr(39))}" if filter else ""
        return int(self.request("GET", f"{resource}/$count{query}").text)

    def sync(self, resource: str, select: str, *, since: int = 1) -> Iterator[SyncPage]:
        """Read a sync endpoint from cursor ``since``, one page at a time: persist ``page.cursor`` after each."""
        names = [n.strip() for n in select.split(",") if n.strip()]
        if "Timestamp" not in names:
            names.append("Timestamp")  # the cursor comes from it
        select = ",".join(names)
        cursor = since
        while True:
            query = f"$select={quote(select, safe=',')}&$filter={quote(f'Timestamp gt {cursor}', safe='')}"
            data = self.request("GET", f"{resource}?{query}").json()["d"]
            rows = list(data["results"])
            cursor = max([cursor, *(int(r["Timestamp"]) for r in rows)])
            more = bool(data.get("__next"))
            yield SyncPage(rows, cursor, more)
            if not more:
                return

    def deleted(self, *, since: int = 1, entity_type: int | None = None) -> Iterator[SyncPage]:
        """``sync/Deleted`` from cursor ``since`` (EntityType 9 items, 32 sales orders, 33 lines)."""
        select = "Timestamp,ID,EntityKey,EntityType,DeletedBy,DeletedDate"
        for page in self.sync("sync/Deleted", select, since=since):
            rows = [r for r in page.rows if entity_type is None or r["EntityType"] == entity_type]
            yield SyncPage(rows, page.cursor, page.more)

    # -- writing -------------------------------------------------------------------------------
    def create(self, resource: str, body: Mapping[str, Any], *, natural_key: str | None = None) -> dict[str, Any]:
        """POST a record and return it as stored. ``natural_key`` is an OData filter that finds it
        (``"Code eq 'X'"``): after an ambiguous failure the client looks for it before posting again."""
        attempts = 0
        while True:
            attempts += 1
            try:
                answer = self._send("POST", resource, body=dict(body), headers={"Prefer": "return=representation"})
                return dict(answer.json()["d"])
            except _Ambiguous as exc:
                if natural_key is None:
                    raise GaveUpError(
                        f"Exact Online: POST {resource} ended in {exc.what}; it may or may not have created the "
                        "record, and without a natural key to look it up by the client will not post again "
                        "(that could duplicate it). Check the data, or pass natural_key=",
                        attempts=attempts,
                        last_status=exc.status,
                    ) from None
                found = self.list_all(resource, filter=natural_key)
                if len(found) == 1:
                    return found[0]
                if len(found) > 1:
                    raise GaveUpError(
                        f"Exact Online: after an unclear POST {resource}, {len(found)} records match "
                        f"{natural_key!r}; resolve the duplicates by hand",
                        attempts=attempts,
                        last_status=exc.status,
                    ) from None
                if attempts >= self.policy.max_attempts:
                    raise GaveUpError(
                        f"Exact Online: POST {resource} failed {attempts} times, last with {exc.what}, and "
                        f"created nothing matching {natural_key!r}; try again later",
                        attempts=attempts,
                        last_status=exc.status,
                    ) from None
                self.clock.sleep(self._backoff(attempts))

    def update(self, resource: str, key: str, body: Mapping[str, Any]) -> None:
        """PUT the given fields (Exact changes only those); Exact answers 204 with an empty body."""
        self.request("PUT", f"{resource}(guid'{key}')", body=dict(body))

    def delete(self, resource: str, key: str) -> None:
        self.request("DELETE", f"{resource}(guid'{key}')")


class _Ambiguous(Exception):
    """A POST whose outcome is unknown (no answer, or a 5xx)."""

    def __init__(self, what: str, status: int | None) -> None:
        self.what = what
        self.status = status
        super().__init__(what)


def _message(answer: httpx.Response) -> str:
    try:
        data = answer.json()
    except ValueError:
        return answer.text[:300]
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return str(data["error"].get("message", {}).get("value", ""))
    if isinstance(data, dict) and "error_description" in data:
        return str(data["error_description"])
    return answer.text[:300]
