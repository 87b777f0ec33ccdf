"""Learner names are untrusted text: what makes two of them the same learner, and what may be shown.

A name reaches a terminal (progress lines), a spreadsheet (`gradebook.csv`, the LMS exports) and a
page (`index.html`). `shown_name` removes terminal escape sequences and every control character
(C0, C1, DEL, and the invisible bidirectional overrides that reorder what a reader sees), so no name
can move the cursor, recolour the terminal or hide text. `learner_key` decides identity: equal after
Unicode normalisation (NFC), case kept; `clash_key` ignores case too, to *report* two learners whose
names differ only in case (`ALICE.ipynb` beside `alice.py`): both are graded, a person looks.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)?|\x1b[@-_]?")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_NAME = 200
"""Characters of a name that are shown (a longer one is cut, with an ellipsis)."""


def shown_name(name: str) -> str:
    """`name` without escape sequences or control characters, NFC, at most MAX_NAME characters."""
    text = CONTROL.sub("", ANSI.sub("", unicodedata.normalize("NFC", str(name))))
    text = " ".join(text.split()) or "?"
    return text if len(text) <= MAX_NAME else text[:MAX_NAME - 1] + "…"


def learner_key(name: str) -> str:
    """What makes two entries the same learner: the same name after Unicode normalisation."""
    return unicodedata.normalize("NFC", name)


def clash_key(name: str) -> str:
    """Names equal under this key but not under `learner_key` differ only in case: reported."""
    return unicodedata.normalize("NFC", name).casefold()


def compact(name: str) -> str:
    """Letters and digits only, lower case, accents dropped: `Zoë Ñúñez` -> `zoenunez`."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_only.lower())


def safe_name(name: str) -> str:
    """An ASCII slug of the name plus a short hash of it: safe on any file system, never colliding."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_only).strip("-_").lower()[:40] or "learner"
    digest = hashlib.sha256(unicodedata.normalize("NFC", name).encode("utf-8", "surrogateescape")
                            ).hexdigest()[:8]
    return f"{slug}-{digest}"
