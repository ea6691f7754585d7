"""No secret of a run reaches a report or the console: an engine that prints every secret it was given or
obtained (client secret, API key, access and refresh tokens, an authorization code) and secret-shaped
values (``Bearer …``, ``access_token=…``, ``*_KEY=…``, ``*_SECRET=…``) on stdout and stderr, and sends
them in request headers and bodies, fails its items — and none of it is in checklist.html,
checklist.json, junit.xml, cucumber.json or the console."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

#: Values only their shape gives away (nobody hands them to the harness).
SHAPED = {
    "PLANTED_SERVICE_KEY=": "shapedkey0123456789",
    "PLANTED_DB_SECRET=": "shapedsecret987654",
    "access_token=": "shapedaccess555555",
    "Authorization: Bearer ": "shapedbearer424242",
}

ENGINE = textwrap.dedent(
    """
    import json, os, sys
    from urllib.parse import parse_qs, urlsplit
    import httpx

    env = os.environ
    exact, site = env["TALKQA_EXACT_BASE_URL"], env["TALKQA_SQUARESPACE_BASE_URL"]
    secret, api_key = env["TALKQA_EXACT_CLIENT_SECRET"], env["TALKQA_SQUARESPACE_API_KEY"]
    with httpx.Client(timeout=10) as http:
        consent = http.get(env["TALKQA_EXACT_AUTH_URL"], params={
            "client_id": env["TALKQA_EXACT_CLIENT_ID"], "redirect_uri": env["TALKQA_EXACT_REDIRECT_URI"],
            "response_type": "code"})
        code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
        tokens = http.post(env["TALKQA_EXACT_TOKEN_URL"], data={
            "grant_type": "authorization_code", "code": code, "client_id": env["TALKQA_EXACT_CLIENT_ID"],
            "client_secret": secret, "redirect_uri": env["TALKQA_EXACT_REDIRECT_URI"]}).json()
        access, refresh = tokens["access_token"], tokens["refresh_token"]
        everything = [secret, api_key, code, access, refresh]
        planted = json.loads(open(sys.argv[1]).read())
        shaped = [name + value for name, value in planted.items()]
        division = env["TALKQA_EXACT_DIVISION"]
        http.post(f"{exact}/api/v1/{division}/logistics/Items",
                  headers={"Authorization": f"Bearer {access}", "X-Debug": " ".join(everything),
                           "Accept": "application/json"},
                  json={"Code": code[:30], "Description": " ".join(everything + shaped)})
        http.get(f"{exact}/api/v1/{division}/logistics/Items",
                 params={"$filter": f"Description eq '{secret}'"},
                 headers={"Authorization": f"Bearer {access}", "Accept": "application/json"})
        http.post(f"{site}/1.0/commerce/products",
                  headers={"Authorization": f"Bearer {api_key}", "User-Agent": "planted", "X-Debug": refresh},
                  json={"type": "PHYSICAL", "name": " ".join(everything), "description": " ".join(shaped)})
    for line in everything + shaped:
        print(line)
        print(line, file=sys.stderr)
    print("giving up with " + " ".join(everything + shaped), file=sys.stderr)
    sys.exit(1)
    """
)


def test_no_planted_secret_reaches_a_report_or_the_console(tmp_path: Path) -> None:
    import json

    engine = tmp_path / "leaky_engine.py"
    engine.write_text(ENGINE, encoding="utf-8")
    secrets_file = tmp_path / "secrets.json"
    # the engine also writes what it obtained, so that the test knows the values the mocks issued
    engine.write_text(
        ENGINE.replace("for line in everything", f"open({str(secrets_file)!r}, 'w').write(json.dumps(everything))\n"
                                                 "for line in everything"),
        encoding="utf-8",
    )  # fmt: skip
    reports = tmp_path / "reports"
    planted = tmp_path / "planted.json"  # not on the command line: the report names the SUT by it
    planted.write_text(json.dumps(SHAPED), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "harness.cli", "run", "--sut", f"cmd:{sys.executable} {engine} {planted}",
         "-m", "line_14 and create", "--report-dir", str(reports)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    obtained = json.loads(secrets_file.read_text(encoding="utf-8"))
    assert len(obtained) == 5 and all(obtained)
    texts = {name: (reports / name).read_text(encoding="utf-8") for name in
             ("checklist.html", "checklist.json", "junit.xml", "cucumber.json")}  # fmt: skip
    texts["console"] = run.stdout + run.stderr
    # the leak had its chances: the engine's last line and the exchanges are in the reports
    assert all("giving up with" in text for name, text in texts.items()), "the engine's message is reported"
    assert "/logistics/Items" in texts["checklist.html"] and "/1.0/commerce/products" in texts["checklist.html"]
    for name, text in texts.items():
        for value in [*obtained, *SHAPED.values()]:
            quoted = json.dumps(value)[1:-1]
            assert value not in text and quoted not in text, f"{value!r} leaks into {name}"
