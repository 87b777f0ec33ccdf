"""Reaches the network: connects to a port the test listens on (127.0.0.1), sends a UDP packet to a
public DNS server, and resolves a name; prints what worked.

Workers have a network namespace of their own with nothing in it.
expect-points: 0
expect-needs: network
expect-check: no_connection
"""

import socket

import torch


def reach():
    try:
        with socket.create_connection(("127.0.0.1", {{PORT}}), timeout=2) as conn:
            conn.sendall(b"LEAK")
            print("connected to the test's port")
    except OSError as exc:
        print("no connection:", exc)
    try:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.sendto(b"x", ("8.8.8.8", 53))
        print("udp sent")
    except OSError as exc:
        print("no udp:", exc)
    try:
        print(socket.gethostbyname("pypi.org"))
    except OSError as exc:
        print("no dns:", exc)


reach()


def binary_cross_entropy(inputs, targets):
    reach()
    return torch.zeros(())
