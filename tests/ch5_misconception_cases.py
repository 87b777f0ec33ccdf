"""Wrong chapter-5 implementations learners really write, one per misconception.

Each case replaces one function of the reference solution; grading it must fail that exercise with
the misconception's own id (and so its own hint).
"""

CASES = {
    # exercise 1: label_from_name, species
    ("label_from_name", "greedy_keeps_number"): """
def label_from_name(fname):
    return re.findall(r'(.+)\\.jpg', fname)[0]
""",
    ("label_from_name", "first_underscore"): """
def label_from_name(fname):
    return fname.split('_')[0]
""",
    ("label_from_name", "lowercased"): """
def label_from_name(fname):
    return re.match(r'(.+)_\\d+.jpg$', fname).group(1).lower()
""",
    ("label_from_name", "findall_list"): """
def label_from_name(fname):
    return re.findall(r'(.+)_\\d+.jpg$', fname)
""",
    ("species", "inverted"): """
def species(fname):
    return 'dog' if fname[0].isupper() else 'cat'
""",
    ("species", "whole_name_isupper"): """
def species(fname):
    return 'cat' if fname.isupper() else 'dog'
""",
    ("species", "returns_bool"): """
def species(fname):
    return fname[0].isupper()
""",
    # exercise 3: softmax, log_softmax, nll_loss, cross_entropy
    ("softmax", "wrong_dim"): """
def softmax(x):
    return x.exp() / x.exp().sum(dim=0, keepdim=True)
""",
    ("softmax", "no_exp"): """
def softmax(x):
    return x / x.sum(dim=1, keepdim=True)
""",
    ("softmax", "global_sum"): """
def softmax(x):
    return x.exp() / x.exp().sum()
""",
    ("softmax", "no_keepdim"): """
def softmax(x):
    return x.exp() / x.exp().sum(dim=1)
""",
    ("log_softmax", "wrong_dim"): """
def log_softmax(x):
    return x - x.exp().sum(dim=0, keepdim=True).log()
""",
    ("log_softmax", "forgot_log"): """
def log_softmax(x):
    return x.exp() / x.exp().sum(dim=1, keepdim=True)
""",
    ("log_softmax", "log_of_sum_of_x"): """
def log_softmax(x):
    return x - x.sum(dim=1, keepdim=True).log()
""",
    ("nll_loss", "missing_minus"): """
def nll_loss(inputs, targets):
    return inputs[range(len(targets)), targets].mean()
""",
    ("nll_loss", "column_index"): """
def nll_loss(inputs, targets):
    return -inputs[:, targets].mean()
""",
    ("nll_loss", "row_index"): """
def nll_loss(inputs, targets):
    return -inputs[targets].mean()
""",
    ("nll_loss", "sum_not_mean"): """
def nll_loss(inputs, targets):
    return -inputs[range(len(targets)), targets].sum()
""",
    ("nll_loss", "applies_log_softmax"): """
def nll_loss(inputs, targets):
    return -torch.log_softmax(inputs, dim=1)[range(len(targets)), targets].mean()
""",
    ("nll_loss", "one_hot_targets"): """
def nll_loss(inputs, targets):
    return -(inputs * targets).sum(dim=1).mean()
""",
    ("cross_entropy", "missing_minus"): """
def cross_entropy(acts, targets):
    return torch.log_softmax(acts, dim=1)[range(len(targets)), targets].mean()
""",
    ("cross_entropy", "no_log"): """
def cross_entropy(acts, targets):
    return -torch.softmax(acts, dim=1)[range(len(targets)), targets].mean()
""",
    ("cross_entropy", "no_softmax"): """
def cross_entropy(acts, targets):
    return -acts[range(len(targets)), targets].mean()
""",
    ("cross_entropy", "wrong_dim"): """
def cross_entropy(acts, targets):
    return -torch.log_softmax(acts, dim=0)[range(len(targets)), targets].mean()
""",
    ("cross_entropy", "sum_not_mean"): """
def cross_entropy(acts, targets):
    return -torch.log_softmax(acts, dim=1)[range(len(targets)), targets].sum()
""",
    ("cross_entropy", "sigmoid_not_softmax"): """
def cross_entropy(acts, targets):
    return -acts.sigmoid().log()[range(len(targets)), targets].mean()
""",
    ("cross_entropy", "breaks_autograd"): """
def cross_entropy(acts, targets):
    return torch.tensor(torch.nn.functional.cross_entropy(acts, targets).item())
""",
    # exercise 4: suggest_lr
    ("suggest_lr", "minimum_not_divided"): """
def suggest_lr(lrs, losses):
    grads = (losses[1:] - losses[:-1]) / (lrs[1:].log() - lrs[:-1].log())
    return lrs[losses.argmin()].item(), lrs[grads.argmin()].item()
""",
    ("suggest_lr", "steep_in_linear_lr"): """
def suggest_lr(lrs, losses):
    grads = (losses[1:] - losses[:-1]) / (lrs[1:] - lrs[:-1])
    return lrs[losses.argmin()].item() / 10, lrs[grads.argmin()].item()
""",
    ("suggest_lr", "steepest_ascent"): """
def suggest_lr(lrs, losses):
    grads = (losses[1:] - losses[:-1]) / (lrs[1:].log() - lrs[:-1].log())
    return lrs[losses.argmin()].item() / 10, lrs[grads.argmax()].item()
""",
    ("suggest_lr", "steep_one_after"): """
def suggest_lr(lrs, losses):
    grads = (losses[1:] - losses[:-1]) / (lrs[1:].log() - lrs[:-1].log())
    return lrs[losses.argmin()].item() / 10, lrs[1:][grads.argmin()].item()
""",
    # exercise 5: lr_groups
    ("lr_groups", "linear_spacing"): """
def lr_groups(lr, n_groups):
    import numpy as np
    if isinstance(lr, slice):
        if lr.start: return [float(v) for v in np.linspace(lr.start, lr.stop, n_groups)]
        return [lr.stop / 10] * (n_groups - 1) + [lr.stop]
    return [lr] * n_groups
""",
    ("lr_groups", "reversed"): """
def lr_groups(lr, n_groups):
    if isinstance(lr, slice):
        if lr.start:
            if n_groups == 1: return [lr.stop]
            step = (lr.stop / lr.start) ** (1 / (n_groups - 1))
            return [lr.stop / step ** i for i in range(n_groups)]
        return [lr.stop / 10] * (n_groups - 1) + [lr.stop]
    return [lr] * n_groups
""",
    ("lr_groups", "stop_everywhere"): """
def lr_groups(lr, n_groups):
    if isinstance(lr, slice):
        if lr.start:
            if n_groups == 1: return [lr.stop]
            step = (lr.stop / lr.start) ** (1 / (n_groups - 1))
            return [lr.start * step ** i for i in range(n_groups)]
        return [lr.stop] * n_groups
    return [lr] * n_groups
""",
    ("lr_groups", "tenth_first_only"): """
def lr_groups(lr, n_groups):
    if isinstance(lr, slice):
        if lr.start:
            if n_groups == 1: return [lr.stop]
            step = (lr.stop / lr.start) ** (1 / (n_groups - 1))
            return [lr.start * step ** i for i in range(n_groups)]
        return [lr.stop / 10] + [lr.stop] * (n_groups - 1)
    return [lr] * n_groups
""",
    # exercise 2: pets_datablock; exercise 6: fine_tune_by_hand
    ('pets_datablock', 'label_from_path'): """
def pets_datablock():
    from fastai.vision.all import (CategoryBlock, DataBlock, ImageBlock, RandomSplitter, RegexLabeller,
                                   Resize, aug_transforms, get_image_files, using_attr)
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_image_files,
                     splitter=RandomSplitter(seed=42), get_y=RegexLabeller(r'(.+)_\\d+.jpg$'),
                     item_tfms=Resize(460), batch_tfms=aug_transforms(size=224, min_scale=0.75))
""",
    ('pets_datablock', 'no_seed'): """
def pets_datablock():
    from fastai.vision.all import (CategoryBlock, DataBlock, ImageBlock, RandomSplitter, RegexLabeller,
                                   Resize, aug_transforms, get_image_files, using_attr)
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_image_files,
                     splitter=RandomSplitter(), get_y=using_attr(RegexLabeller(r'(.+)_\\d+.jpg$'), 'name'),
                     item_tfms=Resize(460), batch_tfms=aug_transforms(size=224, min_scale=0.75))
""",
    ('pets_datablock', 'no_presizing'): """
def pets_datablock():
    from fastai.vision.all import (CategoryBlock, DataBlock, ImageBlock, RandomSplitter, RegexLabeller,
                                   Resize, aug_transforms, get_image_files, using_attr)
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_image_files,
                     splitter=RandomSplitter(seed=42), get_y=using_attr(RegexLabeller(r'(.+)_\\d+.jpg$'), 'name'),
                     item_tfms=Resize(224), batch_tfms=aug_transforms(size=224, min_scale=0.75))
""",
    ('pets_datablock', 'batch_size_missing'): """
def pets_datablock():
    from fastai.vision.all import (CategoryBlock, DataBlock, ImageBlock, RandomSplitter, RegexLabeller,
                                   Resize, aug_transforms, get_image_files, using_attr)
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_image_files,
                     splitter=RandomSplitter(seed=42), get_y=using_attr(RegexLabeller(r'(.+)_\\d+.jpg$'), 'name'),
                     item_tfms=Resize(460), batch_tfms=aug_transforms(min_scale=0.75))
""",
    ('pets_datablock', 'min_scale'): """
def pets_datablock():
    from fastai.vision.all import (CategoryBlock, DataBlock, ImageBlock, RandomSplitter, RegexLabeller,
                                   Resize, aug_transforms, get_image_files, using_attr)
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_image_files,
                     splitter=RandomSplitter(seed=42), get_y=using_attr(RegexLabeller(r'(.+)_\\d+.jpg$'), 'name'),
                     item_tfms=Resize(460), batch_tfms=aug_transforms(size=224))
""",
    ('pets_datablock', 'no_augmentation'): """
def pets_datablock():
    from fastai.vision.all import (CategoryBlock, DataBlock, ImageBlock, RandomSplitter, RegexLabeller,
                                   Resize, aug_transforms, get_image_files, using_attr, RandomResizedCropGPU)
    return DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_image_files,
                     splitter=RandomSplitter(seed=42), get_y=using_attr(RegexLabeller(r'(.+)_\\d+.jpg$'), 'name'),
                     item_tfms=Resize(460), batch_tfms=[RandomResizedCropGPU(224, min_scale=0.75)])
""",
    ("fine_tune_by_hand", 'not_frozen'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
    learn.unfreeze()
    learn.fit_one_cycle(epochs, slice(base_lr / 200, base_lr / 2), pct_start=0.3, div=5.0)
""",
    ("fine_tune_by_hand", 'not_unfrozen'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.freeze()
    learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
    learn.fit_one_cycle(epochs, slice(base_lr / 200, base_lr / 2), pct_start=0.3, div=5.0)
""",
    ("fine_tune_by_hand", 'not_one_cycle'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.freeze()
    learn.fit(freeze_epochs, slice(base_lr))
    learn.unfreeze()
    learn.fit(epochs, slice(base_lr / 200, base_lr / 2))
""",
    ("fine_tune_by_hand", 'no_discriminative_lr'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.freeze()
    learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
    learn.unfreeze()
    learn.fit_one_cycle(epochs, base_lr / 2, pct_start=0.3, div=5.0)
""",
    ("fine_tune_by_hand", 'base_lr_not_halved'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.freeze()
    learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
    learn.unfreeze()
    learn.fit_one_cycle(epochs, slice(base_lr / 100, base_lr), pct_start=0.3, div=5.0)
""",
    ("fine_tune_by_hand", 'epochs_swapped'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.freeze()
    learn.fit_one_cycle(epochs, slice(base_lr), pct_start=0.99)
    learn.unfreeze()
    learn.fit_one_cycle(freeze_epochs, slice(base_lr / 200, base_lr / 2), pct_start=0.3, div=5.0)
""",
    ("fine_tune_by_hand", 'wrong_pct_start'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.freeze()
    learn.fit_one_cycle(freeze_epochs, slice(base_lr))
    learn.unfreeze()
    learn.fit_one_cycle(epochs, slice(base_lr / 200, base_lr / 2))
""",
    ("fine_tune_by_hand", 'calls_fine_tune'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.fine_tune(epochs, base_lr, freeze_epochs)
""",
    ("fine_tune_by_hand", 'phases'): """
def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.unfreeze()
    learn.fit_one_cycle(epochs, slice(base_lr / 200, base_lr / 2), pct_start=0.3, div=5.0)
""",
}
"""(exercise, misconception) -> source: each must fail that exercise with that misconception named."""
