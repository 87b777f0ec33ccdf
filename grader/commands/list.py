"""List the chapters the grader knows and their exercises."""

from __future__ import annotations

import argparse

from grader.chapters import chapters as registered, get_chapter

NAME = "list"
HELP = "list chapters and their exercises"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chapter", nargs="?", help="only this chapter")


def run(args: argparse.Namespace) -> int:
    return main(chapter=args.chapter)


def main(*, chapter: str | None = None) -> int:
    chapters = [get_chapter(chapter)] if chapter else list(registered().values())
    for ch in chapters:
        print(f"{ch.name}: {ch.title}")
        for exercise in ch.exercises:
            slow = "  (trains a model: slow)" if exercise.slow else ""
            print(f"  {exercise.name:<24} {exercise.title}{slow}")
        if ch.questionnaire_sheet:
            print(f"  {'questionnaire':<24} answers in {ch.questionnaire_sheet} (or the notebook)")
        aliases = ", ".join(f"{k} = {v}" for k, v in ch.aliases.items())
        if aliases:
            print(f"  short names for --only/--skip: {aliases}")
    return 0
