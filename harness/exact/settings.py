"""The knobs of the Exact Online mock: limits, token lifetimes, page sizes and unconfirmed facts."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ExactSettings"]


@dataclass(frozen=True)
class ExactSettings:
    """How one mock instance behaves. Defaults follow Exact Online's documented values.

    ``timestamp_as_string`` and ``top_returns_bare_array`` are unconfirmed facts of the real API,
    so they are settings rather than decisions.
    """

    #: calls per app and division per wall-clock minute (documented default 60)
    minutely_limit: int = 60
    #: calls per app and division per UTC day (documented default 5,000)
    daily_limit: int = 5000
    #: access-token lifetime in seconds; ``expires_in`` tells it as a string
    token_ttl_s: int = 600
    #: a refresh is refused while the current access token has more than this many seconds left
    early_refresh_window_s: int = 30
    #: an unused refresh token expires after about 30 days
    refresh_token_ttl_s: int = 30 * 24 * 3600
    #: an authorization code must be redeemed within this many seconds
    code_ttl_s: int = 300
    #: rows per page on the ordinary endpoints
    page_size: int = 60
    #: rows per page on the sync and bulk endpoints
    sync_page_size: int = 1000
    #: send ``Timestamp`` (Edm.Int64) as a JSON string instead of a number
    timestamp_as_string: bool = False
    #: answer ``$top`` without ``$inlinecount`` with ``d`` as a bare array
    top_returns_bare_array: bool = False
    #: more than this many 400/401/403/404 answers per app, user, division and endpoint in an hour block it
    error_block_threshold: int = 10
    #: how long such a block lasts
    error_block_s: int = 3600
    #: status of a business-rule refusal (duplicate code, unknown item): seen as 400 and as 500 on the real API
    business_rule_status: int = 400
    #: the division a fresh mock has, and the user's current division
    default_division: int = 2_541_103
    #: the app registered in a fresh mock
    client_id: str = "6c3f8a0e-4b1d-4e57-9a2c-5d7e8f901234"
    client_secret: str = "talkqa-mock-secret"
    redirect_uri: str = "https://talkqa.invalid/exact/callback"

    def __post_init__(self) -> None:
        for name in ("minutely_limit", "daily_limit", "token_ttl_s", "page_size", "sync_page_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"ExactSettings.{name} must be 1 or more, not {getattr(self, name)}")
        if not 0 <= self.early_refresh_window_s <= self.token_ttl_s:
            raise ValueError("ExactSettings.early_refresh_window_s must lie between 0 and token_ttl_s")
        if self.business_rule_status not in (400, 500):
            raise ValueError("ExactSettings.business_rule_status must be 400 or 500 (what Exact has been seen to send)")
