"""Worker op (chapter 7): train the learner's Imagenette classifier, then predict on hidden images.

Runs in the untrusted worker. Only plain facts come back: the vocab, the loss function's class name,
the names of the batch transforms and callbacks (which of the chapter's techniques the Learner says
it uses), and one row of probabilities per hidden image. The hidden labels are never here: the
trusted side keeps them and scores these predictions itself.
"""

from __future__ import annotations

import time
from pathlib import Path

from grader.worker import codec

FUNCTION = "train_imagenette"


def handle(server, request: dict) -> dict:
    from grader.worker.server import _seed

    fn = server._function(FUNCTION)
    _seed()
    started = time.perf_counter()
    learn = fn(Path(request["path"]))
    train_seconds = time.perf_counter() - started
    if not (hasattr(learn, "dls") and hasattr(learn, "get_preds")):
        raise TypeError(f"{FUNCTION} returned a {type(learn).__name__}, not a fastai Learner")
    files = [Path(p) for p in request["hidden"]]
    dl = learn.dls.test_dl(files, num_workers=0)
    preds, _ = learn.get_preds(dl=dl)
    return {
        "vocab": [str(v) for v in learn.dls.vocab],
        "loss": type(learn.loss_func).__name__,
        "batch_tfms": [type(t).__name__ for t in getattr(getattr(learn.dls, "train", None), "after_batch", None)
                       or () if t is not None][:50],
        "callbacks": [type(cb).__name__ for cb in getattr(learn, "cbs", ())][:50],
        "probs": codec.encode(preds.float()),
        "train_seconds": train_seconds,
    }
