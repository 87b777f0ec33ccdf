"""Worker operations beyond the core (`load`, `call`, `info`): one module per operation.

Each module defines `handle(server, request) -> dict`; the server imports it when the operation is
first asked for, so the worker pays only for what a suite uses.
"""
