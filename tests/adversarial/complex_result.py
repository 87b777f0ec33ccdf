"""Returns the right loss plus a huge imaginary part. A complex number is not a loss: the dtype
family is checked before the values, so dropping the imaginary part (as `.double()` does) cannot make
it pass (issue 13, item 1). The slopes are measured from complex values, which are not numbers the
grader reads, so nothing pays.
expect-points: 0
expect-message: complex
"""

import torch.nn.functional as F


def binary_cross_entropy(inputs, targets):
    return F.binary_cross_entropy_with_logits(inputs, targets) + 1e6j
