"""Message framing on a stream socket: an 8-byte length, then UTF-8 JSON.

Both sides use it; the trusted side caps message size so that a flood from the worker cannot exhaust
its memory.
"""

from __future__ import annotations

import json
import socket
import struct
import time

HEADER = struct.Struct(">Q")
MAX_MESSAGE = 256 * 1024 * 1024


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
    body = _recv_exact(sock, size, deadline)
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadMessage(f"malformed message: {exc}") from None
    if not isinstance(message, dict):
        raise BadMessage("malformed message: not an object")
    return message


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
