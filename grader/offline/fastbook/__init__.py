"""An offline stand-in for the book's `fastbook` package (its API as of fastbook 0.0.29).

The notebooks of *Deep Learning for Coders* start with `import fastbook; fastbook.setup_book()` and
`from fastbook import *`. The real package declares transformers, datasets, sentencepiece and an old
ipywidgets as requirements, none of which grading uses, and its helpers look things up on the
network. This stand-in, written for the grader (not a copy of the book's code), gives the same names
with the same signatures, offline:

- everything `from fastai.vision.all import *` gives, plus the module aliases and classes the book's
  notebooks use through it (`mpl`, `hc`, `CategoricalDtype`, `BytesIO`, `download_url`, ...);
- the same settings at import: seed 42, deterministic cuDNN, wide pandas/numpy/torch printing, the
  book's figure resolution and font size;
- `setup_book()` (nothing to do outside Colab), `plot_function` (chapter 4 and 6), `gv`/`gv2`/
  `draw_tree` (need the `graphviz` package), `cluster_columns`, `get_image_files_sorted`;
- `image_cat()`/`image_bear()` return generated pictures (JPEG bytes), not the book's photos;
- `search_images_bing`/`search_images_ddg` raise `ConnectionError` at once, saying where the
  grader's generated bear images are (`untar_data(URLs.PASCAL_2007).parent/'bears'`).

It is importable as `fastbook` in the grader's workers and kernels (`grader.worker.book_env`) and in
the `.venv` that `scripts/setup.sh` makes; a real `fastbook` installed in the environment wins.
"""

import matplotlib as mpl
import pkgutil  # noqa: F401  (the real package's namespace has it)
import requests  # noqa: F401
import time  # noqa: F401
from io import BytesIO, StringIO  # noqa: F401
from urllib.error import HTTPError, URLError  # noqa: F401

from fastai.vision.all import *  # noqa: F401,F403
from fastai.vision.all import L, Path, get_image_files, np, pd, plt, set_seed, torch
from fastdownload import download_url  # noqa: F401
from pandas.api.types import CategoricalDtype  # noqa: F401
from scipy.cluster import hierarchy as hc

try:
    from ipywidgets import widgets  # noqa: F401
except ImportError:
    pass
try:
    import graphviz
    from sklearn.tree import export_graphviz
except ImportError:
    graphviz = export_graphviz = None

__version__ = "0.0.29+offline"
OFFLINE_STAND_IN = True
"""True: this is the grader's stand-in, not the book's package."""

try:
    from fastcore.imports import IN_COLAB
except ImportError:
    IN_COLAB = False

mpl.rcParams["savefig.dpi"] = 200
mpl.rcParams["font.size"] = 12
set_seed(42)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
pd.set_option("display.max_columns", 999)
np.set_printoptions(linewidth=200)
torch.set_printoptions(linewidth=200)

_NO_SEARCH = ("{} needs the network, and nothing is downloaded here (the grader has no network). "
              "For chapter 6's bear classifier use the generated bear images: "
              "untar_data(URLs.PASCAL_2007).parent/'bears' (labels.csv beside images/).")


def setup_colab():
    """On Google Colab, mount Google Drive as the book does; elsewhere an AssertionError."""
    assert IN_COLAB, "You do not appear to be running in Colab"
    global gdrive
    gdrive = Path("/content/gdrive/My Drive")
    from google.colab import drive

    if not gdrive.exists():
        drive.mount(str(gdrive.parent))


def setup_book():
    """Set up a notebook of the book: only Colab needs anything (Drive), so elsewhere nothing."""
    if IN_COLAB:
        return setup_colab()


def _need_graphviz(what: str) -> None:
    if graphviz is None:
        raise ModuleNotFoundError(f"{what} draws with graphviz, which is not installed: "
                                  "`pip install graphviz` (and the Graphviz programs) to use it")


def gv(s):
    """A left-to-right graphviz digraph of the edges in `s` (e.g. `'a->b; b->c'`)."""
    _need_graphviz("gv")
    return graphviz.Source('digraph G{ rankdir="LR"' + s + "; }")


def gv2(s):
    """Like `gv`, with larger node labels."""
    _need_graphviz("gv2")
    return graphviz.Source("digraph {\nnode [ fontsize=24];\nrankdir=\"LR\"\n" + s + ";}")


def get_image_files_sorted(path, recurse=True, folders=None):
    """`get_image_files`, sorted (a stable order for the book's examples)."""
    return get_image_files(path, recurse, folders).sorted()


def search_images_bing(key, term, min_sz=128, max_images=150):
    """Bing image search in the book: not available offline (raises ConnectionError)."""
    raise ConnectionError(_NO_SEARCH.format("search_images_bing"))


def search_images_ddg(term, max_images=200):
    """DuckDuckGo image search in the book: not available offline (raises ConnectionError)."""
    raise ConnectionError(_NO_SEARCH.format("search_images_ddg"))


def plot_function(f, tx=None, ty=None, title=None, min=-2, max=2, figsize=(6, 4)):
    """Plot `f` on 100 points from `min` to `max`, with optional axis labels and title."""
    xs = torch.linspace(min, max, 100)
    _, ax = plt.subplots(figsize=figsize)
    ax.plot(xs, f(xs))
    for value, setter in ((tx, ax.set_xlabel), (ty, ax.set_ylabel), (title, ax.set_title)):
        if value is not None:
            setter(value)


def draw_tree(t, df, size=10, ratio=0.6, precision=0, **kwargs):
    """A decision tree `t` fitted on the columns of `df`, drawn with graphviz."""
    _need_graphviz("draw_tree")
    import re

    source = export_graphviz(t, out_file=None, feature_names=df.columns, filled=True, rounded=True,
                             special_characters=True, rotate=False, precision=precision, **kwargs)
    return graphviz.Source(re.sub("Tree {", f"Tree {{ size={size}; ratio={ratio}", source))


def cluster_columns(df, figsize=(10, 6), font_size=12):
    """A dendrogram of `df`'s columns, clustered by rank correlation (similar columns join early)."""
    import scipy.stats

    corr = np.round(scipy.stats.spearmanr(df).correlation, 4)
    linkage = hc.linkage(hc.distance.squareform(1 - corr), method="average")
    plt.figure(figsize=figsize)
    hc.dendrogram(linkage, labels=df.columns, orientation="left", leaf_font_size=font_size)
    plt.show()


def image_bear():
    """A generated picture of a grizzly (JPEG bytes in a BytesIO; the book returns a photo)."""
    from grader.chapters.ch6.bears_data import _image

    return BytesIO(_image(np.random.default_rng(42), ("grizzly",), 224))


def image_cat():
    """A generated picture of a cat's face (JPEG bytes in a BytesIO; the book returns a photo)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (224, 224), (176, 206, 226))
    draw = ImageDraw.Draw(img)
    fur, inner = (214, 134, 58), (240, 190, 170)
    for side in (-1, 1):
        draw.polygon([(112 + side * 30, 70), (112 + side * 82, 22), (112 + side * 80, 100)], fill=fur)
        draw.polygon([(112 + side * 42, 72), (112 + side * 74, 40), (112 + side * 72, 92)], fill=inner)
    draw.ellipse((40, 50, 184, 190), fill=fur)
    for side in (-1, 1):
        draw.ellipse((112 + side * 32 - 10, 100, 112 + side * 32 + 10, 124), fill=(40, 90, 40))
        draw.line((112 + side * 20, 150, 112 + side * 90, 140 + side * 0), fill=(60, 40, 30), width=2)
    draw.polygon([(104, 140), (120, 140), (112, 150)], fill=(200, 90, 110))
    buffer = BytesIO()
    img.save(buffer, format="JPEG", quality=90)
    buffer.seek(0)
    return buffer
