"""Signs that an answer is not really an answer, so a person should read it.

* A **keyword list**: rubric terms strung together without sentences ("sigmoid, BCELoss, logits,
  probabilities, raw"), or a short list of at least two terms separated by commas, semicolons,
  slashes or lines, none of them a phrase with a verb or a function word ("argmax, threshold,
  multiple labels"). Where the question asks for a list of things (a rubric's `list_items`: "what
  does a Datasets object contain?"), a list of at most that many items is an answer, not a keyword
  list. Code is not prose and is left out of this check, so a terse code answer
  (`df.iloc[rows, cols]`, `get_x` and `get_y`) is not a keyword list.
* A **pasted question**: the answer repeats the question's words and adds (almost) nothing: at most
  one new content word, or at most two when most of it is the question's word sequence.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from grader.questionnaire.normalize import COMMENT, FENCE, INLINE_CODE, Doc, stem

FUNCTION_WORDS = frozenset("""
a an the of to in on at for with by from into onto as is are was were be been being am it its
this that these those there their they them we you your i he she his her our us which who whom what
when where why how and or but if so because since while than then not no nor can could would should
will shall may might must do does did done has have had each every per only just also very more most
all any some such same own both either neither via instead whereas unless until though although
between across through over under after before about against within without among during like
upon around behind beyond except inside outside along above below near ie eg i.e e.g
something anything thing things stuff etc
""".split())
"""Words that make a sentence a sentence: a keyword list has (almost) none of them."""
VERBS = frozenset(stem(w) for w in """
use make take give return get need let put say tell mean call work expect apply pick choose select
compute predict create contain hold want require produce turn pass define write allow keep see know
find show look represent become stay lie fit handle assume force push compare check decide squash
convert store build go come try help change tune treat happen differ provide include combine
""".split())
"""Common verbs, in any form: a telegraphic sentence ("BCELoss expects probabilities") has some."""

MIN_WORDS = 6
"""Fewer prose words than this is a terse answer, never a keyword list."""
MAX_STRUCTURE_SHARE = 0.15
"""Prose with fewer function words and verbs than this share of its words is a keyword list..."""
MAX_FUNCTION_SHARE_IN_LIST = 0.25
"""...and so is a list of at least `MIN_ITEMS` items of at most `MAX_ITEM_WORDS` words, with fewer
function words than this share."""
MIN_ITEMS = 5
MAX_ITEM_WORDS = 3
MIN_VOCABULARY_SHARE = 0.5
"""At least this share of its content words comes from the question or its rubric."""

PASTED_COVERAGE = 0.6
"""Share of the answer's words that come, in order, from the question."""
PASTED_MAX_NEW = 2
"""Most new content words a pasted question may add when it covers `PASTED_COVERAGE`..."""
PASTED_MAX_NEW_ANY = 1
"""...or at any coverage (a rephrased question: "lambda does something in Python")."""

STOP = frozenset(stem(w) for w in FUNCTION_WORDS) | VERBS
DEFINITION = re.compile(r"(?<=\w)\s*(?::|=|->|→)\s+(?=\w)")
"""`Dataset = an indexable collection`, `BCELoss: takes probabilities`: a definition is a sentence."""
EXPRESSION = re.compile(r"[()\[\]{}=+*/<>^%]")


def prose_words(text: str) -> list[str]:
    """The answer's words outside code: comments, code blocks and expressions removed (a code span
    that is one identifier, `get_x`, counts as a word)."""
    text = COMMENT.sub(" ", text)
    text = FENCE.sub(" , ", text)
    text = INLINE_CODE.sub(_identifier_or_nothing, text)
    out = []
    text = DEFINITION.sub(" is ", text)
    for raw in re.split(r"[\s,;:!?\"]+", text):
        word = raw.strip(".'-–—*_#>")
        if not word or EXPRESSION.search(word) or not re.search(r"[^\W\d_]", word):
            continue
        out.append(word.lower())
    return out


def _identifier_or_nothing(m: re.Match) -> str:
    code = m.group(1).strip()
    return f" {code} " if re.fullmatch(r"[\w.]+", code) else " "


def list_items(text: str) -> list[str]:
    """Pieces of the answer separated by commas, semicolons, slashes, line breaks or bullets."""
    text = INLINE_CODE.sub(_identifier_or_nothing, FENCE.sub(" ", COMMENT.sub(" ", text)))
    return [item.strip() for item in re.split(r"[,;/\n]|\s[-*]\s", text) if item.strip()]


TERM_WORDS = frozenset("a an the of and or to per no not vs".split())
"""The only function words a term of a short keyword list may have ("number of classes",
"sum to 1", "not overfitting")."""
MAX_TERM_WORDS = 3
"""Most words of one term of a short keyword list."""


def prose_only(text: str) -> str:
    """The answer without its code (fenced blocks and inline code other than one identifier), so
    that comments in code do not read as the question pasted back."""
    text = COMMENT.sub(" ", text)
    text = FENCE.sub(" ", text)
    return INLINE_CODE.sub(_identifier_or_nothing, text).strip()


def is_short_list(answer: str, allowed: int = 0) -> bool:
    """At least two short terms separated by commas, semicolons, slashes or lines, and nothing else
    (more than `allowed` of them where the question asks for a list)."""
    items = list_items(answer)
    if len(items) < 2 or len(items) <= allowed:
        return False
    for item in items:
        words = [w for w in re.split(r"[\s]+", item.strip(".!?'\"-–—*_#>() ")) if w]
        if not words or len(words) > MAX_TERM_WORDS:
            return False
        for word in words:
            lower = word.lower().strip(".:")
            if (lower in FUNCTION_WORDS and lower not in TERM_WORDS) or stem(lower) in VERBS:
                return False
            if not re.search(r"[^\W\d_]", lower) and not lower.isdigit():
                return False
    return True


def is_keyword_list(answer: str, vocabulary: set[str], prefixes: tuple[str, ...] = (), *,
                    list_items_allowed: int = 0) -> bool:
    """Whether the answer is rubric terms without sentences (see the module docstring)."""
    prose = prose_words(answer)
    if not prose:
        return False
    if is_short_list(answer, list_items_allowed):
        content = [w for w in prose if w not in FUNCTION_WORDS]
        known = sum(_in_vocabulary(w, vocabulary, prefixes) for w in content)
        return bool(content) and known / len(content) >= MIN_VOCABULARY_SHARE
    if len(prose) < MIN_WORDS:
        return False
    items = list_items(answer)
    if 2 <= len(items) <= list_items_allowed:
        return False
    if len(items) >= MIN_ITEMS and all(len(i.split()) <= MAX_ITEM_WORDS for i in items):
        share, limit = sum(w in FUNCTION_WORDS for w in prose) / len(prose), MAX_FUNCTION_SHARE_IN_LIST
    else:
        structure = sum(w in FUNCTION_WORDS or stem(w) in VERBS for w in prose)
        share, limit = structure / len(prose), MAX_STRUCTURE_SHARE
    if share >= limit:
        return False
    content = [w for w in prose if w not in FUNCTION_WORDS]
    if not content:
        return False
    known = sum(_in_vocabulary(w, vocabulary, prefixes) for w in content)
    return known / len(content) >= MIN_VOCABULARY_SHARE


def _in_vocabulary(word: str, vocabulary: set[str], prefixes: tuple[str, ...]) -> bool:
    parts = [stem(p) for p in re.split(r"[\W_]+", word) if p]
    return any(p in vocabulary or p.startswith(prefixes) for p in parts) if prefixes else \
        any(p in vocabulary for p in parts)


def is_pasted_question(answer: Doc, question: Doc) -> bool:
    """Whether the answer repeats the question and adds at most `PASTED_MAX_NEW` content words."""
    a = [t.norm for t in answer.tokens]
    q = [t.norm for t in question.tokens]
    if len(a) < 3:
        return False
    blocks = SequenceMatcher(None, q, a, autojunk=False).get_matching_blocks()
    coverage = sum(b.size for b in blocks if b.size >= 2 or len(a) <= 4) / len(a)
    content = {t for t in a if t not in STOP}
    new = content - set(q)
    if len(content) >= 2 and len(new) <= PASTED_MAX_NEW_ANY:
        return True
    return coverage >= PASTED_COVERAGE and len(new) <= PASTED_MAX_NEW
