"""Hands in the library's function itself under the exercise's name.

Allowed to work (it computes the right thing), but the report says it is the library's work.
expect-points: >0
expect-note: not your own code
"""

from torch.nn.functional import binary_cross_entropy_with_logits as binary_cross_entropy  # noqa: F401
