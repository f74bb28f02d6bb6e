"""A pool of warm query workers that can be killed: the time limit of every user query.

pyoxigraph cannot be interrupted from Python and a thread cannot be killed,
so each user query runs in a worker process (:mod:`pjgj.queryworker`) that
already holds the store. The web thread sends the job, waits on the socket
with a deadline, and on expiry kills the worker with SIGKILL, answers 503 at
once and has a replacement forked in the background. Workers are forked with
the store loaded (:mod:`pjgj.forkserver`), once, not per query: a fork and
its hand-shake cost about a millisecond, which every query would otherwise pay.

A worker that is killed or dies never goes back to the pool; a worker whose
query failed normally (syntax error) does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import queue
import select
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import Busy, QueryAborted, QueryTimeout, TooManyRequests
from .forkserver import ForkServer, ForkServerGone

log = logging.getLogger(__name__)

#: how long a new worker may take to load the store before the pool gives up on it
STARTUP_LIMIT = 60.0


class WorkerDied(Exception):
    """The worker closed its pipe (crash, out of memory) or sent something unreadable."""


@dataclass
class Answer:
    header: dict[str, object]
    body: bytes


class _Worker:
    """A forked query worker: its pid and the socket the jobs and answers travel on."""

    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid = pid
        self.sock = sock
        self.fd = sock.fileno()
        self.buffer = b""
        #: set once, under the pool's lock, by whoever first decides this worker is done
        self.retired = False
        #: a query thread owns it (taken from the idle queue, not yet given back); under the pool's lock
        self.busy = False
        #: how it ended (as Popen.returncode: minus the signal), once the fork server has said so
        self.returncode: int | None = None
        self.exited = threading.Event()

    def wait_ready(self, deadline: float) -> None:
        header = json.loads(self._read_frame(deadline))
        if not header.get("ready"):
            raise WorkerDied(f"worker {self.pid} did not start: {header}")

    def send(self, job: dict[str, object]) -> None:
        payload = json.dumps(job).encode("utf-8")
        try:
            self.sock.sendall(struct.pack(">I", len(payload)) + payload)
        except OSError as err:
            raise WorkerDied(str(err)) from None

    def receive(self, deadline: float) -> Answer:
        header = json.loads(self._read_frame(deadline))
        body = self._read_frame(deadline)
        return Answer(header, body)

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        while len(self.buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            try:
                ready, _, _ = select.select([self.fd], [], [], remaining)
                if not ready:
                    raise TimeoutError
                chunk = self.sock.recv(max(65536, size - len(self.buffer)))
            except (OSError, ValueError) as err:  # a reset socket: the worker died
                if isinstance(err, TimeoutError):
                    raise
                raise WorkerDied(f"worker {self.pid}: {err}") from None
            if not chunk:
                raise WorkerDied(f"worker {self.pid} exited")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _read_frame(self, deadline: float) -> bytes:
        (size,) = struct.unpack(">I", self._read_exactly(4, deadline))
        return self._read_exactly(size, deadline)

    def kill(self) -> None:
        if not self.exited.is_set():  # once reaped, the pid may already be another process's
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self.sock.close()

    def stop(self) -> None:
        """Close the socket: an idle worker exits on end of input; the fork server's end kills the rest."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


class QueryPool:
    """``size`` warm workers over ``store``, forked with it loaded.

    ``memory_mib`` is what each worker may allocate beyond the store it shares;
    ``max_waiting`` bounds the queries that may wait for a free worker
    (``None``: no bound): one more is refused at once with 429 rather than
    queued behind them. Create the pool from the thread that lives as long as
    it (the main thread): the fork server dies with that thread, its workers
    with the fork server.
    """

    def __init__(
        self,
        store: ox.Store,
        size: int,
        memory_mib: int = 1024,
        max_waiting: int | None = None,
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        self.size = size
        self.memory_mib = memory_mib
        self.max_waiting = max_waiting
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        #: every worker by pid until it exits, so that its exit status finds it
        self._by_pid: dict[int, _Worker] = {}
        self._waiting = 0
        # on_lost: what to do if the fork server dies (no worker can be replaced any more)
        self._forks = ForkServer(store, memory_mib, self._exited, on_lost)
        deadline = time.monotonic() + STARTUP_LIMIT
        for _ in range(size):
            worker = self._spawn()
            worker.wait_ready(deadline)
            self.idle.put(worker)

    def _spawn(self) -> _Worker:
        pid, sock = self._forks.spawn(STARTUP_LIMIT)
        worker = _Worker(pid, sock)
        with self._lock:
            self._all.add(worker)
            self._by_pid[pid] = worker
        return worker

    def _exited(self, pid: int, code: int) -> None:
        """The fork server saw worker ``pid`` end. One that died idle (killed from outside) is replaced at
        once; one that died busy is the query thread's to handle: it reads end-of-file and retires it."""
        with self._lock:
            worker = self._by_pid.pop(pid, None)
            if worker is None:
                return
            worker.returncode = code
            worker.exited.set()
            if self.closed or worker.busy or worker.retired:
                return
        self._retire(worker)

    def _forget(self, worker: _Worker) -> None:
        """Drop ``worker`` without a replacement (start-up failure, closing)."""
        with self._lock:
            worker.retired = True
            self._all.discard(worker)
        worker.kill()

    def _retire(self, worker: _Worker) -> None:
        """Kill and drop ``worker`` and start one replacement: once per worker, whoever notices first."""
        with self._lock:
            if worker.retired:
                return
            worker.retired = True
            self._all.discard(worker)
        worker.kill()
        self._replace()

    def _replace(self) -> None:
        """Fork a worker in the background to take the place of a killed one."""

        def start() -> None:
            if self.closed:
                return
            try:
                worker = self._spawn()
            except ForkServerGone:
                if not self.closed:
                    log.exception("no replacement query worker: the fork server is gone")
                return
            try:
                worker.wait_ready(time.monotonic() + STARTUP_LIMIT)
            except (WorkerDied, TimeoutError, ValueError):
                log.exception("a replacement query worker failed to start")
                self._forget(worker)
                return
            if self.closed:
                self._forget(worker)
            else:
                self.idle.put(worker)

        threading.Thread(target=start, name="pjgj-query-worker-start", daemon=True).start()

    def run(self, job: dict[str, object], timeout: float) -> Answer:
        """Run ``job`` in a worker; :class:`QueryTimeout` after ``timeout`` seconds of execution."""
        worker = self._take(timeout)
        # the limit counts execution only: a query that waited for a free worker gets its full time
        deadline = time.monotonic() + timeout
        try:
            worker.send(job)
            answer = worker.receive(deadline)
        except TimeoutError:
            self._retire(worker)
            raise QueryTimeout(timeout) from None
        except (WorkerDied, ValueError, struct.error) as err:
            log.warning("query worker died: %s", err)
            self._retire(worker)
            raise QueryAborted(self._death_message(worker)) from None
        with self._lock:
            worker.busy = False
        self.idle.put(worker)
        if answer.header.get("error") == "memory":  # a Python allocation failed: the limit, said the same way
            raise QueryAborted(self._death_message(None))
        return answer

    def _take(self, timeout: float) -> _Worker:
        """A live idle worker: one that died while idle (killed from outside) is replaced, not used."""
        deadline = time.monotonic() + timeout
        while True:
            worker = self._take_idle(max(0.0, deadline - time.monotonic()))
            with self._lock:  # taken and marked busy atomically with the watcher's check
                usable = not worker.retired
                worker.busy = usable
            if usable and not worker.exited.is_set():
                return worker
            with self._lock:
                worker.busy = False
            log.warning("idle query worker %s had exited (%s); replacing it", worker.pid, worker.returncode)
            self._retire(worker)

    def _take_idle(self, timeout: float) -> _Worker:
        """An idle worker; waits at most ``timeout`` s, in a queue of at most ``max_waiting`` queries."""
        try:  # the common case: a worker is free, nothing waits
            return self.idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self.max_waiting is not None and self._waiting >= self.max_waiting:
                raise TooManyRequests(
                    f"the server is busy: {self.size} queries are running and {self._waiting} are waiting "
                    f"(PJGJ_QUERY_QUEUE={self.max_waiting}); try again in a few seconds",
                    retry_after=max(1, math.ceil(timeout / 2)),
                )
            self._waiting += 1
        try:
            return self.idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy(f"every query worker stayed busy for {timeout:g} s; try again in a few seconds") from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _death_message(self, worker: _Worker | None) -> str:
        """Why the worker stopped, as far as can be told: an abort is the engine failing to allocate."""
        if worker is not None:  # the fork server reports the exit a moment after the socket closed
            worker.exited.wait(1.0)
        code = worker.returncode if worker is not None else -signal.SIGABRT
        if code == -signal.SIGABRT:
            return (
                f"the query needed more than the memory limit of {self.memory_mib} MiB (PJGJ_QUERY_MEMORY_MB) "
                "and was stopped; make it more selective, add a LIMIT, or build shorter strings"
            )
        if code == -signal.SIGSEGV:
            return (
                "the query engine ran out of stack on this query (it nests or chains too many patterns or "
                "expressions); split it into smaller queries"
            )
        return "the worker running the query stopped before it answered (killed or crashed); try again in a few seconds"

    def close(self) -> None:
        self.closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
        self._forks.close()
