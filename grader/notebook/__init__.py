"""Grading a notebook (`.ipynb`): execute it in a kernel under the worker's limits, then grade it.

Flow (`load_notebook_worker`): read the file (`reading`: not JSON, not a notebook, old nbformat,
schema repairs) -> start a grading kernel (`kernel.start_kernel`: an IPython kernel launched by
`launch` under `grader.worker.limits`, in a private folder with a stripped environment, shell escapes
off, its fastai home holding the generated PASCAL_2007 / BIWI_HEAD_POSE so `untar_data` needs no
download) -> run every cell with nbclient (`execute`: per-cell timeout, past errors, a fresh kernel
and a re-run when a cell kills or wedges the kernel) -> have the kernel serve the grader's protocol
from its own namespace (`serve`, op `adopt`) -> the suite grades it through `worker.NotebookWorker`,
a `grader.worker.client.Worker` whose process is the kernel.

    worker, notebook = load_notebook_worker(path, workdir=workdir, limits=limits, progress=say)

`notebook` is the plain record stored in `RunResult.notebook`: `executed_path`, `failed_cells`
(`index`, `execution_count`, `ename`, `evalue`, `traceback` with the learner's frames only, and a
`hint` where one helps), `timed_out_cells`, `notes`, `kernel`, `answers` (questionnaire, or None),
`timings` (seconds: `kernel_start`, `execute`, `connect`, `total`).

Batch grading can start the next kernel while the current submission is graded (a kernel takes
seconds to import torch):

    handle = start_kernel(limits=limits, readable=[folder])  # returns at once; gets ready alone
    ...
    worker, notebook = load_notebook_worker(path, workdir=folder / "work", limits=limits,
                                            kernel=handle)

With the sandbox on, a kernel sees only its own folder and the `readable` ones, so the work folder
(where the suite writes the data it asks about) must lie in one of them; otherwise
`load_notebook_worker` closes the handle and starts a fresh kernel. It owns the handle from then on
(the worker closes it); a handle never passed to it must be closed with `handle.close()`. A handle
serves one submission only.

The names below are loaded on first use (PEP 562): a grading kernel imports `grader.notebook.launch`
and `grader.notebook.serve`, and must not pay for the trusted side's modules (nbformat, nbclient,
jupyter_client's manager) that this package's own API needs.
"""

from __future__ import annotations

import importlib

_EXPORTS = {"KernelHandle": "kernel", "start_kernel": "kernel", "CELL_TIMEOUT": "loading",
            "NOTEBOOK_BUDGET": "loading", "load_notebook_worker": "loading", "summary_lines": "loading"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
