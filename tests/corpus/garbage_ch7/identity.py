"""Chapter 7, the first argument unchanged from every exercise: 0 on every exercise."""


def channel_stats(xb):
    return xb, xb


def normalize(xb, mean, std):
    return xb


def denormalize(xb, mean, std):
    return xb


def progressive_plan(final_size, final_bs, n_stages):
    return [(final_size, final_bs)] * n_stages


def tta_predict(preds_plain, preds_augmented, beta=0.25):
    return preds_plain


def mixup(x1, y1, x2, y2, lam):
    return x1, y1


def mixup_batch(xb, yb, perm, lam, c):
    return xb, yb


def label_smoothing_ce(output, target, eps=0.1):
    return output
