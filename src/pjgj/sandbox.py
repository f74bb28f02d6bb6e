"""No outbound connections: the second layer behind the query checks of :mod:`pjgj.sparql`.

The first layer refuses ``SERVICE``, ``LOAD``, ``FROM`` and ``FROM NAMED`` before a
query runs. This module makes sure that, if a query ever got past it, nothing
could leave the machine anyway:

* :func:`deny_network` (query workers): a seccomp filter makes the kernel refuse
  to create any socket but a Unix one (``EACCES``) and refuses ``io_uring``. It
  covers the Rust engine too, which a Python-level hook cannot see: pyoxigraph
  follows ``SERVICE`` with its own HTTP client. A query worker talks to its
  parent over pipes and needs no socket at all. The filter is irrevocable and
  inherited by every thread and child.
* :func:`guard_outbound` (web processes): a ``sys`` audit hook refuses every
  Python-level ``connect``, ``sendto``, name lookup and ``urllib`` request to an
  address that is not explicitly allowed (Unix sockets are always allowed).
  The web process accepts connections (no ``connect`` there) and never needs
  to open one, unless a remote store is configured: its host is then allowed.

Both are process-wide and cannot be undone, so they are installed by
``pjgj serve`` and the query workers, never at import time and never in a
test process that still needs the network (the tests run them in children).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import ipaddress
import os
import platform
import socket
import struct
import sys
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

# ---------------------------------------------------------------- seccomp (Linux)

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000

_BPF_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_BPF_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_BPF_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_BPF_RET_K = 0x06  # BPF_RET | BPF_K

# offsets in struct seccomp_data: int nr; u32 arch; u64 ip; u64 args[6] (little-endian low word first)
_NR, _ARCH, _ARG0 = 0, 4, 16

#: machine -> (AUDIT_ARCH_*, socket, io_uring_setup, first number of a foreign ABI to refuse or None)
_ARCHES: dict[str, tuple[int, int, int, int | None]] = {
    "x86_64": (0xC000003E, 41, 425, 0x40000000),  # x32 syscalls carry bit 30: refused outright
    "aarch64": (0xC00000B7, 198, 425, None),
}


class SandboxUnavailable(RuntimeError):
    """The kernel or architecture cannot install the filter; the caller decides whether to go on."""


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def _program(arch: int, nr_socket: int, nr_io_uring: int, foreign_abi: int | None) -> bytes:
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    insns = [
        _insn(_BPF_LD_W_ABS, 0, 0, _ARCH),
        _insn(_BPF_JEQ_K, 1, 0, arch),
        _insn(_BPF_RET_K, 0, 0, deny),  # another ABI (i386 on x86_64): nothing may run through it
        _insn(_BPF_LD_W_ABS, 0, 0, _NR),
    ]
    if foreign_abi is not None:
        insns += [_insn(_BPF_JGE_K, 0, 1, foreign_abi), _insn(_BPF_RET_K, 0, 0, deny)]
    insns += [
        _insn(_BPF_JEQ_K, 0, 1, nr_io_uring),
        _insn(_BPF_RET_K, 0, 0, deny),
        _insn(_BPF_JEQ_K, 1, 0, nr_socket),
        _insn(_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        _insn(_BPF_LD_W_ABS, 0, 0, _ARG0),  # socket(domain, ...): only AF_UNIX
        _insn(_BPF_JEQ_K, 0, 1, socket.AF_UNIX),
        _insn(_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        _insn(_BPF_RET_K, 0, 0, deny),
    ]
    return b"".join(insns)


def deny_network() -> None:
    """Make the kernel refuse every non-Unix socket to this process and its threads and children.

    Raises :class:`SandboxUnavailable` off Linux, on an unknown architecture,
    or when the kernel refuses the filter.
    """
    if sys.platform != "linux":
        raise SandboxUnavailable(f"seccomp needs Linux, not {sys.platform}")
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        raise SandboxUnavailable(f"no seccomp filter for the {platform.machine()} architecture")
    program = _program(*arch)
    count = len(program) // 8
    buffer = ctypes.create_string_buffer(program, len(program))

    class _FProg(ctypes.Structure):
        _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))

    fprog = _FProg(count, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    prctl = libc.prctl
    prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
    if prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
    address = ctypes.cast(ctypes.pointer(fprog), ctypes.c_void_p).value or 0
    if prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, address, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(SECCOMP) failed: {os.strerror(ctypes.get_errno())}")


# ---------------------------------------------------------------- audit hook (any platform)


class OutboundRefused(PermissionError):
    """A connection this process may not make."""


def _host_of(address: object) -> str | None:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None


def _normal(host: str) -> str:
    """One spelling per address (``::ffff:127.0.0.1`` -> ``127.0.0.1``); names lower-cased."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.lower().rstrip(".")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def allowed_hosts(urls: Iterable[str]) -> frozenset[str]:
    """The hosts of ``urls`` (``http://store:7878/query`` -> ``store``), normalised."""
    hosts = set()
    for url in urls:
        host = urlsplit(url).hostname
        if host:
            hosts.add(_normal(host))
    return frozenset(hosts)


def guard_outbound(allowed: frozenset[str] = frozenset()) -> None:
    """Refuse, for the rest of this process's life, every outbound connection not to an ``allowed`` host.

    A host must be allowed by the spelling the client code uses: a lookup of
    the name and the connection to each address it resolves to are both
    checked, so allow a remote store by its name *and* the addresses it
    resolves to (:func:`allowed_hosts` takes URLs).
    """
    resolved = set(allowed)
    for host in allowed:  # the addresses a permitted name resolves to, looked up before the hook exists
        with contextlib.suppress(OSError):
            resolved |= {_normal(str(info[4][0])) for info in socket.getaddrinfo(host, None)}
    permitted = frozenset(resolved)

    def refuse(what: str) -> None:
        raise OutboundRefused(errno.EACCES, f"outbound connection refused ({what}): this service never connects out")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            sock, address = args[0], args[1] if len(args) > 1 else None
            if getattr(sock, "family", None) == socket.AF_UNIX or address is None:
                return
            host = _host_of(address)
            if host is None or _normal(host) not in permitted:
                refuse(f"{event} {address!r}")
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
            host = args[0]
            if isinstance(host, bytes):
                host = host.decode("ascii", "replace")
            if host and _normal(str(host)) not in permitted:
                refuse(f"{event} {host!r}")
        elif event == "urllib.Request":
            host = urlsplit(str(args[0])).hostname
            if host is None or _normal(host) not in permitted:
                refuse(f"urllib {args[0]!r}")

    sys.addaudithook(hook)
