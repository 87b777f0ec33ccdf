"""Signs that answers were copied: the model answer pasted (or barely reworded), or one text pasted
under several questions.

Texts are compared as runs of `SHINGLE` normalised words (so case, punctuation, Markdown and word
forms do not hide a copy), which takes time linear in the answers' length:

* an answer **copies a model answer** when it holds at least `MODEL_SHARE` of that model answer's
  runs (and at least `MIN_SHARED` of them): its own question's model answer, or another question's
  (a learner who pastes every model answer under every question);
* two answers are **the same text** when at least `SAME_SHARE` of the shorter one's runs are in the
  other (and at least `MIN_SHARED`).

The checker flags such answers for a person to read and caps them at partial credit
(`grader.questionnaire.checker.COPY_SHARE`).
"""

from __future__ import annotations

from collections.abc import Mapping

from grader.questionnaire.normalize import Doc

SHINGLE = 4
"""Words per compared run."""
MIN_SHARED = 6
"""Fewest shared runs that make a copy (a short, common phrasing is not one)."""
MODEL_SHARE = 0.6
"""Share of a model answer's runs an answer must hold to copy it."""
MIN_MODEL_WORDS = 20
"""A model answer shorter than this is not checked for copies under its own question: a correct
answer to "what does a Datasets object contain?" cannot help looking like it."""
SAME_SHARE = 0.8
"""Share of the shorter answer's runs the other must hold for the two to be the same text."""


def shingles(doc: Doc) -> frozenset[tuple[str, ...]]:
    """The runs of `SHINGLE` consecutive normalised words of a doc (across sentences)."""
    words = [t.norm for t in doc.tokens]
    return frozenset(tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def copy_reasons(answers: Mapping[int, Doc], models: Mapping[int, Doc]) -> dict[int, list[str]]:
    """For each answered question, why it looks copied (empty lists are left out)."""
    own = {n: shingles(doc) for n, doc in answers.items()}
    model = {n: shingles(doc) for n, doc in models.items()}
    short = {n for n, doc in models.items() if len(doc.tokens) < MIN_MODEL_WORDS}
    out: dict[int, list[str]] = {}
    for number, runs in own.items():
        if not runs:
            continue
        reasons = []
        copied = [n for n, m in model.items() if m and _holds(runs, m, MODEL_SHARE)]
        if number in copied and number not in short:
            reasons.append("the answer is the model answer, or very close to it")
        others = [n for n in copied if n != number and n not in short]
        if others:
            reasons.append("the answer contains the model answer of question "
                           + ", ".join(map(str, others)))
        same = [n for n, other in own.items()
                if n != number and other and _holds(other, runs, SAME_SHARE, shorter=True)]
        if same:
            reasons.append("the same text is also the answer to question " + ", ".join(map(str, same)))
        if reasons:
            out[number] = reasons
    return out


def _holds(text: frozenset, part: frozenset, share: float, *, shorter: bool = False) -> bool:
    """Whether `text` holds `share` of `part`'s runs (of the shorter one's, with `shorter`)."""
    shared = len(text & part)
    base = min(len(text), len(part)) if shorter else len(part)
    return shared >= min(MIN_SHARED, base) and shared >= share * base and base >= 2
