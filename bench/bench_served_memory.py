"""Benchmark of a served mock's memory over many requests: ``talkqa serve`` in its own process, hit by
100,000 requests (reads with a valid key, writes refused for a missing key, unknown long paths, 3 KB
bodies refused), its resident memory (VmRSS) printed every 10,000 requests.

The call log keeps a window (``--call-log``, 1,000 by default), so memory should stay flat: the figure
to read is the growth from the first sample to the last. Prints figures; asserts nothing.
Run: ``.venv/bin/python bench/bench_served_memory.py`` (``--requests N``, ``--system exact``).
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _requests(system: str, start: dict[str, str]) -> list[tuple[str, str, dict[str, str], bytes]]:
    """One round of the request mix (method, path, headers, body)."""
    base = start["base_url"]
    if system == "squarespace":
        key = {"Authorization": f"Bearer {start['api_key']}", "User-Agent": "bench"}
        return [
            ("GET", f"{base}/1.0/commerce/products", key, b""),
            ("GET", f"{base}/1.0/commerce/inventory", key, b""),
            ("POST", f"{base}/1.0/commerce/products", {"User-Agent": "bench"}, b'{"type": "PHYSICAL"}'),
            ("GET", f"{base}/1.0/commerce/nowhere/{'x' * 200}", key, b""),
            ("POST", f"{base}/1.0/commerce/orders", key, json.dumps({"note": "y" * 3000}).encode()),
        ]
    return [
        ("GET", f"{base}/api/v1/current/Me", {"Accept": "application/json"}, b""),
        ("GET", f"{base}/api/v1/1/logistics/Items", {"Authorization": "Bearer nope"}, b""),
        ("POST", f"{base}/api/oauth2/token", {}, b"grant_type=refresh_token&refresh_token=" + b"z" * 3000),
        ("GET", f"{base}/nowhere/{'x' * 200}", {}, b""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--system", choices=("squarespace", "exact"), default="squarespace")
    parser.add_argument("--call-log", type=int, default=None, help="talkqa serve --call-log (default: its own)")
    args = parser.parse_args()
    argv = [sys.executable, "-m", "harness.cli", "serve", args.system]
    unlimited = "1000000000"
    if args.system == "squarespace":
        argv += ["--rate-limit", unlimited]
    else:
        argv += ["--minutely-limit", unlimited, "--daily-limit", unlimited]
    if args.call_log is not None:
        argv += ["--call-log", str(args.call_log)]
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert server.stdout is not None
        start = json.loads(server.stdout.readline())
        mix = _requests(args.system, start)
        every = max(1, args.requests // 10)
        samples: list[tuple[int, float]] = [(0, rss_mb(server.pid))]
        statuses: dict[int, int] = {}
        started = time.perf_counter()
        with httpx.Client(timeout=30) as http:
            for n in range(1, args.requests + 1):
                method, url, headers, body = mix[n % len(mix)]
                answer = http.request(method, url, headers=headers, content=body)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                if n % every == 0:
                    samples.append((n, rss_mb(server.pid)))
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"served {args.system} mock, {args.requests:,} requests in {elapsed:.1f} s ({args.requests / elapsed:,.0f}/s)"
    )
    print("statuses: " + ", ".join(f"{code}: {count:,}" for code, count in sorted(statuses.items())))
    for n, mb in samples:
        print(f"  after {n:>7,} requests: VmRSS {mb:6.1f} MB")
    first_loaded = samples[1][1] if len(samples) > 1 else samples[0][1]
    print(
        f"growth: {samples[-1][1] - samples[0][1]:+.1f} MB from start, "
        f"{samples[-1][1] - first_loaded:+.1f} MB after the first {samples[1][0]:,} requests "
        f"(once the call log's window is full)"
    )


if __name__ == "__main__":
    main()
