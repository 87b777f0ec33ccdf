"""Similar submissions: normalised token fingerprints with winnowing, the way MOSS-like tools work.

Each learner's code is tokenised (Python's own tokenizer, comments and layout dropped), names that the
file binds itself are replaced by one placeholder (renaming variables changes nothing), strings and
numbers by another; every run of K tokens is hashed, and winnowing keeps the smallest hash of every
window of W hashes, so any shared run of at least K + W - 1 tokens shares a fingerprint. Runs that
also occur in the chapter's stub file are dropped (everyone starts from it). Two learners' similarity
is the share of fingerprints they have in common (of the smaller set). The result is a list of pairs
for a person to look at; it is never a verdict, and it never costs points.
"""

from __future__ import annotations

import hashlib
import io
import json
import keyword
import tokenize
from itertools import combinations

K = 6
"""Tokens per hashed run."""
W = 5
"""Hashes per winnowing window."""
THRESHOLD = 0.8
"""Smallest similarity listed."""
MIN_FINGERPRINTS = 12
"""Files with fewer fingerprints (after the stub's are dropped) are too small to compare."""
MAX_SOURCE = 2 * 2**20
MAX_TOKENS = 200_000


def code_of(data: bytes, suffix: str) -> str:
    """The Python source of a submission (a notebook's code cells, joined)."""
    if suffix != ".ipynb":
        return data[:MAX_SOURCE].decode("utf-8", "replace")
    try:  # the whole notebook (its size is bounded by the submission's): outputs can be large
        nb = json.loads(data.decode("utf-8", "replace"))
        cells = [c for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
        code = "\n".join("".join(map(str, c["source"])) if isinstance(c.get("source"), list)
                         else str(c.get("source", "")) for c in cells)
    except (ValueError, AttributeError, TypeError, RecursionError):
        return ""
    return code[:MAX_SOURCE]


def tokens(source: str) -> list[str]:
    """Normalised tokens: keywords, operators and outside names kept; own names, literals replaced."""
    raw: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER, tokenize.ENCODING):
                continue
            raw.append(tok)
            if len(raw) >= MAX_TOKENS:
                break
    except (tokenize.TokenError, IndentationError, SyntaxError, ValueError):
        pass  # what was read so far still counts
    bound = _bound_names(raw)
    out = []
    for i, tok in enumerate(raw):
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string):
            after_dot = i > 0 and raw[i - 1].string == "."
            out.append("V" if tok.string in bound and not after_dot else tok.string)
        elif tok.type == tokenize.STRING or tok.type == tokenize.NUMBER:
            out.append("L")
        else:
            out.append(tok.string)
    return out


def _bound_names(raw: list[tokenize.TokenInfo]) -> set[str]:
    """Names the file binds itself: defined, assigned, loop targets and parameters (a cheap reading)."""
    bound, depth, in_def = set(), 0, False
    assigns = {"=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "|=", "&=", ":="}
    for i, tok in enumerate(raw):
        before = raw[i - 1].string if i else ""
        after = raw[i + 1].string if i + 1 < len(raw) else ""
        if tok.string == "def":
            in_def, depth = True, 0
        elif in_def and tok.string == "(":
            depth += 1
        elif in_def and tok.string == ")":
            depth -= 1
            in_def = depth > 0
        if tok.type != tokenize.NAME or keyword.iskeyword(tok.string) or before == ".":
            continue
        if before in ("def", "class", "for", "as", "lambda") or after in assigns \
                or (in_def and depth == 1 and before in ("(", ",", "*", "**")):
            bound.add(tok.string)
    return bound


def fingerprints(source: str, *, base: set[int] | None = None) -> set[int]:
    """The winnowed fingerprints of `source`, less those of `base` (the stub's)."""
    toks = tokens(source)
    hashes = [int.from_bytes(hashlib.blake2b("\x1f".join(toks[i:i + K]).encode(), digest_size=8)
                             .digest(), "big") for i in range(len(toks) - K + 1)]
    if not hashes:
        return set()
    picked = {min(hashes[i:i + W]) for i in range(max(len(hashes) - W + 1, 1))}
    return picked - (base or set())


def similar_pairs(prints: dict[str, set[int]], *, threshold: float = THRESHOLD
                  ) -> list[tuple[str, str, float]]:
    """(a, b, similarity) for every pair at or above `threshold`, most similar first."""
    usable = {k: v for k, v in prints.items() if len(v) >= MIN_FINGERPRINTS}
    index: dict[int, list[str]] = {}
    for key, values in usable.items():
        for value in values:
            index.setdefault(value, []).append(key)
    shared: dict[tuple[str, str], int] = {}
    for owners in index.values():
        if len(owners) > 50:  # a run nearly everyone has (boilerplate): says nothing about a pair
            continue
        for a, b in combinations(sorted(owners), 2):
            shared[a, b] = shared.get((a, b), 0) + 1
    out = []
    for (a, b), n in shared.items():
        score = n / min(len(usable[a]), len(usable[b]))
        if score >= threshold:
            out.append((a, b, round(score, 3)))
    return sorted(out, key=lambda t: (-t[2], t[0], t[1]))
