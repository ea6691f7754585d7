"""One redactor (``harness.redaction``): the run's secrets by value, and the shapes of secrets."""

from __future__ import annotations

import pytest

from harness.redaction import Redactor


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("TALKQA_SQUARESPACE_API_KEY=abc123 more", "TALKQA_SQUARESPACE_API_KEY=*** more"),
        ("export TALKQA_EXACT_CLIENT_SECRET='x y'", "export TALKQA_EXACT_CLIENT_SECRET=***"),
        ("MY_SERVICE_KEY=k1;", "MY_SERVICE_KEY=***;"),
        ("db_password = hunter2", "db_password = ***"),
        ("Authorization: Bearer eyJ.abc", "Authorization: Bearer ***"),
        ("authorization: Basic dXNlcg==", "authorization: Basic ***"),
        ("X-Api-Key: 1234", "X-Api-Key: ***"),
        ("GET /api?access_token=t0k&b=2", "GET /api?access_token=***&b=2"),
        ("grant_type=refresh_token&refresh_token=r1&client_secret=s1",
         "grant_type=refresh_token&refresh_token=***&client_secret=***"),
        ("/callback?code=stamp!abc&state=1", "/callback?code=***&state=1"),
        ('{"access_token": "a\\"b", "Code": "ITEM-1"}', '{"access_token": "***", "Code": "ITEM-1"}'),
        ('{"apiKey":"k","clientSecret":"s"}', '{"apiKey":"***","clientSecret":"***"}'),
        # not secrets: paging tokens, idempotency keys, item codes stay readable evidence
        ("$skiptoken=1000000000042L&$top=5", "$skiptoken=1000000000042L&$top=5"),
        ("Idempotency-Key: order-17", "Idempotency-Key: order-17"),
        ('{"Code": "A-1", "Description": "Token ring"}', '{"Code": "A-1", "Description": "Token ring"}'),
    ],
)  # fmt: skip
def test_secret_shapes_are_blanked_out_and_evidence_is_kept(given: str, expected: str) -> None:
    assert Redactor()(given) == expected


def test_known_secrets_are_blanked_out_wherever_they_stand_also_url_quoted() -> None:
    redact = Redactor(["stampNL001.token!Ab_9-x", "site-key-123456"])
    assert redact("engine said: stampNL001.token!Ab_9-x and site-key-123456.") == "engine said: *** and ***."
    assert redact("GET /x?t=stampNL001.token%21Ab_9-x") == "GET /x?t=***"


def test_a_short_value_is_no_secret_worth_blanking() -> None:
    redact = Redactor(["1", "abc", ""])
    assert redact("abc 1") == "abc 1"
    assert len(redact) == 0


def test_a_secret_inside_a_longer_one_does_not_leave_a_tail() -> None:
    redact = Redactor(["secret-abc", "secret-abc-and-more"])
    assert redact("x secret-abc-and-more y") == "x *** y"


def test_secrets_remembered_one_by_one_are_blanked_out_as_if_remembered_at_once() -> None:
    # a run remembers its tokens one at a time: whatever patterns hold them, the longest match still wins
    values = ["secret-abc", "zz-secret-abc-and-more", "secret-abc-and", "other-token", "c-and-more-x"]
    text = "x zz-secret-abc-and-more-x y secret-abc-and-more other-token secret-abc"
    at_once = Redactor(values)
    one_by_one = Redactor()
    for value in reversed(values):
        one_by_one.add(value)
        assert one_by_one(text) == Redactor(values[values.index(value) :])(text)
    assert one_by_one(text) == at_once(text) == "x ***-x y ***-more *** ***"


def test_the_oldest_secret_is_forgotten_first_when_too_many_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("harness.redaction._MAX_SECRETS", 3)
    redact = Redactor(["first-secret", "second-secret"])
    assert redact("first-secret") == "***"
    redact.add("third-secret", "fourth-secret")
    assert len(redact) == 3
    assert redact("first-secret second-secret fourth-secret") == "first-secret *** ***"


# -- texts kept raw and redacted when read (the mocks' call logs) ----------------------------------------
def test_a_call_logged_raw_is_redacted_when_read_with_the_secrets_known_by_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness import redaction
    from harness.mock.calls import CallRecord

    monkeypatch.setattr(redaction, "_RUN", Redactor())
    record = CallRecord(
        1, "exact", "GET", "https://x.test/api?q=TOKEN-LEARNT-LATER", "/api", 200, 0, 0, 0.0, 0.0,
        {"Authorization": "Bearer abc.def", "X-Trace": "TOKEN-LEARNT-LATER"},
        '{"seen": "TOKEN-LEARNT-LATER"}', "", redacted=False,
    )  # fmt: skip
    redaction.remember_secret("TOKEN-LEARNT-LATER")
    text = repr(record)
    assert "TOKEN-LEARNT-LATER" not in text and "abc.def" not in text
    assert record.request_headers == (("Authorization", "Bearer ***"), ("X-Trace", "***"))
    assert record.url == "https://x.test/api?q=***"


def test_a_text_kept_raw_while_secrets_were_forgotten_loses_every_token_shaped_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness import redaction

    run = Redactor()
    monkeypatch.setattr(redaction, "_RUN", run)
    old = "tok3n0ld5ecretvalue9876543210"
    redaction.remember_secret(old)
    mark = redaction.forgotten_mark()
    text = f'{{"Code": "ITEM-1", "seen": "{old}", "Description": "A plain sentence of words"}}'
    assert old not in redaction.redact_later(text, mark)
    redaction.remember_secret(*(f"later-secret-{n:05d}" for n in range(10_001)))  # the oldest is forgotten
    assert redaction.forgotten_mark() != mark
    assert old in redaction.redact_text(text)  # forgotten by value ...
    later = redaction.redact_later(text, mark)
    assert old not in later  # ... but blanked as a token-shaped run
    assert "ITEM-1" in later and "A plain sentence of words" in later
