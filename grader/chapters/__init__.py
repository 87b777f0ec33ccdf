"""Chapters: the registry (`registry`: the `Chapter` interface and its discovery) and one package per
chapter (`ch5/`, ...) holding everything chapter-specific. Only `registry.py` and this file are generic."""

from grader.chapters.registry import (QUESTIONNAIRE, Chapter, ChapterOption, DataSet, Exercise, chapters,
                                      get_chapter)

__all__ = ["QUESTIONNAIRE", "Chapter", "ChapterOption", "DataSet", "Exercise", "chapters", "get_chapter"]
