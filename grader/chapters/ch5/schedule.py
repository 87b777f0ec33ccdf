"""A tiny Learner and a callback that records the training schedule it actually runs (exercise 6).

Both sides use it: the worker records what the learner's `fine_tune_by_hand` ran, and the trusted
process records what fastai's own `fine_tune` (and each misconception) runs on an identical Learner.
The schedule does not depend on the data: per `fit` call, the number of epochs, and per training
batch, the learning rate of each parameter group and which groups can train.
"""

from __future__ import annotations

N_GROUPS = 3
"""Parameter groups of the tiny model (body, middle, head): enough to see discriminative rates."""
N_TRAIN, N_VALID, BATCH_SIZE = 32, 8, 8
"""Four training batches per epoch."""


def tiny_learner():
    """A three-group regression Learner on fixed random data: trains in milliseconds on a CPU."""
    import fastai.callback.progress  # noqa: F401 - Learner.no_bar
    import fastai.callback.schedule  # noqa: F401 - Learner.fit_one_cycle, fine_tune, lr_find
    import torch
    from fastai.data.core import DataLoaders
    from fastai.data.load import DataLoader
    from fastai.learner import Learner
    from fastai.losses import MSELossFlat
    from torch import nn

    g = torch.Generator().manual_seed(0)
    x = torch.randn(N_TRAIN + N_VALID, 4, generator=g)
    y = x @ torch.randn(4, 1, generator=g)
    items = list(zip(x, y))
    dls = DataLoaders(DataLoader(items[:N_TRAIN], bs=BATCH_SIZE, shuffle=False, drop_last=True),
                      DataLoader(items[N_TRAIN:], bs=BATCH_SIZE), device="cpu")
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))

    def splitter(m):
        return [list(m[0].parameters()), list(m[2].parameters()), list(m[4].parameters())]

    return Learner(dls, model, loss_func=MSELossFlat(), splitter=splitter)


def _recorder_class():
    from fastai.callback.core import Callback

    class ScheduleRecorder(Callback):
        """Per fit: epochs; per training batch: each group's lr and whether the group trains."""

        order = 61  # after ParamScheduler (order 60, which sets the hypers in before_batch)

        def __init__(self, phases: list):
            self.phases = phases

        def before_fit(self):
            if getattr(self.learn, "lr_finder", None) is not None:  # an lr_find is not a phase
                return
            self.phases.append({"epochs": int(self.learn.n_epoch), "lrs": [], "trainable": []})

        def before_batch(self):
            if not self.training or not self.phases:
                return
            opt = self.learn.opt
            self.phases[-1]["lrs"].append([float(h["lr"]) for h in opt.hypers])
            self.phases[-1]["trainable"].append([all(p.requires_grad for p in group)
                                                 for group in opt.param_lists])

    return ScheduleRecorder


def record(run) -> list[dict]:
    """Call `run(learn)` on a fresh tiny Learner; return the phases it ran (plain lists and numbers)."""
    learn = tiny_learner()
    phases: list[dict] = []
    learn.add_cb(_recorder_class()(phases))
    with learn.no_bar(), learn.no_logging():
        run(learn)
    return [{"epochs": p["epochs"], "lrs": p["lrs"],
             "trainable": sorted({tuple(t) for t in p["trainable"]})} for p in phases]
