"""Entry point of a grading kernel: an IPython kernel under the worker's sandbox and limits.

    python -P -s -m grader.notebook.launch --limits JSON --confine JSON [--cuda] -f CONNECTION_FILE

The trusted side (`grader.notebook.kernel`) starts it with a stripped environment, in its private
folder, in a session of its own. It first joins the cgroup the trusted side made for it (memory,
pids, CPU accounted for the kernel and all it starts). Before any learner code runs, while the process still has a single
thread, it confines itself as a `.py` worker is confined (`grader.worker.sandbox.confine`: its own
network and mount namespaces, only its folder writable, a user of its own when run as root), writes
what was applied to `.sandbox.json` in its folder, imports torch (whose address space is not the
learner's doing), applies the same rlimits (`grader.worker.limits.apply_in_child`), turns shell
escapes off (`kernel_hooks`), then starts the ordinary ipykernel application.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

MEASURES_FILE = ".sandbox.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="grader.notebook.launch")
    parser.add_argument("--limits", required=True, help="the Limits as JSON")
    parser.add_argument("--confine", default="{}", help="sandbox options as JSON")
    parser.add_argument("--cuda", action="store_true", help="a GPU is used: no address-space limit")
    parser.add_argument("--cgroup", default="{}", help="the cgroup to join first, as JSON")
    args, rest = parser.parse_known_args(argv)
    home = os.getcwd()
    request = {"workdir": home, "limits": json.loads(args.limits), "confine": json.loads(args.confine)}

    connection = _connection_file(rest)
    with open(connection) as handle:  # readable now; perhaps not by the user the kernel becomes
        connection_info = handle.read()

    from grader.worker import sandbox

    joined = sandbox.join_container(json.loads(args.cgroup))  # first: all the kernel starts is inside
    sandbox.confine(request)
    sandbox.MEASURES.update(joined)
    os.chdir(home)
    with open(MEASURES_FILE, "w") as handle:
        json.dump(dict(sandbox.MEASURES), handle)
    own = os.path.join(home, ".kernel-own.json")
    descriptor = os.open(own, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(connection_info)
    rest = [own if arg == connection else arg for arg in rest]

    import numpy  # noqa: F401  (mapped before the limit, as in the zygote)
    import torch  # noqa: F401

    from grader.worker.limits import apply_in_child

    apply_in_child(request["limits"], address_space=not args.cuda)
    if sys.path and sys.path[0] in ("", home):
        del sys.path[0]  # ipykernel puts the working folder back (InteractiveShellApp.init_path)

    from ipykernel.kernelapp import IPKernelApp

    from grader.notebook import kernel_hooks

    app = IPKernelApp.instance()
    app.initialize(rest)
    kernel_hooks.install(app.shell)
    app.start()


def _connection_file(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "-f" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--f=") or arg.startswith("--IPKernelApp.connection_file="):
            return arg.split("=", 1)[1]
    raise SystemExit("grader.notebook.launch: no connection file (-f) given")


if __name__ == "__main__":
    main()
