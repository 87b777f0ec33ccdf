def clip_scores(xs, lo, hi):
    return xs.clamp(lo, hi)
