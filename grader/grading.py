"""One grading run: validate the submission, load it in a worker, run the suite, collect results."""

from __future__ import annotations

import ast
import re
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

import grader
from grader.chapters import Chapter
from grader.errors import SubmissionError
from grader.questionnaire import attach_code_check, grade_questionnaire, read_answer_sheet
from grader.options import GradingOptions
from grader.results import ExerciseResult, RunResult
from grader.tidy import clean_output, relative_paths
from grader.suite.context import GradingContext
from grader.suite.learner import Learner
from grader.suite.plugin import GradingPlugin
from grader.suite.runner import run_suite
from grader.worker import reaper, workspace
from grader.worker.client import Worker, Zygote

SUFFIXES = (".py", ".ipynb")
BOOK_IMPORTS = {"fastbook": "fastai.vision.all"}
"""The book's own packages (offline stand-ins in the worker) -> what to preload for them."""
MAX_SUBMISSION_BYTES = 20 * 1024 * 1024


def validate_submission(path: Path) -> Path:
    """The submission's path if it can be graded; otherwise a SubmissionError saying why."""
    if not path.exists():
        raise SubmissionError(f"{path}: no such file",
                              hint="Give the path of your exercises file: `grader check CHAPTER "
                                   "exercises/CHAPTER.py` (`grader list` shows the chapters).")
    if path.is_symlink():  # the grader may read what the learner cannot: never follow their links
        raise SubmissionError(f"{path} is a symbolic link, not a file",
                              hint="Submit the file itself, not a link to it.")
    if path.is_dir():
        raise SubmissionError(f"{path} is a folder, not a file",
                              hint="Give the .py or .ipynb file inside it.")
    if path.suffix not in SUFFIXES:
        raise SubmissionError(f"{path}: a {path.suffix or 'suffix-less'} file cannot be graded",
                              hint="Submit a Python file (.py) or a notebook (.ipynb).")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise SubmissionError(f"{path} cannot be read: {exc.strerror}") from None
    if size > MAX_SUBMISSION_BYTES:
        raise SubmissionError(f"{path} is {size / 1e6:.0f} MB, more than the "
                              f"{MAX_SUBMISSION_BYTES / 1e6:.0f} MB a submission may be")
    if b"\0" in head:
        raise SubmissionError(f"{path} is not a text file", hint="Submit the source file itself.")
    return path


def imported_packages(source: str) -> list[str]:
    """Top-level imports of a submission, to preload in the zygote (allow-listed there)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def device_label() -> tuple[str, bool]:
    import torch

    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0), True
    return "CPU", False


def grade(submission: Path, options: GradingOptions | None = None, *, answers: Path | None = None,
          learner_name: str | None = None, zygote: Zygote | None = None,
          progress: Callable[[str], None] | None = None, executed_notebook: Path | None = None,
          kernel=None, helpers: list[Path] = (), run_folder: workspace.RunFolder | None = None,
          **loose) -> RunResult:
    """Grade one submission and return its result (never raises for faults of the learner's code).

    `options`: how (`GradingOptions`); `loose` keywords build one instead, for tests and the
    interactive `check()` (`grade(path, chapter="ch5", skip={"pets"})`).
    `executed_notebook` (notebooks only): where to keep the executed notebook (the work folder is
    removed); `kernel`: a handle from `grader.notebook.start_kernel`, started ahead by batch grading
    (this run owns it from then on), in `run_folder` (`workspace.make_run_folder`, made with it; this
    run removes it). `helpers`: the learner's other `.py` files, copied beside the
    submission so that it can import them (batch grading of a folder with several files).
    """
    if options is None:
        options = GradingOptions.build(**loose)
    elif loose:
        raise TypeError(f"grade() takes options or loose keywords, not both: {sorted(loose)}")
    submission = validate_submission(Path(submission))
    ch = options.chapter_object
    limits, only, skip = options.limits, options.only, options.skip
    started, t0 = datetime.now().isoformat(timespec="seconds"), time.perf_counter()
    # What this grading makes is removed by a reaper process even if this process is killed (SIGKILL).
    owner = reaper.current()
    own_zygote = zygote is None
    if own_zygote and submission.suffix == ".py":
        zygote = Zygote()  # imports torch in the background while this process does the same
        owner.tell("folder", zygote.home)
    device, cuda = device_label()
    run = run_folder or workspace.make_run_folder(limits, owner)
    workdir, work_folder = run.work, run.mounted
    for helper in helpers:
        shutil.copyfile(helper, workdir / Path(helper).name)
    worker = None
    try:
        say = progress or (lambda message: None)
        if submission.suffix == ".ipynb":
            from grader.notebook import load_notebook_worker  # issue 3: notebooks

            worker, notebook = load_notebook_worker(submission, workdir=workdir, limits=limits,
                                                    zygote=zygote, progress=say,
                                                    cell_timeout=options.cell_timeout,
                                                    data=options.data,
                                                    save_to=executed_notebook, kernel=kernel)
        else:
            copy = workdir / submission.name
            shutil.copyfile(submission, copy)
            wanted = [BOOK_IMPORTS.get(m, m) for m in imported_packages(copy.read_text(errors="replace"))
                      if m.split(".")[0] in ("fastai", "pandas", "torchvision", "PIL", "matplotlib",
                                             *BOOK_IMPORTS)]
            if wanted:
                zygote.preload(wanted)
            worker = Worker(zygote, submission=copy, workdir=workdir, limits=limits, cuda=cuda,
                            data=options.data)
            say(f"loading {submission.name}")
            worker.start()
            notebook = None
        context = GradingContext(Learner(worker), workdir,
                                 options={"timing": options.timing, "device": "cuda" if cuda else "cpu",
                                          "limits": limits, "progress": say,
                                          **dict(options.chapter_options)})
        plugin = GradingPlugin(context, only=only, skip=skip)
        say("running the tests")
        run_suite(ch.suite, plugin)
        result = RunResult(
            submission=str(submission), learner=learner_name or submission.stem, chapter=ch.name,
            grader_version=grader.__version__, started=started, device=device,
            exercises=_exercises(ch, plugin, context.learner, only, skip),
            skipped=[e.name for e in ch.exercises if (only and e.name not in only) or e.name in (skip or ())],
            load_error=worker.load_fault if worker.names is None else None,
            notebook=notebook, options={"timeout": limits.timeout, "memory_mb": limits.memory_mb,
                                        "timing": options.timing, "only": sorted(only or []),
                                        "skip": sorted(skip or []),
                                        "sandbox": {**dict(getattr(worker, "sandbox", None) or {}),
                                                    "work_folder": work_folder}},
        )
        from grader.worker.sandbox import dropped_guarantees

        result.options["sandbox_dropped"] = dropped_guarantees(result.options["sandbox"])
        if ch.grades_questionnaire(only, skip):
            result.questionnaire = _questionnaire(ch, submission, answers, notebook, result,
                                                  hide=options.hide_model_answers)
        elif ch.questionnaire_sheet:
            result.skipped.append("questionnaire")
        result.output = clean_output(worker.output.text()) if getattr(worker, "output", None) else ""
        relative_paths(result, workdir)
        result.duration = time.perf_counter() - t0
        return result
    finally:
        if worker is not None:
            worker.close()
        if own_zygote and zygote is not None:
            zygote.close()
            owner.forget(zygote.home)
        workspace.remove_run_folder(run, owner)


def _exercises(ch: Chapter, plugin: GradingPlugin, learner: Learner, only, skip) -> list[ExerciseResult]:
    out = []
    loaded = learner.worker.names is not None
    for exercise in ch.exercises:
        if (only and exercise.name not in only) or (skip and exercise.name in skip):
            continue
        tests = [t for t in plugin.results.values() if t.exercise == exercise.name]
        if not tests:
            continue
        entry = ExerciseResult(name=exercise.name, title=exercise.title, tests=tests)
        for test in tests:
            entry.notes += [n for n in test.notes if n not in entry.notes and "pays only" not in n]
        entry.defined = loaded and exercise.name in (learner.worker.names or [])
        if entry.defined:
            info = learner.info(exercise.name)
            if info.get("callable") and info.get("own_code") is False:
                entry.notes.append(f"`{exercise.name}` is not your own code: it comes from "
                                   f"`{info.get('module') or 'a library'}`. It is graded, but it is the "
                                   "library's work, not yours.")
        out.append(entry)
    return out


def not_submitted(ch: Chapter, hide: bool | None = None) -> dict:
    """A questionnaire with no answers found: 0 of its full points, "not submitted", so that every
    learner's total has the same size."""
    graded = grade_questionnaire({}, chapter=ch.name, hide_model_answers=hide).to_dict()
    return {**graded, "points": 0.0, "questions": [], "submitted": False,
            "status": "not submitted",
            "note": f"no answers found (a `{ch.questionnaire_sheet}` beside your file, or the notebook's "
                    "answer cells): 0 points"}


def _questionnaire(ch: Chapter, submission: Path, answers: Path | None, notebook, result: RunResult,
                   hide: bool | None = None):
    """Grade the questionnaire when there are answers: a sheet beside the file, or the notebook's cells.
    A sheet that cannot be used (a link, not a regular file, too large, not UTF-8) is refused: every
    question is "not answered" and the result's `problem` says why, while the exercises keep their
    grades."""
    sheet = answers or (submission.parent / ch.questionnaire_sheet if ch.questionnaire_sheet else None)
    if notebook and notebook.get("answers") is not None and answers is None:
        graded = grade_questionnaire(notebook["answers"], chapter=ch.name, hide_model_answers=hide)
        graded.source = "notebook"
        cells = notebook.get("answer_cells") or {}
        for q in graded.questions:
            q.cells_read = list(cells.get(q.number, [])) if q.answer else []
    elif sheet is not None and (sheet.is_symlink() or sheet.exists()):
        try:
            graded = grade_questionnaire(read_answer_sheet(sheet), chapter=ch.name,
                                         hide_model_answers=hide)
        except SubmissionError as problem:
            graded = grade_questionnaire({}, chapter=ch.name, hide_model_answers=hide)
            text = str(problem) + (f" {problem.hint}" if getattr(problem, "hint", None) else "")
            graded.problem = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", text)  # a crafted name stays inert
        graded.source = sheet.name
    else:
        return not_submitted(ch, hide)
    for question, name in ch.code_checks.items():
        code = next((e for e in result.exercises if e.name == name), None)
        if code is not None:
            attach_code_check(graded, question=question, passed=code.passed,
                              message=f"your {name} passes its tests" if code.passed else
                              (code.first_hint or f"your {name} does not pass its tests yet"))
    return graded.to_dict()
