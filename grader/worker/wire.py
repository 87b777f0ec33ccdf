"""Message framing on a stream socket: an 8-byte length, then UTF-8 JSON.

Both sides use it. Every message is bounded before it is parsed, so that a reply crafted by learner
code cannot exhaust the trusted process: its size (`MAX_MESSAGE`), its lists and objects
(`MAX_CONTAINERS`: an empty list costs 20 times its 3 bytes once parsed), its values (`MAX_VALUES`)
and its nesting (`MAX_DEPTH`: a deeply nested reply would otherwise raise RecursionError out of the
parser). The counts are taken on the raw bytes (brackets inside strings count too: only ever more, so
a message is never under-counted). Anything over a limit is a `BadMessage`, which the trusted side
treats as a fault of the call that produced it.
"""

from __future__ import annotations

import json
import socket
import struct
import time

HEADER = struct.Struct(">Q")
MAX_MESSAGE = 256 * 1024 * 1024
MAX_DEPTH = 64
"""Deepest nesting of lists/objects (the codec's own values nest at most ~45 deep)."""
MAX_CONTAINERS = 250_000
"""Most lists and objects in one message (tensors travel as one string each)."""
MAX_VALUES = 4_000_000
"""Most values (separators counted) in one message."""


class ChannelClosed(Exception):
    """The other end closed the channel (the worker exited or was killed)."""


class ChannelTimeout(Exception):
    """No complete message arrived in time."""


class BadMessage(Exception):
    """The bytes received are not a well-formed message."""


def send(sock: socket.socket, message: dict) -> None:
    data = json.dumps(message).encode("utf-8")
    sock.sendall(HEADER.pack(len(data)) + data)


def recv(sock: socket.socket, timeout: float | None = None, max_size: int = MAX_MESSAGE) -> dict:
    deadline = None if timeout is None else time.monotonic() + timeout
    header = _recv_exact(sock, HEADER.size, deadline)
    (size,) = HEADER.unpack(header)
    if size > max_size:
        raise BadMessage(f"message of {size} bytes exceeds the limit of {max_size}")
    return parse(_recv_exact(sock, size, deadline))


def parse(body: bytes) -> dict:
    """A message's JSON object, within the limits above; `BadMessage` otherwise (never anything else)."""
    message = loads_bounded(body)
    if not isinstance(message, dict):
        raise BadMessage("malformed message: not an object")
    return message


def loads_bounded(body: bytes, *, max_depth: int = MAX_DEPTH, max_containers: int = MAX_CONTAINERS,
                  max_values: int = MAX_VALUES):
    """JSON from `body` (any value), refused with `BadMessage` past the depth, list/object and value
    limits, or when malformed. Also used for other learner JSON (notebooks)."""
    MAX_DEPTH, MAX_CONTAINERS, MAX_VALUES = max_depth, max_containers, max_values  # noqa: N806
    containers = body.count(b"[") + body.count(b"{")
    if containers > MAX_CONTAINERS:
        raise BadMessage(f"message with over {MAX_CONTAINERS} lists or objects")
    if body.count(b",") + body.count(b":") + 2 * containers > MAX_VALUES:
        raise BadMessage(f"message with over {MAX_VALUES} values")
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadMessage(f"malformed message: {str(exc)[:200]}") from None
    except RecursionError:
        raise BadMessage(f"message nested deeper than {MAX_DEPTH}") from None
    if containers > MAX_DEPTH and depth(message) > MAX_DEPTH:
        raise BadMessage(f"message nested deeper than {MAX_DEPTH}")
    return message


def depth(value) -> int:
    """Nesting depth of parsed JSON (iterative: no recursion however deep it is)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > deepest:
            deepest = level
        children = item.values() if isinstance(item, dict) else item
        stack += [(c, level + 1) for c in children if type(c) in (list, dict)]
    return deepest if isinstance(value, (list, dict)) else 0


def _recv_exact(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout()
            sock.settimeout(left)
        else:
            sock.settimeout(None)
        try:
            chunk = sock.recv(min(remaining, 1 << 20))
        except socket.timeout:
            raise ChannelTimeout() from None
        except OSError as exc:
            raise ChannelClosed(str(exc)) from None
        if not chunk:
            raise ChannelClosed("end of stream")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
