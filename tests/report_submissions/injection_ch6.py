"""Tries to inject HTML and script into the feedback report: what it prints, what it returns, the
messages of the exceptions it raises. The report must show all of it as text."""

from pathlib import Path

import torch

print("<script>alert(1)</script>")
print('</code></pre></details><img src=x onerror="alert(2)"><a href="javascript:alert(3)">click</a>')
print("\x1b[31mred\x1b[0m and a NUL \x00 and a bell \x07")


def binary_cross_entropy(inputs, targets):
    raise ValueError("<b>bold</b><script>alert('bce')</script>")


def sigmoid_range(x, lo, hi):
    return "</pre><iframe src=\"javascript:alert(4)\"></iframe>"


def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):
    raise RuntimeError('<svg onload=alert(5)> `<script>alert(6)</script>`')


def splitter(df):
    return ["<style>body{display:none}</style>"], ["<!-- -->", "]]>"]


def is_valid_person(o):
    raise KeyError("<img src=x onerror=alert(7)>")


def img2pose(x):
    return "<img src=x onerror=alert(1)>"


def get_ctr(f, cal):
    return {"<script>": "</script>", "x": torch.zeros(2)}
