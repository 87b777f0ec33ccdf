"""Matching rubric phrasings in an answer, with explicit handling of negation.

A phrasing is a short pattern written in plain words; it is normalised like the answers (see
`grader.questionnaire.normalize`), so `sums to one`, `sum to 1` and `Sums up to 1` are the same:

* words match in order, with at most `DEFAULT_GAP` other words between two of them
  (`sum to 1` matches `sum up to exactly 1`);
* `...` allows up to `LONG_GAP` words (`bceloss ... probability`), never across a `;`, a sentence
  end or a contrast word (`but`, `while`, `whereas`...);
* `a|b|c` is a choice of words for one place; a choice may be several words joined by `-`
  (`sum|add-up|total`), and `word*` matches any word starting with `word` (`valid*`);
* a phrasing can also be a regular expression (`{"regex": ...}`) run on the cleaned text, for code.

Each match is *negated* or *affirmed*: negated when a negation word (`not`, `never`, `without`,
`instead of`, `rather than`, `no` right before...) stands in the clause before the match or inside
its gaps, but not across clause words such as `because`, `which`, `when`, `so`; or when the match is
the subject of a denial right after it ("PointBlock is not needed", "iloc does not work"). That is
how "softmax is **not** appropriate because it makes the outputs sum to 1" affirms "sum to 1" while
"softmax does not make them sum to 1" negates it. A phrasing declares which form counts:
`affirmed` (the default), `negated` (e.g. "can not handle several targets") or `either`. A phrasing
may also list words that must not occur inside its match (`not_within`), which binds a property to
the right subject:
`bceloss ... probability` does not match "BCELoss takes logits and BCEWithLogitsLoss probabilities"
when `bcewithlogitsloss` is listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.questionnaire.normalize import RAW_PREFIX, AliasTable, Doc, Token, americanize, stem, words

DEFAULT_GAP = 2
"""Most words allowed between two consecutive words of a phrasing."""
LONG_GAP = 12
"""Most words allowed where a phrasing says `...`."""
NEGATION_REACH = 15
"""Most words between a negation and what it negates (inside one clause)."""
MAX_MATCHES = 64
"""Matches collected per phrasing and sentence (answers are short; this only bounds the search)."""
POLARITIES = ("affirmed", "negated", "either")

NEGATION_WORDS = frozenset(stem(w) for w in "not never neither nor without unable instead "
                                             "lack fail".split())
"""Normalised words that negate what follows them in the same clause."""
RAW_NEGATION_WORDS = frozenset({"hardly", "scarcely", "barely"})
"""Negating words whose stem is an ordinary word (`hardly` stems to `hard`, `barely` to `bare`):
compared as written, so "a hard example" negates nothing."""
NOT_NEGATING_AFTER_NOT = frozenset(stem(w) for w in ("only", "just"))
"""`not only`, `not just` do not negate."""
FORCED = frozenset(stem(w) for w in "forced obliged compelled".split())
"""`not forced to pick one bear`: the forcing is denied, not what follows it."""
BE = stem("be")
NEAR_NEGATION_WORDS = frozenset({"no", stem("nothing")})
"""Negate only the word right after them (`no bear` is a thing, `no need to...` is not about it;
"when nothing in the photo is a bear it outputs no label" does not negate the label)."""
NEAR_NEGATION_REACH = 6
"""...or up to this many words on, through an `or`/`nor` ("no training or validation loader")."""
OR_WORDS = frozenset({"or", "nor"})
RATHER, THAN, MATTER, INSTEAD, OF = (stem(w) for w in ("rather", "than", "matter", "instead", "of"))
AUXILIARIES = frozenset(stem(w) for w in "is are was were be does do did will would should can could "
                                        "must need has have".split())
DENIED_PREDICATES = tuple(stem(w) for w in "needed necessary required work appropriate correct right "
                                          "possible useful helpful relevant important suitable true "
                                          "fine ok okay good enough".split())
"""After `is not`, `does not`...: predicates whose denial negates the subject ("X is not needed")."""
DENIED_PREDICATES += tuple(stem(w) for w in "answer solution point reason key way".split())
DENIED_PRONOUNS = frozenset({"what", "how", "it"})
"""`X is not what ...`, `X is not how ...`, `X is not it`: the subject is denied."""


class PhraseError(ValueError):
    """A phrasing that cannot be compiled (the rubric loader says where it is)."""


@dataclass(frozen=True)
class Alternative:
    """One way to fill a place of a phrasing: a run of words, each exact or a prefix."""

    tokens: tuple[str, ...]
    prefixes: tuple[bool, ...] = ()

    @property
    def prefix(self) -> bool:
        """A single-word prefix (`valid*`)."""
        return len(self.tokens) == 1 and bool(self.prefixes) and self.prefixes[0]

    def match_at(self, toks: list[Token], pos: int) -> tuple[int, ...] | None:
        end = pos + len(self.tokens)
        if end > len(toks):
            return None
        run = toks[pos:end]
        flags = self.prefixes or (False,) * len(self.tokens)
        for tok, word, is_prefix in zip(run, self.tokens, flags):
            if is_prefix:
                if not (tok.norm.startswith(word) or tok.raw.startswith(word)):
                    return None
            elif tok.norm != word:
                return None
        return tuple(range(pos, end)) if len({t.part for t in run}) == 1 else None


@dataclass(frozen=True)
class Slot:
    """One place of a phrasing and how many words may come between it and the previous place."""

    alternatives: tuple[Alternative, ...]
    gap: int

    def __post_init__(self) -> None:
        exact = frozenset(a.tokens[0] for a in self.alternatives
                          if not (a.prefixes and a.prefixes[0]))
        prefixes = tuple(a.tokens[0] for a in self.alternatives if a.prefixes and a.prefixes[0])
        object.__setattr__(self, "exact_firsts", exact)
        object.__setattr__(self, "prefix_firsts", prefixes)

    def may_start(self, tok: Token) -> bool:
        """A quick test before trying each alternative: can one of them start at this word?"""
        return (tok.norm in self.exact_firsts or tok.norm.startswith(self.prefix_firsts)
                or (bool(self.prefix_firsts) and tok.raw.startswith(self.prefix_firsts)))


@dataclass(frozen=True)
class Match:
    """Where a phrasing matched: token positions inside one sentence, and its polarity."""

    sentence: int
    part: int
    positions: tuple[int, ...]
    negated: bool


def is_negated(toks: list[Token], positions: tuple[int, ...]) -> bool:
    """Whether a negation reaches the matched words (see the module docstring)."""
    first = positions[0]
    i = first - 1
    while i >= max(first - NEGATION_REACH, 0) and toks[i].clause == toks[first].clause:
        if _is_cue(toks, i, first):
            return True
        i -= 1
    matched = set(positions)
    for a, b in zip(positions, positions[1:]):
        for i in range(a + 1, b):
            if i not in matched and toks[i].clause == toks[b].clause and _is_cue(toks, i, b):
                return True
    return _is_denied_after(toks, positions[-1])


def _is_denied_after(toks: list[Token], last: int) -> bool:
    """"PointBlock is not needed", "iloc does not work": the match is the subject of a denial."""
    after = [t for t in toks[last + 1:last + 5] if t.clause == toks[last].clause]
    norms = [t.norm for t in after]
    if len(norms) < 3 or norms[0] not in AUXILIARIES or norms[1] != "not":
        return False
    rest = norms[2:4]
    if rest[0] in DENIED_PRONOUNS:
        return True  # "PointBlock is not what makes it work"
    if rest[0] == "the" and len(rest) > 1:
        rest = [rest[1]]  # "iloc is not the answer"
    return not NOT_NEGATING_AFTER_NOT & set(rest) and rest[0].startswith(DENIED_PREDICATES)


def _is_cue(toks: list[Token], i: int, target: int) -> bool:
    word = toks[i].norm
    after = toks[i + 1].norm if i + 1 < len(toks) else ""
    if word == "not":
        later = toks[i + 2].norm if i + 2 < len(toks) else ""
        forced = after in FORCED or (after == BE and later in FORCED)
        return after not in NOT_NEGATING_AFTER_NOT and not forced
    if word == INSTEAD:
        return after == OF
    if word in NEGATION_WORDS or toks[i].raw in RAW_NEGATION_WORDS:
        return True
    if word == RATHER:
        return after == THAN
    if word in NEAR_NEGATION_WORDS and after != MATTER:
        between = {t.norm for t in toks[i + 1:target]}
        return target - i <= 2 or (target - i <= NEAR_NEGATION_REACH and bool(between & OR_WORDS))
    return False


class Phrase:
    """A compiled phrasing: `matches(doc)` finds it, `accepts(match)` applies its polarity."""

    def __init__(self, text: str | None = None, *, regex: str | None = None,
                 polarity: str = "affirmed", not_within: list[str] | tuple[str, ...] = (),
                 aliases: AliasTable | None = None):
        if polarity not in POLARITIES:
            raise PhraseError(f"polarity must be one of {', '.join(POLARITIES)}, got {polarity!r}")
        if (text is None) == (regex is None):
            raise PhraseError("give either a phrase or a regex")
        self.text = text if text is not None else f"regex:{regex}"
        self.polarity = polarity
        self.regex = None
        self.slots: tuple[Slot, ...] = ()
        if regex is not None:
            try:
                self.regex = re.compile(regex, re.I)
            except re.error as exc:
                raise PhraseError(f"invalid regular expression {regex!r}: {exc}") from None
        else:
            self.slots = _parse(text, aliases)
        self.not_within = frozenset(w for term in not_within for w in words(term, aliases))
        if not_within and not self.not_within:
            raise PhraseError(f"not_within has no words: {list(not_within)!r}")

    def __repr__(self) -> str:
        return f"Phrase({self.text!r}, polarity={self.polarity!r})"

    def accepts(self, match: Match) -> bool:
        """Whether a match has the polarity this phrasing requires."""
        return self.polarity == "either" or match.negated == (self.polarity == "negated")

    def matches(self, doc: Doc) -> list[Match]:
        """Every match in the doc, each with its sentence, part and negation."""
        if self.regex is not None:
            return self._regex_matches(doc)
        found = []
        starts = self._starts(doc.word_index())
        for index in sorted(starts):
            toks = doc.sentences[index]
            hits: list[tuple[int, ...]] = []
            dead: set = set()
            for start in sorted(starts[index]):
                if len(hits) >= MAX_MATCHES:
                    break
                self._search(toks, 0, start, start, (), hits, dead)
            for positions in hits:
                if toks[positions[0]].part in doc.disowned:
                    continue
                inside = range(positions[0] + 1, positions[-1])
                if any(toks[i].norm in self.not_within for i in inside if i not in positions):
                    continue
                found.append(Match(index, toks[positions[0]].part, positions,
                                   is_negated(toks, positions)))
        return found

    def _starts(self, index: dict[str, list[tuple[int, int]]]) -> dict[int, set[int]]:
        """Where the first place of the phrasing can match, by sentence (from the doc's word index),
        so that sentences without its first word cost nothing."""
        starts: dict[int, set[int]] = {}
        for alt in self.slots[0].alternatives:
            if alt.prefixes and alt.prefixes[0]:
                prefix = alt.tokens[0]
                places = [p for word, where in index.items()
                          if word.startswith(prefix) or word.startswith(RAW_PREFIX + prefix)
                          for p in where]
            else:
                places = index.get(alt.tokens[0], ())
            for sentence, position in places:
                starts.setdefault(sentence, set()).add(position)
        return starts

    def _search(self, toks, k, lo, hi, acc, out, dead=None) -> None:
        """Depth-first search of the places from `k` on, between positions `lo` and `hi`. States
        that found nothing are remembered in `dead` (they depend only on `k`, `lo`, `hi` and the
        part of the first word), so the search is polynomial whatever the sentence."""
        if len(out) >= MAX_MATCHES:
            return
        if k == len(self.slots):
            out.append(acc)
            return
        dead = set() if dead is None else dead
        key = (k, lo, hi, toks[acc[0]].part if acc else -1)
        if key in dead:
            return
        before = len(out)
        slot = self.slots[k]
        for pos in range(lo, min(hi, len(toks) - 1) + 1):
            if acc and toks[pos].part != toks[acc[0]].part:
                break
            if not slot.may_start(toks[pos]):
                continue
            for alt in slot.alternatives:
                used = alt.match_at(toks, pos)
                if used is not None:
                    nxt = used[-1] + 1
                    gap = self.slots[k + 1].gap if k + 1 < len(self.slots) else 0
                    self._search(toks, k + 1, nxt, nxt + gap, acc + used, out, dead)
        if len(out) == before:
            dead.add(key)

    def _regex_matches(self, doc: Doc) -> list[Match]:
        found = []
        for m in self.regex.finditer(doc.text):
            index = doc.sentence_at(m.start())
            toks = doc.sentences[index] if index < len(doc.sentences) else []
            if not toks:
                found.append(Match(index, -1, (), False))
                continue
            pos = max((i for i, t in enumerate(toks) if t.start <= m.start()), default=0)
            if toks[pos].part in doc.disowned:
                continue
            found.append(Match(index, toks[pos].part, (pos,), is_negated(toks, (pos,))))
        return found


def _parse(text: str, aliases: AliasTable | None) -> tuple[Slot, ...]:
    items = text.split()
    if not items:
        raise PhraseError("empty phrase")
    if items[0] == "..." or items[-1] == "...":
        raise PhraseError(f"'...' must stand between words: {text!r}")
    slots: list[Slot] = []
    plain: list[str] = []
    gap = DEFAULT_GAP

    def flush() -> None:
        nonlocal gap
        if plain:
            toks = words(" ".join(plain), aliases)
            if not toks:
                raise PhraseError(f"{' '.join(plain)!r} has no words to match")
            for tok in toks:
                slots.append(Slot((Alternative((tok,)),), gap))
                gap = DEFAULT_GAP
            plain.clear()

    for item in items:
        if item == "...":
            flush()
            if gap == LONG_GAP:
                raise PhraseError(f"two '...' in a row: {text!r}")
            gap = LONG_GAP
        elif "|" in item or item.endswith("*"):
            flush()
            slots.append(Slot(tuple(_alternative(a, text, aliases) for a in item.split("|")), gap))
            gap = DEFAULT_GAP
        else:
            plain.append(item)
    flush()
    return tuple(slots)


def _alternative(item: str, text: str, aliases: AliasTable | None) -> Alternative:
    if "*" not in item:
        toks = words(item.replace("-", " "), aliases)
        if not toks:
            raise PhraseError(f"empty choice in {text!r}")
        return Alternative(tuple(toks))
    tokens, prefixes = [], []
    for part in item.split("-"):
        if part.endswith("*"):
            prefix = americanize(part[:-1].lower())
            if not re.fullmatch(r"[^\W_]+", prefix):
                raise PhraseError(f"a prefix must be letters or digits before '*': {item!r} in {text!r}")
            tokens.append(prefix)
            prefixes.append(True)
        else:
            toks = words(part, aliases)
            if len(toks) != 1 or "*" in part:
                raise PhraseError(f"cannot read {part!r} in the choice {item!r} of {text!r}")
            tokens.append(toks[0])
            prefixes.append(False)
    return Alternative(tuple(tokens), tuple(prefixes))
