r"""Names itself with terminal escape sequences and invisible characters: the learner's folder is
`mal<ESC>[2J<ESC>]0;pwned<BEL>lory<RLO>` (clear the screen, retitle the terminal, reverse what
follows), so that the instructor's terminal, spreadsheet or page would act on it.

Names are untrusted text: every name shown in the progress lines, `gradebook.csv`, the LMS exports
and `index.html` loses escape sequences and control characters (the learner reads as `mallory`); the
submission itself (a stub) is graded as usual and earns nothing.
expect-name: mal\x1b[2J\x1b]0;pwned\x07lory\u202e
expect-points: 0
"""


def binary_cross_entropy(inputs, targets):
    raise NotImplementedError
