"""Reference solution of exercise 7 (the pet-breed classifier), written the way chapter 5 writes it: a
`DataBlock` over `get_image_files`, `RandomSplitter(seed=42)`, the breed from the file name with
`using_attr(RegexLabeller(...), 'name')`, `vision_learner(...)` and `error_rate`.

Departures from the book, forced by the grading machine (CPU only, no network), as in chapter 6's
bear reference (`grader.chapters.ch6.bear_reference`, whose measurements apply here too):

* `pretrained=False` and a small five-layer CNN (`pet_cnn`) instead of resnet34;
* small images (`Resize(SIZE)` on the items) and no batch augmentation: presizing to 460 and
  cropping to 224 costs minutes on a CPU, and the drawn pets need neither;
* `num_workers=0`, and one torch thread on the CPU (restored afterwards).
"""

from __future__ import annotations

from pathlib import Path

EPOCHS = 5
SIZE = 48
BATCH_SIZE = 32
LR = 2e-2
WIDTH = 32
CPU_THREADS = 1
PATTERN = r'(.+)_\d+.jpg$'


def pet_cnn(pretrained: bool = False):
    """Five stride-2 `ConvLayer`s then a pooling layer (where `vision_learner` cuts); no weights."""
    if pretrained:
        raise ValueError("pet_cnn has no pretrained weights: use pretrained=False")
    from fastai.vision.all import ConvLayer, nn

    w = WIDTH
    return nn.Sequential(ConvLayer(3, w // 2, stride=2), ConvLayer(w // 2, w, stride=2),
                         ConvLayer(w, 2 * w, stride=2), ConvLayer(2 * w, 4 * w, stride=2),
                         ConvLayer(4 * w, 4 * w, stride=2), nn.AdaptiveAvgPool2d(1))


def pet_dataloaders(path, *, size: int | None = None, bs: int | None = None):
    """The chapter's DataBlock over `path/'images'`, at a CPU-friendly size."""
    from fastai.vision.all import (CategoryBlock, DataBlock, ImageBlock, RandomSplitter, RegexLabeller,
                                   Resize, get_image_files, using_attr)

    pets = DataBlock(blocks=(ImageBlock, CategoryBlock),
                     get_items=get_image_files,
                     splitter=RandomSplitter(seed=42),
                     get_y=using_attr(RegexLabeller(PATTERN), 'name'),
                     item_tfms=Resize(SIZE if size is None else size))
    return pets.dataloaders(Path(path) / "images", bs=BATCH_SIZE if bs is None else bs, num_workers=0)


def train_pet_classifier(path, *, epochs: int | None = None):
    """Train the pet-breed classifier on `path` (what `untar_data(URLs.PETS)` returns); returns the
    Learner. Its loss is CrossEntropyLossFlat (chosen by CategoryBlock), so `get_preds` returns softmax
    probabilities, one column per breed of `learn.dls.vocab`."""
    from fastai.vision.all import error_rate, set_seed, vision_learner
    import torch

    set_seed(0, reproducible=True)
    dls = pet_dataloaders(path)
    learn = vision_learner(dls, pet_cnn, pretrained=False, metrics=error_rate)
    threads = torch.get_num_threads()
    if dls.device.type == "cpu":
        torch.set_num_threads(min(threads, CPU_THREADS))
    try:
        with learn.no_bar(), learn.no_logging():
            learn.fit_one_cycle(EPOCHS if epochs is None else epochs, LR)
    finally:
        torch.set_num_threads(threads)
    return learn
