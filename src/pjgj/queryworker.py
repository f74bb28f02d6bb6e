"""A query worker: one process that holds the store and answers SPARQL queries, one at a time.

Forked by :mod:`pjgj.forkserver` with the store already loaded (shared with
its parent, page by page, until written: queries only read). It reads jobs
from its socket and writes answers back, each a frame (4-byte big-endian
length, then the bytes). A job is JSON; an answer is a JSON header frame
followed by a body frame. The parent kills the process when a query runs
past its limit: pyoxigraph cannot be interrupted from Python, and a thread
cannot be killed.

It caps its own address space so that a query that builds huge strings dies
here instead of swapping the machine, and before it answers anything it asks
the kernel to refuse it every network socket (:func:`pjgj.sandbox.deny_network`):
the engine follows ``SERVICE`` on its own, and this is the layer that holds
even if a query got past the checks.

Every answer is serialised here, before the web process sends a single byte:
a result a format cannot carry (a NUL in XML, an IRI RDF/XML cannot split) or
one larger than the byte cap comes back as a typed error, never as a response
that breaks halfway.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import json
import os
import resource
import signal
import struct
import sys
import threading
import traceback
import xml.parsers.expat
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from . import jsonld, results, sandbox

#: the default address-space cap of a worker in MiB; a query past it makes the worker die (503, replaced)
MEMORY_LIMIT_MIB = 1024
_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15
#: the stack of the thread that runs the queries (part of the address space above)
ENGINE_STACK = 256 * 1024 * 1024


class ResultTooLarge(ValueError):
    """The serialised result is larger than the byte cap of the job."""


_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    body = stream.read(size)
    return body if len(body) == size else None


class Writable(Protocol):
    """Where frames go: a pipe or socket file, unbuffered (every frame must leave at once)."""

    def write(self, data: bytes, /) -> int | None: ...


def write_frame(stream: Writable, payload: bytes) -> None:
    stream.write(struct.pack(">I", len(payload)) + payload)


def run(store: ox.Store, job: dict[str, object]) -> tuple[dict[str, object], bytes]:
    """Execute one job: ``query``, ``format`` (a formats.py short name), ``max_rows``, ``prefixes``."""
    query = str(job["query"])
    fmt = str(job["format"])
    max_rows = int(job["max_rows"])  # type: ignore[call-overload]
    prefixes: dict[str, str] = dict(job["prefixes"])  # type: ignore[call-overload]
    # the default graph is named explicitly so that an accepted ``FROM <default graph>``
    # reads the store's default graph, and there are no named graphs to reach
    result = store.query(query, prefixes=prefixes, default_graph=ox.DefaultGraph(), named_graphs=[])
    if isinstance(result, ox.QueryBoolean):
        return {"form": "ASK", "truncated": False, "rows": 1}, results.ask(fmt, bool(result))
    if isinstance(result, ox.QuerySolutions) and fmt == "json":
        return select_json(result, max_rows, int(job.get("max_bytes") or 0))  # type: ignore[call-overload]
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [tuple(sol[v] for v in variables) for sol in itertools.islice(result, max_rows + 1)]
        truncated = len(rows) > max_rows
        rows = rows[:max_rows]
        body = results.select(fmt, variables, rows, truncated)  # type: ignore[arg-type]
        return {"form": "SELECT", "truncated": truncated, "rows": len(rows)}, body
    if fmt == "ntriples" and isinstance(result, ox.QueryTriples):  # a remote store's answer is a plain iterator
        return graph_ntriples(result, max_rows, int(job.get("max_bytes") or 0))  # type: ignore[call-overload]
    triples = list(itertools.islice(result, max_rows + 1))
    truncated = len(triples) > max_rows
    triples = triples[:max_rows]
    if fmt == "jsonld":
        body = jsonld.write(triples, prefixes)
    else:
        body = ox.serialize(triples, format=_GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
    if fmt == "rdfxml":
        check_rdfxml(body)
    return {"form": "GRAPH", "truncated": truncated, "rows": len(triples)}, body


class _CappedSink:
    """Where the engine writes a serialised result: refuses to hold more than ``limit`` bytes (0: no cap)."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.limit and self.size > self.limit:
            raise ResultTooLarge(f"the result is more than the limit of {self.limit:,} bytes")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def select_json(result: ox.QuerySolutions, max_rows: int, max_bytes: int) -> tuple[dict[str, object], bytes]:
    """SPARQL JSON results written by the engine (about twice as fast as building them here), then
    given the ``truncated`` flag; cut to ``max_rows`` rows in the rare case of more."""
    sink = _CappedSink(max_bytes)
    result.serialize(sink, format=ox.QueryResultsFormat.JSON)  # type: ignore[arg-type]
    body = b"".join(sink.parts)
    doc = json.loads(body)
    rows = len(doc["results"]["bindings"])
    if rows > max_rows:
        doc["results"]["bindings"] = doc["results"]["bindings"][:max_rows]
        doc["truncated"] = True
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return {"form": "SELECT", "truncated": True, "rows": max_rows}, body
    end = body.rstrip().rindex(b"}")  # the document's closing brace
    return {"form": "SELECT", "truncated": False, "rows": rows}, body[:end] + b',"truncated":false}'


def graph_ntriples(result: ox.QueryTriples, max_rows: int, max_bytes: int) -> tuple[dict[str, object], bytes]:
    """N-Triples written by the engine: one triple a line, so the lines are the rows, cut at ``max_rows``."""
    sink = _CappedSink(max_bytes)
    result.serialize(sink, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
    body = b"".join(sink.parts)
    rows = body.count(b"\n")
    if rows <= max_rows:
        return {"form": "GRAPH", "truncated": False, "rows": rows}, body
    end = -1
    for _ in range(max_rows):
        end = body.index(b"\n", end + 1)
    return {"form": "GRAPH", "truncated": True, "rows": max_rows}, body[: end + 1]


def check_rdfxml(body: bytes) -> None:
    """The engine writes RDF/XML without checking that XML can carry it: check it is well-formed XML.

    Two things RDF/XML cannot carry: characters outside XML 1.0 (a NUL in a
    literal) and predicates whose IRI does not end in an XML name
    (``<http://example.org/>``): the engine then writes an ill-formed element.
    The body is our own output (no DTD, no entities), so parsing it is safe.
    """
    results.xml_check(body.decode("utf-8"), "Turtle, N-Triples or JSON-LD")
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")  # namespaces on: QNames are checked

    def no_dtd(*_: object) -> None:  # never in our output; if ever, no entity of it is expanded
        raise results.Unrepresentable("the RDF/XML writer produced a document type declaration")

    parser.StartDoctypeDeclHandler = no_dtd
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError as err:
        raise results.Unrepresentable(
            f"the results cannot be written as RDF/XML ({xml.parsers.expat.errors.messages[err.code]}: "
            "most often a property IRI that does not end in a name); ask for Turtle, N-Triples or JSON-LD instead"
        ) from None


def answer(store: ox.Store, job: dict[str, object]) -> tuple[dict[str, object], bytes]:
    """:func:`run`, with every failure a query can cause turned into an error header.

    The kinds: ``syntax`` (400 with the position), ``unrepresentable`` (406:
    another format can carry the results), ``too_large`` (the byte cap),
    ``outbound`` (the query tried to reach the network and the kernel refused),
    ``memory`` (a Python allocation failed; the engine's own failures abort the
    process instead), ``evaluation`` (an error the engine reports).
    """
    try:
        header, body = run(store, job)
        max_bytes = int(job.get("max_bytes") or 0)  # type: ignore[call-overload]
        if max_bytes and len(body) > max_bytes:
            raise ResultTooLarge(f"the result is {len(body):,} bytes, more than the limit of {max_bytes:,} bytes")
        return header, body
    except SyntaxError as err:
        return {"error": "syntax", "message": str(err)}, b""
    except results.Unrepresentable as err:
        return {"error": "unrepresentable", "message": str(err)}, b""
    except UnicodeEncodeError as err:  # a lone surrogate: no format can carry it
        return {
            "error": "unrepresentable",
            "message": f"the results contain {err.object[err.start]!a}, "
            "which is not a Unicode character and cannot be sent in any format",
        }, b""
    except ResultTooLarge as err:
        return {"error": "too_large", "message": str(err)}, b""
    except PermissionError as err:  # the only thing a sandboxed worker is refused is a socket
        return {"error": "outbound", "message": str(err)}, b""
    except MemoryError:
        return {"error": "memory", "message": "out of memory"}, b""
    except (ValueError, OSError, RuntimeError) as err:
        # evaluation errors the engine reports (a bad IRI() argument, an unsupported format)
        return {"error": "evaluation", "message": str(err)}, b""


#: the name ps and /proc/PID/comm show for a query worker
NAME = b"pjgj-query"


def die_with_parent(name: bytes = NAME) -> None:
    """Ask the kernel for SIGKILL when the process that forked this one ends (Linux), so that a query
    never outlives the HTTP worker that sent it; and name the process, so that it can be told apart."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        libc.prctl(_PR_SET_NAME, name, 0, 0, 0)


def _address_space() -> int:
    """Bytes of address space this process uses now (what RLIMIT_AS counts)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def confine(memory_mib: int) -> bool:
    """Shut this freshly forked, single-threaded worker in: death with its parent, no network, a memory cap.

    The cap is ``memory_mib`` beyond what the worker already maps (the store it
    shares with its parent, the modules): a query may allocate that much.
    Returns whether the seccomp filter is in place.
    """
    die_with_parent()
    # an engine that runs out of memory aborts; a symbolised backtrace would take seconds
    os.environ["RUST_BACKTRACE"] = "0"
    try:  # first, before any thread exists: no socket but Unix ones, ever
        sandbox.deny_network()
        sandboxed = True
    except sandbox.SandboxUnavailable as err:
        print(
            f"pjgj query worker: no seccomp filter ({err}); SERVICE is still refused before execution", file=sys.stderr
        )
        sandboxed = False
    limit = _address_space() + memory_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return sandboxed


def serve(store: ox.Store, stdin: BinaryIO, out: Writable, sandboxed: bool) -> None:
    """Say ready, then answer jobs from ``stdin`` on ``out`` until ``stdin`` ends."""
    # (not len(store): it walks an index and writes the engine's reference counts, which makes this
    # process copy about half of the store it shares with its parent; measured)
    write_frame(out, json.dumps({"ready": True, "sandboxed": sandboxed}).encode())

    def loop() -> None:
        while True:
            frame = read_frame(stdin)
            if frame is None:  # the parent closed the socket or died: stop
                return
            try:
                header, body = answer(store, json.loads(frame))
            except Exception:  # a bug here: logged, answered 500 by the web process; the worker stays up
                traceback.print_exc(file=sys.stderr)
                header, body = {"error": "internal", "message": "internal error in the query worker"}, b""
            write_frame(out, json.dumps(header).encode())
            write_frame(out, body)

    # The engine recurses over the query: on the main thread's 8 MiB stack, 3,000 BINDs or MINUS
    # blocks overflow it and the process dies (SIGSEGV). A thread with a larger stack runs every
    # query up to PJGJ_MAX_QUERY_BYTES (measured: 12,000 UNION branches, BINDs or MINUS blocks).
    threading.stack_size(ENGINE_STACK)
    thread = threading.Thread(target=loop, name="pjgj-query")
    thread.start()
    thread.join()
