"""Inside a grading kernel, after the notebook ran: serve the grader's requests from its namespace.

The trusted side executes `serve(path)` as a silent request once the notebook's cells have run; it
connects to the trusted side's socket and answers `adopt`, `info`, `call` (and the extra ops) against
the kernel's user namespace, so exercises are graded in the namespace the notebook built (globals
such as `cal` or `path` included). It returns when the trusted side closes the socket.

`NotebookServer` also serves the in-notebook self-check (`grader.selfcheck`), from a thread of the
learner's own kernel.
"""

from __future__ import annotations

import re
import socket
import sys
from pathlib import Path

from grader.worker.server import Server

CELL_FILE = re.compile(r'File "([^"]+)", line')


class NotebookServer(Server):
    """A `Server` whose learner code lives in notebook cells rather than in a file."""

    def __init__(self, sock: socket.socket, namespace: dict, shell=None):
        super().__init__(sock, namespace)
        self.shell = shell

    def _cells(self) -> dict[str, int]:
        """Code file names IPython gave to executed cells -> their execution count."""
        compiler = getattr(self.shell, "compile", None)
        return dict(getattr(compiler, "_filename_map", None) or {})

    def is_cell(self, filename: str | None) -> bool:
        if not filename:
            return False
        return filename in self._cells() or "/ipykernel_" in filename or \
            filename.startswith("<ipython-input")

    def op_info(self, request: dict) -> dict:
        info = super().op_info(request)
        if info.get("callable"):
            info["own_code"] = self.is_cell(info.get("source_file"))
        return info

    def describe(self, exc: BaseException) -> dict:
        """As `Server.describe`, with cell frames named the way Jupyter names them (`Cell In[5]`)."""
        error = super().describe(exc)
        names = {Path(name).name: count for name, count in self._cells().items()}

        def rename(match: re.Match) -> str:
            count = names.get(Path(match.group(1)).name)
            return f'Cell In[{count}], line' if count is not None else match.group(0)

        error["traceback"] = [CELL_FILE.sub(rename, frame) for frame in error.get("traceback", [])]
        return error


def serve(path: str) -> None:
    """Connect to the trusted side at `path` (a Unix socket) and serve until it hangs up."""
    from IPython import get_ipython

    shell = get_ipython()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    saved = sys.stdout, sys.stderr
    # What learner functions print while graded goes to the kernel's own log, not to this request.
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    try:
        NotebookServer(sock, shell.user_ns if shell is not None else {}, shell).serve()
    finally:
        sys.stdout, sys.stderr = saved
        sock.close()
