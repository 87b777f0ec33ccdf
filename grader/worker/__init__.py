"""The untrusted side: processes that run learner code, and the trusted client that drives them.

`zygote` is a fork server that imports torch once and forks a fresh, limited worker per submission
(and per restart); `server` is the request loop inside such a worker; `client` is the trusted handle.
Only plain data crosses (`codec`, `wire`).
"""
