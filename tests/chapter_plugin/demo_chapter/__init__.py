"""A minimal third-party chapter: one exercise, its own suite, no change to the grader.

Registered through `GRADER_CHAPTER_PATH` (this folder), as an installed package would be through the
`fastbook_grader.chapters` entry point. `tests/test_chapter_plugin.py` grades with it.
"""

from grader.chapters.registry import Chapter, Exercise

CHAPTER = Chapter(
    package=__name__,
    name="demo",
    title="A plugin chapter (tests only)",
    exercises=(Exercise("clip_scores", "Clip scores into a range"),),
    default_submission="clip_scores.py",
    aliases={"clip": "clip_scores"},
)
