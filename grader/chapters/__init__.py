"""Chapters: the registry (`registry`: the `Chapter` interface and discovery) and one package per
chapter holding everything chapter-specific."""

from grader.chapters.registry import (CHAPTERS, QUESTIONNAIRE, Chapter, ChapterOption, Exercise,
                                      get_chapter)

__all__ = ["CHAPTERS", "QUESTIONNAIRE", "Chapter", "ChapterOption", "Exercise", "get_chapter"]
