"""Hands in as `ALICE`, beside the honest `alice` (names that differ only in case: on a
case-insensitive file system one would overwrite the other, and a careless grader would merge them
or refuse both as duplicates).

Both are graded as two learners and both rows are flagged for a person ("names differ only in
case"); alice keeps her 100%, this stub earns nothing.
expect-name: ALICE
expect-points: 0
expect-check: name_clash
"""


def binary_cross_entropy(inputs, targets):
    raise NotImplementedError
