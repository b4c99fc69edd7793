"""``ll2-gateway``: serve the gateway, serve the offline LL2, export the schema."""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from gateway.settings import Settings, parse_value

__all__ = ["main"]


def _add_settings_flags(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    for f in fields(Settings):
        env = f.metadata["env"]
        default = getattr(defaults, f.name)
        shown = "" if default is None or f.name == "api_key" else f" Default: {default}."
        parser.add_argument(
            f"--{f.name.replace('_', '-')}",
            dest=f.name,
            metavar=f.name.upper(),
            type=functools.partial(parse_value, f.type),
            default=None,
            help=f"{f.metadata['help']}{shown} Env: {env}.",
        )


def _serve(args: argparse.Namespace) -> int:
    from gateway.server.runner import serve

    overrides = {f.name: getattr(args, f.name) for f in fields(Settings)}
    try:
        settings = Settings.from_env(**overrides)
        if settings.persisted_documents:  # a broken manifest stops the start, said plainly
            from gateway.server.persisted import load_manifest

            load_manifest(settings.persisted_documents)
    except ValueError as exc:
        print(f"ll2-gateway: bad setting: {exc}", file=sys.stderr)
        return 2
    return serve(settings)


def _upstream(args: argparse.Namespace) -> int:
    from gateway.offline import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    print(
        f"ll2-gateway: offline LL2 2.3.0 at http://{args.host}:{args.port}/2.3.0/ "
        "(2.0.0 and 2.2.0 below /2.0.0/ and /2.2.0/)",
        flush=True,
    )
    run(args.host, args.port, latency=args.latency, request_limit=args.request_limit)
    return 0


def _export_schema(args: argparse.Namespace) -> int:
    from gateway.schema import schema

    text = (schema.subgraph_sdl() if args.federation else schema.as_str()) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ll2-gateway", description="GraphQL gateway over Launch Library 2."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="Start the gateway.",
        description="Start the GraphQL gateway. Every flag has an environment twin.",
    )
    _add_settings_flags(serve)
    serve.set_defaults(run=_serve)

    upstream = commands.add_parser("upstream", help="Serve the offline LL2 2.3.0 snapshot alone.")
    upstream.add_argument("--host", default="127.0.0.1")
    upstream.add_argument("--port", type=int, default=8001)
    upstream.add_argument(
        "--latency", type=float, default=0.0, help="Seconds added to every answer."
    )
    upstream.add_argument(
        "--request-limit", type=int, default=None, help="Requests per hour before HTTP 429."
    )
    upstream.set_defaults(run=_upstream)

    export = commands.add_parser("export-schema", help="Print the GraphQL schema (SDL).")
    export.add_argument("output", nargs="?", default="-", help="File to write, or - for stdout.")
    export.add_argument(
        "--federation",
        action="store_true",
        help="The Federation v2 subgraph SDL (with @link and @key), as `_service { sdl }` "
        "gives it, for a router to compose.",
    )
    export.set_defaults(run=_export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
