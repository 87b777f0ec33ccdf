"""Reference solution of the Imagenette exercise, written the way chapter 7 writes it: a `DataBlock`
over `get_image_files` with `parent_label`, `Normalize` with the data's own statistics, a `Learner`
trained from scratch with `LabelSmoothingCrossEntropy` and `fit_one_cycle`.

Departures from the book, forced by the grading machine (2 CPU cores, no network): a small five-layer
CNN (`imagenette_cnn`) instead of `xresnet50`, images of SIZE pixels instead of 224, a few epochs,
no MixUp (it pays off only over many more epochs than a CPU budget allows, as the chapter says), and
the `val` folder as the validation set (`GrandparentSplitter`). `num_workers=0` and one torch thread
on the CPU, for the reasons given in chapter 6's `bear_reference`.
"""

from __future__ import annotations

from pathlib import Path

EPOCHS = 8
SIZE = 32
BATCH_SIZE = 32
LR = 1e-2
WIDTH = 32
CPU_THREADS = 1


def imagenette_cnn(n_out: int = 10):
    """Four stride-2 conv layers (conv, batchnorm, ReLU), average pooling, and a linear layer."""
    from fastai.vision.all import ConvLayer, Flatten, nn

    w = WIDTH
    return nn.Sequential(ConvLayer(3, w // 2, stride=2), ConvLayer(w // 2, w, stride=2),
                         ConvLayer(w, 2 * w, stride=2), ConvLayer(2 * w, 2 * w, stride=2),
                         nn.AdaptiveAvgPool2d(1), Flatten(), nn.Linear(2 * w, n_out))


def imagenette_dataloaders(path, *, size: int = SIZE, bs: int = BATCH_SIZE):
    """Train on `train/`, validate on `val/`; Normalize takes its statistics from a batch."""
    from fastai.vision.all import (CategoryBlock, DataBlock, GrandparentSplitter, ImageBlock, Normalize,
                                   Resize, get_image_files, parent_label)

    dblock = DataBlock(blocks=(ImageBlock(), CategoryBlock()), get_items=get_image_files,
                       get_y=parent_label, splitter=GrandparentSplitter(valid_name="val"),
                       item_tfms=Resize(size), batch_tfms=Normalize())
    return dblock.dataloaders(Path(path), bs=bs, num_workers=0)


def train_imagenette(path, *, epochs: int | None = None):
    """Train the classifier on an Imagenette-style folder; returns the Learner (CUDA when there is one)."""
    from fastai.vision.all import Learner, LabelSmoothingCrossEntropy, accuracy, set_seed
    import torch

    set_seed(0, reproducible=True)
    dls = imagenette_dataloaders(path)
    learn = Learner(dls, imagenette_cnn(len(dls.vocab)), loss_func=LabelSmoothingCrossEntropy(),
                    metrics=accuracy)
    threads = torch.get_num_threads()
    if dls.device.type == "cpu":
        torch.set_num_threads(min(threads, CPU_THREADS))
    try:
        with learn.no_bar(), learn.no_logging():
            learn.fit_one_cycle(EPOCHS if epochs is None else epochs, LR)
    finally:
        torch.set_num_threads(threads)
    return learn
