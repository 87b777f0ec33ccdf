"""Text normalisation for the questionnaire checker: from free text to comparable tokens.

The same pipeline runs on learners' answers and on the rubric's phrasings, so the rubric can be written
in plain words and still match how people write:

* case, punctuation, Markdown emphasis (`**not**`), backticks and fenced code are dropped;
* contractions are spelled out (`can't` -> `can not`, `doesn't` -> `does not`);
* British spellings become American (`normalise`, `colour`, `labelled`);
* words are reduced to a light stem (`probabilities`/`probability`, `encoded`/`encoding`), number
  words become digits (`one` -> `1`), `_` and `-` split words (`get_x` -> `get x`, `one-hot`);
* inside code, `+ * -` become the words `plus times minus` (`sigmoid(x) * (hi - lo) + lo`);
* multi-word aliases from the rubric collapse to one token (`bce with logits` -> `bcewithlogitsloss`).

A `Doc` keeps every token's sentence, clause and "part" so that matching can scope a phrase to a
sentence and decide whether a negation applies to it (see `grader.questionnaire.matching`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
FENCE = re.compile(r"```[^\n]*\n?(.*?)(?:```|$)", re.S)
INLINE_CODE = re.compile(r"`+([^`]+?)`+")
BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)]|#+)[ \t]+", re.M)
ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|resp|approx)\.", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n[ \t]*\n+")
WORD_OR_MARK = re.compile(r"[^\W_]+|[,;:()\[\]{}\"—–|]|--")

CONTRACTIONS = [
    (re.compile(r"\bcan'?t\b|\bcannot\b", re.I), "can not"),
    (re.compile(r"\bwon'?t\b", re.I), "will not"),
    (re.compile(r"\bshan't\b", re.I), "shall not"),
    (re.compile(r"n't\b", re.I), " not"),
    (re.compile(r"\b(it|that|there|what|here)'s\b", re.I), r"\1 is"),
    (re.compile(r"'re\b", re.I), " are"),
    (re.compile(r"'ll\b", re.I), " will"),
    (re.compile(r"'ve\b", re.I), " have"),
    (re.compile(r"'d\b", re.I), " would"),
    (re.compile(r"'m\b", re.I), " am"),
    (re.compile(r"'s\b", re.I), ""),
]

PROSE_OPERATORS = [
    (re.compile("[−]"), " minus "),
    (re.compile("[×·⋅]"), " times "),
    (re.compile(r"(?<=[\w)\]])[ \t]*\+[ \t]*(?=[\w(])"), " plus "),
    (re.compile(r"(?<=[\w)\]])[ \t]*\*[ \t]*(?=[\w(])"), " times "),
    (re.compile(r"(?<=[\w)\]])[ \t]+-[ \t]+(?=[\w(])"), " minus "),
]

CLAUSE_WORDS = frozenset("because since but while whilst whereas although though however so which "
                         "when where if unlike therefore thus hence otherwise".split())
"""Words that start a new clause: a negation before them does not reach past them."""
PART_WORDS = frozenset("but while whilst whereas although though however unlike".split())
"""Contrast words: they also end a "part", the span a phrase with gaps may not cross."""
PART_MARKS = frozenset(";")

NUMBER_WORDS = {"zero": "0", "zeros": "0", "zeroes": "0", "one": "1", "ones": "1", "two": "2",
                "three": "3", "four": "4", "five": "5", "ten": "10", "hundred": "100"}
IRREGULAR = {"use": "use", "used": "use", "uses": "use", "using": "use", "matrices": "matrix",
             "indices": "index", "indexes": "index", "axes": "axis", "data": "data", "bias": "bias",
             "this": "this", "has": "has", "does": "does", "is": "is", "was": "was", "its": "its",
             "less": "less", "yes": "yes", "gives": "give", "given": "give", "taken": "take",
             "chosen": "choose", "chose": "choose", "gone": "go", "went": "go", "done": "do",
             "made": "make", "kept": "keep", "held": "hold", "set": "set", "sets": "set"}
BRITISH = {"colour": "color", "behaviour": "behavior", "favour": "favor", "honour": "honor",
           "neighbour": "neighbor", "flavour": "flavor", "labour": "labor", "centre": "center",
           "metre": "meter", "litre": "liter", "fibre": "fiber", "licence": "license",
           "defence": "defense", "catalogue": "catalog", "dialogue": "dialog", "analogue": "analog",
           "grey": "gray", "programme": "program", "whilst": "while", "amongst": "among",
           "maths": "math", "learnt": "learned", "spelt": "spelled", "towards": "toward"}
BRITISH_SUFFIX = re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations|er|ers)$")
VOWELS = set("aeiouy")
RAW_PREFIX = "\x00"
"""Marks a word as written (not normalised) in `Doc.positions`."""


def americanize(word: str) -> str:
    """American spelling of one lowercase word (only the differences that matter for matching)."""
    if word in BRITISH:
        return BRITISH[word]
    for ending, plain in (("ours", "our"), ("oured", "our"), ("ouring", "our")):
        if word.endswith(ending) and word[: -len(ending) + 3] in BRITISH:
            return BRITISH[word[: -len(ending) + 3]] + word[len(word) - len(ending) + 3:]
    word = BRITISH_SUFFIX.sub(r"iz\1", word)
    return re.sub(r"(?<=\w{3})yse(s|d)?$", r"yze\1", word) if word.endswith(("yse", "ysed", "yses")) \
        else word


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic stem: enough to equate word forms, the same for rubric and answers."""
    word = word.lower()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if re.fullmatch(r"\d+s", word):
        return word[:-1]
    if not word.isalpha():
        return word
    word = americanize(word)
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith(("ches", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and VOWELS & set(base):
            word = base
            break
    if word.endswith("ly") and len(word) >= 6:
        word = word[:-2]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in VOWELS:
        word = word[:-1]
    return word


def _code(source: str) -> str:
    source = source.replace("**", " power ").replace("*", " times ").replace("+", " plus ")
    return re.sub(r"(?<![\w-])-(?!-)|(?<=[\w)\]\s])-(?=[\w(\s])", " minus ", source)


EMPHASIS_SPAN = 300
"""Longest emphasised span recognised (`**...**`): bounds the regexes' work per marker."""


def _strip_emphasis(text: str) -> str:
    span = EMPHASIS_SPAN
    text = re.sub(r"\*\*(.{1,%d}?)\*\*" % span, r"\1", text, flags=re.S)
    text = re.sub(r"(?<!\w)__(.{1,%d}?)__(?!\w)" % span, r"\1", text, flags=re.S)
    text = re.sub(r"(?<![\w*])\*(?![\s*])(.{1,%d}?)(?<![\s*])\*(?![\w*])" % span, r"\1", text)
    return re.sub(r"(?<!\w)_(?![\s_])(.{1,%d}?)(?<![\s_])_(?!\w)" % span, r"\1", text)


def clean(text: str) -> str:
    """The answer as prose: comments, Markdown and code markup removed, operators as words."""
    text = unicodedata.normalize("NFKC", text or "")
    text = COMMENT.sub(" ", text)
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    text = FENCE.sub(lambda m: "\n\n" + _code(m.group(1)) + "\n\n", text)
    text = INLINE_CODE.sub(lambda m: _code(m.group(1)), text)
    text = BULLET.sub("\n", text)
    text = _strip_emphasis(text)
    text = ABBREVIATIONS.sub(lambda m: m.group(1).replace(".", ""), text)
    for pattern, words in CONTRACTIONS + PROSE_OPERATORS:
        text = pattern.sub(words, text)
    return text


@dataclass(frozen=True)
class Token:
    """One word of a `Doc`, normalised."""

    norm: str
    """The normalised form that matching compares (stem, or an alias's canonical token)."""
    raw: str
    """The word(s) as written, lowercase."""
    start: int
    """Offset of the word in `Doc.text`."""
    sentence: int
    """Index of its sentence in the doc."""
    clause: int
    """Index of its clause (split at punctuation and at words such as `because`, `which`, `when`)."""
    part: int
    """Index of its part (split at `;` and contrast words such as `but`, `while`, `whereas`)."""


@dataclass
class Doc:
    """A text ready for matching: the cleaned text and its tokens, sentence by sentence."""

    text: str
    """The cleaned text (see `clean`); regex phrasings run on it."""
    sentences: list[list[Token]] = field(default_factory=list)
    """Tokens of each sentence, in order."""
    spans: list[tuple[int, int]] = field(default_factory=list)
    """Start and end offset of each sentence in `text`."""
    disowned: set[int] = field(default_factory=set)
    """Parts the learner attributes to others before a contrast ("Some people say X, but ..."):
    matching ignores them."""

    _index: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def tokens(self) -> list[Token]:
        return [t for s in self.sentences for t in s]

    def word_index(self) -> dict[str, list[tuple[int, int]]]:
        """Where each normalised word occurs: `(sentence, position)` pairs (raw forms too, under
        `RAW_PREFIX`), built once per doc."""
        if not self._index:
            index: dict[str, list[tuple[int, int]]] = {}
            for s, sentence in enumerate(self.sentences):
                for i, tok in enumerate(sentence):
                    index.setdefault(tok.norm, []).append((s, i))
                    if tok.raw != tok.norm:
                        index.setdefault(RAW_PREFIX + tok.raw, []).append((s, i))
            self._index.update(index)
        return self._index

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence that contains a character offset of `text`."""
        for index, (start, end) in enumerate(self.spans):
            if start <= offset < end:
                return index
        return max(len(self.spans) - 1, 0)


def words(text: str, aliases: "AliasTable | None" = None) -> list[str]:
    """Normalised tokens of a short text (rubric phrasings use this)."""
    return [t.norm for t in analyze(text, aliases).tokens]


def analyze(text: str, aliases: "AliasTable | None" = None) -> Doc:
    """Clean a text (see `clean`), split it into sentences and normalise its words."""
    text = clean(text)
    doc = Doc(text=text)
    start = 0
    pieces = [(m.start(), m.end()) for m in SENTENCE_END.finditer(text)] + [(len(text), len(text))]
    clause = part = 0
    for cut, after in pieces:
        chunk = text[start:cut]
        tokens: list[Token] = []
        new_clause = True
        for m in WORD_OR_MARK.finditer(chunk):
            piece = m.group(0)
            if not piece[0].isalnum():
                if tokens:
                    clause += 1
                    if piece in PART_MARKS:
                        part += 1
                    new_clause = True
                continue
            lower = piece.lower()
            if lower in CLAUSE_WORDS and tokens:
                clause += 0 if new_clause else 1
                part += lower in PART_WORDS
            new_clause = False
            tokens.append(Token(stem(lower), lower, start + m.start(), len(doc.sentences), clause, part))
        if tokens:
            if aliases is not None:
                tokens = aliases.apply(tokens)
            doc.disowned |= _disowned_parts(tokens)
            doc.sentences.append(tokens)
            doc.spans.append((start, cut))
            clause += 1
            part += 1
        start = after
    return doc


DISOWNING_SUBJECTS = frozenset(stem(w) for w in "some many most people others folks lots they".split())
DISOWNING_VERBS = frozenset(stem(w) for w in "say says said claim think thought believe argue suggest "
                                             "assume tell told".split())
DISOWNING_WORDS = frozenset(stem(w) for w in ("misconception", "myth"))


OWN_VIEW = frozenset(stem(w) for w in "i actually really fact truth reality wrong false untrue myth "
                                       "not".split())
"""Words right after a contrast that give the learner's own view ("..., but I think", "but actually")."""


def _disowned_parts(tokens: list[Token]) -> set[int]:
    """The parts of a sentence that open with someone else's claim ("Some people say...", "People
    often claim...", "A common misconception is...") before a contrast that gives the learner's own
    view ("..., but I think...", "..., but actually..."): those parts are not the learner's answer."""
    head = [t.norm for t in tokens[:6]]
    subject = any(w in DISOWNING_SUBJECTS for w in head[:3])
    if not ((subject and any(w in DISOWNING_VERBS for w in head)) or DISOWNING_WORDS & set(head)):
        return set()
    for j, tok in enumerate(tokens):
        if tok.raw in PART_WORDS and {t.norm for t in tokens[j + 1:j + 4]} & OWN_VIEW:
            return {t.part for t in tokens[:j]}
    return set()


class AliasTable:
    """Multi-word (or single-word) spellings that stand for one canonical token."""

    def __init__(self, aliases: dict[str, list[str]]):
        self.canonical: dict[tuple[str, ...], str] = {}
        for target, spellings in aliases.items():
            norm = stem(target.lower())
            for spelling in [target, *spellings]:
                key = tuple(t.norm for t in analyze(spelling).tokens)
                if key and key != (norm,):
                    self.canonical[key] = norm
        self.longest = max((len(k) for k in self.canonical), default=0)
        self.first_words = {k[0] for k in self.canonical}

    def apply(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        i = 0
        while i < len(tokens):
            if tokens[i].norm not in self.first_words:
                out.append(tokens[i])
                i += 1
                continue
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                key = tuple(t.norm for t in tokens[i:i + size])
                if key in self.canonical and len({t.part for t in tokens[i:i + size]}) == 1:
                    first = tokens[i]
                    raw = " ".join(t.raw for t in tokens[i:i + size])
                    out.append(Token(self.canonical[key], raw, first.start, first.sentence,
                                     first.clause, first.part))
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out
