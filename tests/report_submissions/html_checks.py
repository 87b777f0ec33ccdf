"""Checks on a rendered report used by the report tests: well-formed, nothing injected, visible text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section",
                "article", "nav", "div", "span", "p", "b", "code", "pre", "blockquote", "h1", "h2", "h3",
                "h4", "ul", "ol", "li", "details", "summary", "table", "thead", "tbody", "tr", "th", "td",
                "a", "br"}
"""Every element the report template writes: anything else came from a learner."""
ALLOWED_ATTRIBUTES = {"lang", "charset", "name", "content", "http-equiv", "class", "id", "style", "href",
                      "open", "role", "aria-label", "title"} | {"data-points", "data-max-points",
                                                              "data-status", "data-exercise"}


class _Walker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("style", "title"):
            self._skip += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def walk(html: str) -> _Walker:
    walker = _Walker()
    walker.feed(html)
    walker.close()
    return walker


def assert_well_formed(html: str) -> None:
    """Tags balance (html.parser) and the page parses as XML (it is written XHTML-compatible)."""
    walker = walk(html)
    assert not walker.problems, walker.problems[:5]
    assert not walker.stack, f"unclosed: {walker.stack}"
    root = ET.fromstring(html)  # raises on anything not well-formed
    assert root.tag == "html"


def assert_nothing_injected(html: str) -> None:
    """Only the template's own elements and attributes; no script, no handler, no external reference."""
    walker = walk(html)
    tags = {tag for tag, _ in walker.elements}
    assert tags <= ALLOWED_TAGS, f"unexpected elements: {tags - ALLOWED_TAGS}"
    for tag, attrs in walker.elements:
        assert set(attrs) <= ALLOWED_ATTRIBUTES, f"<{tag}> has {set(attrs) - ALLOWED_ATTRIBUTES}"
        if "href" in attrs:
            href = attrs["href"]  # an anchor, or a file saved beside the report (the executed notebook)
            assert href.startswith("#") or re.fullmatch(r"\./([^/:?#%]|%[0-9A-F]{2})+", href), href
    assert sum(tag == "style" for tag, _ in walker.elements) == 1
    assert not re.search(r"<\s*/?\s*(script|img|iframe|svg|object|embed|link|base|form|input)\b", html, re.I)
    assert not re.search(r"\son\w+\s*=", _markup_only(html), re.I), "an event handler attribute"
    assert "javascript:" not in _markup_only(html).lower()
    assert not re.search(r"url\(|@import|https?://", _style(html)), "the style fetches something"
    lowered = html.lower()
    assert "http-equiv=\"content-security-policy\"" in lowered and "default-src 'none'" in lowered


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (entities decoded, no style), whitespace collapsed."""
    return " ".join("".join(walk(html).text).split())


def elements(html: str, tag: str, **attrs) -> list[dict]:
    """Attributes of every `tag` element whose attributes include `attrs` (`class_` for class)."""
    wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
    return [a for t, a in walk(html).elements if t == tag
            and all(a.get(k) == v or (k == "class" and v in (a.get("class") or "").split())
                    for k, v in wanted.items())]


def _markup_only(html: str) -> str:
    """The tags of the page (text between tags dropped: learner text may say `onerror=` as text)."""
    return " ".join(re.findall(r"<[^>]*>", html))


def _style(html: str) -> str:
    match = re.search(r"<style>(.*?)</style>", html, re.S)
    return match.group(1) if match else ""
