"""Chapter 6's code as the book prints it (fastai star import, global `cal`, one-argument get_ctr).

The grader must give it full marks on exercises 1-7.
"""
from fastai.vision.all import *


def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets==1, inputs, 1-inputs).log().mean()


def sigmoid_range(x, lo, hi): return torch.sigmoid(x) * (hi-lo) + lo


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    "Compute accuracy when `inp` and `targ` are the same size."
    if sigmoid: inp = inp.sigmoid()
    return ((inp>thresh)==targ.bool()).float().mean()


def splitter(df):
    train = df.index[~df['is_valid']].tolist()
    valid = df.index[df['is_valid']].tolist()
    return train,valid


is_valid_person = lambda o: o.parent.name=='13'


def img2pose(x): return Path(f'{str(x)[:-7]}pose.txt')


def get_ctr(f):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    c1 = ctr[0] * cal[0][0]/ctr[2] + cal[0][2]
    c2 = ctr[1] * cal[1][1]/ctr[2] + cal[1][2]
    return tensor([c1,c2])
