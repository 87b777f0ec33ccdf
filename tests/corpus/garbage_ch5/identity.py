"""Chapter 5, the first argument unchanged from every exercise: 0 on every exercise."""


def label_from_name(fname):
    return fname


def species(fname):
    return fname


def pets_datablock():
    return None


def softmax(x):
    return x


def log_softmax(x):
    return x


def nll_loss(inputs, targets):
    return inputs


def cross_entropy(acts, targets):
    return acts


def suggest_lr(lrs, losses):
    return lrs


def lr_groups(lr, n_groups):
    return lr


def fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1):
    return learn
