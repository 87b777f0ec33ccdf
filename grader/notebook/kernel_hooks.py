"""Inside a grading kernel: shell escapes and package installs print a note instead of running.

A notebook copied from the book starts with `! [ -e /content ] && pip install -Uqq fastbook`; run
for real, that would try the network and could change the grader's own environment. Here `!cmd`,
`x = !cmd`, `%pip`/`%conda`/`%mamba`/`%uv`, `%sx`/`%system` and the script cell magics (`%%bash`,
`%%sh`, `%%script`...) each print one line saying they were not run, and the cell goes on. Other
magics (`%matplotlib`, `%time`, `%%capture`...) behave as usual. The book's own imports resolve
offline, as in a `.py` worker (`grader.worker.book_env.enter`: `from fastbook import *`).

Runs in the untrusted kernel process, for the learner's convenience only: it is no security
boundary (the kernel's limits are).
"""

from __future__ import annotations

NOTE = "[grader] not run while grading (shell commands are off): {}"
SCRIPT_MAGICS = ("bash", "sh", "script", "system", "sx", "perl", "ruby", "python", "python2",
                 "python3", "pypy", "zsh", "csh")
LINE_MAGICS = ("pip", "conda", "mamba", "micromamba", "uv", "sx", "system", "sc")


def _skipped(command: str) -> None:
    line = " ".join(str(command).split())
    print(NOTE.format(line[:200] if line else "(empty command)"))


def install(shell) -> None:
    """Replace the shell's ways of running commands on `shell` (an IPython InteractiveShell)."""
    from IPython.utils.text import SList

    from grader.worker import book_env

    book_env.enter()

    def system(cmd, *args, **kwargs):
        _skipped(cmd)
        shell.user_ns["_exit_code"] = 0

    def getoutput(cmd, *args, **kwargs):
        _skipped(cmd)
        return SList()

    shell.system = shell.system_piped = shell.system_raw = system
    shell.getoutput = getoutput

    def line_magic(name):
        def magic(line=""):
            _skipped(f"%{name} {line}")
        return magic

    def cell_magic(name):
        def magic(line="", cell=None):
            _skipped(f"%%{name} {line}".strip() + (" (a cell of shell code)" if cell else ""))
        return magic

    for name in LINE_MAGICS:
        shell.register_magic_function(line_magic(name), magic_kind="line", magic_name=name)
    for name in SCRIPT_MAGICS:
        shell.register_magic_function(cell_magic(name), magic_kind="cell", magic_name=name)
