"""What is kept of a notebook's outputs, and how a failed cell is described to the learner.

Outputs are capped (a cell that prints in a loop must not fill the grader's memory or the report);
tracebacks keep the learner's own frames (`Cell In[5], line 3`) and the last line, without colours;
a failure that comes from a download (pretrained weights, a data set the grader does not provide)
gets a hint that says what to do instead.
"""

from __future__ import annotations

import re
from typing import Any

CELL_OUTPUT_BYTES = 2_000_000
"""Most output bytes kept per cell while it runs (the rest is counted and dropped)."""
TEXT_CHARS = 20_000
"""Longest text (a stream, a text/plain result) kept in the saved notebook."""
DATA_BYTES = 1_000_000
"""Largest rich output (an image, HTML) kept in the saved notebook."""
TRACEBACK_FRAMES = 8

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")
LEARNER_FRAME = re.compile(r"^(Cell In\s*\[\s*\d*\s*\]|Input In \[|<ipython-input-|File <ipython-input)")

PRETRAINED_HINT = ("Pretrained weights are not in this machine's cache and nothing can be downloaded "
                   "while grading: pass `pretrained=False` (e.g. `vision_learner(dls, resnet18, "
                   "pretrained=False)`) to train from scratch.")
DATASET_HINT = ("This data set is not available offline: while grading, `untar_data` finds only the "
                "data sets of the grader's chapters (generated copies; `grader data --help` lists them).")
DOWNLOAD_HINT = "Nothing can be downloaded while grading: use data and weights that are already here."
NOT_IMPLEMENTED_HINT = "This cell calls an exercise that is still the stub (NotImplementedError)."


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_ansi(text: str) -> str:
    """The text without terminal colour codes or other control characters (newlines and tabs stay)."""
    return CONTROL.sub("", ANSI.sub("", text))


def learner_traceback(lines: list[str], ename: str = "", evalue: str = "") -> list[str]:
    """The frames of an IPython traceback that are the notebook's own cells, plus the error line."""
    kept = []
    for entry in lines or []:
        text = strip_ansi(str(entry)).strip("\n")
        if LEARNER_FRAME.match(text.lstrip()):
            kept.append(_clip(text, 1500))
    kept = kept[-TRACEBACK_FRAMES:]
    kept.append(_clip(strip_ansi(f"{ename}: {evalue}" if evalue else ename), 1500))
    return kept


def diagnose(ename: str, evalue: str, traceback: list[str]) -> str | None:
    """A hint for failures the learner cannot fix by reading the traceback alone."""
    text = strip_ansi("\n".join(str(t) for t in traceback or [])) + f"\n{ename}: {evalue}"
    downloading = any(word in text for word in ("URLError", "Connection refused", "urlopen",
                                                "HTTPError", "getaddrinfo", "ProxyError"))
    if "load_state_dict_from_url" in text or "download_url_to_file" in text or \
            ("weights" in text.lower() and downloading) or "model_zoo" in text:
        return PRETRAINED_HINT
    if downloading and ("untar_data" in text or "fastdownload" in text or "download_data" in text):
        return DATASET_HINT
    if downloading:
        return DOWNLOAD_HINT
    if ename == "NotImplementedError":
        return NOT_IMPLEMENTED_HINT
    return None


def output_size(output: dict[str, Any]) -> int:
    """Roughly how many bytes an output takes (its strings)."""
    size = 0
    for key in ("text", "evalue", "ename"):
        value = output.get(key)
        size += len(value) if isinstance(value, str) else sum(len(v) for v in value or [])
    for value in (output.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(str(value))
    size += sum(len(str(line)) for line in output.get("traceback") or [])
    return size


def trim_output(output: dict[str, Any]) -> dict[str, Any]:
    """Cap one output in place: long texts keep their start and end; big rich data is replaced."""
    if isinstance(output.get("text"), str):
        output["text"] = _clip(output["text"], TEXT_CHARS)
    data = output.get("data")
    if isinstance(data, dict):
        for mime in list(data):
            value = data[mime]
            text = value if isinstance(value, str) else None
            if mime.startswith("text/plain") and text is not None:
                data[mime] = _clip(text, TEXT_CHARS)
            elif len(text if text is not None else str(value)) > DATA_BYTES:
                del data[mime]
                data.setdefault("text/plain", f"[grader] a {mime} output too large to keep was left out")
    if isinstance(output.get("traceback"), list):
        output["traceback"] = [_clip(str(t), TEXT_CHARS) for t in output["traceback"][-20:]]
    return output


def grader_note(text: str) -> dict[str, Any]:
    """A stream output written by the grader into a cell's outputs."""
    import nbformat

    return nbformat.v4.new_output("stream", name="stderr", text=f"[grader] {text}\n")


def grader_error(ename: str, evalue: str) -> dict[str, Any]:
    """An error output written by the grader (a cell that timed out, or that stopped the kernel)."""
    import nbformat

    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"{ename}: {evalue}"])


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head, tail = int(limit * 0.8), int(limit * 0.15)
    return f"{text[:head]}\n... [grader: {len(text) - head - tail} characters not kept] ...\n{text[-tail:]}"
