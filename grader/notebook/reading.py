"""Reading a submitted notebook: whatever the file holds, a clear verdict and, when possible, nbformat 4.

A file that is not JSON, or JSON that is not a notebook, cannot be graded (`NotebookProblem`, with a
message that says why). An old nbformat is converted with nbformat; a notebook that breaks the
schema in ways that do not matter for running it is repaired and graded, with a note.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import nbformat

CURRENT = 4


class NotebookProblem(Exception):
    """The file cannot be read as a notebook; `message` and `hint` are for the learner."""

    def __init__(self, kind: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.kind, self.message, self.hint = kind, message, hint


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook at `path` as nbformat 4, and notes on what had to be converted or repaired."""
    name = Path(path).name
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookProblem("NotANotebook", f"{name} is not UTF-8 text (byte {exc.start})",
                              "Save the notebook from Jupyter again; notebooks are UTF-8 JSON.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = ("It looks like Python source: save it with a .py suffix, or export it from Jupyter "
                "as a notebook." if _looks_like_python(text) else
                "A notebook is a JSON file: save it from Jupyter (File > Save) and submit the .ipynb "
                "file itself, not a copy pasted from the browser.")
        raise NotebookProblem("NotJSON", f"{name} is not a notebook: it is not valid JSON "
                              f"({exc.msg} at line {exc.lineno}, column {exc.colno})", hint) from None
    if not isinstance(data, dict) or not ("cells" in data or "worksheets" in data):
        what = type(data).__name__ if not isinstance(data, dict) else "an object without `cells`"
        raise NotebookProblem("NotANotebook", f"{name} is JSON but not a notebook (it holds "
                              f"{'a ' + what if not isinstance(data, dict) else what})",
                              "Submit the .ipynb file that Jupyter saves for your notebook.")
    notes: list[str] = []
    version = data.get("nbformat")
    if not isinstance(version, int):
        version = CURRENT if "cells" in data else 3
        data["nbformat"] = version
        data.setdefault("nbformat_minor", 0)
        notes.append(f"the notebook does not say which nbformat it uses: read as nbformat {version}")
    if version > CURRENT:
        notes.append(f"the notebook uses nbformat {version}, newer than this grader knows "
                     f"({CURRENT}): read as nbformat {CURRENT}")
        data["nbformat"] = CURRENT
        version = CURRENT
    if version < CURRENT:
        try:
            nb = nbformat.reads(json.dumps(data), as_version=CURRENT, capture_validation_error={})
        except Exception as exc:
            raise NotebookProblem(
                "OldFormat", f"{name} uses nbformat {version}, which could not be converted to "
                f"nbformat {CURRENT} ({type(exc).__name__}: {str(exc)[:200]})",
                "Open it in a current Jupyter and save it again: that converts it.") from None
        notes.append(f"converted from nbformat {version} to {CURRENT} with nbformat")
    else:
        nb = nbformat.from_dict(data)
    repaired = _repair(nb)
    if repaired:
        notes.append("the notebook does not follow the nbformat schema (" + "; ".join(repaired[:3]) +
                     "): it was repaired and graded")
    return nb, notes


def _repair(nb: nbformat.NotebookNode) -> list[str]:
    """Fix what nbclient needs (cell types, sources, metadata, outputs); say what was fixed."""
    fixed: list[str] = []
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = nbformat.NotebookNode()
        fixed.append("notebook metadata missing")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        nb["cells"], cells = [], []
        fixed.append("`cells` is not a list")
    kept = []
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            fixed.append(f"cell {i} is not a code, markdown or raw cell (left out)")
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            cell["source"] = "".join(str(s) for s in source)
        elif not isinstance(source, str):
            cell["source"] = ""
            fixed.append(f"cell {i} has no readable source")
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.NotebookNode()
        if cell["cell_type"] == "code":
            if not isinstance(cell.get("outputs"), list):
                cell["outputs"] = []
            cell.setdefault("execution_count", None)
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
        kept.append(nbformat.from_dict(cell))
    nb["cells"] = kept
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        fixed.append(str(exc.message)[:200])
    return fixed


def kernel_of(nb: nbformat.NotebookNode) -> tuple[str | None, str | None]:
    """The kernel name and language the notebook asks for (None when it does not say)."""
    spec = nb.get("metadata", {}).get("kernelspec") or {}
    info = nb.get("metadata", {}).get("language_info") or {}
    name = spec.get("name") if isinstance(spec, dict) else None
    language = (spec.get("language") if isinstance(spec, dict) else None) or \
        (info.get("name") if isinstance(info, dict) else None)
    return (str(name) if name else None), (str(language).lower() if language else None)


def kernel_note(nb: nbformat.NotebookNode, label: str) -> str | None:
    """A note when the notebook's kernel is not what grades it (missing here, or not Python)."""
    name, language = kernel_of(nb)
    if language and language != "python":
        return (f"the notebook is written for {language} (kernel `{name or language}`); the grader "
                f"runs notebooks with {label}, so its cells ran as Python")
    if name is None:
        return None
    if name not in installed_kernels():
        return (f"the notebook asks for the kernel `{name}`, which does not exist here: it ran with "
                f"{label} instead")
    return None


def warm_up() -> None:
    """Do once what reading every notebook needs (a batch slot does it before forking its grading
    children): compile nbformat's validators (a fraction of a second each) and find the kernels."""
    for minor in range(nbformat.v4.nbformat_minor + 1):
        nb = nbformat.v4.new_notebook()
        nb.nbformat_minor = minor
        try:
            nbformat.writes(nb)
            nbformat.validate(nb)
        except Exception:
            pass
    installed_kernels()


@functools.lru_cache(maxsize=1)
def installed_kernels() -> frozenset[str]:
    """The names of the Jupyter kernels installed here (found once per process: a batch slot finds
    them before it forks its grading children)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        return frozenset(KernelSpecManager().find_kernel_specs())
    except Exception:
        return frozenset()


def _looks_like_python(text: str) -> bool:
    return bool(re.search(r"^\s*(def |import |from \S+ import |class )", text, re.M))
