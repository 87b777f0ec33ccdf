"""A real headless browser (Chromium) opens reports from disk: it takes screenshots at a desktop and a
phone width (kept in reports/screenshots/ for people to look at), and its DOM of a report full of
learner HTML holds no element the learner wrote. Skips, saying why, only where no browser is found."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from report_submissions.html_checks import ALLOWED_TAGS, walk
from test_report_render import PAYLOADS, make_test, rich_result, run

from grader.report import write_report
from grader.results import ExerciseResult, Fault

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
SCREENSHOTS = ROOT / "reports" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]


@pytest.fixture(scope="module")
def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"no headless browser found (looked for {', '.join(BROWSERS)} on PATH); "
                "install Debian's `chromium` package to run this test")


def chromium(browser: str, *args: str) -> subprocess.CompletedProcess:
    """Run the browser once with a new, empty profile (no state shared between runs)."""
    with tempfile.TemporaryDirectory(prefix="grader-chromium-") as profile:
        return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=180)


def screenshot(browser: str, page: Path, png: Path, width: int, height: int) -> tuple[int, int]:
    png.unlink(missing_ok=True)
    done = chromium(browser, f"--screenshot={png}", f"--window-size={width},{height}", page.resolve().as_uri())
    assert png.is_file(), f"no screenshot: {done.stderr[-2000:]}"
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def distinct_colours(png: Path) -> int:
    from PIL import Image

    with Image.open(png) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


@pytest.mark.parametrize("label, width, height", [("desktop", 1280, 2000), ("phone", 390, 2400)])
def test_browser_renders_a_report_at_desktop_and_phone_width(browser, tmp_path, label, width, height):
    page = write_report(rich_result(), tmp_path / "report.html")
    png = tmp_path / f"report-{label}.png"
    assert screenshot(browser, page, png, width, height) == (width, height)
    assert distinct_colours(png) > 50  # text, colours and bars were drawn, not a blank page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kept = SCREENSHOTS / png.name
    shutil.copyfile(png, kept.with_suffix(".tmp"))
    os.replace(kept.with_suffix(".tmp"), kept)


def test_browser_dom_holds_no_learner_element(browser, tmp_path):
    p = iter(PAYLOADS * 4)
    result = run([ExerciseResult("img2pose", "BIWI image to pose file", tests=[
        make_test("Maps the file name", "failed", exercise="img2pose", message=next(p), hint=next(p),
                  expected="Path('a/frame_00003_pose.txt')", got="'<img src=x onerror=alert(1)>'",
                  fault=Fault("ValueError", next(p), 4, [next(p)]))])],
        learner=next(p), output="<script>document.title='pwned'</script>" + next(p))
    page = write_report(result, tmp_path / "injection.html")
    done = chromium(browser, "--dump-dom", page.resolve().as_uri())
    dom = done.stdout
    assert "<body>" in dom and "</html>" in dom, done.stderr[-2000:]
    tags = {tag for tag, _ in walk(dom).elements}
    assert tags <= ALLOWED_TAGS, f"the browser built elements the template never writes: {tags - ALLOWED_TAGS}"
    assert "pwned" not in dom.split("<title>")[1].split("</title>")[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom  # shown as text
