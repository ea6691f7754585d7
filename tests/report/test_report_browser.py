"""checklist.html in a real headless browser (Debian's chromium), at a phone width and a desktop width.

For each width: a measuring page frames the report at that width and records its layout (through
``--dump-dom``); then a screenshot of the report at that width, tall enough for the whole page, is
decoded (stdlib zlib) and the section heading bands — colour #0b5d73, used nowhere else — are found
row by row. Each section must show as one band, in order, where the browser laid out its block, and
the phone layout must not scroll sideways. Skips, saying why, where no chromium is installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from report_helpers import synthetic_report
from report_html_tree import parse_html
from report_png import colour_bands, read_png

from harness.report import RunReport, write_reports

BAND = (0x0B, 0x5D, 0x73)
WIDTHS = {"phone": 390, "desktop": 1280}
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--force-color-profile=srgb",
)

#: Frames the report at each width and writes what the browser laid out into <pre id="layout">.
#: (The report itself has no script; this page is the test's measuring tape.)
MEASURE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body>
{frames}
<pre id="layout">not measured</pre>
<script>
var layout = {{}}, pending = {count};
function measure(frame) {{
  var doc = frame.contentDocument, root = doc.documentElement;
  var flows = Array.prototype.map.call(doc.querySelectorAll("section.flow"), function (el) {{
    var box = el.getBoundingClientRect();
    return {{title: el.querySelector("h2").textContent, top: box.top, height: box.height}};
  }});
  layout[frame.id] = {{scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
                       height: root.scrollHeight, flows: flows}};
  if (--pending === 0) document.getElementById("layout").textContent = JSON.stringify(layout);
}}
</script>
</body></html>
"""
FRAME = '<iframe id="{name}" src="checklist.html" onload="measure(this)" style="width:{width}px;height:600px"></iframe>'


#: (the report, the layout the browser gave it at each width, the screenshot at each width)
Rendered = tuple[RunReport, dict[str, dict[str, Any]], dict[str, Path]]


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.skip("no chromium at /usr/bin/chromium or on PATH: install Debian's chromium to run the browser check")
    return found


def _run(chromium: str, profile: Path, *args: str) -> str:
    done = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The synthetic report written out, its layout at each width, and a full-page screenshot at each."""
    chromium = _chromium()
    base = tmp_path_factory.mktemp("browser")
    report = synthetic_report()
    page = write_reports(report, base / "out")["html"]
    measure = page.parent / "measure.html"
    frames = "\n".join(FRAME.format(name=name, width=width) for name, width in WIDTHS.items())
    measure.write_text(MEASURE.format(frames=frames, count=len(WIDTHS)), encoding="utf-8")
    dom = _run(
        chromium,
        base / "profile-measure",
        "--allow-file-access-from-files",
        "--virtual-time-budget=10000",
        "--dump-dom",
        measure.as_uri(),
    )
    layout = json.loads(parse_html(dom).find("pre", id="layout").text())
    shots: dict[str, Path] = {}
    for name, width in WIDTHS.items():
        height = min(int(layout[name]["height"]) + 40, 16000)
        shots[name] = base / f"{name}.png"
        _run(
            chromium,
            base / f"profile-{name}",
            f"--window-size={width},{height}",
            f"--screenshot={shots[name]}",
            page.as_uri(),
        )
    return report, layout, shots


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_browser_lays_out_one_block_per_section_in_spec_order(rendered: Rendered, width: str) -> None:
    report, layout, _ = rendered
    flows = layout[width]["flows"]
    assert [f["title"] for f in flows] == [s.title for s in report.sections]
    tops = [f["top"] for f in flows]
    assert tops == sorted(tops) and all(f["height"] > 50 for f in flows)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_screenshot_shows_each_section_band_where_its_block_is(rendered: Rendered, width: str) -> None:
    report, layout, shots = rendered
    image = read_png(shots[width])
    assert image.width == WIDTHS[width]
    bands = colour_bands(image, BAND, min_share=0.4, min_rows=12)
    assert len(bands) == len(report.sections), f"{len(bands)} section bands in the {width} screenshot: {bands}"
    flows = layout[width]["flows"]
    for (first, _), flow in zip(bands, flows, strict=True):
        assert abs(first - flow["top"]) <= 4, f"band at row {first}, block of {flow['title']!r} at {flow['top']}"


def test_on_a_phone_the_page_does_not_scroll_sideways(
    rendered: Rendered,
) -> None:
    phone = rendered[1]["phone"]
    assert phone["scrollWidth"] == phone["clientWidth"] == WIDTHS["phone"]
