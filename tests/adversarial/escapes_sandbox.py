"""Tries to undo the sandbox from inside: gains capabilities in a fresh user namespace of its own,
then unmounts what hides the checkout and /tmp, remounts / read-write, mounts a fresh /proc, and
reads the instructor's solutions; also tries setuid(0) and a set-uid program (su).

The mounts made by the sandbox are locked in any namespace the learner creates, no privileges are
left to regain (no-new-privs), and the hidden paths stay hidden.
expect-points: 0
expect-needs: filesystem, read_only
expect-absent-text: Reference solutions for chapter 6
"""

import ctypes
import os
import subprocess
from pathlib import Path

import grader

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS, MNT_DETACH = 0x10000000, 0x00020000, 2


def stub(*args, **kwargs):
    raise NotImplementedError


binary_cross_entropy = stub


def attempt(what, result):
    print(what, "->", result, os.strerror(ctypes.get_errno()) if result == -1 else "", flush=True)


try:
    os.setuid(0)
    print("setuid(0) worked", flush=True)
except OSError as exc:
    print("setuid(0):", exc, flush=True)
try:
    print(subprocess.run(["su", "-c", "id"], capture_output=True, text=True, timeout=5, input="").stderr)
except (OSError, subprocess.SubprocessError) as exc:
    print("su:", exc)
attempt("unshare", libc.unshare(CLONE_NEWUSER | CLONE_NEWNS))
checkout = Path(grader.__file__).resolve().parents[1]
for target in (str(checkout.parent), str(checkout), "/tmp", "/work", "/"):
    attempt(f"umount {target}", libc.umount2(target.encode(), MNT_DETACH))
attempt("remount rw", libc.mount(None, b"/", None, 0x20 | 0x1000, None))
attempt("proc", libc.mount(b"proc", b"/proc", b"proc", 0, None))
for source in (checkout / "solutions" / "ch6.py",):
    try:
        text = source.read_text()
        print(text[:300])
        exec(compile(text, "solutions", "exec"))
    except OSError as exc:
        print("no read:", exc)
