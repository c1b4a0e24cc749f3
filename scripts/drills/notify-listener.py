#!/usr/bin/env python3
"""A stand-in for systemd's notify socket: binds a Unix datagram socket at argv[1] and appends every sd_notify
message to argv[2] as one line: "<epoch seconds> <message with newlines as '|'>". Runs until killed."""
import os, socket, sys, time

path, out = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o777)
with open(out, "a", buffering=1) as log:
    while True:
        data = sock.recv(65536)
        log.write("%.3f %s\n" % (time.time(), data.decode("utf-8", "replace").replace("\n", "|")))
