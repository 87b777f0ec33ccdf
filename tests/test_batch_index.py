"""The class summary page stands alone and fits a phone: markdown in feedback is shown as code, the
chart scales, long untrusted names wrap; a headless browser (where there is one) measures that a
390 px wide window needs no sideways scrolling."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from grader.batch.store import Store, record_for_result
from grader.batch.summary import write_index
from grader.results import ExerciseResult, RunResult
from grader.results import TestResult as Outcome

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def a_class(tmp_path):
    store = Store(tmp_path)
    records = []
    for i, name in enumerate(["Alice", "B" * 120, "Zoë Ñúñez-de-la-Fuente-y-Borbón-" * 3]):
        test = Outcome(nodeid="t", name="values", exercise="accuracy_multi", outcome="failed",
                    points=0.0, max_points=2.0, message="wrong",
                    hint="Apply `inp.sigmoid()` before comparing with `thresh`.",
                    misconception="no_sigmoid_applied_before_the_threshold_comparison")
        result = RunResult(submission=f"{name}.py", learner=name, chapter="ch6", grader_version="0",
                           started="", device="CPU",
                           exercises=[ExerciseResult("accuracy_multi", "acc", tests=[test])])
        record = record_for_result(result, entry=f"{name}.py", safe=f"s{i}", key="k")
        record.review = {"similar": [{"learner": "Alice", "similarity": 0.97}]} if i else {}
        records.append(record)
    return write_index(records, store=store, chapter="ch6", grader_version="0", options={})


def test_feedback_markdown_is_code_and_nothing_has_a_fixed_width_over_a_phone(tmp_path):
    html = a_class(tmp_path).read_text()
    assert "<code>inp.sigmoid()</code>" in html and "`inp.sigmoid()`" not in html
    assert re.search(r'<svg class="chart"[^>]*viewBox="0 0 \d+ \d+"', html)
    assert "svg.chart { width: 100%" in html and "overflow-wrap: anywhere" in html
    assert "table-layout: fixed" in html and "@media (max-width: 40rem)" in html
    widths = [int(w) for w in re.findall(r"(?:min-)?width:\s*(\d+)px", html)]
    assert all(w <= 390 or f"max-width: {w}px" in html for w in widths)
    assert "Needs a person" in html and "similar to Alice (97% of fingerprints)" in html


def test_index_fits_390_px_in_a_browser(tmp_path):
    browser = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if browser is None:
        pytest.skip("no headless browser found; install Debian's `chromium` package to run this test")
    page = a_class(tmp_path)
    probe = tmp_path / "probe.html"
    # Headless Chromium will not make a window narrower than 500 px: the page is laid out 390 px wide
    # (the phone styles apply below 640 px either way) and the right edge of every element is measured.
    probe.write_text(page.read_text().replace("</body>", (
        "<script>document.documentElement.style.width = '390px';"
        "const edges = [...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right);"
        "document.title = 'W' + Math.ceil(Math.max(document.body.scrollWidth, ...edges));</script></body>")))
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--hide-scrollbars", "--window-size=390,2000", f"--user-data-dir={tmp_path / 'p'}",
                           "--dump-dom", probe.resolve().as_uri()], capture_output=True, text=True,
                          timeout=120)
    width = re.search(r"<title>W(\d+)</title>", done.stdout)
    assert width, done.stderr[-2000:]
    assert int(width[1]) <= 390, f"the page is {width[1]} px wide in a 390 px window"
