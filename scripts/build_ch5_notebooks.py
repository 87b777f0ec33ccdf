"""Writes chapter 5's notebooks from the .py files: exercises/ch5.ipynb (the stubs), solutions/ch5.ipynb (the
solutions and the reference answers of solutions/ch5_questionnaire.md, a learner's words: the rubric's model
answers pasted would be flagged as copies) and tests/notebooks/book_ch5.ipynb (tests/submissions/book_ch5.py,
the book's way). Cell ids of an existing notebook with the same cells are kept, so a rebuild changes only what
changed.

Run it after changing exercises/ch5.py, solutions/ch5.py, tests/submissions/book_ch5.py, the reference answers
or the rubric's questions:
    python scripts/build_ch5_notebooks.py
"""

import ast
import json
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_notebook_answers import reference_answers  # noqa: E402

sol_src = (ROOT / "solutions/ch5.py").read_text()
stub_src = (ROOT / "exercises/ch5.py").read_text()

def functions(src):
    tree = ast.parse(src)
    lines = src.splitlines()
    return {n.name: "\n".join(lines[n.lineno - 1:n.end_lineno]) for n in tree.body if isinstance(n, ast.FunctionDef)}

SOL, STUB = functions(sol_src), functions(stub_src)
rubric = json.loads((ROOT / "grader/chapters/ch5/rubric.json").read_text())
ANSWERS = reference_answers("ch5")

def md(s): return new_markdown_cell(s)
def code(s, *tags, **meta):
    m = {}
    if tags: m["tags"] = list(tags)
    m.update(meta)
    return new_code_cell(s, metadata=m)

def exercise(name, solution, prelude=""):
    body = SOL[name] if solution else STUB[name]
    return code((prelude + body).strip(), grader={"exercise": name})

def build(solution: bool):
    demo = () if solution else ("raises-exception",)
    cells = [
        md("# Chapter 5: Image classification (" + ("model solutions" if solution else "exercises") + ")\n\n"
           "Pet breeds (the Oxford-IIIT Pet data set), presizing, cross-entropy built from softmax and the "
           "log-likelihood, the learning-rate finder, freezing and `fine_tune`, discriminative learning rates. "
           "Write each exercise in its cell (the cells that say `raise NotImplementedError`), and answer the "
           "questionnaire at the end.\n\n"
           "* **Self-check**: run the cell `check(chapter='ch5')` near the end (not the official grade).\n"
           "* **Official grade**: `grader check ch5 ch5.ipynb` runs this notebook from top to bottom in a fresh kernel."),
        code("# Offline data: `untar_data` uses the real data sets when they are in your fastai cache, and the\n"
             "# grader's generated copies (same layout, smaller) otherwise. Nothing is downloaded.\n"
             "from grader.data.fastai_cache import use_offline_data\nuse_offline_data();"),
        code("from fastai.vision.all import *"),
        md("## The pets\n\nEvery image is named `<breed>_<number>.jpg`. Cat breeds are capitalised, dog breeds lower case."),
        code("path = untar_data(URLs.PETS)\nPath.BASE_PATH = path\nfnames = get_image_files(path/'images')\nfnames[:3]"),
        md("**Exercise 1.** `label_from_name(fname)`: the breed in a file name, with a regular expression "
           "(`Maine_Coon_157.jpg` -> `Maine_Coon`; breed names may contain underscores). `species(fname)`: "
           "`'cat'` when the name starts with a capital letter, else `'dog'`."),
        exercise("label_from_name", solution, "import re\n\n\n"),
        exercise("species", solution),
        code("fname = fnames[0].name\nfname, label_from_name(fname), species(fname)", *demo),
        md("**Exercise 2.** `pets_datablock()`: the chapter's DataBlock with presizing: `Resize(460)` on the "
           "items, `aug_transforms(size=224, min_scale=0.75)` on the batches, `RandomSplitter(seed=42)`, labels "
           "from the file name (`using_attr(RegexLabeller(...), 'name')`). Return the DataBlock."),
        exercise("pets_datablock", solution),
        code("pets = pets_datablock()\ndls = pets.dataloaders(path/'images', bs=8, num_workers=0)\n"
             "x, y = dls.one_batch()\nx.shape, [dls.vocab[i] for i in y[:4]]", *demo),
        md("## Cross-entropy, from scratch\n\n**Exercise 3.** `softmax(x)`, `log_softmax(x)`, `nll_loss(inputs, "
           "targets)` and `cross_entropy(acts, targets)` for activations of shape (batch size, classes) and "
           "int64 targets. Stretch goal: stay exact for activations as large as 1000."),
        exercise("softmax", solution),
        exercise("log_softmax", solution),
        exercise("nll_loss", solution),
        exercise("cross_entropy", solution),
        code("acts = torch.randn((6, 2)) * 2\ntarg = tensor([0, 1, 0, 1, 1, 0])\n"
             "softmax(acts).sum(dim=1), cross_entropy(acts, targ), F.cross_entropy(acts, targ)", *demo),
        md("## Learning rates\n\n**Exercise 4.** `suggest_lr(lrs, losses)`: from a learning-rate-finder curve, "
           "`(lr_min, lr_steep)`: a tenth of the rate at the lowest loss, and the rate where the loss falls "
           "fastest against log(lr) (what `lr_find(suggest_funcs=(minimum, steep))` reports)."),
        exercise("suggest_lr", solution),
        code("lrs = 10 ** torch.linspace(-6, 0, 80)\nlosses = 2.5 - 1.6 * torch.sigmoid((lrs.log10() + 3) * 2.5) "
             "+ torch.exp((lrs.log10() + 0.8) * 2)\nsuggest_lr(lrs, losses)", *demo),
        md("**Exercise 5.** `lr_groups(lr, n_groups)`: the rate each parameter group gets for `lr` = a float, "
           "`slice(lo, hi)` or `slice(hi)`."),
        exercise("lr_groups", solution),
        code("lr_groups(slice(1e-6, 1e-4), 3), lr_groups(slice(1e-3), 3)", *demo),
        md("**Exercise 6.** `fine_tune_by_hand(learn, epochs, base_lr=2e-3, freeze_epochs=1)`: what "
           "`learn.fine_tune` does, written with `freeze`, `fit_one_cycle` and `unfreeze`. The grader records "
           "the schedule your function runs on a tiny Learner and compares it with `fine_tune`'s."),
        exercise("fine_tune_by_hand", solution),
        md("## Further research: a pet-breed classifier\n\n**Exercise 7.** `train_pet_classifier(path)`: train "
           "a breed classifier on `path/'images'` (what `untar_data(URLs.PETS)` returns) from scratch "
           "(`pretrained=False`, small images, `num_workers=0`) and return the Learner. The grader trains it on "
           "its own pets and checks its predictions on hidden images, within a time budget."),
        exercise("train_pet_classifier", solution),
        md("## Self-check\n\nRun this cell to check every exercise against the tests, in this kernel (a self-check, "
           "not the official grade; `check('softmax', chapter='ch5')` checks one exercise). It is tagged "
           "`skip-execution`, so the official run skips it."),
        code("from grader import check\ncheck(chapter='ch5')", "skip-execution"),
        md("## Questionnaire\n\nAnswer each question in the cell under it, in your own words."),
    ]
    for q in rubric["questions"]:
        answer = ANSWERS[q["number"]] if solution else "<!-- Write your answer here, replacing this line. -->"
        cells.append(new_markdown_cell(f"### Question {q['number']}. {q['question']}\n\n{answer}\n",
                                       metadata={"grader": {"question": q["number"]}}))
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                            "name": "python3"},
                                             "language_info": {"name": "python"}})
    return nb



def build_book():
    defs = functions((ROOT / "tests/submissions/book_ch5.py").read_text())
    c, m = new_code_cell, new_markdown_cell
    cells = [
        m("# Image Classification\n\nChapter 5 as the book's notebook writes it (fastbook `05_pet_breeds.ipynb`): shell install line, "
          "`fastbook` setup, `untar_data(URLs.PETS)`, `Path.BASE_PATH`, the chapter's DataBlock, with the exercises written the book's way."),
        c("#hide\n! [ -e /content ] && pip install -Uqq fastbook\nimport fastbook\nfastbook.setup_book()"),
        c("#hide\nfrom fastbook import *"),
        c("from fastai.vision.all import *\npath = untar_data(URLs.PETS)"),
        c("Path.BASE_PATH = path"),
        c("path.ls()"),
        c("(path/\"images\").ls()"),
        c("fname = (path/\"images\").ls()[0]"),
        c("re.findall(r'(.+)_\\d+.jpg$', fname.name)"),
        c(defs["label_from_name"] + "\n\n\n" + defs["species"]),
        c(defs["pets_datablock"]),
        c("pets = pets_datablock()\ndls = pets.dataloaders(path/\"images\")"),
        m("## Cross-Entropy Loss"),
        c(defs["softmax"]),
        c(defs["log_softmax"]),
        c(defs["nll_loss"]),
        c(defs["cross_entropy"]),
        c("acts = torch.randn((6,2))*2\ntarg = tensor([0,1,0,1,1,0])\nsm_acts = softmax(acts)\nidx = range(6)\nsm_acts[idx, targ]"),
        m("## The Learning Rate Finder"),
        c(defs["suggest_lr"]),
        c(defs["lr_groups"]),
        c(defs["fine_tune_by_hand"]),
        c(defs["train_pet_classifier"]),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                              "name": "python3"}})


def write(nb, path: Path) -> None:
    """Writes the notebook, keeping the cell ids of the file it replaces when its cells line up."""
    if path.exists():
        old = nbformat.read(str(path), as_version=4)
        if [c.cell_type for c in old.cells] == [c.cell_type for c in nb.cells]:
            for new, before in zip(nb.cells, old.cells):
                if "id" in before:
                    new["id"] = before["id"]
    nbformat.write(nb, str(path))


if __name__ == "__main__":
    write(build(False), ROOT / "exercises/ch5.ipynb")
    write(build(True), ROOT / "solutions/ch5.ipynb")
    write(build_book(), ROOT / "tests/notebooks/book_ch5.ipynb")
