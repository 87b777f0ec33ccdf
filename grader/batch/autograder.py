"""The Gradescope autograder: the zip Gradescope builds its image from, and what runs in it.

`build_autograder` writes the zip (files at its root, as Gradescope requires):

    setup.sh                  installs Python's packages, the grader (from `source/fastbook-grader`)
                              and the generated data sets, once, when Gradescope builds the image
    run_autograder            grades `/autograder/submission`, writes `/autograder/results/results.json`
    grader-settings.json      the chapter and grading options chosen at build time
    fastbook-grader/          the grader's package and its pyproject.toml

`run` is what `run_autograder` starts (`python3 -m grader.batch.autograder --root /autograder`): the
learner's files are sorted out like a batch learner's folder (the graded file, its helpers, the
answer sheet), graded as one batch unit (`grader.batch.unit`), and the result written in Gradescope's
format (`grader.batch.gradescope`). Whatever happens, a results.json is written: a submission that
cannot be graded gets 0 and a sentence why. The root is overridable (`--root`, or
`GRADER_AUTOGRADER_ROOT` for the script), so the whole flow runs in a test against a temporary tree
laid out like Gradescope's `/autograder`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

SETTINGS = "grader-settings.json"
PACKAGE = "fastbook-grader"
PINNED = ("torch", "torchvision", "fastai")
"""Packages pinned in setup.sh to the versions the zip was built with (the grader was tested on them)."""

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image (network allowed here only).
set -euo pipefail
cd /autograder/source
apt-get update -qq && apt-get install -y -qq python3 python3-pip python3-venv >/dev/null
python3 -m pip install --quiet --upgrade pip
{torch_line}
python3 -m pip install --quiet ./{package}
# the generated data sets, where fastai's untar_data finds them: nothing is downloaded when grading
python3 -c "from grader.data.fastai_cache import generated_home; print('data:', generated_home())"
# the key hidden test data are drawn from, made once in the image: the same for every submission
python3 -c "from grader.suite.hidden_key import machine_key; machine_key()"
chmod +x /autograder/source/run_autograder
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission, in /autograder. GRADER_AUTOGRADER_ROOT replaces
# /autograder (tests run it against a temporary tree); GRADER_PYTHON replaces python3.
ROOT="${GRADER_AUTOGRADER_ROOT:-/autograder}"
exec "${GRADER_PYTHON:-python3}" -m grader.batch.autograder --root "$ROOT" \\
    --settings "$ROOT/source/grader-settings.json"
"""


DISTRIBUTION = "fastbook-grader"
"""The grader's name on PyPI, for an install without a checkout."""

def build_autograder(out: Path, *, settings: dict[str, Any]) -> Path:
    """Write the autograder zip to `out`; raises OSError or ValueError (no source checkout)."""
    import grader

    package = Path(grader.__file__).resolve().parent
    project = package.parent
    pyproject = _pyproject_text(project)
    pins = []
    for name in PINNED:
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    torch_pins = [p for p in pins if p.startswith("torch")]
    torch_line = ("python3 -m pip install --quiet --index-url https://download.pytorch.org/whl/cpu "
                  + " ".join(torch_pins)) if torch_pins else ""
    torch_line += ("\npython3 -m pip install --quiet " + " ".join(p for p in pins if p not in torch_pins)
                   if len(pins) > len(torch_pins) else "")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        _add(zf, "setup.sh", SETUP.format(torch_line=torch_line, package=PACKAGE), executable=True)
        _add(zf, "run_autograder", RUN, executable=True)
        _add(zf, SETTINGS, json.dumps(settings, indent=1, sort_keys=True))
        _add(zf, f"{PACKAGE}/pyproject.toml", pyproject)
        if (project / "README.md").is_file():
            _add(zf, f"{PACKAGE}/README.md", (project / "README.md").read_text(encoding="utf-8"))
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc",):
                zf.write(path, f"{PACKAGE}/grader/{path.relative_to(package).as_posix()}")
    os.replace(tmp, out)
    return out


def _pyproject_text(project: Path) -> str:
    """The project file the zip installs the grader with: the checkout's, or, for a grader installed
    from a wheel (no checkout beside the package), the same project described from its metadata."""
    path = project / "pyproject.toml"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise ValueError(f"no pyproject.toml beside the grader package ({project}) and no installed "
                         f"{DISTRIBUTION}: build the autograder from a checkout or an install") from None
    requires = [r for r in metadata.requires(DISTRIBUTION) or [] if "extra ==" not in r]
    dependencies = "".join(f"    {json.dumps(r)},\n" for r in requires)
    return (f'[build-system]\nrequires = ["setuptools>=77"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "{DISTRIBUTION}"\nversion = {json.dumps(meta["Version"])}\n'
            f'requires-python = {json.dumps(meta.get("Requires-Python") or ">=3.11")}\n'
            f'dependencies = [\n{dependencies}]\n\n[project.scripts]\ngrader = "grader.cli:run"\n\n'
            '[tool.setuptools.packages.find]\ninclude = ["grader*"]\n\n'
            '[tool.setuptools.package-data]\n"*" = ["*", "**/*"]\n')


def _add(zf: zipfile.ZipFile, name: str, text: str, *, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, text)


def run(root: Path, settings: dict[str, Any]) -> dict[str, Any]:
    """Grade `root/submission`, write `root/results/results.json`; returns the document."""
    from grader.batch.gradescope import to_gradescope
    from grader.batch.store import failed_record

    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    learner = _learner_name(root)
    try:
        record = _grade(root / "submission", learner, settings)
    except Exception as exc:  # never leave Gradescope without a result: 0 and a sentence why
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        record = failed_record(learner=learner, entry="submission", safe="submission", key="",
                               chapter=settings["chapter"], status="ungradable", kind="ungradable",
                               message=message, final=True, options=settings)
    document = to_gradescope(record.run_result(), status=record.status, error=record.error)
    tmp = results / ".results.json.tmp"
    tmp.write_text(json.dumps(document, indent=1), encoding="utf-8")
    os.replace(tmp, results / "results.json")
    return document


def _grade(folder: Path, learner: str, settings: dict[str, Any]):
    from grader.batch.discovery import learner_folder, read_submission
    from grader.batch.planning import is_empty, read_helpers, snapshot
    from grader.batch.store import failed_record
    from grader.batch.unit import grade_unit
    from grader.chapters import get_chapter

    chapter = get_chapter(settings["chapter"])
    sub = learner_folder(folder, chapter, learner)
    common = dict(learner=learner, entry=sub.entry, safe="submission", key="",
                  chapter=chapter.name, options=settings, final=True, status="ungradable")
    if sub.error is not None:
        return failed_record(kind=sub.error_kind or "ungradable", message=sub.error, **common)
    data, sheet = read_submission(sub)
    if is_empty(data, sub.file.suffix):
        return failed_record(kind="empty", message=f"{sub.entry} is empty: there is nothing to grade",
                             **common)
    helpers = read_helpers(sub)
    work = Path(tempfile.mkdtemp(prefix="grader-autograder-"))
    try:
        file = snapshot(work, sub, data, sheet, helpers, chapter.name)
        task = {"file": str(file), "staging": str(work / "out"), "learner": learner,
                "entry": sub.entry, "safe": "submission", "key": "", "helpers": sorted(helpers)}
        return grade_unit(task, settings)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _learner_name(root: Path) -> str:
    """The submitter's name from Gradescope's `submission_metadata.json`, else `submission`."""
    try:
        with open(root / "submission_metadata.json", "rb") as handle:
            data = json.loads(handle.read(2**20))
        users = data.get("users") or []
        if users and isinstance(users[0], dict) and users[0].get("name"):
            from grader.batch.names import shown_name

            return shown_name(str(users[0]["name"]))
    except (OSError, ValueError, AttributeError):
        pass
    return "submission"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grader.batch.autograder",
                                     description="Grade a Gradescope submission (run by run_autograder).")
    parser.add_argument("--root", type=Path, default=Path("/autograder"))
    parser.add_argument("--settings", type=Path, required=True)
    args = parser.parse_args(argv)
    settings = json.loads(args.settings.read_text(encoding="utf-8"))
    document = run(args.root, settings)
    print(f"score {document['score']:g}; {len(document['tests'])} tests; results in "
          f"{args.root / 'results' / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
