"""The fork server: a single-threaded process that holds the loaded store and forks query workers.

Why (docs/decisions/20261125-store.md, "One store, forked"): a query worker
started as a new interpreter imports its modules and parses the whole
N-Triples dump, 0.2 s on the real data and several seconds and a private copy
of the store at a million triples. A forked one is ready in milliseconds and
shares the loaded store's memory with its parent until it writes to it, which
queries never do.

It forks from a process with one thread only: the HTTP worker runs threads,
and the child of a threaded process can inherit a lock that another thread
held at the moment of the fork. So the pool forks this server once, when it
starts (before the HTTP worker starts its threads), and asks it over a Unix
socket for every worker afterwards. The server answers each request with the
worker's pid and one end of a socket pair (passed as a file descriptor), and
reports every worker's exit status, which only a parent can read: the pool
tells "out of memory" (SIGABRT) from "out of stack" (SIGSEGV) by it.

Messages on the control socket (``SOCK_SEQPACKET``, one JSON object each):
the pool sends ``{"spawn": true}``; the server sends ``{"spawned": PID}`` with
the worker's socket attached, or ``{"spawn_failed": "why"}``, and
``{"exited": PID, "code": CODE}`` (``CODE`` as :attr:`subprocess.Popen.returncode`:
minus the signal number when killed). The server exits when the pool closes
the socket or the process that forked it dies.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from typing import NoReturn

import pyoxigraph as ox

from . import queryworker

#: bytes of one control message at most (they are small JSON objects)
_MESSAGE = 4096


class ForkServerGone(Exception):
    """The fork server is not answering (it died, or the pool closed it)."""


class ForkServer:
    """The pool's side of the fork server: spawn a worker, learn how workers exited."""

    def __init__(
        self,
        store: ox.Store,
        memory_mib: int,
        on_exit: Callable[[int, int], None],
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        """``on_exit(pid, code)`` for every worker that ends; ``on_lost()`` once if the server itself dies
        (it cannot be forked again from a process that runs threads: see the module docstring)."""
        self._control, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.pid = os.fork()
        if self.pid == 0:  # the fork server
            self._control.close()
            _run_and_exit(lambda: _serve(child_end, store, memory_mib))
        child_end.close()
        self._on_exit = on_exit
        self._on_lost = on_lost
        self._closing = False
        self._lock = threading.Lock()  # one spawn request at a time
        self._spawned: list[tuple[int, socket.socket] | str] = []
        self._ready = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="pjgj-forkserver-reader", daemon=True)
        self._reader.start()

    def spawn(self, timeout: float) -> tuple[int, socket.socket]:
        """A new worker: its pid and the socket to talk to it; :class:`ForkServerGone` if none came."""
        with self._lock:
            try:
                self._control.send(b'{"spawn": true}')
            except OSError as err:
                raise ForkServerGone(f"the fork server is gone: {err}") from None
            with self._ready:
                if not self._ready.wait_for(lambda: self._spawned or self._closed, timeout):
                    raise ForkServerGone(f"the fork server did not fork a worker within {timeout:g} s")
                if not self._spawned:
                    raise ForkServerGone("the fork server is gone")
                reply = self._spawned.pop(0)
        if isinstance(reply, str):
            raise ForkServerGone(f"the fork server could not fork a worker: {reply}")
        return reply

    def _read(self) -> None:
        """Deliver spawn replies to :meth:`spawn` and exit statuses to ``on_exit``, until the server goes."""
        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self._control, _MESSAGE, 1)
            except OSError:
                data, fds = b"", []
            if not data:
                break
            message = json.loads(data)
            if "exited" in message:
                self._on_exit(int(message["exited"]), int(message["code"]))
                continue
            reply: tuple[int, socket.socket] | str
            if "spawned" in message and fds:
                reply = (int(message["spawned"]), socket.socket(fileno=fds[0]))
            else:
                reply = str(message.get("spawn_failed", "no socket came with the reply"))
            with self._ready:
                self._spawned.append(reply)
                self._ready.notify_all()
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        if not self._closing and self._on_lost is not None:
            self._on_lost()

    def close(self) -> None:
        """Stop the server (its workers die with it: they asked the kernel to)."""
        self._closing = True
        with contextlib.suppress(OSError):
            self._control.shutdown(socket.SHUT_RDWR)
        self._control.close()
        with contextlib.suppress(ChildProcessError, OSError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


# ---------------------------------------------------------------- the server process


def _serve(control: socket.socket, store: ox.Store, memory_mib: int) -> None:
    queryworker.die_with_parent(name=b"pjgj-forks")
    _close_inherited_files(keep={0, 1, 2, control.fileno()})
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that SIGCHLD writes to the wake-up pipe
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # the HTTP worker's handlers are not ours
        signal.signal(sig, signal.SIG_DFL)
    while True:
        readable, _, _ = select.select([control.fileno(), wake_r], [], [])
        if wake_r in readable:
            os.read(wake_r, 4096)
        _report_exits(control)
        if control.fileno() in readable:
            try:
                request = control.recv(_MESSAGE)
            except OSError:
                request = b""
            if not request:  # the pool closed the socket: stop (workers die with this process)
                return
            _spawn(control, store, memory_mib)


def _spawn(control: socket.socket, store: ox.Store, memory_mib: int) -> None:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        pid = os.fork()
    except OSError as err:
        ours.close()
        theirs.close()
        control.send(json.dumps({"spawn_failed": str(err)}).encode())
        return
    if pid == 0:  # the worker
        control.close()
        theirs.close()
        _run_and_exit(lambda: _work(ours, store, memory_mib))
    ours.close()
    try:
        socket.send_fds(control, [json.dumps({"spawned": pid}).encode()], [theirs.fileno()])
    finally:
        theirs.close()


def _work(sock: socket.socket, store: ox.Store, memory_mib: int) -> None:
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sandboxed = queryworker.confine(memory_mib)
    queryworker.serve(store, sock.makefile("rb"), sock.makefile("wb", buffering=0), sandboxed)


def _run_and_exit(body: Callable[[], None]) -> NoReturn:
    """Run a forked child's whole life and exit: whatever happens, never return into the parent's code."""
    code = 1
    try:
        body()
        code = 0
    except BaseException:  # reported; the exit status says it failed
        traceback.print_exc(file=sys.stderr)
    finally:
        os._exit(code)


def _report_exits(control: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        with contextlib.suppress(OSError):
            control.send(json.dumps({"exited": pid, "code": code}).encode())


def _close_inherited_files(keep: set[int]) -> None:
    """Let go of what the HTTP worker had open (its listening socket, client connections): not ours to hold.

    Each descriptor is pointed at /dev/null rather than closed: a Python object
    of the parent may still own the number and close it one day, and a closed
    number would by then belong to a worker's socket.
    """
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    null = os.open(os.devnull, os.O_RDWR)
    for fd in fds:
        if fd not in keep and fd != null:
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    os.close(null)
