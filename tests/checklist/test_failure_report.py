"""A real run against a broken engine (the reference engine minus one mapped property): the run exits 1,
the report shows each failure's evidence — the expected-against-actual diff, the HTTP exchanges, the
falsifying hypothesis example — and no report holds a secret the engine used (client secret, API key,
access or refresh token)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from checklist_helpers import BROKEN_SUT, SECRETS_FILE_VARIABLE, Element, Run, parse_page, talkqa_run

REPORTS = ("checklist.html", "checklist.json", "junit.xml", "cucumber.json")
DROPPED = "ExtraDescription → description"


@pytest.fixture(scope="module")
def secrets_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("secrets") / "secrets.txt"


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory, secrets_file: Path) -> Run:
    return talkqa_run(
        tmp_path_factory.mktemp("broken"),
        "--sut",
        BROKEN_SUT,
        "-m",
        "section_2 and (line_36 or line_54)",  # its creation items, its properties and its round trip
        "--examples",
        "3",
        env={SECRETS_FILE_VARIABLE: str(secrets_file)},
    )


@pytest.fixture(scope="module")
def page(broken: Run) -> Element:
    return parse_page((broken.report_dir / "checklist.html").read_text(encoding="utf-8"))


def _item(broken: Run, page: Element, name_starts: str) -> tuple[dict[str, object], Element]:
    """An item of the JSON report and its <li> in the HTML report."""
    [item] = [i for i in broken.items() if i["name"].startswith(name_starts)]
    [li] = [li for li in page.all("li", "item") if li.one("h3", "item-name").text().startswith(name_starts)]
    return item, li


def test_a_run_against_an_engine_that_drops_a_property_exits_1(broken: Run) -> None:
    assert broken.exit_code == 1, broken.stdout[-3000:] + broken.stderr
    failed = [item for item in broken.items() if item["status"] == "failed"]
    assert failed
    # every failure is the dropped property, caught by the checklist's own checks — never a harness crash
    assert all(DROPPED in str(item["evidence"]) or "description" in item["reason"] for item in failed), [
        item["reason"] for item in failed
    ]
    assert "talkqa run: " in broken.stdout and f"{len(failed)} failed" in broken.stdout


def test_the_failure_shows_expected_against_actual_as_a_diff(broken: Run, page: Element) -> None:
    item, li = _item(broken, page, "A new Exact Online Items record is created as a Squarespace Sesamproducts")
    assert item["status"] == "failed" and li.attrs["data-status"] == "failed"
    evidence = li.one("div", "evidence")
    assert "does not hold the value it should" in evidence.one("p", "message").text()
    rows = {(tr.attrs["data-kind"], tr.one("td", "text").text()) for tr in evidence.one("table", "diff").all("tr")[1:]}
    removed = [text for kind, text in rows if kind == "expected"]
    added = [text for kind, text in rows if kind == "actual"]
    assert any(DROPPED in text and "null" not in text for text in removed), rows
    assert any(DROPPED in text and "null" in text for text in added), rows


def test_the_failure_shows_the_http_exchanges_redacted(broken: Run, page: Element) -> None:
    _, li = _item(broken, page, "A new Exact Online Items record is created as a Squarespace Sesamproducts")
    exchanges = [e.text() for e in li.one("ol", "exchanges").all("li", "exchange")]
    assert any("POST" in text and "/commerce/products" in text for text in exchanges), exchanges
    [token] = [text for text in exchanges if "/oauth2/token" in text]
    # the response is pretty-printed JSON
    assert "client_secret=***" in token and '"access_token": "***"' in token and '"refresh_token": "***"' in token


def test_a_failing_round_trip_shows_its_falsifying_example_and_its_exchanges(broken: Run, page: Element) -> None:
    item, li = _item(broken, page, "Every mapped property survives the round trip")
    assert item["status"] == "failed"
    hypothesis = li.one("div", "hypothesis")
    assert DROPPED in hypothesis.one("pre").text()
    assert hypothesis.one("code", "hypothesis-seed").text() == "1"
    exchanges = [e.text() for e in li.one("ol", "exchanges").all("li", "exchange")]
    assert any("POST" in text and "/commerce/products" in text for text in exchanges), exchanges


def test_no_report_holds_a_secret_the_engine_used(broken: Run, secrets_file: Path) -> None:
    secrets = set(secrets_file.read_text(encoding="utf-8").split())
    # the client secret, the API key, and an access and a refresh token per login or refresh
    assert len(secrets) > 4
    for name in REPORTS:
        text = (broken.report_dir / name).read_text(encoding="utf-8")
        assert [secret for secret in secrets if secret in text] == [], name
        assert "Bearer " not in text.replace("Bearer ***", "")


def test_an_items_replay_command_reproduces_it_alone(broken: Run, page: Element, tmp_path: Path) -> None:
    failed = [item for item in broken.items() if item["status"] == "failed"]
    item = failed[-1]
    [li] = [li for li in page.all("li", "item") if li.one("h3", "item-name").text() == " ".join(item["name"].split())]
    command = shlex.split(li.one("code", "replay-item-command").text())
    assert command[:2] == ["talkqa", "run"] and "-k" in command and "-m" not in command
    assert command[command.index("--examples") + 1] == "3" and command[command.index("--sut") + 1] == BROKEN_SUT
    alone = talkqa_run(tmp_path, *command[2:])
    assert alone.exit_code == 1, alone.stdout[-2000:] + alone.stderr
    [again] = list(alone.items())
    assert (again["name"], again["status"], again["reason"]) == (item["name"], item["status"], item["reason"])


def test_the_run_level_replay_keeps_the_selection_and_examples(broken: Run) -> None:
    replay = broken.json["replay"]
    assert replay[replay.index("-m") + 1] == "section_2 and (line_36 or line_54)"
    assert replay[replay.index("--examples") + 1] == "3"
