"""Running a notebook's cells in a grading kernel with nbclient, past every kind of failure.

Errors in a cell are recorded and the next cell runs (`allow_errors`). A cell that runs longer than
the per-cell timeout is interrupted, recorded, and the notebook goes on; if the kernel does not come
back from the interrupt, or a cell kills the kernel, a fresh kernel runs the notebook again from the
top without the cells that hung or killed it (at most `MAX_RESTARTS` times), so that every exercise
defined elsewhere in the notebook can still be graded. nbclient's cell tags are honoured:
`skip-execution` cells are not run, errors in `raises-exception` cells are expected.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Callable

from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from grader.notebook import outputs
from grader.notebook.kernel import KernelHandle

MAX_RESTARTS = 3
"""Fresh kernels a notebook may need while it is executed (cells that kill or wedge the kernel)."""
PROBE_SECONDS = 10.0
"""How long an interrupted kernel may take to answer again before it is replaced."""


@dataclass
class BadCell:
    """A cell that is not run again when the notebook is re-executed."""

    kind: str
    """`timeout` (interrupted after the per-cell timeout) or `killed` (the kernel died in it)."""
    message: str
    """What happened, for the learner."""
    outputs: list = field(default_factory=list)
    """The cell's outputs from the run in which it failed (kept in the saved notebook)."""


@dataclass
class Execution:
    """The result of executing a notebook: the executed copy and what went wrong on the way."""

    nb: object
    """The executed notebook (nbformat NotebookNode), outputs included."""
    bad_cells: dict[int, BadCell] = field(default_factory=dict)
    """Cells that timed out or killed the kernel, by index."""
    notes: list[str] = field(default_factory=list)
    """Restarts, cells left out for lack of time, tags honoured."""
    kernels: int = 1
    """Kernels used (1 + restarts)."""
    waited: float = 0.0
    """Seconds spent waiting for the first kernel to get ready (part of `kernel_start`)."""
    seconds: float = 0.0
    """Wall time spent executing cells (and restarting kernels), once the first kernel was ready."""
    kernel_start: float = 0.0
    """Seconds from launching the first kernel until it answered (imports, sandbox, ipykernel)."""


class KernelLost(Exception):
    """The kernel died in a cell, or did not come back from an interrupt."""

    def __init__(self, index: int, kind: str, message: str):
        super().__init__(message)
        self.index, self.kind, self.message = index, kind, message


class KernelStartError(Exception):
    """The kernel never became ready (a problem of this machine, not of the notebook)."""


class GradingClient(NotebookClient):
    """nbclient's client, keeping at most `outputs.CELL_OUTPUT_BYTES` of output per cell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept: dict[int, int] = {}
        self.dropped: dict[int, int] = {}
        self.timed_out = False

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None:
            size = outputs.output_size(out)
            room = outputs.CELL_OUTPUT_BYTES - self.kept.get(cell_index, 0)
            if size > room:
                # the kernel flushes a printing loop in big chunks: keep the start of a stream
                # that overflows, so the cell's first lines are still there to read
                if room > 0 and out.get("output_type") == "stream" and isinstance(out.get("text"), str):
                    out["text"] = out["text"][:room]
                    self.kept[cell_index] = outputs.CELL_OUTPUT_BYTES
                    self.dropped[cell_index] = self.dropped.get(cell_index, 0) + size - room
                    return out
                if outs and outs[-1] is out:
                    outs.pop()
                self.dropped[cell_index] = self.dropped.get(cell_index, 0) + size
                return None
            self.kept[cell_index] = self.kept.get(cell_index, 0) + size
        return out

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)


def execute_notebook(source, kernel: KernelHandle, new_kernel: Callable[[], KernelHandle], *,
                     cell_timeout: float, budget: float, bad_cells: dict[int, BadCell] | None = None,
                     progress: Callable[[str], None] = lambda message: None,
                     max_restarts: int = MAX_RESTARTS) -> tuple[KernelHandle | None, Execution]:
    """Execute `source` (not modified) in `kernel`, restarting with `new_kernel()` when needed.

    Returns the kernel that holds the notebook's namespace (None when no kernel survived) and the
    execution record. `bad_cells` from an earlier execution are left out from the start.
    """
    started = time.monotonic()
    deadline = started + budget
    record = Execution(nb=None, bad_cells=dict(bad_cells or {}))
    while True:
        nb = copy.deepcopy(source)
        try:
            _run_cells(nb, kernel, record, cell_timeout=cell_timeout, deadline=deadline,
                       progress=progress)
            record.nb = nb
            record.seconds = time.monotonic() - started - record.waited
            return kernel, record
        except KernelLost as lost:
            cell = nb.cells[lost.index]
            record.bad_cells[lost.index] = BadCell(lost.kind, lost.message, list(cell.get("outputs", [])))
            kernel.close()
            if record.kernels > max_restarts or time.monotonic() > deadline:
                record.notes.append(f"{lost.message}; the notebook was not run again (too many "
                                    "restarts or no time left), so nothing could be graded from it.")
                _mark_unrun(nb, lost.index, record)
                record.nb, record.seconds = nb, time.monotonic() - started - record.waited
                return None, record
            record.notes.append(f"{lost.message}: the grader started a fresh kernel and ran the "
                                f"notebook again from the top without cell {lost.index}.")
            progress(f"restarting the kernel ({lost.message})")
            kernel = new_kernel()
            record.kernels += 1


def _run_cells(nb, kernel: KernelHandle, record: Execution, *, cell_timeout: float, deadline: float,
               progress: Callable[[str], None]) -> None:
    kernel.wait_data()
    client = GradingClient(nb, km=kernel.km, timeout=int(max(1, round(cell_timeout))),
                           allow_errors=True, interrupt_on_timeout=True, startup_timeout=120,
                           error_on_timeout={"ename": "CellTimeoutError",
                                             "evalue": f"the cell did not finish within {cell_timeout:g} s",
                                             "traceback": []},
                           record_timing=False, iopub_timeout=5)
    waiting = time.monotonic()
    try:
        client.start_new_kernel_client()
        if record.kernel_start == 0.0:
            record.waited = time.monotonic() - waiting
            record.kernel_start = time.monotonic() - kernel.started
    except Exception as exc:
        kernel.kill()
        raise KernelStartError(f"the notebook's kernel did not start ({type(exc).__name__}: "
                               f"{str(exc)[:200]})") from None
    try:
        count, skipped_tag, out_of_time = 0, 0, []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            if index in record.bad_cells:
                bad = record.bad_cells[index]
                cell.outputs = list(bad.outputs) + [outputs.grader_error(
                    "CellTimeoutError" if bad.kind == "timeout" else "KernelDied", bad.message)]
                cell.execution_count = None
                continue
            if "skip-execution" in cell.metadata.get("tags", []):
                skipped_tag += 1
                continue
            if time.monotonic() > deadline:
                out_of_time.append(index)
                cell.outputs = [outputs.grader_note("not run: the notebook's time budget was used up")]
                continue
            count += 1
            client.timed_out = False
            try:
                client.execute_cell(cell, index, execution_count=count)
            except DeadKernelError:
                raise KernelLost(index, "killed", f"cell {index} stopped the kernel") from None
            except Exception as exc:  # the channel to the kernel broke: treat it as a dead kernel
                raise KernelLost(index, "killed", f"cell {index} broke the kernel "
                                                  f"({type(exc).__name__})") from None
            dropped = client.dropped.pop(index, 0)
            if dropped:
                cell.outputs.append(outputs.grader_note(f"{dropped} more bytes of output were not kept"))
            if client.timed_out:
                message = f"cell {index} did not finish within {cell_timeout:g} s"
                cell.outputs.append(outputs.grader_error("CellTimeoutError", message + "; it was "
                                                         "stopped and the next cells ran"))
                progress(message)
                if not _responsive(client):
                    raise KernelLost(index, "timeout", message + " and the kernel did not recover")
                record.bad_cells[index] = BadCell("timeout", message, list(cell.outputs[:-1]))
            for output in cell.outputs:
                outputs.trim_output(output)
        if skipped_tag:
            note = f"{skipped_tag} cell(s) tagged skip-execution were not run"
            if note not in record.notes:
                record.notes.append(note)
        if out_of_time:
            record.notes.append(f"the notebook's time budget was used up: cells {out_of_time} were "
                                "not run")
    finally:
        try:
            client.kc.stop_channels()
        except Exception:
            pass
        client.kc = None


def _responsive(client: GradingClient) -> bool:
    """Whether the interrupted kernel answers a kernel_info request within PROBE_SECONDS."""
    from jupyter_core.utils import run_sync

    async def probe() -> bool:
        msg_id = client.kc.kernel_info()
        deadline = time.monotonic() + PROBE_SECONDS
        while time.monotonic() < deadline:
            try:
                reply = await client.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            except Exception:
                return False
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    return run_sync(probe)()


def _mark_unrun(nb, after: int, record: Execution) -> None:
    bad = record.bad_cells.get(after)
    if bad is not None:
        nb.cells[after].outputs = list(bad.outputs) + [outputs.grader_error(
            "KernelDied" if bad.kind == "killed" else "CellTimeoutError", bad.message)]
    for cell in nb.cells[after + 1:]:
        if cell.cell_type == "code":
            cell.outputs = [outputs.grader_note("not run: the kernel could not be brought back")]
