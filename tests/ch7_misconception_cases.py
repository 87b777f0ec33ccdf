"""Wrong chapter-7 implementations learners really write, one per misconception the suite names.

Each case replaces one function of the reference solution (solutions/ch7.py); grading it must fail
that exercise with the misconception's own id (and so its own hint), and name no other.
"""

CASES = {
    # exercise 1: channel_stats
    ("channel_stats", "all_channels"): """
def channel_stats(xb):
    return xb.mean(), xb.std()
""",
    ("channel_stats", "per_image"): """
def channel_stats(xb):
    return xb.mean(dim=(2, 3)), xb.std(dim=(2, 3))
""",
    ("channel_stats", "wrong_dims"): """
def channel_stats(xb):
    return xb.mean(dim=(1, 2, 3)), xb.std(dim=(1, 2, 3))
""",
    ("channel_stats", "channels_last"): """
def channel_stats(xb):
    return xb.mean(dim=(0, 1, 2)), xb.std(dim=(0, 1, 2))
""",
    ("channel_stats", "batch_only"): """
def channel_stats(xb):
    return xb.mean(0), xb.std(0)
""",
    ("channel_stats", "keepdim"): """
def channel_stats(xb):
    return xb.mean(dim=[0, 2, 3], keepdim=True), xb.std(dim=[0, 2, 3], keepdim=True)
""",
    ("channel_stats", "biased_std"): """
def channel_stats(xb):
    return xb.mean(dim=(0, 2, 3)), xb.std(dim=(0, 2, 3), unbiased=False)
""",
    ("channel_stats", "variance"): """
def channel_stats(xb):
    return xb.mean(dim=(0, 2, 3)), xb.var(dim=(0, 2, 3))
""",
    ("channel_stats", "mean_of_image_stds"): """
def channel_stats(xb):
    return xb.mean(dim=(0, 2, 3)), xb.std(dim=(2, 3)).mean(0)
""",
    # exercise 2: normalize / denormalize
    ("normalize", "last_dim"): """
def normalize(xb, mean, std):
    return (xb - mean) / std
""",
    ("normalize", "divide_first"): """
def normalize(xb, mean, std):
    return xb / std[:, None, None] - mean[:, None, None]
""",
    ("normalize", "times_std"): """
def normalize(xb, mean, std):
    return (xb - mean[:, None, None]) * std[:, None, None]
""",
    ("normalize", "plus_mean"): """
def normalize(xb, mean, std):
    return (xb + mean[:, None, None]) / std[:, None, None]
""",
    ("normalize", "batch_stats"): """
def normalize(xb, mean, std):
    return (xb - xb.mean()) / xb.std()
""",
    ("normalize", "modifies_inputs"): """
def normalize(xb, mean, std):
    return xb.sub_(mean[:, None, None]).div_(std[:, None, None])
""",
    ("denormalize", "last_dim"): """
def denormalize(xb, mean, std):
    return xb * std + mean
""",
    ("denormalize", "wrong_order"): """
def denormalize(xb, mean, std):
    return (xb + mean[:, None, None]) * std[:, None, None]
""",
    ("denormalize", "normalizes_again"): """
def denormalize(xb, mean, std):
    return (xb - mean[:, None, None]) / std[:, None, None]
""",
    ("denormalize", "divides_by_std"): """
def denormalize(xb, mean, std):
    return xb / std[:, None, None] + mean[:, None, None]
""",
    # exercise 3a: progressive_plan
    ("progressive_plan", "constant_bs"): """
def progressive_plan(final_size, final_bs, n_stages):
    return [(final_size // 2**k, final_bs) for k in range(n_stages - 1, -1, -1)]
""",
    ("progressive_plan", "linear_bs"): """
def progressive_plan(final_size, final_bs, n_stages):
    return [(final_size // 2**k, final_bs * 2**k) for k in range(n_stages - 1, -1, -1)]
""",
    ("progressive_plan", "largest_first"): """
def progressive_plan(final_size, final_bs, n_stages):
    return [(final_size // 2**k, final_bs * 4**k) for k in range(n_stages)]
""",
    ("progressive_plan", "never_final_size"): """
def progressive_plan(final_size, final_bs, n_stages):
    return [(final_size // 2**k, final_bs * 4**k) for k in range(n_stages, 0, -1)]
""",
    # exercise 3b: train_progressively
    ("train_progressively", "new_learner"): """
def train_progressively(learn, get_dls, stages, lr):
    from fastai.vision.all import Learner, nn
    for i, (size, bs, epochs) in enumerate(stages):
        if i > 0:
            model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))
            learn = Learner(get_dls(bs, size), model, loss_func=learn.loss_func)
        else:
            learn.dls = get_dls(bs, size)
        learn.fit_one_cycle(epochs, lr)
    return learn
""",
    ("train_progressively", "did_not_train"): """
def train_progressively(learn, get_dls, stages, lr):
    return learn
""",
    ("train_progressively", "dls_not_replaced"): """
def train_progressively(learn, get_dls, stages, lr):
    for size, bs, epochs in stages:
        dls = get_dls(bs, size)
        learn.fit_one_cycle(epochs, lr)
    return learn
""",
    ("train_progressively", "get_dls_args_swapped"): """
def train_progressively(learn, get_dls, stages, lr):
    for size, bs, epochs in stages:
        learn.dls = get_dls(size, bs)
        learn.fit_one_cycle(epochs, lr)
    return learn
""",
    ("train_progressively", "wrong_epochs"): """
def train_progressively(learn, get_dls, stages, lr):
    for size, bs, epochs in stages:
        learn.dls = get_dls(bs, size)
        learn.fit_one_cycle(1, lr)
    return learn
""",
    # exercise 4: tta_predict
    ("tta_predict", "beta_swapped"): """
def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return beta * preds_augmented.mean(0) + (1 - beta) * preds_plain
""",
    ("tta_predict", "mean_of_all"): """
def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return torch.cat([preds_augmented, preds_plain[None]]).mean(0)
""",
    ("tta_predict", "ignores_plain"): """
def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return preds_augmented.mean(0)
""",
    ("tta_predict", "max_not_mean"): """
def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return torch.lerp(preds_augmented.max(0)[0], preds_plain, beta)
""",
    ("tta_predict", "wrong_axis"): """
def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return torch.lerp(preds_augmented.mean(1), preds_plain, beta)
""",
    # exercise 5: mixup, mixup_batch
    ("mixup", "lam_swapped"): """
def mixup(x1, y1, x2, y2, lam):
    return (1 - lam) * x1 + lam * x2, (1 - lam) * y1 + lam * y2
""",
    ("mixup", "images_only"): """
def mixup(x1, y1, x2, y2, lam):
    return lam * x1 + (1 - lam) * x2, y1
""",
    ("mixup", "sum_not_blend"): """
def mixup(x1, y1, x2, y2, lam):
    return lam * x1 + lam * x2, lam * y1 + lam * y2
""",
    ("mixup", "hard_target"): """
def mixup(x1, y1, x2, y2, lam):
    return lam * x1 + (1 - lam) * x2, (y1 if lam >= 0.5 else y2)
""",
    ("mixup_batch", "integer_labels"): """
def mixup_batch(xb, yb, perm, lam, c):
    w = lam[:, None, None, None]
    return w * xb + (1 - w) * xb[perm], lam * yb + (1 - lam) * yb[perm]
""",
    ("mixup_batch", "lam_swapped"): """
def mixup_batch(xb, yb, perm, lam, c):
    w = lam.view(-1, 1, 1, 1)
    y = F.one_hot(yb, c).float()
    return (1 - w) * xb + w * xb[perm], (1 - lam[:, None]) * y + lam[:, None] * y[perm]
""",
    ("mixup_batch", "lam_last_dim"): """
def mixup_batch(xb, yb, perm, lam, c):
    y = F.one_hot(yb, c).float()
    return lam * xb + (1 - lam) * xb[perm], lam[:, None] * y + (1 - lam[:, None]) * y[perm]
""",
    ("mixup_batch", "images_only"): """
def mixup_batch(xb, yb, perm, lam, c):
    w = lam[:, None, None, None]
    return w * xb + (1 - w) * xb[perm], F.one_hot(yb, c).float()
""",
    # exercise 6: label_smoothing_ce
    ("label_smoothing_ce", "no_smoothing"): """
def label_smoothing_ce(output, target, eps=0.1):
    return F.cross_entropy(output, target)
""",
    ("label_smoothing_ce", "eps_over_c_minus_1"): """
def label_smoothing_ce(output, target, eps=0.1):
    c = output.shape[1]
    smooth = torch.full_like(output, eps / (c - 1))
    smooth.scatter_(1, target[:, None], 1 - eps)
    return -(smooth * F.log_softmax(output, dim=1)).sum(1).mean()
""",
    ("label_smoothing_ce", "others_only"): """
def label_smoothing_ce(output, target, eps=0.1):
    c = output.shape[1]
    smooth = torch.full_like(output, eps / c)
    smooth.scatter_(1, target[:, None], 1 - eps)
    return -(smooth * F.log_softmax(output, dim=1)).sum(1).mean()
""",
    ("label_smoothing_ce", "weights_swapped"): """
def label_smoothing_ce(output, target, eps=0.1):
    c = output.size()[1]
    log_preds = F.log_softmax(output, dim=1)
    return (1 - eps) * -log_preds.sum(dim=1).mean() / c + eps * F.nll_loss(log_preds, target)
""",
    ("label_smoothing_ce", "sum_not_mean"): """
def label_smoothing_ce(output, target, eps=0.1):
    return F.cross_entropy(output, target, label_smoothing=eps, reduction='sum')
""",
    ("label_smoothing_ce", "softmax_dim0"): """
def label_smoothing_ce(output, target, eps=0.1):
    c = output.size()[1]
    log_preds = F.log_softmax(output, dim=0)
    return -log_preds.sum(dim=1).mean() * eps / c + (1 - eps) * F.nll_loss(log_preds, target)
""",
    ("label_smoothing_ce", "probabilities_not_logs"): """
def label_smoothing_ce(output, target, eps=0.1):
    p = output.softmax(1)
    return ((1 - eps) * -p.gather(1, target[:, None]).squeeze(1) + eps * -p.mean(1)).mean()
""",
    ("label_smoothing_ce", "unstable"): """
def label_smoothing_ce(output, target, eps=0.1):
    c = output.size()[1]
    log_preds = output.exp().div(output.exp().sum(1, keepdim=True)).log()
    return -log_preds.sum(dim=1).mean() * eps / c + (1 - eps) * F.nll_loss(log_preds, target)
""",
    ("label_smoothing_ce", "breaks_autograd"): """
def label_smoothing_ce(output, target, eps=0.1):
    return torch.tensor(F.cross_entropy(output, target, label_smoothing=eps).item())
""",
}
"""(exercise, misconception) -> source of the learner's version of that one function."""
