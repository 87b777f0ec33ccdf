"""Grading answers against a rubric: concepts found and missing, points, status, review flags.

An answer earns the points of every concept found. Then, in this order:

* a contradiction of the rubric found in it scores it 0 and flags it for review;
* a keyword list (terms without sentences, or a short list of terms separated by commas or lines)
  is flagged and earns at most half the points (`KEYWORD_LIST_SHARE`): never full marks;
* otherwise, an answer that repeats the question and adds nothing scores 0 and is flagged;
* an answer that is a model answer (its own question's or another's, pasted or barely reworded), or
  the same text as the answer to another question, is flagged and earns at most half the points
  (`COPY_SHARE`; see `grader.questionnaire.copying`);
* a concept that is missing although one of its phrasings appears with the other polarity (a key
  idea negated, or a negated form affirmed) flags the answer: the negation may have been misread;
* an answer longer than `MAX_ANSWER_CHARS` is checked on its beginning only, and flagged.

Code counts as an answer (inline code and fenced blocks are matched like prose, and rubric regexes
run on them), but comments inside code are not "the question pasted back": that check reads the
prose only. With `hide_model_answers` the results carry no model answer (an instructor releases them
later); `model_answers_hidden` says whether a chapter hides them by default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache

from grader.questionnaire.copying import copy_reasons
from grader.questionnaire.matching import Phrase
from grader.questionnaire.normalize import Doc, analyze
from grader.questionnaire.results import QuestionnaireResult, QuestionResult
from grader.questionnaire.review import STOP, is_keyword_list, is_pasted_question, prose_only
from grader.questionnaire.rubric import Concept, Contradiction, QuestionRubric, Rubric, load_rubric

KEYWORD_LIST_SHARE = 0.5
"""Share of the points a keyword list can earn at most."""
COPY_SHARE = 0.5
"""Share of the points a copied answer (a model answer, or one text under several questions) can
earn at most."""
MAX_ANSWER_CHARS = 5_000
"""Longer answers are checked on their beginning only, and flagged for review."""
HIDE_ENV = "GRADER_HIDE_MODEL_ANSWERS"
"""Environment variable: `1`/`all` hides model answers in every chapter's results, a list of chapters
(`ch6,ch7`) hides them in those, `0`/`none` shows them even where the rubric hides them by default.
`grader batch --hide-model-answers` does not use it: it sets `GradingOptions.hide_model_answers`."""


def model_answers_hidden(chapter: str | None = None, rubric: Rubric | None = None) -> bool:
    """Whether results of this chapter leave the model answers out: the environment's choice
    (`HIDE_ENV`), else the rubric's default (`"model_answers": "hidden"`)."""
    value = os.environ.get(HIDE_ENV, "").strip().lower()
    if value in ("1", "yes", "true", "all"):
        return True
    if value in ("0", "no", "false", "none"):
        return False
    if value:
        return chapter in {v.strip() for v in value.split(",")}
    try:
        rubric = rubric or load_rubric(chapter)
    except Exception:  # an unknown chapter has no model answers to hide
        return False
    return rubric.model_answers == "hidden"


def grade_questionnaire(answers: Mapping[int | str, str | None], chapter: str | None = None, *,
                        rubric: Rubric | None = None,
                        hide_model_answers: bool | None = None) -> QuestionnaireResult:
    """Grade answers `{question number: text}`: every question of the chapter's rubric gets a result
    (a missing or empty answer: 0, "not answered"). Numbers the rubric does not have are ignored.
    `rubric` overrides the chapter's packaged rubric (see `load_rubric`); `hide_model_answers`
    (default: `model_answers_hidden`) leaves the model answers out of the results."""
    rubric = rubric or load_rubric(chapter)
    if hide_model_answers is None:
        hide_model_answers = model_answers_hidden(rubric.chapter, rubric)
    by_number = _by_number(answers)
    results = [grade_answer(q, by_number.get(n), rubric) for n, q in rubric.questions.items()]
    docs = {r.number: _analyze(r.answer[:MAX_ANSWER_CHARS], rubric) for r in results if r.answer}
    copied = copy_reasons(docs, {n: _model_doc(rubric, n) for n in rubric.questions})
    for r in results:
        if r.number in copied:
            r.points = round(min(r.points, COPY_SHARE * r.max_points), 2)
            _flag(r, copied[r.number], first=True)
            r.status = _status(r.points, r.max_points)
        if hide_model_answers:
            r.model_answer = ""
    return QuestionnaireResult(chapter=rubric.chapter, questions=results,
                               points=round(sum(r.points for r in results), 2),
                               max_points=round(sum(r.max_points for r in results), 2),
                               model_answers_hidden=bool(hide_model_answers))


def _flag(result: QuestionResult, reasons: list[str], *, first: bool = False) -> None:
    old = [result.review_reason] if result.review_reason else []
    joined = reasons + old if first else old + reasons
    result.needs_review = bool(joined)
    result.review_reason = "; ".join(joined) if joined else None


def _status(points: float, max_points: float) -> str:
    return "correct" if points >= max_points else "partial" if points > 0 else "wrong"


def grade_answer(q: QuestionRubric, answer: str | None, rubric: Rubric) -> QuestionResult:
    """Grade one answer to one question of `rubric`."""
    text = (answer or "").strip()
    result = QuestionResult(number=q.number, question=q.question, answer=text, points=0.0,
                            max_points=q.max_points, model_answer=q.model_answer)
    checked = text[:MAX_ANSWER_CHARS]
    doc = _analyze(checked, rubric)
    if not doc.tokens:
        result.answer = ""
        result.concepts_missing = [{"concept": c.concept, "feedback": c.feedback} for c in q.concepts]
        return result
    reasons = []
    if doc.disowned:
        reasons.append("part of the answer is what others say, followed by a contrast: it was not "
                       "counted")
    if len(text) > MAX_ANSWER_CHARS:
        reasons.append(f"the answer is very long: only its first {MAX_ANSWER_CHARS} characters "
                       "were checked")
    points = 0.0
    for concept in q.concepts:
        found, opposite = _evaluate(concept, doc)
        if found:
            points += concept.points
            result.concepts_found.append(concept.concept)
        else:
            result.concepts_missing.append({"concept": concept.concept, "feedback": concept.feedback})
            if opposite:
                reasons.append(f"“{concept.concept}” appears with the opposite meaning (a negation?)")
    for contradiction in q.contradictions:
        if _evaluate(contradiction, doc)[0]:
            result.contradictions.append(contradiction.feedback)
    if result.contradictions:
        points = 0.0
        reasons.insert(0, "the answer says something that contradicts the correct answer")
    prose = prose_only(checked)
    if prose != checked and not result.concepts_found:
        prose = checked  # nothing found in the code: it may well be the question in a code block
    elif prose != checked:
        prose = ""  # the code holds what was found: the words around it are labels, not the question
    prose_doc = doc if prose == checked else _analyze(prose, rubric)
    if is_keyword_list(checked, *_vocabulary(rubric, q.number), list_items_allowed=q.list_items):
        points = min(points, KEYWORD_LIST_SHARE * q.max_points)
        reasons.insert(0, "the answer is a list of keywords, not sentences")
    elif (is_pasted_question(prose_doc, _question_doc(rubric, q.number))
          and not _adds_rubric_words(prose_doc, rubric, q.number)):
        points = 0.0
        reasons.insert(0, "the answer repeats the question without answering it")
    result.points = round(points, 2)
    result.needs_review = bool(reasons)
    result.review_reason = "; ".join(reasons) if reasons else None
    result.status = _status(result.points, q.max_points)
    return result


def _adds_rubric_words(doc: Doc, rubric: Rubric, number: int) -> bool:
    """Whether the answer adds a word of the rubric's phrasings that the question does not have
    ("Use PointBlock for the targets" is terse, not the question pasted back)."""
    vocabulary, _ = _vocabulary(rubric, number)
    question = {t.norm for t in _question_doc(rubric, number).tokens}
    return any(t.norm in vocabulary and t.norm not in question and t.norm not in STOP
               for t in doc.tokens)


def _evaluate(concept: Concept | Contradiction, doc: Doc) -> tuple[bool, bool]:
    """(found, opposite): found with the required polarity in its scope; else whether a phrasing
    matched only with the other polarity."""
    per_group: list[set] = []
    opposite = False
    for group in concept.groups:
        keys = set()
        for phrase in group:
            for match in phrase.matches(doc):
                if phrase.accepts(match):
                    keys.add(_scope_key(concept.scope, match))
                else:
                    opposite = True
        per_group.append(keys)
    if concept.scope == "answer":
        found = all(per_group)
    else:
        found = bool(set.intersection(*per_group)) if per_group else False
    return found, opposite and not found


def _scope_key(scope: str, match) -> object:
    if scope == "sentence":
        return match.sentence
    if scope == "part":
        return match.sentence, match.part
    return 0


def _by_number(answers: Mapping[int | str, str | None]) -> dict[int, str]:
    out: dict[int, str] = {}
    for key, value in (answers or {}).items():
        m = re.fullmatch(r"\s*q?(\d+)\s*", str(key), re.I)
        if not m:
            continue
        if isinstance(value, (list, tuple)):
            value = "".join(map(str, value))
        out[int(m.group(1))] = "" if value is None else str(value)
    return out


@lru_cache(maxsize=128)
def _analyze(text: str, rubric: Rubric) -> Doc:
    """An answer, analysed once per grading (rubrics hash by identity)."""
    return analyze(text, rubric.aliases)


@lru_cache(maxsize=256)
def _model_doc(rubric: Rubric, number: int) -> Doc:
    return analyze(rubric.questions[number].model_answer, rubric.aliases)


@lru_cache(maxsize=256)
def _question_doc(rubric: Rubric, number: int) -> Doc:
    """The question's text, analysed (rubrics hash by identity)."""
    return analyze(rubric.questions[number].question, rubric.aliases)


@lru_cache(maxsize=256)
def _vocabulary(rubric: Rubric, number: int) -> tuple[set[str], tuple[str, ...]]:
    """The words of a question and of its rubric's phrasings (and the phrasings' prefixes)."""
    q = rubric.questions[number]
    vocabulary = {t.norm for t in analyze(q.question, rubric.aliases).tokens}
    prefixes = []
    phrases: list[Phrase] = [p for c in (*q.concepts, *q.contradictions) for g in c.groups for p in g]
    for phrase in phrases:
        for slot in phrase.slots:
            for alt in slot.alternatives:
                if alt.prefix:
                    prefixes.append(alt.tokens[0])
                else:
                    vocabulary.update(alt.tokens)
    return vocabulary, tuple(prefixes)
