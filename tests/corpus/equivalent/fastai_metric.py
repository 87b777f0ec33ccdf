"""fastai's own `accuracy_multi` (it returns a fastai `TensorBase`): full marks, with a note.
expect-only: accuracy_multi
"""

from fastai.metrics import accuracy_multi  # noqa: F401
