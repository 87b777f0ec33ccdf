"""Worker op (chapter 7): run the learner's `train_progressively` on a tiny Learner and record what it
actually trained on.

The Learner here is the grader's: a two-layer CNN that takes any image size, on random images of
`items` items per epoch, with a `get_dls(bs, size)` that builds DataLoaders of that batch size and
image size. A forward pre-hook on the model records the batch size and image size of every batch it
sees while training; the trusted side turns those records into stages and compares them with the plan.
Only the records and the `get_dls` calls come back.
"""

from __future__ import annotations

FUNCTION = "train_progressively"
INITIAL = (4, 6)
"""(bs, size) of the DataLoaders the Learner starts with: in no plan, so training on them shows."""
MAX_RECORDS = 10_000


def handle(server, request: dict) -> dict:
    import torch
    from fastai.vision.all import CrossEntropyLossFlat, DataLoader, DataLoaders, Learner, nn

    from grader.worker.server import _seed

    fn = server._function(FUNCTION)
    _seed()
    items = int(request["items"])
    calls: list[list[int]] = []

    def make_dls(bs: int, size: int):
        g = torch.Generator().manual_seed(size)
        x = torch.rand(items, 3, size, size, generator=g)
        y = torch.randint(0, 2, (items,), generator=g)
        train = list(zip(x, y))
        return DataLoaders(DataLoader(train, bs=bs, shuffle=True, drop_last=True),
                           DataLoader(train[:bs], bs=bs), device="cpu")

    def get_dls(bs, size):
        calls.append([_plain(bs), _plain(size)])
        return make_dls(int(bs), int(size))

    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Linear(4, 2))
    records: list[list[int]] = []

    def record(module, args):
        if module.training and args and hasattr(args[0], "shape") and len(records) < MAX_RECORDS:
            shape = args[0].shape
            records.append([int(shape[0]), int(shape[-2]), int(shape[-1])])

    model.register_forward_pre_hook(record)
    learn = Learner(make_dls(*INITIAL), model, loss_func=CrossEntropyLossFlat())
    stages = [tuple(s) for s in request["stages"]]
    with learn.no_bar(), learn.no_logging():
        fn(learn, get_dls, stages, float(request["lr"]))
    return {"records": records, "get_dls_calls": calls[:1000]}


def _plain(value):
    return value if isinstance(value, (int, float)) else repr(value)[:50]
