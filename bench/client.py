"""The load client: closed-loop clients on threads, one keep-alive ``http.client`` connection each.

Standard library only. Each client sends its next request as soon as the
previous answer is read in full (a closed loop), so ``C`` clients keep at
most ``C`` requests in flight. Bodies are read in chunks and only counted,
never kept, except where a caller asks for them (the correctness check).
A run stops by itself: at its deadline, or after ``max_requests``.
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

CHUNK = 256 * 1024


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    size: int
    body: bytes | None
    seconds: float


class RunOver(Exception):
    """The run's hard end came while a request was still being answered: it is cut, not counted."""


class Connection:
    """One keep-alive connection that reconnects once when the server has closed it."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(
        self,
        req: HttpRequest,
        keep_body: bool = False,
        extra: tuple[tuple[str, str], ...] = (),
        stop_at: float | None = None,
    ) -> Reply:
        """Send ``req`` and read the whole answer; :class:`RunOver` when ``stop_at`` passes first."""
        headers = dict(req.headers + extra)
        for attempt in (1, 2):
            fresh = self.conn is None
            # never wait on the socket past the end of the run
            wait = self.timeout if stop_at is None else max(0.05, min(self.timeout, stop_at - time.perf_counter()))
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=wait)
            elif self.conn.sock is not None:
                self.conn.sock.settimeout(wait)
            started = time.perf_counter()
            try:
                self.conn.request(req.method, req.path, body=req.body, headers=headers)
                response = self.conn.getresponse()
                parts: list[bytes] = []
                size = 0
                while True:
                    chunk = response.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if keep_body:
                        parts.append(chunk)
                    if stop_at is not None and time.perf_counter() > stop_at:
                        self.close()
                        raise RunOver
                seconds = time.perf_counter() - started
                answer_headers = {k.lower(): v for k, v in response.getheaders()}
                if response.will_close:
                    self.close()
                body = b"".join(parts) if keep_body else None
                return Reply(response.status, answer_headers, size, body, seconds)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # a keep-alive connection the server closed while idle: reconnect once
                self.close()
                if fresh or attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                self.close()
                if stop_at is not None and time.perf_counter() >= stop_at:
                    raise RunOver from None
                raise
        raise AssertionError("unreachable")


#: answers that mean "the server refused the request for now", counted apart from errors
REFUSED = (429, 503)


def client_address(index: int) -> str:
    """The address load client ``index`` claims in ``X-Forwarded-For``: each client is another user."""
    return f"10.77.{index // 250}.{index % 250 + 1}"


@dataclass
class Sample:
    group: str
    seconds: float
    ok: bool
    refused: bool
    same_size: bool
    #: finished before the deadline (counts towards throughput)
    in_time: bool


@dataclass
class LoadResult:
    clients: int
    seconds: float
    completed: int = 0
    errors: int = 0
    refused: int = 0
    #: requests still unanswered at the hard end of the run (deadline + grace), abandoned
    cut: int = 0
    size_mismatches: int = 0
    samples: list[Sample] = field(default_factory=list)
    error_messages: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.completed / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Job:
    """One request of a mix, ready for one server."""

    group: str
    request: Callable[[int], HttpRequest]  # nonce -> request
    expected_size: int | None
    ok_statuses: tuple[int, ...] = (200,)


def run_load(
    port: int,
    schedule: Sequence[Job],
    clients: int,
    seconds: float,
    timeout: float,
    max_requests: int,
    nonce_start: int = 0,
    grace: float | None = None,
) -> LoadResult:
    """``clients`` closed-loop clients working through ``schedule`` (client i starts at offset i) for ``seconds``.

    New requests start until the deadline; the ones in flight then may finish
    during ``grace`` seconds (default: as long as the run, 5 to ``timeout``
    seconds), after which they are abandoned and counted as ``cut``.
    """
    result = LoadResult(clients, seconds)
    grace = grace if grace is not None else min(timeout, max(5.0, seconds))
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    counter = [0]
    deadline = [0.0]

    def client(index: int) -> None:
        conn = Connection(port, timeout)
        extra = (("X-Forwarded-For", client_address(index)),)
        position = index * max(1, len(schedule) // clients)
        local: list[Sample] = []
        errors: list[str] = []
        cut = 0
        barrier.wait()
        hard_end = deadline[0] + grace
        try:
            while time.perf_counter() < deadline[0]:
                with lock:
                    if counter[0] >= max_requests:
                        break
                    counter[0] += 1
                    nonce = nonce_start + counter[0]
                job = schedule[position % len(schedule)]
                position += 1
                started = time.perf_counter()
                try:
                    reply = conn.send(job.request(nonce), extra=extra, stop_at=hard_end)
                    ok = reply.status in job.ok_statuses
                    refused = reply.status in REFUSED
                    if not ok and len(errors) < 5:
                        errors.append(f"{job.group}: HTTP {reply.status}")
                    same = job.expected_size is None or reply.size == job.expected_size
                    elapsed = reply.seconds
                except RunOver:
                    cut += 1
                    break
                except (OSError, http.client.HTTPException) as err:
                    ok, refused, same, elapsed = False, False, True, time.perf_counter() - started
                    if len(errors) < 5:
                        errors.append(f"{job.group}: {type(err).__name__}: {err}")
                local.append(Sample(job.group, elapsed, ok, refused, same, time.perf_counter() <= deadline[0]))
        finally:
            conn.close()
            with lock:
                result.cut += cut
                result.samples.extend(local)
                result.error_messages.extend(errors[: max(0, 20 - len(result.error_messages))])

    threads = [threading.Thread(target=client, args=(i,), name=f"bench-client-{i}") for i in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    barrier.wait()
    for t in threads:
        t.join()
    result.completed = sum(1 for s in result.samples if s.in_time and s.ok)
    result.errors = sum(1 for s in result.samples if not s.ok and not s.refused)
    result.refused = sum(1 for s in result.samples if s.refused)
    result.size_mismatches = sum(1 for s in result.samples if s.ok and not s.same_size)
    return result


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest-rank; NaN when there are no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]
