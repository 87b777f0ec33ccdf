"""Worker op: train the learner's bear classifier, then predict on the hidden images.

Runs in the untrusted worker. Only plain facts come back: the vocab, the loss function's class name,
the learner's threshold, and one row of probabilities per hidden image. The hidden labels are never
here: the trusted side keeps them and scores these predictions itself.
"""

from __future__ import annotations

import time
from pathlib import Path

from grader.worker import codec


def handle(server, request: dict) -> dict:
    from grader.worker.server import _seed

    fn = server._function("train_bear_classifier")
    _seed()
    started = time.perf_counter()
    learn = fn(Path(request["path"]))
    train_seconds = time.perf_counter() - started
    if not (hasattr(learn, "dls") and hasattr(learn, "get_preds")):
        raise TypeError(f"train_bear_classifier returned a {type(learn).__name__}, not a fastai Learner")
    files = [Path(p) for p in request["hidden"]]
    probs = _predict(learn, files)
    threshold = server.namespace.get("BEAR_THRESHOLD", 0.5)
    return {
        "vocab": [str(v) for v in learn.dls.vocab],
        "loss": type(learn.loss_func).__name__,
        "has_activation": hasattr(learn.loss_func, "activation"),
        "threshold": float(threshold) if isinstance(threshold, (int, float)) else None,
        "probs": codec.encode(probs.float()),
        "train_seconds": train_seconds,
        "predict_seconds": time.perf_counter() - started - train_seconds,
    }


def _predict(learn, files: list[Path]):
    """Predictions through the learner's own transforms; DataFrame-based `get_x` steps are dropped."""
    errors = []
    for rm_type_tfms in (None, 1):
        try:
            dl = learn.dls.test_dl(files, rm_type_tfms=rm_type_tfms, num_workers=0)
            preds, _ = learn.get_preds(dl=dl)
            return preds
        except Exception as exc:  # try the next way of building the test set
            errors.append(f"{type(exc).__name__}: {exc}")
    raise RuntimeError("could not predict on new image files with `learn.dls.test_dl(files)`: "
                       + " | ".join(errors))
