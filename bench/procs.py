"""What the servers cost the machine, read from /proc: memory and CPU of a process tree, and everyone else's load.

A server is a process tree (granian's main process, its HTTP workers and their
query workers; one Oxigraph process), so every figure is summed over the
root process and all its descendants, found by their parent ids.

* RSS counts pages shared between processes (forked workers) once per
  process; PSS (from ``smaps_rollup``) divides them among the sharers, so
  the PSS sum is what the tree really occupies. Both are reported.
* CPU is ``utime + stime`` of the live processes of the tree.
* Other tenants of this shared machine are measured as the busy time of the
  whole machine (``/proc/stat``) minus the servers' and the client's own.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may contain spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def tree(root: int) -> list[int]:
    """``root`` and every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def rss_bytes(pids: Iterable[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return total


def pss_bytes(pids: Iterable[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (OSError, ValueError):
            pass
    return total


def cpu_seconds(pids: Iterable[int]) -> float:
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / TICK


def machine_busy_seconds() -> float:
    """Busy CPU time of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    guest = sum(values[8:10]) if len(values) > 9 else 0  # already counted in user/nice
    return (sum(values) - idle - guest) / TICK


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


@dataclass
class Usage:
    """Peak and last memory of one tree, in bytes."""

    peak_rss: int = 0
    peak_pss: int = 0
    rss: int = 0
    pss: int = 0


@dataclass
class Sampler:
    """Samples the memory of several process trees in a background thread, keeping the peaks."""

    roots: dict[str, Callable[[], int | None]]
    interval: float = 0.25
    pss_every: int = 4
    usage: dict[str, Usage] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="bench-memory", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def sample(self, with_pss: bool = True) -> None:
        for name, root in list(self.roots.items()):
            pid = root()
            if pid is None:
                continue
            pids = tree(pid)
            rss = rss_bytes(pids)
            with self._lock:
                u = self.usage.setdefault(name, Usage())
                u.rss = rss
                u.peak_rss = max(u.peak_rss, rss)
            if with_pss:
                pss = pss_bytes(pids)
                with self._lock:
                    u.pss = pss
                    u.peak_pss = max(u.peak_pss, pss)

    def snapshot(self, name: str) -> Usage:
        self.sample()
        with self._lock:
            u = self.usage.get(name, Usage())
            return Usage(u.peak_rss, u.peak_pss, u.rss, u.pss)

    def _loop(self) -> None:
        n = 0
        while not self._stop.wait(self.interval):
            self.sample(with_pss=n % self.pss_every == 0)
            n += 1


def wait_idle(pids_of: Callable[[], list[int]], limit: float = 20.0, below: float = 0.05, window: float = 0.5) -> float:
    """Wait until the trees use less than ``below`` cores over ``window`` seconds; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(pids_of())
        time.sleep(window)
        if (cpu_seconds(pids_of()) - before) / window < below:
            break
    return time.monotonic() - started
