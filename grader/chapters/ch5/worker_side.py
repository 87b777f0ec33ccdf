"""Chapter 5's worker operations: they run in the untrusted worker, on the learner's objects.

Only plain facts come back (names, shapes, dtypes, labels, learning rates, probabilities); the trusted
side compares them with what it knows about the data it generated, and with fastai's own behaviour
run in its own process. The generic worker finds them as `ch5/<op>` in `ops/` (one-line modules
that point here).
"""

from __future__ import annotations

import time
from pathlib import Path

from grader.worker import codec

# -- exercise 2: pets_datablock -----------------------------------------------------------------------


def _tfm_facts(tfm) -> dict:
    facts = {"type": type(tfm).__name__}
    for key in ("size", "min_scale", "method"):
        value = getattr(tfm, key, None)
        if isinstance(value, (int, float, str)) or (isinstance(value, tuple) and
                                                    all(isinstance(v, (int, float)) for v in value)):
            facts[key] = list(value) if isinstance(value, tuple) else value
    return facts


def datablock(server, request: dict) -> dict:
    """Build the learner's DataBlock on the images under `path`; report what it yields."""
    from grader.worker.server import _seed
    from fastai.vision.all import DataBlock

    fn = server._function("pets_datablock")
    _seed()
    dblock = fn()
    if not isinstance(dblock, DataBlock):
        raise TypeError(f"pets_datablock returned a {type(dblock).__name__}, not a fastai DataBlock")
    source = Path(request["path"]) / "images"
    dsets = dblock.datasets(source)
    vocab = [str(v) for v in dsets.vocab]

    def labelled(ds):
        return [[Path(ds.items[i]).name, vocab[int(ds.tls[1][i])]] for i in range(len(ds))]

    again = dblock.datasets(source)
    dls = dblock.dataloaders(source, bs=int(request.get("bs", 4)), num_workers=0)
    item = dls.train.after_item(dls.train_ds[0])[0]
    xb, yb = dls.train.one_batch()
    vxb, vyb = dls.valid.one_batch()
    return {
        "vocab": vocab,
        "train": labelled(dsets.train), "valid": labelled(dsets.valid),
        "valid_again": sorted(Path(p).name for p in again.valid.items),
        "item_shape": list(getattr(item, "shape", [])),
        "item_tfms": [_tfm_facts(t) for t in dls.train.after_item.fs],
        "batch_tfms": [_tfm_facts(t) for t in dls.train.after_batch.fs],
        "train_batch": {"x": list(xb.shape), "x_dtype": str(xb.dtype), "y": list(yb.shape),
                        "y_dtype": str(yb.dtype)},
        "valid_batch": {"x": list(vxb.shape), "x_dtype": str(vxb.dtype), "y": list(vyb.shape),
                        "y_dtype": str(vyb.dtype)},
    }


# -- exercise 6: fine_tune_by_hand --------------------------------------------------------------------


def fine_tune(server, request: dict) -> dict:
    """Run the learner's `fine_tune_by_hand` on a tiny Learner; return the schedule it ran."""
    from grader.chapters.ch5.schedule import record
    from grader.worker.server import _seed

    import fastai.callback.schedule  # noqa: F401 - defines Learner.fine_tune
    from fastai.learner import Learner

    fn = server._function("fine_tune_by_hand")
    _seed()
    called = []
    original = Learner.__dict__.get("fine_tune")

    def watched(self, *args, **kwargs):  # the exercise is to write fine_tune, not to call it
        called.append(True)
        return original(self, *args, **kwargs)

    phases = []
    try:
        phases = record(lambda learn: (setattr(Learner, "fine_tune", watched), fn(learn, *request["args"])))
    finally:
        if original is not None:
            Learner.fine_tune = original
    return {"phases": phases, "called_fine_tune": bool(called)}


# -- exercise 7: train_pet_classifier -----------------------------------------------------------------


def train_pets(server, request: dict) -> dict:
    """Train the learner's pet classifier, then predict the hidden images (their breeds never come here)."""
    from grader.worker.server import _seed

    fn = server._function("train_pet_classifier")
    _seed()
    started = time.perf_counter()
    learn = fn(Path(request["path"]))
    train_seconds = time.perf_counter() - started
    if not (hasattr(learn, "dls") and hasattr(learn, "get_preds")):
        raise TypeError(f"train_pet_classifier returned a {type(learn).__name__}, not a fastai Learner")
    files = [Path(p) for p in request["hidden"]]
    dl = learn.dls.test_dl(files, num_workers=0)
    with learn.no_bar():
        preds, _ = learn.get_preds(dl=dl)
    return {
        "vocab": [str(v) for v in learn.dls.vocab],
        "loss": type(learn.loss_func).__name__,
        "probs": codec.encode(preds.float()),
        "train_seconds": train_seconds,
    }
