"""How the Squarespace client sends one call: paced under the rate limit, waiting out 429s on the
injected clock, retrying 5xx and time-outs with exponential backoff where a retry cannot act
twice, and turning every give-up into a typed error that says what to do."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from harness.clock import Clock
from harness.errors import GaveUpError, RateLimitedError, SquarespaceApiError
from harness.retry import RetryPolicy

__all__ = ["NOT_FOUND_IS_DONE", "SQUARESPACE_RETRY", "RequestPacer", "Transport"]

#: Passed as ``recover`` for deletes: a 404 on a retry means an earlier attempt did it.
NOT_FOUND_IS_DONE = "not-found-is-done"

_HINTS = {
    400: "the request was refused as invalid; fix the data sent",
    401: "check the API key: it may be mistyped, revoked or rotated",
    403: "give the API key the permission this call needs",
    404: "the record does not exist (deleted, or an id of another site)",
    405: "this endpoint does not take that method",
    409: "the request conflicts with the record's state",
}


#: The Squarespace client's own retry defaults (a field a given policy leaves to the client is taken from here).
SQUARESPACE_RETRY = RetryPolicy(max_backoff_s=30.0)


class RequestPacer:
    """Never more than ``per_minute`` requests in any 60 seconds of the clock: waits instead."""

    def __init__(self, clock: Clock, per_minute: int | None) -> None:
        self.clock = clock
        self.per_minute = per_minute
        self._sent: deque[float] = deque()
        self.waited_s = 0.0

    def wait_turn(self) -> None:
        if self.per_minute is None:
            return
        now = self.clock.now()
        while self._sent and self._sent[0] <= now - 60.0:
            self._sent.popleft()
        if len(self._sent) >= self.per_minute:
            pause = self._sent[0] + 60.0 - now
            self.clock.sleep(pause)
            self.waited_s += pause
            now = self.clock.now()
            while self._sent and self._sent[0] <= now - 60.0:
                self._sent.popleft()
        self._sent.append(now)


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        subtype = f" ({body['subtype']})" if body.get("subtype") else ""
        return f"{body['message']}{subtype}"
    return str(body)[:200]


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", "60")))
    except ValueError:
        return 60.0


class Transport:
    """Sends calls for the client (one ``httpx.Client``, one clock, one policy)."""

    def __init__(
        self, http: httpx.Client, base_url: str, headers: Mapping[str, str], clock: Clock, policy: RetryPolicy
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers)
        self.clock = clock
        self.policy = policy.over(SQUARESPACE_RETRY)
        self.pacer = RequestPacer(clock, policy.requests_per_minute)
        self.rate_limit_waits = 0  #: 429s waited out (evidence)
        self.retries = 0  #: tries repeated after a 5xx or a time-out

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        safe: bool,
        recover: Callable[[], Any] | str | None = None,
    ) -> Any:
        """The parsed JSON answer (None for an empty one).

        ``safe``: repeating the call cannot act twice (reads, keyed or idempotent writes).
        ``recover``: for a call that is not safe, after an ambiguous failure, a look-up that
        returns the result if the call did act, or None — then the call is sent again.
        """
        url = f"{self.base_url}{path}"
        send_headers = {**self.headers, **(headers or {})}
        attempts = 0
        waited = 0.0
        backoff = self.policy.backoff_s
        while True:
            attempts += 1
            self.pacer.wait_turn()
            try:
                response = self.http.request(method, url, params=params, json=json, headers=send_headers)
            except httpx.TimeoutException:
                failure, status = "timed out", None
            except httpx.TransportError as exc:
                failure, status = f"could not be sent ({type(exc).__name__})", None
            else:
                if response.status_code == 429:
                    pause = _retry_after(response)
                    if waited + pause > self.policy.max_rate_limit_wait_s:
                        raise RateLimitedError(
                            f"{method} {path}: Squarespace refused it as over a rate limit ({_message(response)}) "
                            f"and asks for {pause:.0f} s more, beyond the {self.policy.max_rate_limit_wait_s:.0f} s "
                            "this client may wait; slow down or raise RetryPolicy.max_rate_limit_wait_s",
                            reset_at=self.clock.now() + pause,
                            attempts=attempts,
                        )
                    self.clock.sleep(pause)
                    waited += pause
                    self.rate_limit_waits += 1
                    attempts -= 1  # a 429 did nothing: it does not use up a try
                    continue
                if response.status_code < 400:
                    return self._parse(method, path, response)
                if response.status_code < 500:
                    if response.status_code == 404 and recover == NOT_FOUND_IS_DONE and attempts > 1:
                        return None
                    hint = _HINTS.get(response.status_code, "")
                    raise SquarespaceApiError(
                        response.status_code,
                        f"{_message(response)}{'; ' + hint if hint else ''}",
                        method=method,
                        url=url,
                    )
                failure, status = f"answered {response.status_code} ({_message(response)})", response.status_code
            if not safe:
                if not callable(recover):
                    raise GaveUpError(
                        f"{method} {path} {failure}; it was not retried because it may have acted and a retry "
                        "could act twice — look the record up before sending it again",
                        attempts=attempts,
                        last_status=status,
                    )
                found = recover()
                if found is not None:
                    return found
            if attempts >= self.policy.max_attempts:
                raise GaveUpError(
                    f"gave up on {method} {path} after {attempts} tries: the last {failure}; Squarespace is failing "
                    "or unreachable — try again later, or raise RetryPolicy.max_attempts",
                    attempts=attempts,
                    last_status=status,
                )
            self.retries += 1
            self.clock.sleep(backoff)
            backoff = min(backoff * 2, self.policy.over(SQUARESPACE_RETRY).backoff_cap_s)

    @staticmethod
    def _parse(method: str, path: str, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise SquarespaceApiError(
                response.status_code, "the answer is not JSON", method=method, url=str(response.url)
            ) from None
