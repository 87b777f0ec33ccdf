"""Reference solution of exercise 8, written the way chapter 6 writes the PASCAL classifier.

fastai is imported inside the function: importing `fastai.vision.all` costs seconds, and only this
exercise needs it. Trains from scratch (`pretrained=False`): no weights can be downloaded here.
"""

from __future__ import annotations

from pathlib import Path

EPOCHS = 8


def train_bear_classifier(path, *, epochs: int = EPOCHS):
    from fastai.vision.all import (ColReader, ColSplitter, DataBlock, ImageBlock, MultiCategoryBlock,
                                   accuracy_multi, partial, resnet18, set_seed, vision_learner)
    import pandas as pd

    path = Path(path)
    set_seed(0, reproducible=True)
    # An empty `labels` means "no bear": keep it as an empty string, not NaN.
    df = pd.read_csv(path / "labels.csv", keep_default_na=False)
    dblock = DataBlock(blocks=(ImageBlock, MultiCategoryBlock),
                       splitter=ColSplitter("is_valid"),
                       get_x=ColReader("fname", pref=path),
                       get_y=ColReader("labels", label_delim=" "))
    dls = dblock.dataloaders(df, bs=32, num_workers=0)
    learn = vision_learner(dls, resnet18, pretrained=False, metrics=partial(accuracy_multi, thresh=0.5))
    with learn.no_bar(), learn.no_logging():
        learn.fit_one_cycle(epochs, 3e-3)
    return learn
