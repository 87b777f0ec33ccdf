"""The in-notebook self-check: the chapter's suite against a live namespace, shown inline.

Most tests pass a namespace to `check` in this process (what a kernel does with its own); the last
one starts a real Jupyter kernel and calls `from grader import check; check(...)` in a cell.
"""

import random

import numpy as np
import pytest
import torch

from notebooks.build import ACCURACY_MULTI, IMG2POSE, SIGMOID_RANGE

from grader.selfcheck import check

# The self-check serves from a thread of the learner's own kernel: an exception escaping that thread
# would print a traceback into the learner's notebook.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")

ARGMAX_ACCURACY = ("def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):\n"
                   "    return (inp.argmax(1) == targ.argmax(1)).float().mean()")
GET_CTR_ONE_ARG = ("import numpy as np\nimport torch\n"
                   "def get_ctr(f):\n"
                   "    ctr = np.genfromtxt(img2pose(f), skip_header=3)\n"
                   "    c1 = ctr[0] * cal[0][0]/ctr[2] + cal[0][2]\n"
                   "    c2 = ctr[1] * cal[1][1]/ctr[2] + cal[1][2]\n"
                   "    return torch.tensor([c1, c2])")


def namespace(*sources: str) -> dict:
    ns: dict = {"__name__": "__main__"}
    for source in sources:
        exec(compile(source, "<ipython-input-1>", "exec"), ns)
    return ns


def test_passing_and_failing_exercises_are_told_apart():
    result = check("sigmoid_range", "accuracy_multi", namespace=namespace(SIGMOID_RANGE, ARGMAX_ACCURACY))
    by_name = {e.name: e for e in result.exercises}
    assert by_name["sigmoid_range"].passed
    assert not by_name["accuracy_multi"].passed
    assert "argmax" in " ".join(result.problems(by_name["accuracy_multi"]))
    html = result._repr_html_()
    assert "&#10004; pass" in html and "&#10008; fail" in html and "not the official grade" in html
    assert "FAIL accuracy_multi" in repr(result) and "PASS sigmoid_range" in repr(result)


def test_undefined_exercise_fails_and_unknown_name_is_an_error():
    result = check("img2pose", namespace=namespace(SIGMOID_RANGE))
    assert not result.exercises[0].passed
    assert "not defined" in result.problems(result.exercises[0])[0]
    wrong = check("no_such_exercise", namespace={})
    assert wrong.error and "no exercise named 'no_such_exercise'" in wrong.error
    assert "Could not check" in wrong._repr_html_()


def test_learner_state_is_left_as_it_was():
    """The suite sets a global `cal` for the one-argument get_ctr and seeds the generators: both undone."""
    ns = namespace(IMG2POSE, GET_CTR_ONE_ARG, "cal = 'the learner own cal'")
    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)
    expected = random.random(), np.random.rand(), torch.rand(1).item()
    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)
    result = check("get_ctr", namespace=ns)
    assert result.exercises[0].passed, result
    assert ns["cal"] == "the learner own cal"
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == expected


def test_a_hanging_function_is_interrupted():
    ns = namespace(SIGMOID_RANGE, "def img2pose(x):\n    while True:\n        pass")
    result = check("img2pose", "sigmoid_range", namespace=ns, timeout=1.0)
    by_name = {e.name: e for e in result.exercises}
    assert "took too long" in result.problems(by_name["img2pose"])[0]
    assert by_name["sigmoid_range"].passed  # checked after the hang
    assert not result.notes or "still be running" not in " ".join(result.notes)


def test_all_exercises_by_default_but_the_slow_one():
    result = check(namespace=namespace(SIGMOID_RANGE, ACCURACY_MULTI))
    names = [e.name for e in result.exercises]
    assert "train_bear_classifier" not in names and {"sigmoid_range", "accuracy_multi"} <= set(names)
    assert any("left out (slow): train_bear_classifier" in n for n in result.notes)


@pytest.mark.slow
def test_check_inside_a_real_kernel_shows_pass_and_fail():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120)
    try:
        def run(source: str) -> list[dict]:
            msg_id = kc.execute(source)
            shown = []
            while True:
                msg = kc.get_iopub_msg(timeout=300)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return shown
                if msg["msg_type"] in ("execute_result", "display_data", "error"):
                    shown.append(msg["content"])

        assert run(SIGMOID_RANGE + "\n" + ARGMAX_ACCURACY) == []
        shown = run("from grader import check\ncheck('sigmoid_range', 'accuracy_multi')")
        assert len(shown) == 1 and "data" in shown[0], shown
        html = shown[0]["data"]["text/html"]
        assert "<code>sigmoid_range</code></td><td><span style='color:#080'>&#10004; pass" in html
        assert "<code>accuracy_multi</code></td><td><span style='color:#b00'>&#10008; fail" in html
        assert "Self-check" in html and "grader check ch6" in html
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
