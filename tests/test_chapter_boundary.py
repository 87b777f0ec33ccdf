"""The boundary between the generic grader and its chapters (issue 18, part 1).

The generic core (everything under `grader/` but the chapter packages `grader/chapters/<name>/`)
names no chapter, exercise, alias or data set in its code: its identifiers and its string constants
(docstrings and comments may give examples). A chapter's name appearing in generic code is glue that
belongs in the chapter's package.
"""

from __future__ import annotations

import ast
import re
import tempfile
from pathlib import Path

from grader.chapters import chapters

ROOT = Path(__file__).resolve().parent.parent
GRADER = ROOT / "grader"
CHAPTER_WORDS = ("bear", "pets", "pet_", "imagenette", "pascal", "biwi", "sigmoid_range")
"""Words of the shipped chapters beyond their registered names (their subject matter)."""


BOOK = GRADER / "offline"
"""The offline stand-in for the book's own `fastbook` package: the book, not the grader's core."""


def generic_files() -> list[Path]:
    # the chapters' folders as this checkout has them (under tox, `grader` is imported from the
    # installed copy, whose chapter folders are elsewhere)
    import grader

    installed = Path(grader.__file__).resolve().parent
    packages = [GRADER / Path(c.folder).resolve().relative_to(installed) for c in chapters().values()
                if Path(c.folder).resolve().is_relative_to(installed)] + [BOOK]
    return [p for p in sorted(GRADER.rglob("*.py"))
            if not any(p.is_relative_to(folder) for folder in packages)]


def forbidden() -> set[str]:
    words = set(CHAPTER_WORDS)
    for chapter in chapters().values():
        # exercise names that are plain words (`normalize`, `softmax`) are everyday code words too
        words |= {chapter.name, *(n for n in chapter.exercise_names() if "_" in n),
                  *(a for a in chapter.aliases if "_" in a or len(a) > 4)}
        words |= {w for d in chapter.datasets for w in (d.url, d.folder, d.kind) if w}
        if chapter.questionnaire_sheet:
            words.add(chapter.questionnaire_sheet)
    return {w.lower() for w in words if len(w) > 2}


def code_words(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every identifier and non-docstring string constant of the module."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            docstrings.add(id(node.value))  # attribute docstrings
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            out.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            out.append((node.lineno, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            out.append((node.lineno, node.name))
        elif isinstance(node, ast.alias):
            out.append((node.lineno, node.name))
    return out


def test_every_shipped_chapter_is_a_package_found_by_the_registry():
    assert {"ch5", "ch6", "ch7"} <= set(chapters())
    for chapter in chapters().values():
        assert chapter.package.endswith(chapter.name) and chapter.suite == chapter.folder


def test_the_generic_core_names_no_chapter_exercise_or_data_set():
    words = forbidden()
    pattern = re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)), re.I)
    found = []
    for path in generic_files():
        for line, text in code_words(path):
            hit = pattern.search(text)
            if hit and not _word_inside(text, hit):
                found.append(f"{path.relative_to(ROOT)}:{line}: {hit.group(0)!r} in {text[:60]!r}")
    assert not found, "chapter names in generic code:\n" + "\n".join(found)


def _word_inside(text: str, hit: re.Match) -> bool:
    """A short name that is only part of a longer word (`normalize` in `normalized_path`) is not a hit."""
    before = text[hit.start() - 1] if hit.start() else " "
    after = text[hit.end()] if hit.end() < len(text) else " "
    return before.isalpha() or after.isalpha()


def test_the_scanner_sees_glue():
    """The scanner itself: a generic module naming a chapter's exercise is caught."""
    words = forbidden()
    source = 'def f(options):\n    """Docs may say ch6."""\n    return options["train_bear_classifier"]\n'
    tree_words = [t for _, t in _code_words_of(source)]
    assert any(w.lower() in words for w in tree_words) and "ch6" not in " ".join(tree_words)


def _code_words_of(source: str):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    try:
        return code_words(Path(handle.name))
    finally:
        Path(handle.name).unlink()



def test_worker_operations_resolve_only_in_registered_chapters():
    """A chapter's op is `<chapter>/<op>`, found in that chapter package's `ops/`; anything else is
    refused before an import is tried."""
    import pytest

    from grader.chapters.registry import chapter_of_op
    from grader.worker.server import _extra_op

    chapter, name = chapter_of_op("ch6/train_bears")
    assert chapter.name == "ch6" and name == "train_bears"
    assert callable(_extra_op("ch6/train_bears"))
    for bad in ("nope/train_bears", "ch6/../x", "ch6/os.path", "ch6/", "ch6/no_such_op"):
        with pytest.raises(ValueError, match="unknown operation"):
            _extra_op(bad)
