"""Exercises 5-7: the BIWI head-pose helpers (validation person, pose file, head centre)."""

from pathlib import Path

import numpy as np
import pytest
import torch

from grader.suite.checks import expect_close, expect_tensor, is_tensor
from grader.suite.feedback import Feedback
from grader.suite.render import render, type_name
from grader.suites.ch6 import misconceptions as mc

VALID, IMG2POSE, GET_CTR = "is_valid_person", "img2pose", "get_ctr"


def images(grading) -> list[Path]:
    """Image paths of the generated tree (only the pose files and rgb.cal need to exist)."""
    poses = sorted(grading.data("biwi").glob("*/*_pose.txt"))
    assert len(poses) >= 12, "the generated BIWI data is missing"
    return [p.with_name(p.name.replace("_pose.txt", "_rgb.jpg")) for p in poses]


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
        m = mc.PERSON_ANYWHERE if anywhere else mc.PERSON_RANDOM if ignores_person else None
        raise Feedback(f"wrong answer for {len(wrong)} of {len(answers)} images, e.g. "
                       f"{wrong[0].parent.name}/{wrong[0].name}", hint=m.hint if m else None,
                       misconception=m.id if m else None)


@pytest.mark.exercise(VALID)
@pytest.mark.points(1)
def test_13_only_as_folder(learner, grading):
    """Frame number 13 in another person's folder is not person 13"""
    root = grading.data("biwi")
    for path in (root / "01" / "frame_00013_rgb.jpg", root / "02" / "frame_00130_rgb.jpg"):
        if ask_person(learner, path):
            raise Feedback(f"`{VALID}` says {path.parent.name}/{path.name} is person 13",
                           hint=mc.PERSON_ANYWHERE.hint, misconception=mc.PERSON_ANYWHERE.id)


# -- exercise 6 ---------------------------------------------------------------------------------
def check_pose_path(learner, request, image: Path):
    got = learner.call(IMG2POSE, image, misconceptions=mc.IMG2POSE)
    expected = image.parent / image.name.replace("_rgb.jpg", "_pose.txt")
    if isinstance(got, str) and Path(got) == expected:
        request.node.grader_details = {"note": "returned a str; the book returns a Path (accepted)"}
        return
    if not isinstance(got, Path):
        raise Feedback(f"`{IMG2POSE}` returned a {type_name(got)}; return a Path", got=render(got))
    expect_close(got, expected, name=IMG2POSE, inputs=(image,), misconceptions=mc.IMG2POSE, what="path")


@pytest.mark.exercise(IMG2POSE)
@pytest.mark.points(2)
def test_pose_file_of_each_image(learner, grading, request):
    """Maps frame_XXXXX_rgb.jpg to frame_XXXXX_pose.txt in the same folder"""
    for image in images(grading)[:6]:
        check_pose_path(learner, request, image)


@pytest.mark.exercise(IMG2POSE)
@pytest.mark.points(1)
def test_folder_named_rgb(learner, grading, request):
    """Leaves folder names alone, even when they contain 'rgb'"""
    check_pose_path(learner, request, grading.workdir / "rgb_captures" / "01" / "frame_00004_rgb.jpg")


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
        from grader.data.biwi import make_biwi

        make_biwi(twin, images=False)
    return twin / path.parent.name / path.name


def expected_centre(grading, image: Path, cal: np.ndarray):
    pose = trusted_twin(grading, image.with_name(image.name.replace("_rgb.jpg", "_pose.txt")))
    ctr = np.genfromtxt(pose, skip_header=3)
    return ctr, mc._ctr(ctr, cal)


@pytest.mark.exercise(GET_CTR)
@pytest.mark.points(3)
def test_head_centres(learner, grading):
    """Projects the head centre with the camera intrinsics, for each person"""
    for image in images(grading)[::3]:
        cal = np.genfromtxt(trusted_twin(grading, image.parent / "rgb.cal"), skip_footer=6)
        got = centre_of(learner, image, cal)
        if isinstance(got, (list, tuple)):
            raise Feedback(f"`{GET_CTR}` returned a {type_name(got)}", hint=mc.GET_CTR_LIST,
                           misconception="returns_list", got=render(got))
        expect_tensor(got, name=GET_CTR, shape=(2,))
        ctr, expected = expected_centre(grading, image, cal)
        expect_close(got, expected, name=GET_CTR, inputs=(ctr, cal), misconceptions=mc.GET_CTR,
                     atol=1e-2, rtol=1e-4, what=f"centre for {image.parent.name}/{image.name}")


@pytest.mark.exercise(GET_CTR)
@pytest.mark.points(1)
def test_returns_tensor_of_two(learner, grading):
    """Returns a tensor of two coordinates"""
    image = images(grading)[0]
    got = centre_of(learner, image, np.genfromtxt(image.parent / "rgb.cal", skip_footer=6))
    if isinstance(got, (list, tuple)):
        raise Feedback(f"`{GET_CTR}` returned a {type_name(got)}", hint=mc.GET_CTR_LIST,
                       misconception="returns_list", got=render(got))
    expect_tensor(got, name=GET_CTR, shape=(2,))
