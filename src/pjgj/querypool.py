"""A pool of warm query workers that can be killed: the time limit of every user query.

pyoxigraph cannot be interrupted from Python and a thread cannot be killed,
so each user query runs in a worker process (:mod:`pjgj.queryworker`) that
already holds the store. The web thread sends the job, waits on the pipe with
a deadline, and on expiry kills the worker with SIGKILL, answers 503 at once
and starts a replacement in the background. Workers are started once, not
per query: a new one costs an interpreter start and a store load (about
0.1-0.3 s), which every query would otherwise pay.

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
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import Busy, QueryAborted, QueryTimeout, TooManyRequests

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
    def __init__(self, store_path: Path, memory_mib: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pjgj.queryworker", str(store_path), str(memory_mib), str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # an engine that runs out of memory aborts; a symbolised backtrace would take seconds
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin = self.process.stdin
        self.fd = self.process.stdout.fileno()
        self.buffer = b""
        #: set once, under the pool's lock, by whoever first decides this worker is done
        self.retired = False
        #: a query thread owns it (taken from the idle queue, not yet given back); under the pool's lock
        self.busy = False

    def wait_ready(self, deadline: float) -> None:
        header = json.loads(self._read_frame(deadline))
        if not header.get("ready"):
            raise WorkerDied(f"worker {self.process.pid} did not start: {header}")

    def send(self, job: dict[str, object]) -> None:
        payload = json.dumps(job).encode("utf-8")
        try:
            self.stdin.write(struct.pack(">I", len(payload)) + payload)
            self.stdin.flush()
        except (BrokenPipeError, ValueError) as err:
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
                chunk = os.read(self.fd, max(65536, size - len(self.buffer)))
            except (OSError, ValueError) as err:  # a closed pipe (never expected: only the owner closes it)
                if isinstance(err, TimeoutError):
                    raise
                raise WorkerDied(f"worker {self.process.pid}: {err}") from None
            if not chunk:
                raise WorkerDied(f"worker {self.process.pid} exited with {self.process.poll()}")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _read_frame(self, deadline: float) -> bytes:
        (size,) = struct.unpack(">I", self._read_exactly(4, deadline))
        return self._read_exactly(size, deadline)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        with contextlib.suppress(OSError):  # a job still buffered for a dead process
            self.stdin.close()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def stop(self) -> None:
        """Close the pipe: an idle worker exits on end of input; one still busy is killed."""
        try:
            self.stdin.close()
            self.process.wait(timeout=1)
        except (subprocess.TimeoutExpired, OSError):
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class QueryPool:
    """``size`` warm workers over the N-Triples file ``store_path``.

    ``memory_mib`` caps each worker's address space; ``max_waiting`` bounds the
    queries that may wait for a free worker (``None``: no bound): one more is
    refused at once with 429 rather than queued behind them.
    """

    def __init__(self, store_path: Path, size: int, memory_mib: int = 1024, max_waiting: int | None = None) -> None:
        self.store_path = store_path
        self.size = size
        self.memory_mib = memory_mib
        self.max_waiting = max_waiting
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pjgj-query-spawn")
        workers = [self._spawn() for _ in range(size)]  # start them all, then wait: they load in parallel
        deadline = time.monotonic() + STARTUP_LIMIT
        for worker in workers:
            worker.wait_ready(deadline)
            self.idle.put(worker)

    def _spawn(self) -> _Worker:
        # Started from one long-lived thread: a worker asks the kernel to kill it when the thread that
        # started it ends (PR_SET_PDEATHSIG), so that a killed HTTP worker leaves no query running on.
        worker = self._spawner.submit(_Worker, self.store_path, self.memory_mib).result()
        with self._lock:
            self._all.add(worker)
        # a worker killed from outside (or by the kernel) while idle is replaced at once, not when next taken
        threading.Thread(target=self._watch, args=(worker,), name="pjgj-query-worker-watch", daemon=True).start()
        return worker

    def _watch(self, worker: _Worker) -> None:
        """Replace a worker that died while idle. One that dies busy is the query thread's to handle: it
        reads end-of-file on the pipe and retires it; closing the pipe under its feet would be a race."""
        worker.process.wait()
        with self._lock:
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
        """Start a worker in the background to take the place of a killed one."""

        def start() -> None:
            if self.closed:
                return
            worker = self._spawn()
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
            if usable and worker.process.poll() is None:
                return worker
            with self._lock:
                worker.busy = False
            log.warning(
                "idle query worker %s had exited (%s); replacing it", worker.process.pid, worker.process.returncode
            )
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
        code = worker.process.returncode if worker is not None else -signal.SIGABRT
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
        self._spawner.shutdown(wait=False)
