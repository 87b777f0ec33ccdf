"""torch's intra-op thread count for a stretch of work, put back afterwards.

Used wherever the grader wants a known thread count: timing (both sides time on the same count),
calls of the learner's functions and the suite's own checks (small inputs, where a second thread only
costs: some CPU kernels, log_sigmoid among them, open a parallel region for a dozen numbers, and on a
machine whose other core is busy each such region waits a scheduler time slice).
"""

from __future__ import annotations


class intra_op_threads:
    """Run with `n` intra-op CPU threads, then put back what was there (`with` gives the count set)."""

    def __init__(self, n: int):
        self.n = max(1, int(n))

    def __enter__(self) -> int:
        import torch

        self.saved = torch.get_num_threads()
        if self.saved != self.n:
            torch.set_num_threads(self.n)
        return torch.get_num_threads()

    def __exit__(self, *exc) -> None:
        import torch

        if torch.get_num_threads() != self.saved:
            torch.set_num_threads(self.saved)
