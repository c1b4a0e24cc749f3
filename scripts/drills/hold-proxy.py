#!/usr/bin/env python3
"""A TCP proxy on loopback to PostgreSQL's Unix socket that can stop forwarding without closing anything: a
connection cut off silently, as by a network that drops packets (the lease drill, scripts/drills/6-lease.sh).

    hold-proxy.py PORT_FILE SOCKET_PATH CONTROL_FILE

Listens on 127.0.0.1 on a port the system chooses, written to PORT_FILE. Each client gets its own connection to
SOCKET_PATH (e.g. /…/run/.s.PGSQL.5432). CONTROL_FILE holds one word, read every 50 ms:
    flow     forward both ways (also when the file is missing)
    hold-up  forward nothing from the clients to the server; what they send is kept, in order
    hold     forward nothing either way
The mode in effect is written to CONTROL_FILE.in-effect once the proxy acts on it. Nothing is closed and nothing is
lost while held: both ends see a connection that has gone quiet. Back to flow, what was kept is forwarded. A
connection closed by either end is closed on the other.
"""
import os
import selectors
import socket
import sys
import time


def mode(control):
    try:
        with open(control) as f:
            return f.read().strip() or "flow"
    except FileNotFoundError:
        return "flow"


def main():
    port_file, socket_path, control = sys.argv[1:4]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.setblocking(False)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)

    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    peer = {}      # socket -> the other end
    pending = {}   # socket -> bytes waiting to be written to it
    upstream = set()  # the sockets to the server
    current, checked = "flow", 0.0

    def close(sock):
        for s in (sock, peer.get(sock)):
            if s is not None and s in pending:
                selector.unregister(s)
                s.close()
                pending.pop(s, None)
                peer.pop(s, None)
                upstream.discard(s)

    def held(target):
        # Data for the server is held in hold-up and hold; data for a client only in hold.
        return current == "hold" or (current == "hold-up" and target in upstream)

    def interest(sock):
        events = selectors.EVENT_READ
        if pending[sock] and not held(sock):
            events |= selectors.EVENT_WRITE
        selector.modify(sock, events)

    while True:
        now = time.monotonic()
        if now - checked >= 0.05:
            checked = now
            wanted = mode(control)
            if wanted != current:
                current = wanted
                for sock in list(pending):
                    interest(sock)
                with open(control + ".in-effect.tmp", "w") as f:
                    f.write(current)
                os.rename(control + ".in-effect.tmp", control + ".in-effect")
        for key, events in selector.select(timeout=0.05):
            sock = key.fileobj
            if sock is listener:
                client, _ = listener.accept()
                server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    server.connect(socket_path)
                except OSError:
                    client.close()
                    continue
                for s in (client, server):
                    s.setblocking(False)
                    pending[s] = b""
                    selector.register(s, selectors.EVENT_READ)
                peer[client], peer[server] = server, client
                upstream.add(server)
                continue
            if sock not in pending:
                continue
            if events & selectors.EVENT_READ:
                try:
                    data = sock.recv(65536)
                except ConnectionError:
                    data = b""
                if not data:
                    close(sock)
                    continue
                other = peer[sock]
                pending[other] += data
                interest(other)
            if events & selectors.EVENT_WRITE and sock in pending and pending[sock] and not held(sock):
                try:
                    sent = sock.send(pending[sock])
                except ConnectionError:
                    close(sock)
                    continue
                pending[sock] = pending[sock][sent:]
                interest(sock)


if __name__ == "__main__":
    main()
