"""Returns objects that would run code when unpickled (a `__reduce__` that writes a marker file
and would call os.system), inside containers, and a numpy object array holding one.

No pickle crosses the boundary: such objects arrive as an inert type name and repr.
expect-only: binary_cross_entropy, splitter
expect-points: 0
expect-forged: {{MARKER}}
"""

import os

import numpy as np


class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > {{MARKER}}",))


def binary_cross_entropy(inputs, targets):
    return {"loss": Payload(), "items": [Payload(), (Payload(),)]}


def splitter(df):
    return np.array([Payload(), Payload()], dtype=object), [Payload()]
