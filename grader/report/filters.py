"""Jinja filters of the report: numbers and dates for people, and untrusted text made safe to show.

Every string the learner controls (what they printed, their answers, exception messages, renderings
of what their code returned) reaches the page through autoescaping; `finalize` also strips terminal
colour codes and replaces control characters, so the page stays well-formed (XML 1.0 forbids most
of them) and a terminal trick cannot hide text. `inline_code` is the only filter that returns markup:
it escapes first and then adds `<code>` elements of its own, so it cannot let a tag through.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
BACKTICKS = re.compile(r"`([^`\n]+)`")
CLIP_CHARS = 20_000
"""Longest text shown in one place (printed output, a traceback line): the rest is counted, not shown."""


def clean_text(text: str) -> str:
    """`text` without terminal escape sequences, with other control characters made visible."""
    text = ANSI.sub("", text)
    return CONTROL.sub(lambda m: "\N{REPLACEMENT CHARACTER}" if 0xD800 <= ord(m.group()) <= 0xDFFF
                       else f"\\x{ord(m.group()):02x}", text)


def finalize(value: Any) -> Any:
    """Applied by Jinja to every `{{ ... }}` before escaping: strings are cleaned, markup kept."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean_text(value)
    return value


def clip(text: Any, limit: int = CLIP_CHARS) -> str:
    """At most `limit` characters of `text`, saying how many more there were."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… ({len(text) - limit:,} more characters not shown)"


def inline_code(text: Any) -> Markup:
    """Escaped `text` with `backtick` spans shown as code (the markdown the hints are written in)."""
    escaped = str(escape(clean_text(clip(text))))
    return Markup(BACKTICKS.sub(r"<code>\1</code>", escaped))


def points(value: Any) -> str:
    """`3`, `2.5`, `0`: points without a useless `.0`."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return "?"


def percent(value: Any, digits: int = 0) -> str:
    try:
        return f"{float(value):.{digits}f}%"
    except (TypeError, ValueError):
        return "?"


def share(part: Any, whole: Any) -> float:
    """`part / whole` as a percentage between 0 and 100 (0 when `whole` is 0): for bar widths."""
    try:
        part, whole = float(part), float(whole)
    except (TypeError, ValueError):
        return 0.0
    if whole <= 0:
        return 0.0
    return round(max(0.0, min(100.0, 100.0 * part / whole)), 1)


def when(value: Any) -> str:
    """An ISO 8601 time as `23 Nov 2026, 00:18` (the text as it is when it is not one)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return moment.strftime("%d %b %Y, %H:%M").lstrip("0")


def seconds(value: Any) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "?"
    if value < 0.01:
        return f"{value * 1000:.2g} ms"
    if value < 60:
        return f"{value:.3g} s"
    return f"{int(value // 60)} min {value % 60:.0f} s"


def ratio(value: Any) -> str:
    try:
        return f"{float(value):.2g}×" if float(value) < 10 else f"{float(value):.0f}×"
    except (TypeError, ValueError):
        return "?"


def plain(value: Any) -> str:
    """Any plain value (list, dict, number) as one short line of text."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def slug(value: Any) -> str:
    """A fragment id made of letters, digits, `-` and `_` only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(value)).strip("-") or "x"


FILTERS = {"clip": clip, "inline_code": inline_code, "points": points, "percent": percent,
           "share": share, "when": when, "seconds": seconds, "ratio": ratio, "plain": plain,
           "slug": slug}
