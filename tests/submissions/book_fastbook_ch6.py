"""Chapter 6 as a learner copies it from the book into a .py file: `fastbook` setup, the star import,
`untar_data` at the top level (PASCAL 2007, BIWI head pose, and the bear images beside them), the
global `cal` read from the data set, and chapter 6's `plot_function` call.

Graded offline, the grader must give it full marks on exercises 1-7 (tests/test_newcomer.py).
"""
import fastbook
fastbook.setup_book()

from fastbook import *

path = untar_data(URLs.PASCAL_2007)
df = pd.read_csv(path/'train.csv')
bears = path.parent/'bears'
assert (bears/'labels.csv').is_file(), "the generated bear images are beside the PASCAL data"


def binary_cross_entropy(inputs, targets):
    inputs = inputs.sigmoid()
    return -torch.where(targets==1, inputs, 1-inputs).log().mean()


def sigmoid_range(x, lo, hi): return torch.sigmoid(x) * (hi-lo) + lo


plot_function(partial(sigmoid_range,lo=-1,hi=1), min=-4, max=4)


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    "Compute accuracy when `inp` and `targ` are the same size."
    if sigmoid: inp = inp.sigmoid()
    return ((inp>thresh)==targ.bool()).float().mean()


def splitter(df):
    train = df.index[~df['is_valid']].tolist()
    valid = df.index[df['is_valid']].tolist()
    return train,valid


train, valid = splitter(df)

path = untar_data(URLs.BIWI_HEAD_POSE)
img_files = get_image_files(path)


def img2pose(x): return Path(f'{str(x)[:-7]}pose.txt')


cal = np.genfromtxt(path/'01'/'rgb.cal', skip_footer=6)


def get_ctr(f):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    c1 = ctr[0] * cal[0][0]/ctr[2] + cal[0][2]
    c2 = ctr[1] * cal[1][1]/ctr[2] + cal[1][2]
    return tensor([c1,c2])


get_ctr(img_files[0])


def is_valid_person(o): return o.parent.name=='13'
