"""Exercise 8 graded end to end: the reference passes, wrong classifiers fail with the right hints."""

from pathlib import Path

import pytest
from conftest import SOLUTION

from grader.chapters.ch6 import bears

BEAR = "train_bear_classifier"

DATABLOCK = '''
from fastai.vision.all import *
import pandas as pd

def bear_dls(path, blocks=(ImageBlock, MultiCategoryBlock), get_y=ColReader('labels', label_delim=' '), rows=None):
    df = pd.read_csv(path/'labels.csv', keep_default_na=False)
    if rows is not None: df = df[rows(df)]
    return DataBlock(blocks=blocks, splitter=ColSplitter('is_valid'), get_x=ColReader('fname', pref=path),
                     get_y=get_y).dataloaders(df, bs=32, num_workers=0)

class Constant(nn.Module):
    def __init__(self, value):
        super().__init__()
        self.value, self.dummy = value, nn.Parameter(torch.zeros(1))
    def forward(self, x):
        return torch.full((x.shape[0], 3), self.value) + 0 * self.dummy
'''


def grade_bear(grade_source, body: str, **kwargs):
    result = grade_source(DATABLOCK + body, only={BEAR}, skip=set(), **kwargs)
    return {t.nodeid.split("::")[-1]: t for t in result.exercises[0].tests}, result


@pytest.mark.slow
def test_reference_passes_every_check(zygote):
    from grader.grading import grade

    result = grade(SOLUTION, only={BEAR}, zygote=zygote)
    tests = result.exercises[0].tests
    assert [t.outcome for t in tests] == ["passed"] * len(tests) and len(tests) == 5
    figures = {f["label"]: f for f in tests[0].details["figures"]}  # on the test that is not hidden
    elementwise = figures["element-wise accuracy (accuracy_multi)"]
    assert elementwise["value"] >= elementwise["pass_mark"] == bears.PASS_MARKS["elementwise"]
    assert tests[0].details["confusion"]["rows"][0][0] == "black"
    assert tests[2].hidden and tests[2].expected is None and tests[2].details == {}


@pytest.mark.slow
def test_single_label_model_fails_with_the_hint(grade_source):
    tests, _ = grade_bear(grade_source, '''
def train_bear_classifier(path):
    dls = bear_dls(path, blocks=(ImageBlock, CategoryBlock), get_y=lambda r: r['labels'].split(' ')[0],
                   rows=lambda df: df['labels'] != '')
    learn = vision_learner(dls, resnet18, pretrained=False)
    with learn.no_bar(), learn.no_logging():
        learn.fit_one_cycle(3, 3e-3)
    return learn
''')
    loss = tests["test_multi_label_loss"]
    assert loss.outcome == "failed" and loss.misconception == "single_label_loss"
    assert "cannot say 'none'" in loss.hint
    for name in ("test_no_bear_predicts_nothing", "test_two_bears_predict_both"):
        assert tests[name].outcome == "failed" and tests[name].misconception == "single_label_loss"


@pytest.mark.parametrize("value,label", [(10.0, "always all three"), (-10.0, "always none")])
def test_constant_classifiers_fail(grade_source, value, label):
    tests, result = grade_bear(grade_source, f'''
def train_bear_classifier(path):
    return Learner(bear_dls(path), Constant({value}), loss_func=BCEWithLogitsLossFlat())
''')
    assert all(t.outcome == "failed" for t in tests.values()), label  # "none" everywhere earns nothing
    assert {t.misconception for t in tests.values()} == {"did_not_learn"}
    assert "no better than a constant answer" in tests["test_trains_and_predicts"].message
    assert tests["test_trains_and_predicts"].details["figures"]  # the figures stay, on a test not hidden
    hidden = tests["test_no_bear_predicts_nothing"]
    # an aggregate figure against its pass mark is no hidden input: the hidden test keeps its message
    assert "no better than a constant answer" in hidden.message
    assert hidden.details == {} and hidden.expected is None and hidden.hint and "did not learn" in hidden.hint
    assert result.exercises[0].points == 0


def test_training_over_budget_times_out(grade_source):
    tests, _ = grade_bear(grade_source, '''
import time
def train_bear_classifier(path):
    time.sleep(60)
''', training_budget=3)
    assert all(t.outcome == "failed" for t in tests.values())
    first = tests["test_trains_and_predicts"]
    assert "longer than the time budget (3 s)" in first.message and "--training-budget" in first.hint


def test_pretrained_weights_get_a_clear_message(grade_source):
    tests, _ = grade_bear(grade_source, '''
def train_bear_classifier(path):
    return vision_learner(bear_dls(path), resnet18, pretrained=True)
''')
    first = tests["test_trains_and_predicts"]
    assert first.outcome == "failed" and "pretrained=False" in first.hint


def test_not_a_learner(grade_source):
    tests, _ = grade_bear(grade_source, "def train_bear_classifier(path):\n    return 'done'\n")
    assert "not a fastai Learner" in tests["test_trains_and_predicts"].message


def test_hidden_labels_are_never_on_disk(tmp_path):
    import tempfile

    staging = lambda: set(Path(tempfile.gettempdir()).glob("grader-hidden-*"))  # noqa: E731
    before = staging()
    hidden = bears.make_hidden_set(tmp_path / "hidden", 30)
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted(f.name for f in hidden.files)
    assert all(name.startswith("hidden_") and name.endswith((".png", ".jpg")) for name in files)
    assert {len(labels) for labels in hidden.labels} == {0, 1, 2}
    assert staging() == before, "the staging folder with labels.csv is removed"


def test_hidden_set_comes_from_the_machines_key_not_from_the_package(tmp_path, monkeypatch):
    """Same key, same hidden set (a regrade gets the same score); another key, other images; the
    generator's defaults give neither."""
    import hashlib

    from grader.chapters.ch6.bears_data import make_bears

    def digests(folder):
        return sorted(hashlib.sha256(f.read_bytes()).hexdigest() for f in folder.rglob("hidden_*"))

    monkeypatch.setenv("GRADER_HIDDEN_KEY", "instructor-key-1")
    first = digests(bears.make_hidden_set(tmp_path / "a", 12).files[0].parent)
    again = digests(bears.make_hidden_set(tmp_path / "b", 12).files[0].parent)
    monkeypatch.setenv("GRADER_HIDDEN_KEY", "instructor-key-2")
    other = digests(bears.make_hidden_set(tmp_path / "c", 12).files[0].parent)
    assert first == again and set(first).isdisjoint(other)
    public = {hashlib.sha256(f.read_bytes()).hexdigest()
              for seed in (0, 1, 20_261_122) for f in make_bears(tmp_path / f"p{seed}", seed=seed, n=12,
                                                                  valid_pct=0.0).rglob("*.*")}
    assert public.isdisjoint(first)


def test_machine_key_is_made_once_readable_by_its_owner_only(tmp_path):
    import stat

    from grader.suite import hidden_key

    environ = {"GRADER_STATE_DIR": str(tmp_path / "state")}
    seed = hidden_key.hidden_seed("ch6/bears/hidden", environ)
    key_file = tmp_path / "state" / hidden_key.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 32
    assert hidden_key.hidden_seed("ch6/bears/hidden", environ) == seed  # the same key next time
    assert hidden_key.hidden_seed("another purpose", environ) != seed
    assert hidden_key.hidden_seed("ch6/bears/hidden", {"GRADER_HIDDEN_KEY": "set"}) != seed
    assert 0 <= seed < 2 ** 62


def test_without_a_place_for_the_key_each_process_draws_its_own(tmp_path):
    from grader.suite import hidden_key

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    environ = {"GRADER_STATE_DIR": str(blocked / "state")}
    seed = hidden_key.hidden_seed("x", environ)
    assert hidden_key.hidden_seed("x", environ) == seed  # fixed for this process
    assert not (blocked / "state").exists()


def test_scoring_from_predictions():
    hidden = bears.HiddenSet(files=["a", "b", "c"], labels=[frozenset(), frozenset({"black"}),
                                                            frozenset({"black", "teddy"})])
    perfect = hidden.targets() * 0.9 + 0.05
    figures = bears.score(perfect, list(bears.CLASSES), hidden, 0.5)
    assert (figures.elementwise, figures.no_bear, figures.two_bears, figures.single_label) == (1, 1, 1, 1)
    shuffled_vocab = ["teddy", "black", "grizzly"]
    reordered = perfect[:, [2, 0, 1]]
    assert bears.score(reordered, shuffled_vocab, hidden, 0.5).elementwise == 1
    logits = (hidden.targets() * 2 - 1) * 5
    assert bears.score(logits, list(bears.CLASSES), hidden, 0.5).elementwise == 1
