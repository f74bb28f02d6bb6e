"""Fair use of the query workers: a cap on the queries one client runs at once.

Who is a client: the peer address of the connection; an IPv6 address counts
as its /64 (one host usually holds a whole /64). ``X-Forwarded-For`` is
believed only when the peer is one of ``PJGJ_TRUSTED_PROXIES``, and then the
client is the right-most address in it that is not itself a trusted proxy:
the left part of the header is whatever the client chose to send.

The cap holds across every HTTP worker process of the server. Each client
hashes to one of a fixed set of buckets; a bucket has ``PJGJ_CLIENT_QUERIES``
slot files in a directory shared by the processes, and a running query holds
an exclusive ``flock`` on one of them. The kernel drops the lock when the
query ends or its process dies (a killed HTTP worker leaks nothing), and the
files never grow past ``buckets x slots`` empty files. Two clients that share
a bucket share a cap; with 4096 buckets that needs two of a few busy clients
to collide.

The other bound, the queue of queries waiting for a free query worker, is
per process and lives in :class:`pjgj.querypool.QueryPool`.
"""

from __future__ import annotations

import fcntl
import hashlib
import ipaddress
import math
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import TooManyRequests

#: buckets clients hash into; each holds ``per_client`` slot files at most
BUCKETS = 4096


def _normal(address: str) -> str:
    """``2001:db8::1`` -> ``2001:db8::/64``; IPv4 (also IPv4-mapped IPv6) as is; anything else unchanged."""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return address.strip()
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_address(environ: Mapping[str, Any], trusted_proxies: frozenset[str]) -> str:
    """The client of a request: the peer, or what a trusted proxy says it forwarded for."""
    peer = _normal(str(environ.get("REMOTE_ADDR") or "unknown"))
    forwarded = environ.get("HTTP_X_FORWARDED_FOR")
    if not forwarded or peer not in trusted_proxies:
        return peer
    hops = [_normal(h) for h in str(forwarded).split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted_proxies:
            return hop
    return hops[0] if hops else peer


class Admission:
    """The per-client cap, shared through slot files in ``directory`` (made and removed by the owner)."""

    def __init__(self, directory: Path, per_client: int, retry_after: float) -> None:
        self.directory = directory
        self.per_client = per_client
        self.retry_after = max(1, math.ceil(retry_after))

    @classmethod
    def private(cls, per_client: int, retry_after: float) -> Admission:
        """An admission with its own directory, for a single process (the test client); see :meth:`close`."""
        admission = cls(Path(tempfile.mkdtemp(prefix="pjgj-fairuse-")), per_client, retry_after)
        admission._owned = True
        return admission

    _owned = False

    def _slot_paths(self, client: str) -> list[Path]:
        bucket = int.from_bytes(hashlib.sha256(client.encode("utf-8", "surrogatepass")).digest()[:4]) % BUCKETS
        return [self.directory / f"{bucket:04x}-{i}" for i in range(self.per_client)]

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of the client's slots while the block runs; :class:`TooManyRequests` if all are taken."""
        if self.per_client <= 0:  # no cap configured
            yield
            return
        fd = self._acquire(client)
        if fd is None:
            raise TooManyRequests(
                f"you already have {self.per_client} queries running (PJGJ_CLIENT_QUERIES={self.per_client}); "
                "wait for one to finish, then send the next",
                retry_after=self.retry_after,
            )
        try:
            yield
        finally:
            os.close(fd)  # closing the last descriptor of the open file releases its lock

    def _acquire(self, client: str) -> int | None:
        for path in self._slot_paths(client):
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    def close(self) -> None:
        if self._owned:
            shutil.rmtree(self.directory, ignore_errors=True)
