"""The submission itself is a symbolic link to the instructor's solutions (the test grades a link
named linked_submission.py that points at solutions/ch6.py, not this file).

A link is refused before anything is read: submit the file itself.
expect-submit-link: {{CHECKOUT}}/solutions/ch6.py
expect-error: symbolic link
"""
