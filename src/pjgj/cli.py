"""The command-line tool: ``pjgj fmt | locators | validate | build | serve | load-remote``.

Exit codes: 0 success, 1 the input has problems (each printed as
``file:line: reason`` or ``focus node: rule: message``), 2 usage or
environment error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from . import canon, sources
from .config import Config


def _paths(args: argparse.Namespace, config: Config) -> list[Path]:
    if args.paths:
        return [Path(p) for p in args.paths]
    return [p for part in ("ontology", "data") for p in sources.find(config.root, part)]


def cmd_fmt(args: argparse.Namespace, config: Config) -> int:
    paths = _paths(args, config)
    try:
        if args.check:
            problems = canon.check(paths)
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1 if problems else 0
        for path in paths:
            if canon.format_file(path):
                print(f"formatted {path}")
    except sources.SourceError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def cmd_locators(args: argparse.Namespace, config: Config) -> int:
    from .locators import build_graph

    report = Path(args.report) if args.report else config.report_text
    if not report.is_file():
        print(f"{report}: report text not found (set PJGJ_REPORT_TEXT)", file=sys.stderr)
        return 2
    text = canon.serialize(build_graph(report.read_text(encoding="utf-8")))
    out = Path(args.output) if args.output else config.root / "data/report.ttl"
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def cmd_validate(args: argparse.Namespace, config: Config) -> int:
    from .validate import run

    return run(
        config,
        data=[Path(p) for p in args.data] or None,
        shapes=[Path(p) for p in args.shapes] or None,
    )


def cmd_build(args: argparse.Namespace, config: Config) -> int:
    from .build import Inputs, run

    if args.output:
        config = replace(config, build_dir=Path(args.output))
    inputs = Inputs(
        data=[Path(p) for p in args.data] or None,
        shapes=[Path(p) for p in args.shapes] or None,
        examples_dir=Path(args.examples) if args.examples else None,
    )
    return run(config, inputs)


def cmd_serve(args: argparse.Namespace, config: Config) -> int:
    from .serve import run

    if args.build_dir:
        config = replace(config, build_dir=Path(args.build_dir))
    return run(config)


def cmd_load_remote(args: argparse.Namespace, config: Config) -> int:
    from .loadremote import run

    if args.build_dir:
        config = replace(config, build_dir=Path(args.build_dir))
    return run(config, args.graph_store, args.query_url)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pjgj", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fmt", help="rewrite Turtle sources in canonical form (--check: only report)")
    p.add_argument("--check", action="store_true")
    p.add_argument("paths", nargs="*")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("locators", help="regenerate data/report.ttl from the report's text")
    p.add_argument("--report", help="path of the report's plain text")
    p.add_argument("--output", help="where to write (default data/report.ttl)")
    p.set_defaults(func=cmd_locators)

    p = sub.add_parser("validate", help="parse, canonical form, SHACL and integrity checks")
    p.add_argument("--data", action="append", default=[], help="a data file (repeatable)")
    p.add_argument("--shapes", action="append", default=[], help="a shapes file (repeatable)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="validate, then write dumps, metadata and indexes into the build directory")
    p.add_argument("--data", action="append", default=[], help="a data file (repeatable; default data/**/*.ttl)")
    p.add_argument("--shapes", action="append", default=[], help="a shapes file (repeatable; default shapes/*.ttl)")
    p.add_argument("--examples", help="folder of example queries (default queries/examples)")
    p.add_argument("--output", help="build directory (default PJGJ_BUILD_DIR or build/)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="serve the build over HTTP at HOST:PORT (granian)")
    p.add_argument("--build-dir", help="build directory to serve (default PJGJ_BUILD_DIR or build/)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "load-remote",
        help="put the build into a remote SPARQL store (Graph Store Protocol PUT of the default graph)",
    )
    p.add_argument(
        "--graph-store",
        required=True,
        help="the store's Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Fuseki: http://HOST:3030/DS/data)",
    )
    p.add_argument("--query-url", help="its SPARQL query endpoint, to check the count (default PJGJ_REMOTE_QUERY_URL)")
    p.add_argument("--build-dir", help="build directory to load (default PJGJ_BUILD_DIR or build/)")
    p.set_defaults(func=cmd_load_remote)

    args = parser.parse_args(argv)
    result: int = args.func(args, Config.from_env())
    return result


if __name__ == "__main__":
    sys.exit(main())
