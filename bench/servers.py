"""Start, time and stop the servers under test, each in its own process group on loopback.

* ``pjgj``: this service, ``pjgj serve --build-dir DIR`` (granian, the real server process).
* ``oxigraph-mem``: ``oxigraph serve`` without ``--location`` (in-memory store),
  the dump POSTed to ``/store?default``.
* ``oxigraph-disk``: ``oxigraph load --location DIR`` then ``oxigraph serve --location DIR``
  (RocksDB on disk).
* ``rdflib-endpoint`` (optional): ``rdflib-endpoint serve FILE``, from a separate environment.

Start-up time is from process start to the first successful answer to a
SPARQL ``ASK`` (for Oxigraph in memory this includes the upload of the dump);
for ``oxigraph-disk`` the separate ``oxigraph load`` step is timed on its own.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: the names of the servers this module can start, in the order they are reported
KINDS = ("pjgj", "oxigraph-mem", "oxigraph-disk", "pjgj-remote", "rdflib-endpoint")
READY_LIMIT = 300.0


class ServerFailed(RuntimeError):
    """A server exited or did not answer in time; the message ends with the tail of its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def tool(name: str) -> str:
    """An executable of this environment (next to the running Python), else from PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        raise ServerFailed(f"{name} not found next to {sys.executable} nor on PATH")
    return found


@dataclass
class Server:
    name: str
    port: int
    sparql_path: str
    process: subprocess.Popen[bytes]
    log: Path
    #: a separate load step before the server starts (oxigraph load), seconds
    load_seconds: float | None = None
    #: process start to first successful answer, seconds (each start, when restarted)
    ready_seconds: list[float] = field(default_factory=list)
    cleanup: list[Path] = field(default_factory=list)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def pid(self) -> int | None:
        return self.process.pid if self.process.poll() is None else None

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        stop_process(self.process)
        for path in self.cleanup:
            shutil.rmtree(path, ignore_errors=True)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (it was started in a new session), SIGKILL after 15 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def _stopped_on_failure(server: Server) -> Iterator[None]:
    """Stop a server whose start failed or was interrupted: nothing is left running."""
    try:
        yield
    except BaseException:
        server.stop()
        raise


def _spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"$ {' '.join(cmd)}\n".encode())
        out.flush()
        return subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: stopped as a whole, and only it
        )


def ask(port: int, path: str, query: str = "ASK {}", timeout: float = 5.0) -> int:
    """The HTTP status of a SPARQL query sent by GET; raises OSError when nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        target = f"{path}?{urllib.parse.urlencode({'query': query})}"
        conn.request("GET", target, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wait_ready(server: Server, started: float, query: str = "ASK {}", limit: float = READY_LIMIT) -> float:
    """Poll until the server answers ``query`` with 200; returns the seconds since ``started``."""
    while time.monotonic() - started < limit:
        if not server.alive():
            raise ServerFailed(f"{server.name} exited with {server.process.returncode}:\n{_tail(server.log)}")
        try:
            if ask(server.port, server.sparql_path, query) == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise ServerFailed(f"{server.name} did not answer within {limit:.0f} s:\n{_tail(server.log)}")


# ---------------------------------------------------------------- this service


def pjgj_env(port: int, extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment (so PJGJ_* settings apply as they would to `make serve`), on loopback."""
    return {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", **extra}


def start_pjgj(build_dir: Path, logs: Path, extra_env: dict[str, str] | None = None, name: str = "pjgj") -> Server:
    """``pjgj serve --build-dir DIR`` on a free port."""
    port = free_port()
    cmd = [tool("pjgj"), "serve", "--build-dir", str(build_dir)]
    log = logs / f"{name}.log"
    started = time.monotonic()
    process = _spawn(cmd, log, pjgj_env(port, extra_env or {}))
    server = Server(name, port, "/sparql", process, log)
    with _stopped_on_failure(server):
        server.ready_seconds.append(wait_ready(server, started))
    return server


def restart_pjgj(server: Server, build_dir: Path, extra_env: dict[str, str] | None = None) -> None:
    """Stop and start again on the same port: one more cold-start measurement."""
    stop_process(server.process)
    cmd = [tool("pjgj"), "serve", "--build-dir", str(build_dir)]
    started = time.monotonic()
    server.process = _spawn(cmd, server.log, pjgj_env(server.port, extra_env or {}))
    with _stopped_on_failure(server):
        server.ready_seconds.append(wait_ready(server, started))


# ---------------------------------------------------------------- Oxigraph


def _post_file(port: int, path: str, file: Path, media_type: str, timeout: float = 600.0) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        with file.open("rb") as body:
            headers = {"Content-Type": media_type, "Content-Length": str(file.stat().st_size)}
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
        if response.status >= 300:
            raise ServerFailed(f"POST {path} answered {response.status}: {text[:300]!r}")
    finally:
        conn.close()


def start_oxigraph_mem(store_file: Path, logs: Path) -> Server:
    """``oxigraph serve`` (in memory), then the dump uploaded with the Graph Store Protocol."""
    port = free_port()
    log = logs / "oxigraph-mem.log"
    started = time.monotonic()
    process = _spawn([tool("oxigraph"), "serve", "--bind", f"127.0.0.1:{port}"], log)
    server = Server("oxigraph-mem", port, "/query", process, log)
    with _stopped_on_failure(server):
        wait_ready(server, started)
        load_started = time.monotonic()
        _post_file(port, "/store?default", store_file, "application/n-triples")
        server.load_seconds = time.monotonic() - load_started
        server.ready_seconds.append(wait_ready(server, started, "ASK { ?s ?p ?o }"))
    return server


def start_oxigraph_disk(store_file: Path, logs: Path, work: Path) -> Server:
    """``oxigraph load`` into a fresh directory (timed), then ``oxigraph serve --location``."""
    port = free_port()
    log = logs / "oxigraph-disk.log"
    location = work / f"oxigraph-db-{os.getpid()}"
    shutil.rmtree(location, ignore_errors=True)
    load_started = time.monotonic()
    loader = _spawn([tool("oxigraph"), "load", "--location", str(location), "--file", str(store_file)], log)
    try:
        loader.wait()
    except BaseException:
        stop_process(loader)
        shutil.rmtree(location, ignore_errors=True)
        raise
    if loader.returncode != 0:
        raise ServerFailed(f"oxigraph load exited with {loader.returncode}:\n{_tail(log)}")
    load_seconds = time.monotonic() - load_started
    started = time.monotonic()
    cmd = [tool("oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = _spawn(cmd, log)
    server = Server("oxigraph-disk", port, "/query", process, log, load_seconds, cleanup=[location])
    with _stopped_on_failure(server):
        server.ready_seconds.append(wait_ready(server, started, "ASK { ?s ?p ?o }"))
    return server


# ---------------------------------------------------------------- rdflib-endpoint


def start_rdflib_endpoint(executable: str, store_file: Path, logs: Path) -> Server:
    """``rdflib-endpoint serve FILE`` (its own environment; see bench/README.md)."""
    port = free_port()
    log = logs / "rdflib-endpoint.log"
    cmd = [executable, "serve", str(store_file), "--host", "127.0.0.1", "--port", str(port)]
    started = time.monotonic()
    process = _spawn(cmd, log)
    server = Server("rdflib-endpoint", port, "/", process, log)  # its CLI serves at /, whatever its help says
    with _stopped_on_failure(server):
        server.ready_seconds.append(wait_ready(server, started, "ASK { ?s ?p ?o }", limit=1800.0))
    return server


def version(executable: str) -> str:
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"
