"""The Exact Online mock: ``ExactOnlineMock.handle(request) -> response`` routes OAuth, ``current/Me``
and every division endpoint, behind the bearer check, division access, the error-count block and the
rate limits. Reach it in-process with ``harness.exact.inprocess.exact_online`` or serve it with
``harness.mock.served.ServedMock``; drive it from tests through ``mock.control``.

Decisions where the facts leave a choice:
- A request whose ``Accept`` does not name JSON gets Atom XML (OData v2's default), errors as XML too.
- ``current/Me`` answers as a one-row collection, as Exact does (``d.results[0].CurrentDivision``).
- POST without ``Prefer: return=representation`` answers 201 with the key and the fields given;
  with it, the full entity (an order with its lines expanded).
- A division the user does not have (or that does not exist) answers 403 with ``Reason: NoDivisionAccess``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from harness.clock import Clock, VirtualClock, told_time, utc_datetime
from harness.exact.auth import App, AuthServer
from harness.exact.control import ExactControl
from harness.exact.limits import ErrorBlock, RateLimiter
from harness.exact.odata import ODataError, Query, parse_query
from harness.exact.query import check_options, next_link, page_rows
from harness.exact.records import Writer
from harness.exact.render import EntityView, entity_response, error_response, feed_response
from harness.exact.resources import ENDPOINTS, WRITE_PATHS, Endpoint, field_of
from harness.exact.settings import ExactSettings
from harness.exact.store import Division, Store, User
from harness.exact.validation import RecordError
from harness.mock.core import MockService
from harness.mock.faults import Fault
from harness.mock.messages import MockRequest, MockResponse, is_ascii_number, parse_json_bytes
from harness.systems import EXACT_ONLINE
from harness.systems.exact import resource

__all__ = ["HOSTS", "ExactOnlineMock"]

#: Exact Online's country hosts.
HOSTS = EXACT_ONLINE.hosts

_ENTITY = re.compile(
    r"^(?P<coll>[A-Za-z]+(?:/[A-Za-z]+)*)(?:\((?P<key>[^)]*)\)(?:/(?P<nav>SalesOrderLines))?)?(?:/(?P<count>\$count))?$"
)
_MAX_URL = 6000
_KEYS = {"items": "ID", "orders": "OrderID", "lines": "ID", "deleted": "Timestamp"}


class ExactOnlineMock(MockService):
    """Exact Online's REST API over an in-memory store, on an injected clock."""

    name = "exact"
    hosts = HOSTS

    def __init__(self, clock: Clock | None = None, settings: ExactSettings | None = None, *, seed: int = 1) -> None:
        super().__init__(clock if clock is not None else VirtualClock())
        self.settings = settings or ExactSettings()
        self.seed = seed
        self.store = Store(seed)
        self.auth = AuthServer(self.clock, self.settings, self.store)
        self.limiter = RateLimiter(self.clock, self.settings.minutely_limit, self.settings.daily_limit)
        self.error_block = ErrorBlock(self.clock, self.settings.error_block_threshold, self.settings.error_block_s)
        division = self.store.add_division(self.settings.default_division, "talkqa Demo B.V.")
        user = self.store.add_user("Eva de Vries", "eva.devries@example.com", {division.number}, division.number)
        self.auth.default_user_id = user.user_id
        self.app = self.auth.register(
            App(self.settings.client_id, self.settings.client_secret, self.settings.redirect_uri)
        )
        self.control = ExactControl(self)

    # -- answers in Exact's shape for faults and for bugs in the mock ----------------------------
    def fault_response(self, request: MockRequest, fault: Fault) -> MockResponse:
        messages = {429: "API rate limit exceeded.", 503: "The service is temporarily unavailable."}
        headers = None
        if fault.status == 429:  # as a real minutely 429: the minutely headers, nothing left until the minute turns
            reset_ms = math.ceil(told_time(self.clock, self.clock.now() + self.cooldown_left()) * 1000)
            headers = {
                "X-RateLimit-Minutely-Limit": str(self.limiter.minutely_limit),
                "X-RateLimit-Minutely-Remaining": "0",
                "X-RateLimit-Minutely-Reset": str(reset_ms),
            }
        message = messages.get(fault.status, "An internal error occurred.")
        return error_response(fault.status, message, atom=not _wants_json(request), headers=headers)

    def too_large_response(self, request: MockRequest) -> MockResponse:
        return error_response(413, "The request body is larger than 10 MB.", atom=not _wants_json(request))

    def rate_limit_reset(self, at: float) -> float:
        """An injected 429 is the minutely limit used up: it lifts when the minute turns."""
        return (at // 60 + 1) * 60

    def crash_response(self, request: MockRequest, exc: Exception) -> MockResponse:
        return error_response(500, "An internal error occurred.", atom=not _wants_json(request))

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    def writes_records(self, request: MockRequest) -> bool:
        """Trading a code or a refresh token for tokens changes no record."""
        return super().writes_records(request) and not request.path.startswith("/api/oauth2/")

    # -- routing --------------------------------------------------------------------------------
    def dispatch(self, request: MockRequest) -> MockResponse:
        path = request.path
        if path == "/api/oauth2/auth" and request.method == "GET":
            return self.auth.authorize(request)
        if path == "/api/oauth2/token":
            return self.auth.token(request)
        atom = not _wants_json(request)
        if not path.startswith("/api/v1/"):
            return error_response(404, "Resource not found.", atom=atom)
        rest = path[len("/api/v1/") :]
        division_number: int | None = None
        if rest.split("(")[0].rstrip("/") != "current/Me":
            head, _, rest = rest.partition("/")
            if not is_ascii_number(head):
                return error_response(404, "Resource not found.", atom=atom)
            division_number = int(head)
        matched = _ENTITY.match(rest)
        endpoint_name = matched.group("coll") if matched else rest
        token, problem = self.auth.lookup(request)
        if problem is not None or token is None:
            response = error_response(401, problem or "Unauthorized", atom=atom, headers={"WWW-Authenticate": "Bearer"})
            if token is not None:
                key = (token.grant.client_id, token.grant.user_id, division_number, endpoint_name)
                self.error_block.record(key, 401)
            return response
        client_id, user = token.grant.client_id, self.store.users[token.grant.user_id]
        block_key = (client_id, user.user_id, division_number, endpoint_name)
        if self.error_block.blocked_until(block_key) is not None:
            return error_response(
                429,
                f"Too many errors on {endpoint_name}: this API key is blocked for this endpoint for an hour.",
                atom=atom,
            )
        division = self.store.division(division_number) if division_number is not None else None
        if division_number is not None and (division is None or division_number not in user.divisions):
            self.error_block.record(block_key, 403)
            return error_response(403, "Forbidden", atom=atom, headers={"Reason": "NoDivisionAccess"})
        if division is not None and division.blocked:
            self.error_block.record(block_key, 403)
            return error_response(403, "Forbidden", atom=atom, headers={"Reason": "DivisionBlocked"})
        decision = self.limiter.take(client_id, division_number)
        if not decision.allowed:
            return error_response(429, "API rate limit exceeded.", atom=atom, headers=decision.headers)
        response = self._serve(request, division, rest, user, atom)
        self.error_block.record(block_key, response.status)
        if 200 <= response.status < 300:
            response.headers.update({k.lower(): v for k, v in decision.headers.items()})
        return response

    def _serve(
        self, request: MockRequest, division: Division | None, rest: str, user: User, atom: bool
    ) -> MockResponse:
        if len(request.url) > _MAX_URL:
            return error_response(414, f"The URL is longer than {_MAX_URL} characters.", atom=atom)
        if len(request.body) > self.max_body_bytes:
            return error_response(413, "The request body is larger than 10 MB.", atom=atom)
        try:
            query = parse_query(request.query)
            if division is None:
                return self._me(request, user, query, atom)
            return self._division(request, division, rest, user, query, atom)
        except ODataError as exc:
            return error_response(400, str(exc), atom=atom)
        except RecordError as exc:
            return error_response(exc.status, exc.message, atom=atom)

    def _me(self, request: MockRequest, user: User, query: Query, atom: bool) -> MockResponse:
        if request.method != "GET":
            return error_response(405, "Method not allowed.", atom=atom)
        spec = resource("current/Me")
        if query.select is not None:
            for name in query.select:
                if name != "*" and field_of(spec, name) is None:
                    raise ODataError(f"Could not find a property named '{name}' on type '{spec.entity_type}'.")
        first, _, last = user.full_name.partition(" ")
        record: dict[str, Any] = {
            "UserID": user.user_id,
            "CurrentDivision": user.current_division,
            "AccountingDivision": user.current_division,
            "FullName": user.full_name,
            "FirstName": first,
            "LastName": last,
            "Email": user.email,
            "UserName": user.email,
            "LanguageCode": user.language,
            "Language": user.language[:2].upper(),
            "Legislation": 1,
            "ServerTime": utc_datetime(self.clock).strftime("%Y-%m-%dT%H:%M:%S"),
            "ServerUtcOffset": 0.0,
        }
        view = EntityView(
            spec,
            f"{request.base_url}/api/v1/current/Me",
            "UserID",
            False,
            query.select,
            (),
            self.settings.timestamp_as_string,
        )
        return feed_response(view, [record], next_url=None, count=1 if query.inlinecount else None, atom=atom)

    def _division(
        self, request: MockRequest, division: Division, rest: str, user: User, query: Query, atom: bool
    ) -> MockResponse:
        match = _ENTITY.match(rest)
        endpoint = ENDPOINTS.get(match.group("coll")) if match else None
        if match is None or endpoint is None:
            return error_response(404, "Resource not found.", atom=atom)
        key_text, nav, count = match.group("key"), match.group("nav"), match.group("count")
        key = None
        if key_text is not None:
            if endpoint.kind != "rest" or not (key_text.startswith("guid'") and key_text.endswith("'")):
                raise ODataError("Bad Request - Error in query syntax.")
            key = key_text[5:-1].lower()
        method = request.method
        view = self._view(request, division, endpoint, query)
        if method == "GET":
            if key is not None and nav is None and count is None:
                record = division.table(endpoint.table).get(key)
                if record is None:
                    return error_response(404, "Resource not found.", atom=atom)
                return entity_response(view, record, 200, atom=atom)
            return self._collection(request, division, endpoint, query, atom, key if nav else None, count is not None)
        if not endpoint.writable or nav is not None or count is not None:
            return error_response(405, "Method not allowed.", atom=atom)
        writer = Writer(self.store, division, user, self.now_ms(), self.settings.business_rule_status)
        if method == "POST" and key is None:
            body = _json_body(request)
            created = getattr(writer, f"create_{_SINGULAR[endpoint.table]}")(body)
            full = "return=representation" in (request.header("prefer") or "")
            if full:
                view = self._view(request, division, endpoint, query, expand_lines=True)
                headers = {"Preference-Applied": "return=representation"}
                return entity_response(view, created, 201, atom=atom, headers=headers)
            given = [n for n in body if n != "SalesOrderLines"] if isinstance(body, dict) else []
            brief = self._view(request, division, endpoint, Query(select=(endpoint.spec.key.name, *given)))
            return entity_response(brief, created, 201, atom=atom)
        if method == "PUT" and key is not None:
            getattr(writer, f"update_{_SINGULAR[endpoint.table]}")(key, _json_body(request))
            return MockResponse.empty(204)
        if method == "DELETE" and key is not None:
            getattr(writer, f"delete_{_SINGULAR[endpoint.table]}")(key)
            return MockResponse.empty(204)
        return error_response(405, "Method not allowed.", atom=atom)

    def _view(
        self, request: MockRequest, division: Division, endpoint: Endpoint, query: Query, *, expand_lines: bool = False
    ) -> EntityView:
        prefix = f"{request.base_url}/api/v1/{division.number}/{endpoint.path}"
        line_view = None
        expand = query.expand
        if endpoint.table == "orders":
            line_path = WRITE_PATHS["lines"] if endpoint.kind == "rest" else endpoint.path
            line_view = EntityView(
                resource(line_path),
                f"{request.base_url}/api/v1/{division.number}/{line_path}",
                "ID",
                False,
                None,
                (),
                self.settings.timestamp_as_string,
            )
            if expand_lines:
                expand = ("SalesOrderLines",)
        key_name = endpoint.spec.key.name if endpoint.kind == "rest" else "Timestamp"
        return EntityView(
            endpoint.spec,
            prefix,
            key_name,
            endpoint.kind == "sync",
            query.select,
            expand,
            self.settings.timestamp_as_string,
            division.lines_of,
            line_view,
        )

    def _collection(
        self,
        request: MockRequest,
        division: Division,
        endpoint: Endpoint,
        query: Query,
        atom: bool,
        order_key: str | None,
        count_only: bool,
    ) -> MockResponse:
        rows: list[dict[str, Any]] = []
        target = endpoint
        if order_key is not None:  # an order's lines, through its navigation property
            key = order_key
            if endpoint.table != "orders" or key not in division.orders:
                return error_response(404, "Resource not found.", atom=atom)
            target = ENDPOINTS[WRITE_PATHS["lines"]]
            rows = division.lines_of(key)
        check_options(target, query)
        size = self.settings.page_size if target.kind == "rest" else self.settings.sync_page_size
        key_name = _KEYS[target.table]
        presorted = None
        if order_key is None:  # a whole table: its rows in order are kept between pages
            presorted = division.sorted_rows(target.table, "Timestamp" if target.kind == "sync" else key_name)
        page = page_rows(
            target,
            query,
            rows,
            key_name=key_name,
            page_size=size,
            presorted=presorted,
            need_count=count_only or query.inlinecount,
        )
        if count_only:
            return MockResponse(200, {"content-type": "text/plain; charset=utf-8"}, str(page.count).encode())
        view = self._view(request, division, target, query)
        url = request.url.split("?", 1)[0]
        next_url = next_link(url, request.query, page.next_skiptoken, page.next_top) if page.next_skiptoken else None
        bare = self.settings.top_returns_bare_array and query.top is not None and not query.inlinecount
        return feed_response(
            view,
            page.rows,
            next_url=next_url,
            count=page.count if query.inlinecount else None,
            atom=atom,
            bare_array=bare,
        )


_SINGULAR = {"items": "item", "orders": "order", "lines": "line"}


def _wants_json(request: MockRequest) -> bool:
    return "json" in (request.header("accept") or "").lower()


def _json_body(request: MockRequest) -> Any:
    try:
        return parse_json_bytes(request.body)
    except ValueError as exc:
        raise RecordError(400, f"Error processing request stream. The request body is not valid JSON: {exc}.") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
