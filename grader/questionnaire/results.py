"""Result records of the questionnaire checker: plain data, JSON as it stands (`to_dict`/`from_dict`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

STATUSES = ("correct", "partial", "wrong", "not answered")


@dataclass
class QuestionResult:
    """The grade of one answer, with the feedback a learner sees."""

    number: int
    """The question's number in the chapter's questionnaire."""
    question: str
    """The question, verbatim."""
    answer: str
    """The learner's answer as read (empty when not answered)."""
    points: float
    """Points earned."""
    max_points: float
    """Points the question is worth (the sum of its concepts' points)."""
    concepts_found: list[str] = field(default_factory=list)
    """The key concepts recognised in the answer (their short descriptions)."""
    concepts_missing: list[dict[str, str]] = field(default_factory=list)
    """Concepts not recognised, each `{"concept": ..., "feedback": ...}`."""
    needs_review: bool = False
    """The checker is unsure (keyword list, pasted question, contradiction, a negated key idea):
    a person should read the answer."""
    review_reason: str | None = None
    """Why the answer needs review, in a sentence (None when it does not)."""
    model_answer: str = ""
    """The model answer, shown after grading."""
    status: str = "not answered"
    """`correct` (full marks), `partial`, `wrong` (0 points) or `not answered`."""
    contradictions: list[str] = field(default_factory=list)
    """Feedback lines of the statements found that contradict the correct answer."""
    code_passed: bool | None = None
    """Verdict of an external code check attached to this question (question 15's `sigmoid_range`),
    None when there is none."""
    code_feedback: str | None = None
    """The code check's message, None when there is none."""
    cells_read: list[int] | None = None
    """Notebook answers only: the cells read as this answer, numbered from 1 at the top of the
    notebook (None for an answer sheet)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "QuestionResult":
        known = {f.name for f in fields(cls)}
        item = {k: v for k, v in data.items() if k in known}
        item["concepts_found"] = list(item.get("concepts_found", []))
        item["concepts_missing"] = [dict(m) for m in item.get("concepts_missing", [])]
        item["contradictions"] = list(item.get("contradictions", []))
        if item.get("cells_read") is not None:
            item["cells_read"] = [int(c) for c in item["cells_read"]]
        return cls(**item)


@dataclass
class QuestionnaireResult:
    """The grade of a whole questionnaire: one `QuestionResult` per rubric question."""

    chapter: str
    """The chapter whose questionnaire was graded (`ch6`)."""
    questions: list[QuestionResult] = field(default_factory=list)
    """One result per question of the rubric, in order (unanswered ones included, at 0)."""
    points: float = 0.0
    """Points earned over all questions."""
    max_points: float = 0.0
    """Points the questionnaire is worth."""
    model_answers_hidden: bool = False
    """The model answers were left out (until an instructor releases them)."""
    source: str | None = None
    """Where the answers were read: an answer sheet's path, or `notebook` (None when not said)."""
    problem: str | None = None
    """Why the answers could not be read (a sheet that is a link, too large...): every question is
    then "not answered"; None when they were read."""

    @property
    def score(self) -> float:
        """Percentage of points earned (0 to 100)."""
        return 100.0 * self.points / self.max_points if self.max_points else 0.0

    @property
    def needs_review(self) -> list[int]:
        """Numbers of the questions flagged for review."""
        return [q.number for q in self.questions if q.needs_review]

    def question(self, number: int) -> QuestionResult:
        """The result of one question; `KeyError` if the questionnaire has no such question."""
        for q in self.questions:
            if q.number == number:
                return q
        raise KeyError(f"the {self.chapter} questionnaire has no question {number}")

    def to_dict(self) -> dict[str, Any]:
        return {"chapter": self.chapter, "points": self.points, "max_points": self.max_points,
                "score": round(self.score, 2), "needs_review": self.needs_review,
                "model_answers_hidden": self.model_answers_hidden, "source": self.source,
                "problem": self.problem, "questions": [q.to_dict() for q in self.questions]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "QuestionnaireResult":
        return cls(chapter=data["chapter"],
                   questions=[QuestionResult.from_dict(q) for q in data.get("questions", [])],
                   points=float(data.get("points", 0.0)), max_points=float(data.get("max_points", 0.0)),
                   model_answers_hidden=bool(data.get("model_answers_hidden", False)),
                   source=data.get("source"), problem=data.get("problem"))


def attach_code_check(result: QuestionnaireResult | QuestionResult, question: int = 15, *,
                      passed: bool | None, message: str | None = None) -> QuestionResult:
    """Record an external code check's verdict on a question (question 15: the learner's
    `sigmoid_range`, run by the grading suite). The answer text keeps its rubric grade; the verdict
    is shown beside it. Returns the question's result."""
    if isinstance(result, QuestionnaireResult):
        target = result.question(question)
    elif isinstance(result, QuestionResult):
        if result.number != question:
            raise ValueError(f"this is question {result.number}'s result, not question {question}'s")
        target = result
    else:
        raise TypeError(f"expected a QuestionnaireResult or QuestionResult, got {type(result).__name__}")
    target.code_passed = None if passed is None else bool(passed)
    target.code_feedback = message
    return target
