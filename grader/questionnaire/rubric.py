"""Loading and validating a questionnaire rubric (data, not code: a chapter package's
`rubric.json`).

A rubric is a JSON (or TOML) document::

    {"chapter": "ch6", "title": "...",
     "aliases": {"bcewithlogitsloss": ["bce with logits", ...], ...},
     "questions": [
       {"number": 12, "question": "...", "model_answer": "...",
        "concepts": [
          {"id": "bceloss_probabilities", "concept": "nn.BCELoss expects probabilities",
           "points": 1, "feedback": "Say what BCELoss expects as input ...",
           "any": ["bceloss ... probability*", {"phrase": "bceloss ... apply ... sigmoid",
                                                "polarity": "negated"}],
           "not_within": ["bcewithlogitsloss"]}],
        "contradictions": [{"id": "...", "feedback": "...", "any": ["..."]}]}]}

A concept is found when one of its `any` phrasings matches with the required polarity, or, with
`all` (a list of phrasing lists), when every list has a match inside the same `scope`: `answer` (the
default), `sentence` or `part` (a sentence up to `;` or a contrast word). Phrasings are strings or
objects `{"phrase"|"regex": ..., "polarity": "affirmed"|"negated"|"either", "not_within": [...]}`;
their syntax is described in `grader.questionnaire.matching`. A contradiction matched in an answer
scores the answer 0 and flags it for review. Keys starting with `_` are comments.

Every problem is reported as a `RubricError` whose message names the file, the question, the
concept and the field, e.g. `questions[11] (question 12) > concepts[0] (bceloss_probabilities) >
points: must be a number above 0, got -1`.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import ConfigError, UnknownChapterError
from grader.questionnaire.matching import Phrase, PhraseError
from grader.questionnaire.normalize import AliasTable

SCOPES = ("answer", "sentence", "part")


class RubricError(ConfigError):
    """A rubric file that cannot be used; `location` says where the bad value is."""

    def __init__(self, source: str, location: str, problem: str):
        where = f"{source}: {location}" if location else source
        super().__init__(f"{where}: {problem}", hint="Fix that value in the rubric file.")
        self.source = source
        self.location = location
        self.problem = problem


@dataclass(frozen=True)
class Concept:
    """A key idea a correct answer contains."""

    id: str
    """Stable identifier (for statistics)."""
    concept: str
    """The idea in a few words, shown to learners as found or missing."""
    points: float
    """Points the idea is worth."""
    feedback: str
    """What to tell a learner whose answer lacks it."""
    groups: tuple[tuple[Phrase, ...], ...]
    """Phrasing lists; every list needs a match (one list for `any`)."""
    scope: str = "answer"
    """Where all lists must match together: `answer`, `sentence` or `part`."""


@dataclass(frozen=True)
class Contradiction:
    """A statement that contradicts the correct answer: it zeroes the answer and asks for review."""

    id: str
    feedback: str
    groups: tuple[tuple[Phrase, ...], ...]
    scope: str = "answer"


@dataclass(frozen=True)
class QuestionRubric:
    """The rubric of one question."""

    number: int
    question: str
    model_answer: str
    concepts: tuple[Concept, ...]
    contradictions: tuple[Contradiction, ...] = ()
    list_items: int = 0
    """Where the question asks for a list of things, how many: a list of at most that many terms
    is an answer, not a keyword list (0: any list of terms is a keyword list)."""

    @property
    def max_points(self) -> float:
        return float(sum(c.points for c in self.concepts))


@dataclass(frozen=True, eq=False)
class Rubric:
    """A chapter's questionnaire rubric."""

    chapter: str
    title: str
    questions: dict[int, QuestionRubric]
    """Question rubrics by number, in the file's order."""
    aliases: AliasTable
    """Spellings that normalise to one token; answers are analysed with them."""
    source: str
    """Where the rubric was read from."""
    model_answers: str = "shown"
    """The chapter's default for reports: `shown`, or `hidden` until an instructor releases them
    (see `grader.questionnaire.checker.model_answers_hidden`)."""

    @property
    def max_points(self) -> float:
        return sum(q.max_points for q in self.questions.values())


def load_rubric(source: str | Path | None = None) -> Rubric:
    """The rubric of a chapter (its name: the one its chapter package holds; None: the default
    chapter's) or of a `.json`/`.toml` file path."""
    if isinstance(source, Path) or str(source).endswith((".json", ".toml")) or "/" in str(source):
        return _load_path(Path(source))
    return _load_packaged(source)


@functools.lru_cache(maxsize=None)
def _load_packaged(chapter: str | None) -> Rubric:
    from grader.chapters.registry import chapters, get_chapter

    path = get_chapter(chapter).rubric
    if path is None:
        known = sorted(c.name for c in chapters().values() if c.rubric is not None)
        raise UnknownChapterError(f"no questionnaire rubric for chapter {chapter!r}",
                                  hint="Known: " + (", ".join(known) or "none"))
    return _load_path(path)


def _load_path(path: Path) -> Rubric:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RubricError(name, "", f"cannot read the file ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode()) if path.suffix == ".toml" else json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RubricError(name, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}") \
            from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RubricError(name, "", f"not valid TOML: {exc}") from None
    return parse_rubric(data, source=name)


def parse_rubric(data: Any, *, source: str = "<rubric>") -> Rubric:
    """Validate rubric data (already decoded) and compile its phrasings."""
    v = _Validator(source)
    top = v.mapping(data, "", required=("chapter", "questions"), optional=("title", "aliases", "model_answers"))
    chapter = v.text(top["chapter"], "chapter")
    aliases = _aliases(v, top.get("aliases", {}))
    questions: dict[int, QuestionRubric] = {}
    items = v.items(top["questions"], "questions")
    for i, item in enumerate(items):
        where = f"questions[{i}]"
        q = v.mapping(item, where, required=("number", "question", "model_answer", "concepts"),
                      optional=("contradictions", "list_items"))
        number = q["number"]
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            v.fail(f"{where} > number", f"must be a whole number from 1, got {number!r}")
        where = f"questions[{i}] (question {number})"
        if number in questions:
            v.fail(f"{where} > number", f"question {number} appears twice")
        concepts = []
        for j, c in enumerate(v.items(q["concepts"], f"{where} > concepts")):
            concepts.append(_concept(v, c, f"{where} > concepts[{j}]", aliases, points=True))
        ids = [c.id for c in concepts]
        if len(set(ids)) != len(ids):
            v.fail(f"{where} > concepts", f"concept ids must be unique, got {ids}")
        contradictions = [_concept(v, c, f"{where} > contradictions[{j}]", aliases, points=False)
                          for j, c in enumerate(v.items(q.get("contradictions", []),
                                                        f"{where} > contradictions", empty=True))]
        list_items = q.get("list_items", 0)
        if not isinstance(list_items, int) or isinstance(list_items, bool) or list_items < 0:
            v.fail(f"{where} > list_items", f"must be a whole number from 0, got {list_items!r}")
        questions[number] = QuestionRubric(number, v.text(q["question"], f"{where} > question"),
                                           v.text(q["model_answer"], f"{where} > model_answer"),
                                           tuple(concepts), tuple(contradictions), list_items)
    shown = top.get("model_answers", "shown")
    if shown not in ("shown", "hidden"):
        v.fail("model_answers", f"must be \"shown\" or \"hidden\", got {shown!r}")
    return Rubric(chapter, v.text(top.get("title", chapter), "title"), questions, aliases, source,
                  shown)


def _aliases(v: "_Validator", data: Any) -> AliasTable:
    if not isinstance(data, dict):
        v.fail("aliases", f"must be an object of token: [spellings], got {type(data).__name__}")
    for key, spellings in data.items():
        if not re.fullmatch(r"[^\W_]+", key):
            v.fail(f"aliases > {key!r}", "an alias target must be one word of letters or digits")
        if not isinstance(spellings, list) or not all(isinstance(s, str) and s.strip()
                                                      for s in spellings):
            v.fail(f"aliases > {key}", "must be a list of non-empty strings")
    return AliasTable(data)


def _concept(v: "_Validator", data: Any, where: str, aliases: AliasTable, *, points: bool):
    fields = ("id", "concept", "points", "feedback") if points else ("id", "feedback")
    base = where
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        where = f"{where} ({data['id']})"
    c = v.mapping(data, where, required=fields,
                  optional=("any", "all", "scope", "not_within") + (() if points else ("concept",)))
    ident = c["id"]
    if not isinstance(ident, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", ident):
        v.fail(f"{base} > id", f"must be a lowercase identifier (a-z, 0-9, _), got {ident!r}")
    scope = c.get("scope", "answer")
    if scope not in SCOPES:
        v.fail(f"{where} > scope", f"must be one of {', '.join(SCOPES)}, got {scope!r}")
    if ("any" in c) == ("all" in c):
        v.fail(where, "give exactly one of 'any' (a list of phrasings) or 'all' (a list of lists)")
    not_within = c.get("not_within", [])
    if not isinstance(not_within, list) or not all(isinstance(w, str) for w in not_within):
        v.fail(f"{where} > not_within", "must be a list of words")
    if "any" in c:
        lists = [(f"{where} > any", c["any"])]
    else:
        lists = [(f"{where} > all[{k}]", g) for k, g in enumerate(v.items(c["all"], f"{where} > all"))]
    groups = tuple(tuple(_phrase(v, p, f"{at}[{n}]", aliases, not_within)
                         for n, p in enumerate(v.items(group, at))) for at, group in lists)
    feedback = v.text(c["feedback"], f"{where} > feedback")
    if not points:
        return Contradiction(ident, feedback, groups, scope)
    value = c["points"]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        v.fail(f"{where} > points", f"must be a number above 0, got {value!r}")
    return Concept(ident, v.text(c["concept"], f"{where} > concept"), float(value), feedback, groups,
                   scope)


def _phrase(v: "_Validator", data: Any, where: str, aliases: AliasTable, not_within: list[str]):
    try:
        if isinstance(data, str):
            return Phrase(data, not_within=not_within, aliases=aliases)
        p = v.mapping(data, where, required=(), optional=("phrase", "regex", "polarity", "not_within"))
        if ("phrase" in p) == ("regex" in p):
            v.fail(where, "a phrasing object needs exactly one of 'phrase' or 'regex'")
        for key in ("phrase", "regex", "polarity"):
            if key in p and not isinstance(p[key], str):
                v.fail(f"{where} > {key}", f"must be a string, got {p[key]!r}")
        own = p.get("not_within", not_within)
        if not isinstance(own, list) or not all(isinstance(w, str) for w in own):
            v.fail(f"{where} > not_within", "must be a list of words")
        return Phrase(p.get("phrase"), regex=p.get("regex"), polarity=p.get("polarity", "affirmed"),
                      not_within=own, aliases=aliases)
    except PhraseError as exc:
        v.fail(where, str(exc))


class _Validator:
    """Type checks that raise `RubricError` with the location of the bad value."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, problem: str):
        raise RubricError(self.source, where, problem)

    def mapping(self, data: Any, where: str, *, required: tuple, optional: tuple) -> dict:
        if not isinstance(data, dict):
            self.fail(where or "top level", f"must be an object, got {type(data).__name__}")
        for key in required:
            if key not in data:
                self.fail(where or "top level", f"missing required field {key!r}")
        allowed = set(required) | set(optional)
        for key in data:
            if key not in allowed and not str(key).startswith("_"):
                self.fail(f"{where} > {key}" if where else key,
                          f"unknown field (expected one of: {', '.join(sorted(allowed))})")
        return data

    def items(self, data: Any, where: str, *, empty: bool = False) -> list:
        if not isinstance(data, list):
            self.fail(where, f"must be a list, got {type(data).__name__}")
        if not data and not empty:
            self.fail(where, "must not be empty")
        return data

    def text(self, data: Any, where: str) -> str:
        if not isinstance(data, str) or not data.strip():
            self.fail(where, f"must be a non-empty string, got {data!r}")
        return data.strip()
