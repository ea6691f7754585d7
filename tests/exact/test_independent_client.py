"""An independent client, PyPI ``exactonline`` 0.4.0 (stdlib urllib), against the served mock: it
logs in, lists Items following __next, creates, updates (empty-body 204) and deletes.

Where it and the mock part ways it is on the mock's side of the facts: a GET of one entity by key
answers ``{"d": {...}}`` (Exact does; the library's own issue #47 reports the same failure against
the real service), so the library cannot read one entity by its address and reads by filter instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

exactonline = pytest.importorskip("exactonline")
from exactonline.api import ExactApi  # noqa: E402
from exactonline.api.manager import Manager  # noqa: E402
from exactonline.http import opt_secure  # noqa: E402
from exactonline.resource import GET  # noqa: E402
from exactonline.storage.base import ExactOnlineConfig, MissingSetting  # noqa: E402

from harness.clock import SystemClock  # noqa: E402
from harness.exact.app import ExactOnlineMock  # noqa: E402
from harness.exact.serve import start_line  # noqa: E402
from harness.exact.settings import ExactSettings  # noqa: E402
from harness.mock.served import ServedMock  # noqa: E402


class DictStorage(ExactOnlineConfig):  # type: ignore[misc]
    """The library's storage interface over a dict (it keeps tokens and settings through it)."""

    def __init__(self, values: dict[tuple[str, str], str]) -> None:
        self.values = dict(values)

    def get(self, section: str, option: str) -> str:
        try:
            return self.values[(section, option)]
        except KeyError:
            raise MissingSetting(option) from None

    def set(self, section: str, option: str, value: Any) -> None:
        self.values[(section, option)] = str(value)


class Items(Manager):  # type: ignore[misc]
    resource = "logistics/Items"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ExactOnlineMock, dict[str, Any]]]:
    # the library allows only https unless told otherwise; the mock serves plain http on loopback
    monkeypatch.setattr(opt_secure, "protocols", ("http", "https"))
    mock = ExactOnlineMock(SystemClock(), ExactSettings(minutely_limit=1000))
    mock.control.seed(items=130, orders=2)
    with ServedMock(mock) as server:
        yield mock, start_line(mock, server.base_url)
    assert mock.calls.crashes() == []


@pytest.fixture
def api(served: tuple[ExactOnlineMock, dict[str, Any]]) -> ExactApi:
    _, line = served
    storage = DictStorage(
        {
            ("server", "auth_url"): line["auth_url"],
            ("server", "rest_url"): line["base_url"] + "/api",
            ("server", "token_url"): line["token_url"],
            ("application", "base_url"): line["redirect_uri"],
            ("application", "client_id"): line["client_id"],
            ("application", "client_secret"): line["client_secret"],
        }
    )
    api = ExactApi(storage=storage)
    consent = httpx.get(api.create_auth_request_url(), follow_redirects=False)
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    api.request_token(code)
    storage.set_division(line["division"])
    return api


def test_the_library_logs_in_and_keeps_the_tokens_the_mock_gave(api: ExactApi) -> None:
    assert api.storage.get_access_token().startswith("access!")
    assert api.storage.get_refresh_token().startswith("refresh!")
    assert api.storage.get_access_expiry() > 0


def test_the_library_lists_every_item_following_next(
    served: tuple[ExactOnlineMock, dict[str, Any]], api: ExactApi
) -> None:
    mock, _ = served
    rows = Items(api).all()
    assert len({r["ID"] for r in rows}) == 130
    assert mock.calls.count("GET", "/logistics/Items") == 3  # 60 + 60 + 10


def test_the_library_creates_updates_and_deletes_an_item(
    served: tuple[ExactOnlineMock, dict[str, Any]], api: ExactApi
) -> None:
    mock, _ = served
    items = Items(api)
    created = items.create({"Code": "EOL-1", "Description": "Via exactonline", "Unit": "pc"})
    assert created["Code"] == "EOL-1" and created["Unit"] == "pc      "
    assert items.update(created["ID"], {"Description": "Bijgewerkt"}) is None  # 204, empty body
    [found] = items.filter(filter="Code eq 'EOL-1'")
    assert found["Description"] == "Bijgewerkt"
    assert items.delete(created["ID"]) is None  # 204, empty body
    assert items.filter(filter="Code eq 'EOL-1'") == []
    assert [r["EntityType"] for r in mock.control.records("deleted")] == [9]


def test_the_library_reads_current_me_as_a_one_row_collection(
    served: tuple[ExactOnlineMock, dict[str, Any]], api: ExactApi
) -> None:
    _, line = served
    [me] = api.rest(GET("v1/current/Me?$select=CurrentDivision"))
    assert me["CurrentDivision"] == line["division"]


def test_the_library_cannot_read_one_entity_by_its_address_as_against_exact_itself(api: ExactApi) -> None:
    key = Items(api).filter(top=1)[0]["ID"]
    with pytest.raises(ValueError, match='Expected \\*only\\* "results"'):
        api.restv1(GET(f"logistics/Items(guid'{key}')"))
