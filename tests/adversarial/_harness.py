"""Reading and materialising the adversarial submissions of this folder (files not starting with _).

Each case is a submission file whose module docstring states, one `expect-<key>: value` per line, the
outcome it must get. The harness reads those lines with `ast` (the case is never imported here), fills
the `{{PLACEHOLDERS}}` with this run's values, and writes the submission into a learner's folder.

Keys: `only` (exercises graded, default binary_cross_entropy), `points` (`0`: no test passes that
honest constant answers, `_baseline.py`, do not pass; or `>0`), `honest` (a regex of test names that
the case's answers earn honestly, without the trick), `message`
(a regex that some test message must match), `note`, `limits` (`name=value, ...` for Limits), `absent`
(a placeholder whose value must appear nowhere in the result), `absent-text`, `forged` (paths that must
not exist afterwards), `planted` (checkout paths that must not exist afterwards), `needs` (sandbox
measures the case relies on), `check` (a named extra check), `cli` (also run through `grader check`),
`submit-link` and `error` (the submission is a link, refused with that message), `no-raw-html`
(text that must not appear unescaped in the HTML report), `slow` (grading takes long),
`known-hole` (a hole found and reported to the owner of that part: a strict expected failure),
`name` (batch only: the learner's folder name, Python escapes decoded), `timing` (`on`: graded with its timed tests, as they are by default for learners), `leftovers` (`none`: the run is also killed with
SIGKILL mid-way, and nothing it made may remain: see tests/test_adversarial_sandbox.py). Notebook cases (`.ipynb`) state theirs in
their first markdown cell.
"""

from __future__ import annotations

import ast
import json
import re
import secrets
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

from grader.suite import hidden_key

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


@dataclass
class Case:
    """One adversarial submission and what it must get."""

    path: Path
    """The case file."""
    expect: dict[str, str]
    """The `expect-*` lines of its docstring (placeholders not yet filled)."""
    beside: dict[str, str] = field(default_factory=dict)
    """Files to write beside the submission (`BESIDE = {...}` in the case)."""
    links: dict[str, str] = field(default_factory=dict)
    """Links to make beside the submission (`LINKS = {name: target}` in the case)."""

    @property
    def name(self) -> str:
        return self.path.stem

    def get(self, key: str, default: str = "") -> str:
        return self.expect.get(key, default)

    def items(self, key: str) -> list[str]:
        return [part.strip() for part in self.get(key).split(",") if part.strip()]

    @property
    def only(self) -> set[str]:
        return set(self.items("only") or ["binary_cross_entropy"])

    @property
    def limits(self) -> dict[str, float]:
        out = {}
        for part in self.items("limits"):
            key, value = part.split("=")
            out[key.strip()] = float(value) if "." in value else int(value)
        return out


def load_case(path: Path) -> Case:
    if path.suffix == ".ipynb":  # a notebook's first markdown cell plays the docstring's part
        cells = json.loads(path.read_text())["cells"]
        doc = "".join(next(c["source"] for c in cells if c["cell_type"] == "markdown"))
        return Case(path, _expectations(doc))
    tree = ast.parse(path.read_text())
    doc = ast.get_docstring(tree) or ""
    expect = _expectations(doc)
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id in ("BESIDE", "LINKS"):
            constants[node.targets[0].id] = ast.literal_eval(node.value)
    return Case(path, expect, constants.get("BESIDE", {}), constants.get("LINKS", {}))


def _expectations(doc: str) -> dict[str, str]:
    expect = {}
    for line in doc.splitlines():
        match = re.match(r"\s*expect-([a-z-]+):\s*(.*)$", line)
        if match:
            expect[match.group(1)] = match.group(2).strip()
    return expect


def all_cases(suffix: str = ".py") -> list[Case]:
    return [load_case(p) for p in sorted(CASES_DIR.glob(f"[!_]*{suffix}"))]


class Stage:
    """A learner's folder inside a class folder, the trusted side's secrets, and a listening port."""

    def __init__(self, root: Path, learner: str = "mallory"):
        self.root = root
        self.submissions = root / "learners"
        self.folder = self.submissions / learner
        self.folder.mkdir(parents=True)
        trusted = root / "trusted"
        trusted.mkdir()
        self.secret = "SECRET-" + secrets.token_hex(12)
        self.secret_file = trusted / "hidden-labels.csv"
        self.secret_file.write_text(f"fname,labels\n{self.secret},grizzly\n")
        self.marker = root / "marker.txt"
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.setblocking(False)
        neighbour = self.submissions / "alice"
        neighbour.mkdir()
        shutil.copyfile(ROOT / "solutions" / "ch6.py", neighbour / "ch6.py")
        self.neighbour_sheet = neighbour / "ch6_questionnaire.md"
        shutil.copyfile(ROOT / "solutions" / "ch6_questionnaire.md", self.neighbour_sheet)

    @property
    def values(self) -> dict[str, str]:
        return {"SECRET": self.secret, "SECRET_FILE": str(self.secret_file), "MARKER": str(self.marker),
                "PORT": str(self.listener.getsockname()[1]), "FOLDER": str(self.folder),
                "SUBMISSIONS": str(self.submissions), "CHECKOUT": str(ROOT),
                "KEY_FILE": str(hidden_key.state_dir() / hidden_key.KEY_FILE),
                "NEIGHBOUR_SHEET": str(self.neighbour_sheet), "MODEL_ANSWERS_SHEET": model_answers_sheet()}

    def fill(self, text: str, folder: Path | None = None) -> str:
        values = {**self.values, **({"FOLDER": str(folder)} if folder else {})}
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

    def write(self, case: Case, folder: Path | None = None, name: str | None = None) -> Path:
        """The case as a submission in the learner's folder (or `folder`), with its companions; `name`:
        the submission's file name (default the case's)."""
        folder = folder or self.folder
        folder.mkdir(parents=True, exist_ok=True)
        for companion, text in case.beside.items():
            (folder / companion).write_text(self.fill(text, folder))
        for companion, target in case.links.items():
            (folder / companion).symlink_to(self.fill(target, folder))
        path = folder / (name or case.path.name)
        if case.get("submit-link"):
            path.symlink_to(self.fill(case.get("submit-link"), folder))
        else:
            with open(path, "x") as handle:  # never through a link a companion made (into the checkout)
                handle.write(self.fill(case.path.read_text(), folder))
        return path

    def connections(self) -> list[bytes]:
        """What reached the listening port."""
        received = []
        while True:
            try:
                conn, _ = self.listener.accept()
            except BlockingIOError:
                return received
            conn.settimeout(1)
            try:
                received.append(conn.recv(100))
            except OSError:
                received.append(b"")
            conn.close()

    def close(self) -> None:
        self.listener.close()


def model_answers_sheet(chapter: str = "ch6") -> str:
    """An answer sheet that pastes every model answer of the chapter's rubric under every question."""
    from grader.questionnaire.rubric import load_rubric

    questions = list(load_rubric(chapter).questions.values())
    everything = "\n\n".join(q.model_answer for q in questions)
    return "\n\n".join(f"## {q.number}. {q.question}\n\n{everything}\n" for q in questions)


def shown_case_name(case: Case) -> str:
    """The learner name a batch stages the case under: its `name` key (escapes decoded), else its own."""
    raw = case.get("name")
    return raw.encode().decode("unicode_escape") if raw else case.name


def printed_pids(output: str) -> list[int]:
    return [int(p) for p in re.findall(r"^PID (\d+)$", output, re.M)]


def leftover(pids: list[int]) -> list[int]:
    """Those of `pids` that still run a worker's program (a reused pid runs something else)."""
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                cmdline = handle.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if b"grader.worker.zygote" in cmdline or cmdline.startswith(b"sleep"):
            alive.append(pid)
    return alive
