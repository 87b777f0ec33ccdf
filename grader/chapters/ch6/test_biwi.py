"""Exercises 5-7: the BIWI head-pose helpers (validation person, pose file, head centre)."""

from pathlib import Path

import numpy as np
import pytest
import torch

from grader.suite.checks import expect_value, is_tensor, readable_tensor
from grader.suite.feedback import Feedback, add_note
from grader.suite.render import render, type_name
from grader.chapters.ch6 import misconceptions as mc
from grader.chapters.ch6.biwi_data import make_biwi

VALID, IMG2POSE, GET_CTR = "is_valid_person", "img2pose", "get_ctr"


def images(grading) -> list[Path]:
    """Image paths of the generated tree (only the pose files and rgb.cal need to exist)."""
    poses = sorted(grading.data(make_biwi, images=False).glob("*/*_pose.txt"))
    assert len(poses) >= 12, "the generated BIWI data is missing"
    return [p.with_name(p.name.replace("_pose.txt", "_rgb.jpg")) for p in poses]


def shown(path, grading) -> str:
    """A path as the learner sees it: relative to the data set (never the grader's temporary folders)."""
    path = Path(path)
    for root in (grading.data(make_biwi, images=False), grading.workdir):
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


# -- exercise 5 ---------------------------------------------------------------------------------
def ask_person(learner, path) -> bool:
    got = learner.call(VALID, path)
    if type_name(got) in ("bool", "bool_") or (is_tensor(got) and got.numel() == 1 and got.dtype == torch.bool):
        return bool(got)
    raise Feedback(f"`{VALID}` returned a {type_name(got)}; return True or False", got=render(got))


@pytest.mark.exercise(VALID)
@pytest.mark.points(2)
def test_person_13_is_validation(learner, grading):
    """True for every image of person 13, False for everyone else"""
    answers = {p: ask_person(learner, p) for p in images(grading)}
    wrong = [p for p, a in answers.items() if a != (p.parent.name == "13")]
    if wrong:
        person_13 = {a for p, a in answers.items() if p.parent.name == "13"}
        everyone = set(answers.values())
        ignores_person = len(person_13) > 1 or len(everyone) == 1
        # `'13' in str(o)` says True for every image where the run's own folder name holds a 13
        anywhere = all(a == ("13" in str(p)) for p, a in answers.items())
        m = (mc.PERSON_ANYWHERE if anywhere else mc.PERSON_INT if everyone == {False}
             else mc.PERSON_RANDOM if ignores_person else None)
        raise Feedback(f"wrong answer for {len(wrong)} of {len(answers)} images, e.g. "
                       f"{shown(wrong[0], grading)}", hint=m.hint if m else None,
                       misconception=m.id if m else None, fix=m.fix if m else None)


@pytest.mark.exercise(VALID)
@pytest.mark.property
@pytest.mark.points(1)
def test_13_only_as_folder(learner, grading):
    """Frame number 13 in another person's folder is not person 13"""
    root = grading.data(make_biwi, images=False)
    for path in (root / "01" / "frame_00013_rgb.jpg", root / "02" / "frame_00130_rgb.jpg"):
        if ask_person(learner, path):
            raise Feedback(f"`{VALID}` says {shown(path, grading)} is person 13",
                           hint=mc.PERSON_ANYWHERE.hint, misconception=mc.PERSON_ANYWHERE.id,
                           fix=mc.PERSON_ANYWHERE.fix)


# -- exercise 6 ---------------------------------------------------------------------------------
def pose_path(image: Path) -> Path:
    return image.parent / image.name.replace("_rgb.jpg", "_pose.txt")


def check_pose_path(learner, grading, image: Path):
    got = learner.call(IMG2POSE, image, misconceptions=mc.IMG2POSE)
    expected = pose_path(image)
    if isinstance(got, str) and Path(got) == expected:
        add_note(f"`{IMG2POSE}` returns a str: accepted, as fastai opens a str path too (the book "
                 "returns a Path)")
        return
    if not isinstance(got, (Path, str)):
        raise Feedback(f"`{IMG2POSE}` returned a {type_name(got)}; return a Path", got=render(got))
    got = Path(got)
    if got == expected:
        return
    found = mc_diagnose(got, image)
    raise Feedback(f"`{IMG2POSE}` returned the wrong path for {shown(image, grading)}",
                   expected=shown(expected, grading), got=shown(got, grading),
                   hint=found.hint if found else None, misconception=found.id if found else None,
                   fix=found.fix if found else None)


def mc_diagnose(got: Path, image: Path):
    matches = [m for m in mc.IMG2POSE if m.compute(image) == got]
    return matches[0] if len(matches) == 1 else None


@pytest.mark.exercise(IMG2POSE)
@pytest.mark.points(2)
def test_pose_file_of_each_image(learner, grading, request):
    """Maps frame_XXXXX_rgb.jpg to frame_XXXXX_pose.txt in the same folder"""
    for image in images(grading)[:6]:
        check_pose_path(learner, grading, image)


@pytest.mark.exercise(IMG2POSE)
@pytest.mark.points(1)
def test_folder_named_rgb(learner, grading, request):
    """Leaves folder names alone, even when they contain 'rgb'"""
    check_pose_path(learner, grading, grading.workdir / "rgb_captures" / "01" / "frame_00004_rgb.jpg")


# -- exercise 7 ---------------------------------------------------------------------------------
def centre_of(learner, image: Path, cal: np.ndarray):
    """Call get_ctr in the form the learner wrote: get_ctr(f, cal), or the book's get_ctr(f)."""
    info = learner.require(GET_CTR)
    if info.get("params") is not None and len(info["params"]) == 1:
        return learner.call(GET_CTR, image, globals_={"cal": cal}, misconceptions=mc.GET_CTR)
    return learner.call(GET_CTR, image, cal, misconceptions=mc.GET_CTR)


def trusted_twin(grading, path: Path) -> Path:
    """The same file in a copy of the data made beside the worker's folder, where it cannot reach.

    The worker may change files in its own folder (even rename the generated tree and put another
    in its place), so expected values are never read from there. The run's private root (the
    parent of the worker's folder) is removed with the run."""
    twin = grading.workdir.parent / "trusted-biwi"
    if not twin.exists():
        from grader.chapters.ch6.biwi_data import make_biwi

        make_biwi(twin, images=False)
    return twin / path.parent.name / path.name


def expected_centre(grading, image: Path, cal: np.ndarray):
    pose = trusted_twin(grading, image.with_name(image.name.replace("_rgb.jpg", "_pose.txt")))
    ctr = np.genfromtxt(pose, skip_header=3)
    return ctr, mc._ctr(ctr, cal)


def check_centre(got, grading, image: Path, cal: np.ndarray) -> None:
    ctr, expected = expected_centre(grading, image, cal)
    expect_value(got, expected.float(), name=GET_CTR, inputs=(ctr, cal), misconceptions=mc.GET_CTR,
                 atol=1e-2, rtol=1e-4, what=f"centre for {shown(image, grading)}",
                 accept=mc.GET_CTR_LIST)


def own_img2pose_is_wrong(learner, image: Path) -> bool:
    """Whether the learner's own `img2pose` (if any) misses this image's pose file."""
    if not learner.info(IMG2POSE).get("defined"):
        return False
    out = learner.outcome(IMG2POSE, image)
    got = out.value if out.fault is None else None
    return not (isinstance(got, (Path, str)) and Path(got) == pose_path(image))


def with_right_pose_files(learner, grading, image: Path) -> bool:
    """Put the right pose file where the learner's own `img2pose` looks for it, so that `get_ctr` is
    graded as if its helper were right. False when it cannot.

    The path is the learner's: it is written only inside the worker's folder, in a folder that
    already exists, without following any link on the way (each component opened with O_NOFOLLOW
    from the work folder down), so no path or link of the learner's can make this process write
    anywhere else."""
    import os
    import stat

    out = learner.outcome(IMG2POSE, image)
    if out.fault is not None or not isinstance(out.value, (Path, str)):
        return False
    target = Path(out.value)
    if not target.is_absolute() or target == image or ".." in target.parts:
        return False
    try:
        parts = target.relative_to(grading.workdir).parts
    except ValueError:
        return False
    if not parts:
        return False
    data = trusted_twin(grading, pose_path(image)).read_bytes()
    fd = None
    try:
        fd = os.open(grading.workdir, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        for part in parts[:-1]:
            next_fd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = next_fd
        out_fd = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644,
                         dir_fd=fd)
        with os.fdopen(out_fd, "wb") as handle:
            if not stat.S_ISREG(os.fstat(out_fd).st_mode):  # a FIFO or a device: leave it alone
                return False
            os.ftruncate(out_fd, 0)
            handle.write(data)
    except OSError:
        return False
    finally:
        if fd is not None:
            os.close(fd)
    return True


def centre_checked(learner, grading, image: Path, cal: np.ndarray) -> None:
    """Check get_ctr on one image; when it fails and the learner's own img2pose is the cause, grade it
    again with the right pose file where that img2pose points (saying so), or name the helper."""
    try:
        check_centre(centre_of(learner, image, cal), grading, image, cal)
        return
    except Feedback as first:
        if not own_img2pose_is_wrong(learner, image):
            raise
        if not with_right_pose_files(learner, grading, image):
            if first.fault is None:  # a value of its own: the helper is not what went wrong
                raise
            raise Feedback(f"`{GET_CTR}` failed for {shown(image, grading)}, and your `{IMG2POSE}` is "
                           f"wrong for that image: fix exercise 6 first ({first.message})",
                           hint=f"`{GET_CTR}` reads the pose file your `{IMG2POSE}` names, so a wrong "
                                f"`{IMG2POSE}` makes it fail too.", misconception="helper_wrong") from None
    check_centre(centre_of(learner, image, cal), grading, image, cal)
    add_note(f"your `{IMG2POSE}` is wrong, so `{GET_CTR}` was graded on its own: the right pose file "
             f"was placed where your `{IMG2POSE}` looks for it")


@pytest.mark.exercise(GET_CTR)
@pytest.mark.points(3)
def test_head_centres(learner, grading):
    """Projects the head centre with the camera intrinsics, for each person"""
    for image in images(grading)[::3]:
        cal = np.genfromtxt(trusted_twin(grading, image.parent / "rgb.cal"), skip_footer=6)
        centre_checked(learner, grading, image, cal)


@pytest.mark.exercise(GET_CTR)
@pytest.mark.property
@pytest.mark.points(1)
def test_returns_tensor_of_two(learner, grading):
    """Returns the two coordinates of a point"""
    image = images(grading)[0]
    cal = np.genfromtxt(trusted_twin(grading, image.parent / "rgb.cal"), skip_footer=6)
    got = centre_of(learner, image, cal)
    value, _ = readable_tensor(got)  # a list, tuple or array of two numbers: accepted (noted above)
    if value is None or value.numel() != 2 or value.dim() != 1:
        raise Feedback(f"`{GET_CTR}` returned {render(got)}; return the two coordinates of the centre",
                       got=render(got))
    if not value.is_floating_point():
        raise Feedback(f"`{GET_CTR}` returned {str(value.dtype).replace('torch.', '')} coordinates; a "
                       "centre's coordinates are floating-point numbers", misconception="wrong_dtype")
