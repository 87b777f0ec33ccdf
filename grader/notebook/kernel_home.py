"""The private folder a grading kernel runs in: its fastai data sets and its torch cache.

Prepared by the trusted side before (or while) the kernel starts, with the same functions that
prepare a `.py` worker's folder (`grader.worker.book_env`), so a notebook and a `.py` file copied
from the book find the same data offline. Everything here is the kernel's to write, so it is
opened up to the user the sandboxed kernel becomes; what comes from the user's own caches (real
data sets, downloaded weights) is only linked or pointed at, and stays read-only.
"""

from __future__ import annotations

from grader.worker.book_env import copy_generated, open_up, point_at_real_data, private_torch_home

__all__ = ["copy_generated", "open_up", "point_at_real_data", "private_torch_home"]
