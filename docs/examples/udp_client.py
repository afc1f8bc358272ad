#!/usr/bin/env python3
"""A UDP client as many are written: connect, send one request, wait for
the answer (no timeout of its own). Usage: udp_client.py ADDR PORT."""
import socket
import sys

addr, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.connect((addr, port))
s.send(b"hello")
print("answer:", s.recv(512))
