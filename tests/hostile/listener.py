"""A loopback listener that records every connection: the proof that nothing connects out.

It listens on the same port on 127.0.0.1 and on ::1 (when the machine has
IPv6 loopback), so every spelling of "this machine" reaches it: 127.0.0.1,
2130706433, 0x7f000001, 0177.0.0.1, 127.1, localhost, [::1].
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

#: every spelling of the loopback address the tests try; ``{port}`` is the listener's
SPELLINGS = (
    "127.0.0.1:{port}",
    "2130706433:{port}",
    "0x7f000001:{port}",
    "0177.0.0.1:{port}",
    "127.1:{port}",
    "127.000.000.001:{port}",
    "localhost:{port}",
    "LOCALHOST.:{port}",
    "[::1]:{port}",
    "[::ffff:127.0.0.1]:{port}",
    "[0:0:0:0:0:0:0:1]:{port}",
)


@dataclass
class Listener:
    port: int
    connections: list[str] = field(default_factory=list)

    def urls(self, path: str = "/sparql") -> list[str]:
        return [f"http://{s.format(port=self.port)}{path}" for s in SPELLINGS]


def _bind_pair() -> list[socket.socket]:
    """IPv4 and IPv6 loopback sockets on one free port (IPv4 only when ::1 is not there)."""
    for _ in range(20):
        v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        v4.bind(("127.0.0.1", 0))
        port = v4.getsockname()[1]
        try:
            v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        except OSError:
            return [v4]
        try:
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            v6.bind(("::1", port))
        except OSError as err:
            v6.close()
            if err.errno == 99:  # no ::1 on this machine
                return [v4]
            v4.close()
            continue  # the port is taken on ::1: try another
        return [v4, v6]
    raise RuntimeError("no free loopback port on both IPv4 and IPv6")


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    sockets = _bind_pair()
    for s in sockets:
        s.listen(16)
        s.settimeout(0.1)
    listener = Listener(sockets[0].getsockname()[1])
    stop = threading.Event()

    def accept(server: socket.socket) -> None:
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except (TimeoutError, OSError):
                continue
            listener.connections.append(str(address))
            conn.close()

    threads = [threading.Thread(target=accept, args=(s,), daemon=True) for s in sockets]
    for thread in threads:
        thread.start()
    try:
        yield listener
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        for s in sockets:
            s.close()
