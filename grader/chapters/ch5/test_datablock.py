"""Exercise 2: the pets DataBlock with presizing, graded by building it on generated pet images.

The worker builds the learner's DataBlock on images this process generated (the Oxford-IIIT layout,
every breed) and reports what it yields: each image's label, the split, the vocab, the size of an item
after the item transforms, the batch transforms and the shapes of a training and a validation batch.
Labels are checked against the breeds this process drew, by file name; every other check pays only
when the labels are right (a DataBlock that yields the right shapes of wrong data earns nothing).
The split, presizing and batch checks are structural (`property`): they pay in proportion to the
label and vocab tests, as every chapter's structural tests do.
"""

import pytest

from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.chapters.ch5.misconceptions import DATABLOCK as HINTS
from grader.chapters.ch5.misconceptions import DATABLOCK_FIXES as FIXES
from grader.chapters.ch5.pets_data import ALL_BREEDS, make_pets, pet_names
from grader.worker.client import WorkerFault
from grader.chapters.ch5 import CHAPTER

NAME = "pets_datablock"
SEED, PER_BREED, BATCH = 5, 6, 4
"""Six images per breed: the chance that a random 20% split leaves a breed out of training (then
fastai refuses its label) is below 0.3%, whatever order the folder lists its files in."""
VALID_PCT = 0.2



@pytest.fixture(scope="module")
def built(learner, grading):
    """Build once; returns (facts, truth) or raises the Feedback every test reports."""
    learner.require(NAME)
    path = make_pets(grading.workdir / "pets-datablock", seed=SEED, per_breed=PER_BREED, size=64)
    truth = dict(pet_names(seed=SEED, per_breed=PER_BREED))
    try:
        reply = learner.worker.request({"op": CHAPTER.op("datablock"), "path": str(path), "bs": BATCH}, timeout=300,
                                       during=f"building your `{NAME}`")
    except WorkerFault as exc:
        return {"feedback": fault_feedback(NAME, exc.fault)}
    if not reply.get("ok"):
        from grader.worker.client import _fault_from_error

        return {"feedback": fault_feedback(NAME, _fault_from_error(reply.get("error") or {}))}
    return {"facts": reply, "truth": truth}


def facts_of(built):
    if "feedback" in built:
        raise built["feedback"]
    return built["facts"], built["truth"]


def _pairs(value) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 and
                                              all(isinstance(v, str) for v in p) for p in value):
        raise Feedback("the items and labels of your DataBlock could not be read")
    return [tuple(p) for p in value]


def labelled(facts, truth) -> tuple[list, list]:
    train, valid = _pairs(facts.get("train")), _pairs(facts.get("valid"))
    names = sorted(n for n, _ in train + valid)
    if names != sorted(truth):
        raise Feedback(f"your DataBlock found {len(names)} items; the folder holds {len(truth)} images",
                       hint="Use `get_items=get_image_files` on the images folder.")
    return train, valid


def labels_right(facts, truth) -> tuple[list, list]:
    """Every item labelled with its breed, or Feedback: the other tests pay only on top of this."""
    train, valid = labelled(facts, truth)
    wrong = [(n, label) for n, label in train + valid if label != truth[n]]
    if wrong:
        name, label = wrong[0]
        mid = "label_from_path" if all("/" in lab for _, lab in wrong) else None
        raise Feedback(f"{len(wrong)} of {len(truth)} images get the wrong label, e.g. {name} -> {label!r}",
                       expected=repr(truth[name]), got=repr(label), hint=HINTS.get(mid), misconception=mid)
    return train, valid


@pytest.mark.exercise(NAME)
@pytest.mark.points(2)
def test_labels_are_breeds(built):
    """Labels every image with the breed in its file name"""
    labels_right(*facts_of(built))


@pytest.mark.exercise(NAME)
@pytest.mark.points(1)
def test_vocab(built):
    """Its vocab is the 37 breeds, sorted"""
    facts, truth = facts_of(built)
    labels_right(facts, truth)
    if facts.get("vocab") != sorted(ALL_BREEDS):
        raise Feedback("the vocab is not the sorted list of breeds", expected=f"{len(ALL_BREEDS)} breeds",
                       got=f"{len(facts.get('vocab') or [])} labels, e.g. {(facts.get('vocab') or [''])[:3]}")


@pytest.mark.exercise(NAME)
@pytest.mark.property
@pytest.mark.points(1)
def test_random_split_with_seed(built):
    """Keeps 20% of the images for validation, the same ones on every build (seeded)"""
    facts, truth = facts_of(built)
    train, valid = labels_right(facts, truth)
    want = int(VALID_PCT * len(truth))
    if len(valid) != want:
        raise Feedback(f"{len(valid)} of {len(truth)} images are in the validation set; 20% is {want}",
                       hint="Use `RandomSplitter(seed=42)` (valid_pct defaults to 0.2).")
    if sorted(n for n, _ in valid) != facts.get("valid_again"):
        raise Feedback("building the DataBlock twice gave two different validation sets",
                       hint=HINTS["no_seed"], fix=FIXES["no_seed"], misconception="no_seed")


@pytest.mark.exercise(NAME)
@pytest.mark.property
@pytest.mark.points(1)
def test_items_presized_to_460(built):
    """Presizing: every item is resized to 460 x 460 before batching"""
    facts, truth = facts_of(built)
    labels_right(facts, truth)
    shape = facts.get("item_shape")
    if shape != [3, 460, 460]:
        mid = "no_presizing" if isinstance(shape, list) and shape[-2:] == [224, 224] else None
        raise Feedback(f"an item has shape {shape} after the item transforms", expected="[3, 460, 460]",
                       hint=HINTS["no_presizing"] if mid else "Resize every item to 460 pixels before batching.",
                       fix=FIXES["no_presizing"], misconception=mid)


@pytest.mark.exercise(NAME)
@pytest.mark.property
@pytest.mark.points(1)
def test_batches_are_224(built):
    """Training and validation batches are 224 x 224 images with int64 breed indices"""
    facts, truth = facts_of(built)
    labels_right(facts, truth)
    for which in ("train_batch", "valid_batch"):
        b = facts.get(which) or {}
        if b.get("x") != [BATCH, 3, 224, 224] or b.get("x_dtype") != "torch.float32" or \
                b.get("y") != [BATCH] or b.get("y_dtype") != "torch.int64":
            x = b.get("x")
            mid = "batch_size_missing" if isinstance(x, list) and x[-1:] != [224] else None
            raise Feedback(f"a {which.replace('_', ' ')} has images of shape {x} ({b.get('x_dtype')}) and "
                           f"labels of shape {b.get('y')} ({b.get('y_dtype')})",
                           expected=f"[{BATCH}, 3, 224, 224] float32 and [{BATCH}] int64",
                           hint=HINTS.get(mid), misconception=mid)


@pytest.mark.exercise(NAME)
@pytest.mark.property
@pytest.mark.points(1)
def test_batch_augmentation(built):
    """Augments each training batch as the chapter does"""
    facts, truth = facts_of(built)
    labels_right(facts, truth)
    tfms = facts.get("batch_tfms") or []
    kinds = [t.get("type") for t in tfms if isinstance(t, dict)]
    if "Flip" not in kinds or "Brightness" not in kinds:
        raise Feedback(f"the batch transforms are {kinds}", hint=HINTS["no_augmentation"], fix=FIXES["no_augmentation"],
                       misconception="no_augmentation")
    crop = next((t for t in tfms if isinstance(t, dict) and t.get("type") == "RandomResizedCropGPU"), None)
    resized = any(isinstance(t, dict) and t.get("size") in ([224, 224], 224) for t in tfms)
    if crop is None and resized:
        raise Feedback("the batches are resized to 224 pixels, but not randomly cropped",
                       hint=HINTS["min_scale"], fix=FIXES["min_scale"],
                       misconception="min_scale")
    if crop is None or crop.get("size") != [224, 224]:
        raise Feedback("no random 224-pixel crop among the batch transforms",
                       hint=HINTS["batch_size_missing"], fix=FIXES["batch_size_missing"],
                       misconception="batch_size_missing")
    if crop.get("min_scale") != 0.75:
        raise Feedback(f"the batch crop keeps as little as {crop.get('min_scale')} of an image",
                       hint=HINTS["min_scale"], fix=FIXES["min_scale"], misconception="min_scale")
