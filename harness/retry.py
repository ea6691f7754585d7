"""``RetryPolicy``: how patient a client of a system under sync is before it gives up (one definition,
shared by ``harness.exact.client.ExactClient`` and ``harness.squarespace.client.SquarespaceClient``).

Each client reads the fields that fit how its system limits calls (Exact announces when a rate limit resets;
Squarespace answers 429 with ``Retry-After`` and is paced below its limit), and holds its own defaults
(``harness.exact.client.EXACT_RETRY``, ``harness.squarespace.transport.SQUARESPACE_RETRY``): a field left at
``None`` takes the client's default, so ``RetryPolicy(max_attempts=3)`` keeps every other default of the
client it is given to. (Squarespace's former ``backoff_max_s`` is ``max_backoff_s``.)
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a client tries before it gives up."""

    #: tries per call against 5xx answers and time-outs, the first included
    max_attempts: int = 5
    #: the first wait after a 5xx or a time-out; doubled each time
    backoff_s: float = 1.0
    #: the longest wait between two tries; ``None``: the client's own (Exact 60 s, Squarespace 30 s)
    max_backoff_s: float | None = None
    #: Exact Online: the longest wait for an announced rate-limit reset; longer -> ``RateLimitedError``
    max_rate_wait_s: float = 120.0
    #: Squarespace: the seconds one call may spend in all waiting out 429s (``Retry-After``)
    max_rate_limit_wait_s: float = 300.0
    #: Exact Online: refresh when fewer seconds than this are left (Exact allows the last 30)
    refresh_margin_s: float = 25.0
    #: Squarespace: pace requests below the rate limit; ``None`` to not pace
    requests_per_minute: int | None = 300

    def over(self, defaults: RetryPolicy) -> RetryPolicy:
        """This policy with the fields it leaves to the client (``None`` here, and only those whose default
        is ``None``) taken from ``defaults``."""
        unset = {
            f.name: getattr(defaults, f.name)
            for f in fields(self)
            if f.default is None and getattr(self, f.name) is None
        }
        return replace(self, **unset) if unset else self

    @property
    def backoff_cap_s(self) -> float:
        """``max_backoff_s``, for a policy a client has completed with its defaults (``over``)."""
        if self.max_backoff_s is None:
            raise ValueError("RetryPolicy.max_backoff_s is left to the client: complete the policy with over()")
        return self.max_backoff_s
