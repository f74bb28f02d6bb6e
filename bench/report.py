"""The Markdown report of one run, from its results.json: ``python -m bench.report RESULTS.json``.

``python -m bench.report --summary A/results.json B/results.json ...`` puts
several runs side by side: this service's throughput ratio in each, and the
median across them.

Ratios compare each server with the reference measured in the same run
(Oxigraph server with its in-memory store, when it ran): for throughput
``req/s ÷ reference req/s``, for a single request ``reference p50 ÷ this p50``.
Above 1 is faster than the reference, below 1 slower. Throughput is the
median over the interleaved repeats; percentiles pool the requests of all
repeats.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .client import percentile

MB = 1024 * 1024
SERVER_LABELS = {
    "pjgj": "pjgj (this service)",
    "oxigraph-mem": "Oxigraph server, in memory",
    "oxigraph-disk": "Oxigraph server, RocksDB",
    "pjgj-remote": "pjgj, remote store (the Oxigraph server in memory)",
    "rdflib-endpoint": "rdflib-endpoint",
}


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _ratio(value: float | None, reference: float | None) -> str:
    if not value or not reference:
        return "–"
    return f"{value / reference:.2f}"


def _table(header: list[str], rows: Iterable[list[str]], align: str | None = None) -> list[str]:
    spec = align or "l" + "r" * (len(header) - 1)
    marks = [":---" if a == "l" else "---:" for a in spec]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _servers(results: dict[str, Any]) -> list[str]:
    order = ["pjgj", "oxigraph-mem", "oxigraph-disk", "pjgj-remote", "rdflib-endpoint"]
    present = set(results.get("servers", {}))
    return [s for s in order if s in present]


def _runs(results: dict[str, Any], mix: str, clients: int, server: str) -> list[dict[str, Any]]:
    return [r for r in results.get("load", []) if r["mix"] == mix and r["clients"] == clients and r["server"] == server]


def median_rps(results: dict[str, Any], mix: str, clients: int, server: str) -> float | None:
    runs = _runs(results, mix, clients, server)
    return statistics.median(r["rps"] for r in runs) if runs else None


def pooled(results: dict[str, Any], mix: str, clients: int, server: str, groups: set[str] | None = None) -> list[float]:
    values: list[float] = []
    for run in _runs(results, mix, clients, server):
        for group, latencies in run["groups_ms"].items():
            if groups is None or group in groups:
                values += latencies
    return values


# ---------------------------------------------------------------- sections


def _header(results: dict[str, Any]) -> list[str]:
    meta = results["meta"]
    m, v, s = meta["machine"], meta["versions"], meta["settings"]
    ref = meta.get("reference", "oxigraph-mem")
    lines = [
        f"# Benchmark: this service and Oxigraph server, `{meta['dataset']}` data ({meta['triples']:,} triples)",
        "",
        f"Run {meta['started']} to {meta.get('finished', '?')} on {m['cpus']} CPUs and {m['memory_gb']} GB "
        f"(load average {m['load_average_at_start']} at the start), Python {m['python']}, "
        f"pyoxigraph {v['pyoxigraph']}, {v['oxigraph']}.",
        "",
        f"Command: `{meta['command']}`",
        "",
        f"Data: {meta['origin']}." + "".join(f" {n[0].upper()}{n[1:]}." for n in meta.get("notes", [])),
        "",
        f"Caching: {'on' if s['cache'] else 'off (every request carries a nonce)'}. Load runs: "
        f"{s['repeats']} × {s['seconds']:g} s per mix, client count and server, interleaved across servers; "
        f"req/s is the median of the repeats, percentiles pool their requests. "
        f"Ratios (×) are to **{SERVER_LABELS.get(ref, ref)}** measured in the same run; above 1 is faster.",
        "",
    ]
    foreign = [r["foreign_cores"] for r in results.get("load", [])]
    if foreign:
        lines += [
            f"Other tenants of this machine used a median of {statistics.median(foreign):.2f} of its "
            f"{m['cpus']} cores during the load runs (range {min(foreign):.2f}-{max(foreign):.2f}); "
            "absolute numbers move with that, ratios much less.",
            "",
        ]
    anchors = meta.get("anchors")
    if anchors:
        shown = ", ".join(f"{k} = `{v}`" for k, v in anchors.items())
        lines += [f"Anchors of the query templates (chosen from the data): {shown}.", ""]
    return lines


def targets(results: dict[str, Any]) -> list[str]:
    meta = results["meta"]
    ref = meta.get("reference", "oxigraph-mem")
    servers = results.get("servers", {})
    clients = meta["settings"]["clients"]
    rows: list[list[str]] = []

    def verdict(ok: bool | None) -> str:
        return "–" if ok is None else ("met" if ok else "**not met**")

    c16 = 16 if 16 in clients else None
    cache = "on" if meta["settings"]["cache"] else "off"
    if c16 and "pjgj" in servers and ref in servers:
        ours, theirs = median_rps(results, "sparql", c16, "pjgj"), median_rps(results, "sparql", c16, ref)
        ratio = ours / theirs if ours and theirs else None
        rows.append(
            [
                f"SPARQL mix, 16 clients, caching {cache}: ≥ 0.5 × Oxigraph server (in memory)"
                + ("" if cache == "off" else " (the target is set with caching off)"),
                f"{_num(ours)} vs {_num(theirs)} req/s = **{_num(ratio, 2)}×**",
                verdict(None if ratio is None else ratio >= 0.5),
            ]
        )
        if "rdflib-endpoint" in servers:
            slow = median_rps(results, "sparql", c16, "rdflib-endpoint")
            ratio = ours / slow if ours and slow else None
            rows.append(
                [
                    "SPARQL mix, 16 clients: ≥ 40 × rdflib-endpoint",
                    f"{_num(ours)} vs {_num(slow, 2)} req/s = **{_num(ratio, 1)}×**",
                    verdict(None if ratio is None else ratio >= 40),
                ]
            )
        for group, label in (("page:entity-html", "HTML"), ("page:entity-turtle", "Turtle")):
            values = pooled(results, "pages", c16, "pjgj", {group})
            if values:
                p99 = percentile(values, 99)
                rows.append(
                    [
                        f"entity pages ({label}), 16 clients: p99 ≤ 20 ms",
                        f"p99 **{_num(p99)} ms** (p50 {_num(percentile(values, 50))} ms, {len(values)} requests)",
                        verdict(p99 <= 20),
                    ]
                )
    if "pjgj" in servers:
        ready = servers["pjgj"]["ready_seconds"]
        median = statistics.median(ready)
        rows.append(
            [
                "cold start of `pjgj serve` after a build: ready in ≤ 2 s",
                f"**{median:.2f} s** (median of {len(ready)}: {', '.join(f'{x:.2f}' for x in ready)})",
                verdict(median <= 2),
            ]
        )
        ox_mem, ox_disk = servers.get("oxigraph-mem"), servers.get("oxigraph-disk")
        parts = []
        ok = None
        if ox_mem:
            r = median / statistics.median(ox_mem["ready_seconds"])
            parts.append(f"{r:.2f}× Oxigraph in memory (start + upload)")
            ok = r <= 1.5
        if ox_disk and ox_disk.get("load_seconds"):
            parts.append(f"{median / ox_disk['load_seconds']:.2f}× `oxigraph load`")
        if parts:
            rows.append(["load time ≤ 1.5 × Oxigraph's (target at 1M)", "; ".join(parts), verdict(ok)])
        peak = servers["pjgj"]["final"]
        rows.append(
            [
                "memory stated",
                f"peak PSS {_num(peak['peak_pss'] / MB)} MB, peak RSS {_num(peak['peak_rss'] / MB)} MB "
                "(whole process tree)",
                "–",
            ]
        )
    if not rows:
        return []
    return ["## Targets of issue 4 (reported, not timed tests)", "", *_table(["target", "measured", "verdict"], rows)]


def startup(results: dict[str, Any]) -> list[str]:
    rows = []
    for name in _servers(results):
        s = results["servers"][name]
        ready = s["ready_seconds"]
        after, final = s["after_load"], s["final"]
        rows.append(
            [
                SERVER_LABELS.get(name, name),
                _num(s["load_seconds"], 2) if s["load_seconds"] is not None else "–",
                f"{statistics.median(ready):.2f}" + (f" (n={len(ready)})" if len(ready) > 1 else ""),
                _num(after["rss"] / MB),
                _num(after["pss"] / MB),
                _num(final["peak_rss"] / MB),
                _num(final["peak_pss"] / MB),
            ]
        )
    header = [
        "server",
        "separate load s",
        "start → first answer s",
        "RSS after start MB",
        "PSS after start MB",
        "peak RSS MB",
        "peak PSS MB",
    ]
    note = (
        "Start → first answer: process start to the first 200 answer to a SPARQL ASK; for Oxigraph in memory "
        "it includes uploading the dump, for this service loading it (every worker process loads its own "
        "store). Separate load: `oxigraph load` into RocksDB before its server starts. Memory is summed over "
        "the server's process tree; PSS counts shared pages once."
    )
    return ["## Start-up and memory", "", *_table(header, rows), note, ""]


def answers(results: dict[str, Any]) -> list[str]:
    ref = results["meta"].get("reference", "oxigraph-mem")
    check = results.get("check", {})
    counts: dict[str, dict[str, int]] = {}
    problems = []
    for task_id, row in check.items():
        for name, entry in row.items():
            if name == ref or ("verdict" not in entry and task_id.startswith("page:")):
                continue
            v = entry.get("verdict") or ("error" if entry.get("status") != 200 else None)
            if v is None:
                continue
            key = "same" if v == "same" else "other order" if v.startswith("same rows") else "different"
            if v == "error":
                key = "error"
            counts.setdefault(name, {}).setdefault(key, 0)
            counts[name][key] += 1
            if key != "same":
                problems.append([task_id, name, v, str(entry.get("error", ""))[:120]])
    lines = ["## Same answers", ""]
    for name, c in counts.items():
        parts = ", ".join(f"{n} {k}" for k, n in sorted(c.items()))
        lines.append(f"* {SERVER_LABELS.get(name, name)} vs {SERVER_LABELS.get(ref, ref)}: {parts}.")
    dumps = results.get("dump_check", {})
    if dumps:
        shown = "; ".join(
            f"{SERVER_LABELS.get(n, n)}: {d.get('triples', '?'):,} triples, checksum {d.get('checksum', '?')}"
            if d.get("status") == 200
            else f"{n}: HTTP {d.get('status')}"
            for n, d in dumps.items()
        )
        same = len({(d.get("triples"), d.get("checksum")) for d in dumps.values()}) == 1
        lines.append(f"* Whole graph (pjgj's dump, Oxigraph's `/store`): {'identical' if same else 'DIFFER'}: {shown}.")
        for name, d in dumps.items():
            if d.get("differing_triples"):
                lines.append(
                    f"  * {SERVER_LABELS.get(name, name)}: {d['differing_triples']} triples differ; here: "
                    + "; ".join(f"`{t}`" for t in d.get("only_here", []))
                    + " — in the reference: "
                    + "; ".join(f"`{t}`" for t in d.get("only_in_reference", []))
                )
    truncated = [t for t, row in check.items() if any(e.get("truncated") for e in row.values())]
    if truncated:
        lines.append(f"* Cut by the service's row cap (PJGJ_MAX_ROWS): {', '.join(truncated)}.")
    lines.append("")
    if problems:
        lines += _table(["request", "server", "verdict", "detail"], problems, "llll")
    return lines


def throughput(results: dict[str, Any]) -> list[str]:
    meta = results["meta"]
    ref = meta.get("reference", "oxigraph-mem")
    lines = ["## Throughput per mix", ""]
    for mix in meta["settings"]["mixes"]:
        rows = []
        for clients in meta["settings"]["clients"]:
            base = median_rps(results, mix, clients, ref)
            for name in _servers(results):
                runs = _runs(results, mix, clients, name)
                if not runs:
                    continue
                rps = median_rps(results, mix, clients, name)
                values = pooled(results, mix, clients, name)
                rows.append(
                    [
                        f"{clients}",
                        SERVER_LABELS.get(name, name),
                        _num(rps),
                        "ref" if name == ref else _ratio(rps, base),
                        _num(percentile(values, 50)),
                        _num(percentile(values, 99)),
                        _errors(runs),
                        str(sum(r.get("refused", 0) for r in runs)),
                        str(sum(r["size_mismatches"] for r in runs)),
                        _num(statistics.median(r["server_cpu_cores"] for r in runs), 2),
                        _num(statistics.median(r["client_cpu_cores"] for r in runs), 2),
                        _num(statistics.median(r["foreign_cores"] for r in runs), 2),
                    ]
                )
        header = [
            "C",
            "server",
            "req/s",
            "× ref",
            "p50 ms",
            "p99 ms",
            "errors",
            "refused",
            "size ≠",
            "server cores",
            "client cores",
            "others' cores",
        ]
        title = "SPARQL queries" if mix == "sparql" else "pages, search and dump (Oxigraph: equivalent requests)"
        lines += [f"### Mix `{mix}`: {title}", "", *_table(header, rows, "llrrrrrrrrrr")]
        messages = sorted({m for r in results.get("load", []) if r["mix"] == mix for m in r["error_messages"]})
        if messages:
            lines += ["Non-200 answers and failures seen: " + "; ".join(messages[:8]), ""]
    lines += [
        "`errors`: failed requests; `cut`: still unanswered at the hard end of a run (its length plus a "
        "grace of as long again, 5-30 s), abandoned and left out of the percentiles. "
        "`refused`: answers 429 or 503 (the server shedding load), not counted as errors nor as throughput. "
        "`size ≠`: answers whose length differs from the same server's answer in the check phase. "
        "`server cores` / `client cores`: CPU used during the run by the server's process tree and by the "
        "load client (both on the same machine), in cores.",
        "",
    ]
    return lines


def _errors(runs: list[dict[str, Any]]) -> str:
    errors, cut = sum(r["errors"] for r in runs), sum(r.get("cut", 0) for r in runs)
    return f"{errors} ({cut} cut)" if cut else str(errors)


def _cell(entry: dict[str, Any] | None) -> str:
    if not entry or entry.get("p50_ms") is None:
        return "–" if not entry or not entry.get("errors") else f"{entry['errors']} errors"
    return f"{_num(entry['p50_ms'], 2)} / {_num(entry['p99_ms'], 2)}"


def per_request(results: dict[str, Any]) -> list[str]:
    meta = results["meta"]
    ref = meta.get("reference", "oxigraph-mem")
    names = _servers(results)
    seq = results.get("sequential", {})
    check = results.get("check", {})
    groups: dict[str, dict[str, Any]] = {}
    for task in results.get("tasks", []):
        g = groups.setdefault(task["group"], {"ids": [], "title": task["title"], "mix": task["mix"]})
        g["ids"].append(task["id"])
    clients = meta["settings"]["clients"]
    detail = meta["settings"].get("detail_clients", 16)
    detail = detail if detail in clients else max(clients)
    rows = []
    for group, info in groups.items():
        first = check.get(info["ids"][0], {})
        size = first.get(ref, {}).get("size")
        verdicts = {e.get("verdict") for tid in info["ids"] for e in check.get(tid, {}).values() if e.get("verdict")}
        mark = "" if not verdicts else ("same" if verdicts == {"same"} else " / ".join(sorted(v for v in verdicts)))
        cells = [_cell(seq.get(n, {}).get(group)) for n in names]
        ours, theirs = seq.get("pjgj", {}).get(group), seq.get(ref, {}).get(group)
        ratio = _ratio(theirs.get("p50_ms"), ours.get("p50_ms")) if ours and theirs else "–"
        loaded = []
        for n in names:
            values = pooled(results, info["mix"], detail, n, {group})
            loaded.append(f"{_num(percentile(values, 50), 2)} / {_num(percentile(values, 99), 2)}" if values else "–")
        rates = [_num(seq.get(n, {}).get(group, {}).get("rps")) for n in ("pjgj", ref) if n in names]
        rows.append([f"`{group}`", "–" if size is None else str(size), mark or "–", *cells, ratio, *rates, *loaded])
    header = [
        "request",
        "size",
        "answers",
        *[f"{n} alone" for n in names],
        "pjgj × ref",
        *[f"{n} req/s alone" for n in ("pjgj", ref) if n in names],
        *[f"{n} at C={detail}" for n in names],
    ]
    return [
        "## Per request: p50 / p99 latency, ms",
        "",
        "Alone: the sequential phase (each request on its own, "
        f"{meta['settings']['rounds']} rounds of up to {meta['settings']['runs']} requests per server). "
        f"At C={detail}: inside the mix with {detail} clients. Size: rows or triples of the reference answer. "
        "`pjgj × ref`: reference p50 ÷ pjgj p50 alone; req/s alone: requests ÷ their summed time. "
        "`ex:` the example questions, `q:` bench/queries, "
        "`page:` the service's pages (Oxigraph answers the equivalent query).",
        "",
        *_table(header, rows, "lrl" + "r" * (len(header) - 3)),
    ]


def render(results: dict[str, Any]) -> str:
    lines = _header(results)
    lines += targets(results)
    lines += startup(results)
    if "check" in results:
        lines += answers(results)
    if results.get("load"):
        lines += throughput(results)
    if "sequential" in results:
        lines += per_request(results)
    return "\n".join(lines).rstrip() + "\n"


def summary(runs: list[dict[str, Any]]) -> str:
    """Throughput ratios of this service to the reference across several runs, with their median.

    One line per dataset, mix and client count; each run's ratio comes from
    its own interleaved repeats, the median across runs damps a noisy run.
    """
    ratios: dict[tuple[str, str, int], list[float]] = {}
    caches: set[str] = set()
    for results in runs:
        meta = results["meta"]
        ref = meta.get("reference", "oxigraph-mem")
        caches.add("on" if meta["settings"]["cache"] else "off")
        for mix in meta["settings"]["mixes"]:
            for clients in meta["settings"]["clients"]:
                ours, theirs = median_rps(results, mix, clients, "pjgj"), median_rps(results, mix, clients, ref)
                if ours and theirs:
                    ratios.setdefault((meta["dataset"], mix, clients), []).append(ours / theirs)
    rows = [
        [
            f"`{dataset}`",
            f"`{mix}`",
            str(clients),
            ", ".join(f"{r:.2f}" for r in values),
            f"**{statistics.median(values):.2f}**",
        ]
        for (dataset, mix, clients), values in sorted(ratios.items())
    ]
    header = ["data", "mix", "C", "pjgj ÷ reference req/s, each run", "median"]
    title = f"## Throughput ratio across {len(runs)} runs (caching {', '.join(sorted(caches))})"
    return "\n".join([title, "", *_table(header, rows, "lllrr")])


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args or args == ["--summary"]:
        print("usage: python -m bench.report RESULTS.json | --summary RESULTS.json...", file=sys.stderr)
        return 2
    if args[0] == "--summary":
        sys.stdout.write(summary([json.loads(Path(p).read_text(encoding="utf-8")) for p in args[1:]]))
        return 0
    for path in args:
        sys.stdout.write(render(json.loads(Path(path).read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
