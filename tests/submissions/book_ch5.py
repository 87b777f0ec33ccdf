"""Chapter 5 the way the book writes it: a star import, `RegexLabeller`, the plain softmax, and
fastai's own helpers where the chapter uses them."""
from fastai.vision.all import *


def label_from_name(fname):
    return re.findall(r'(.+)_\d+.jpg$', fname)[0]


def species(fname):
    return 'cat' if fname[0].isupper() else 'dog'


def pets_datablock():
    return DataBlock(blocks=(ImageBlock, CategoryBlock),
                     get_items=get_image_files,
                     splitter=RandomSplitter(seed=42),
                     get_y=using_attr(RegexLabeller(r'(.+)_\d+.jpg$'), 'name'),
                     item_tfms=Resize(460),
                     batch_tfms=aug_transforms(size=224, min_scale=0.75))


def softmax(x): return torch.exp(x) / torch.exp(x).sum(dim=1, keepdim=True)


def log_softmax(x): return x - x.exp().sum(dim=1, keepdim=True).log()


def nll_loss(inputs, targets):
    idx = range(len(targets))
    return -inputs[idx, targets].mean()


def cross_entropy(acts, targets):
    return nll_loss(torch.log_softmax(acts, dim=1), targets)


def suggest_lr(lrs, losses):
    lr_min, _ = minimum(lrs, losses, len(lrs))
    lr_steep, _ = steep(lrs, losses, len(lrs))
    return lr_min, lr_steep


def lr_groups(lr, n_groups):
    if isinstance(lr, slice):
        if lr.start: return list(L(even_mults(lr.start, lr.stop, n_groups)))
        return [lr.stop / 10] * (n_groups - 1) + [lr.stop]
    return [lr] * n_groups


def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    learn.freeze()
    learn.fit_one_cycle(freeze_epochs, slice(base_lr), pct_start=0.99)
    base_lr /= 2
    learn.unfreeze()
    learn.fit_one_cycle(epochs, slice(base_lr / 100, base_lr), pct_start=0.3, div=5.0)


def train_pet_classifier(path):
    pets = DataBlock(blocks=(ImageBlock, CategoryBlock),
                     get_items=get_image_files,
                     splitter=RandomSplitter(seed=42),
                     get_y=using_attr(RegexLabeller(r'(.+)_\d+.jpg$'), 'name'),
                     item_tfms=Resize(48))
    dls = pets.dataloaders(path/"images", bs=32, num_workers=0)
    from grader.chapters.ch5.pet_reference import pet_cnn
    learn = vision_learner(dls, pet_cnn, pretrained=False, metrics=error_rate)
    learn.fit_one_cycle(5, 2e-2)
    return learn
