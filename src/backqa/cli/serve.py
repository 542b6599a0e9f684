"""`backqa serve`: the page and the API over HTTP."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backqa.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
)
from backqa.config import get_settings


def cmd_serve(args: argparse.Namespace) -> int:
    import logging
    import socket

    import uvicorn

    from backqa.serve.app import create_app

    settings = get_settings()
    if args.index:
        settings = settings.model_copy(update={"index_dir": Path(args.index).resolve()})
    host = args.host or settings.host
    port = args.port or settings.port
    try:  # fail at once, before the model loads, when the address is taken
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        socket.create_server((host, port), family=family).close()
    except OSError as exc:
        print(f"backqa serve: cannot listen on {host}:{port} ({exc.strerror or exc}); is "
              f"another server running there? Choose another with --port", file=sys.stderr)
        return EXIT_ERROR
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"backqa: serving {settings.index_path} on http://{host}:{port}/ "
          f"(API docs at /docs)", file=sys.stderr, flush=True)
    uvicorn.run(create_app(settings), host=host, port=port, access_log=False,
                log_level="info", timeout_graceful_shutdown=5)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser("serve", help="answer questions over HTTP (API, page, docs)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1, BACKQA_HOST)")
    p.add_argument("--port", type=int, help="port (default 8000, BACKQA_PORT)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.set_defaults(func=cmd_serve)
