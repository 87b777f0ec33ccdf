"""Wrong implementations learners really write, one per misconception of the spec (exercises 1-7).

Each case replaces one function of the reference solution; grading it must fail that exercise with
the misconception's own id (and so its own hint).
"""

CASES = {
    # exercise 1: binary_cross_entropy
    ("binary_cross_entropy", "no_sigmoid"): """
def binary_cross_entropy(inputs, targets):
    return -torch.where(targets == 1, inputs, 1 - inputs).log().mean()
""",
    ("binary_cross_entropy", "softmax"): """
def binary_cross_entropy(inputs, targets):
    inputs = inputs.softmax(dim=1)
    return -torch.where(targets == 1, inputs, 1 - inputs).log().mean()
""",
    ("binary_cross_entropy", "sum_not_mean"): """
def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets == 1, inputs, 1 - inputs).log().sum()
""",
    ("binary_cross_entropy", "where_swapped"): """
def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets == 1, 1 - inputs, inputs).log().mean()
""",
    ("binary_cross_entropy", "missing_minus"): """
def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return torch.where(targets == 1, inputs, 1 - inputs).log().mean()
""",
    ("binary_cross_entropy", "per_element"): """
def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets == 1, inputs, 1 - inputs).log()
""",
    ("binary_cross_entropy", "breaks_autograd"): """
def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets == 1, inputs, 1 - inputs).log().mean().item()
""",
    ("binary_cross_entropy", "single_label_ce"): """
def binary_cross_entropy(inputs, targets):
    return F.nll_loss(inputs, targets)
""",
    # exercise 2: sigmoid_range
    ("sigmoid_range", "hi_plus_lo"): """
def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * (hi + lo) + lo
""",
    ("sigmoid_range", "missing_lo"): """
def sigmoid_range(x, lo, hi):
    return torch.sigmoid(x) * (hi - lo)
""",
    ("sigmoid_range", "clamp"): """
def sigmoid_range(x, lo, hi):
    return x.clamp(lo, hi)
""",
    ("sigmoid_range", "tanh_unscaled"): """
def sigmoid_range(x, lo, hi):
    return torch.tanh(x)
""",
    # exercise 3: accuracy_multi
    ("accuracy_multi", "argmax"): """
def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    return (inp.argmax(dim=-1) == targ.argmax(dim=-1)).float().mean()
""",
    ("accuracy_multi", "ignores_sigmoid_flag"): """
def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).float().mean()
""",
    ("accuracy_multi", "ignores_thresh"): """
def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid: inp = inp.sigmoid()
    return ((inp > 0.5) == targ.bool()).float().mean()
""",
    ("accuracy_multi", "greater_equal"): """
def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid: inp = inp.sigmoid()
    return ((inp >= thresh) == targ.bool()).float().mean()
""",
    ("accuracy_multi", "subset_accuracy"): """
def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid: inp = inp.sigmoid()
    return ((inp > thresh) == targ.bool()).all(dim=1).float().mean()
""",
    # exercise 4: splitter
    ("splitter", "swapped"): """
def splitter(df):
    return df.index[df['is_valid']].tolist(), df.index[~df['is_valid']].tolist()
""",
    ("splitter", "boolean_masks"): """
def splitter(df):
    return ~df['is_valid'], df['is_valid']
""",
    ("splitter", "random_split"): """
def splitter(df):
    idx = np.random.permutation(len(df))
    cut = int(0.8 * len(df))
    return idx[:cut].tolist(), idx[cut:].tolist()
""",
    # exercise 5: is_valid_person
    ("is_valid_person", "13_anywhere"): """
def is_valid_person(o):
    return '13' in str(o)
""",
    ("is_valid_person", "random_split"): """
def is_valid_person(o):  # a split by frame, the same on every run (a seeded random split is constant)
    return int(o.name.split('_')[1]) % 3 == 0
""",
    ("is_valid_person", "int_not_str"): """
def is_valid_person(o):
    return o.parent.name == 13
""",
    # exercise 6: img2pose
    ("img2pose", "replace_whole_path"): """
def img2pose(x):
    return Path(str(x).replace('rgb', 'pose').replace('.jpg', '.txt'))
""",
    ("img2pose", "slice_8"): """
def img2pose(x):
    return Path(f'{str(x)[:-8]}pose.txt')
""",
    ("img2pose", "slice_6"): """
def img2pose(x):
    return Path(f'{str(x)[:-6]}pose.txt')
""",
    # exercise 7: get_ctr
    ("get_ctr", "axes_swapped"): """
def get_ctr(f, cal):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    c1 = ctr[0] * cal[0][0] / ctr[2] + cal[0][2]
    c2 = ctr[1] * cal[1][1] / ctr[2] + cal[1][2]
    return tensor([c2, c1])
""",
    ("get_ctr", "no_divide_by_z"): """
def get_ctr(f, cal):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    return tensor([ctr[0] * cal[0][0] + cal[0][2], ctr[1] * cal[1][1] + cal[1][2]])
""",
    ("get_ctr", "offsets_swapped"): """
def get_ctr(f, cal):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    c1 = ctr[0] * cal[0][0] / ctr[2] + cal[1][2]
    c2 = ctr[1] * cal[1][1] / ctr[2] + cal[0][2]
    return tensor([c1, c2])
""",
    ("get_ctr", "returns_list"): """
def get_ctr(f, cal):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    return [ctr[0] * cal[0][0] / ctr[2] + cal[0][2], ctr[1] * cal[1][1] / ctr[2] + cal[1][2]]
""",
}

VARIANTS = {
    # other ways learners write a listed misconception, or one the suite names beside the spec's
    ("binary_cross_entropy", "single_label_ce", "cross_entropy on the one-hot floats"): """
def binary_cross_entropy(inputs, targets):
    return F.cross_entropy(inputs, targets)
""",
    ("binary_cross_entropy", "single_label_nll", "nll_loss on the argmax of the targets"): """
def binary_cross_entropy(inputs, targets):
    return F.nll_loss(inputs, targets.argmax(dim=-1))
""",
    ("binary_cross_entropy", "single_label_nll_log_softmax", "log_softmax, then nll_loss"): """
def binary_cross_entropy(inputs, targets):
    return F.nll_loss(F.log_softmax(inputs, dim=-1), targets.argmax(dim=-1))
""",
    ("binary_cross_entropy", "breaks_autograd", "a numpy round trip"): """
def binary_cross_entropy(inputs, targets):
    p = inputs.detach().numpy()
    p = 1 / (1 + np.exp(-p))
    t = targets.numpy()
    return torch.tensor(-np.mean(np.where(t == 1, np.log(p), np.log(1 - p))))
""",
    ("accuracy_multi", "modifies_inputs", "an in-place sigmoid"): """
def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    if sigmoid: inp.sigmoid_()
    return ((inp > thresh) == targ.bool()).float().mean()
""",
}
"""(exercise, misconception, how) -> source: each must fail with that misconception named."""


def submission_with(source: str, solution: str) -> str:
    """The reference solution with one function replaced by `source` (appended: it wins)."""
    return solution + "\n\n# --- the learner's version ---\n" + source
