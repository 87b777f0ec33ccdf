"""Small deterministic data sets in the real data sets' on-disk formats (no downloads).

`pascal` writes a PASCAL 2007-style `train.csv` (+ tiny images), `biwi` a BIWI head-pose tree, `bears`
multi-label bear images. Same seed, same bytes.
"""
