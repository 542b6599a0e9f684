"""`backqa serve`: the page and the API over HTTP.

This is where the read side (the API, `backqa.serve`) meets the write side (the ingest
pipeline an admin reindex runs): `serve_app` composes them."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from backqa.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
)
from backqa.config import Settings, get_settings

if TYPE_CHECKING:  # the command line imports the server only when it serves
    from fastapi import FastAPI

    from backqa.encoders.identity import Encoder
    from backqa.serve.jobs import Reindexer, ReindexerFactory


def ingest_reindexer(settings: Settings) -> ReindexerFactory:
    """How the server's admin reindex ingests the library: an `IngestPipeline` over the
    settings' index, embedding with the encoder it is given (the service's shared one, so a
    reindex's passages are batched between the questions)."""

    def new_pipeline(encoder: Encoder) -> Reindexer:
        from backqa.ingest.pipeline import IngestPipeline

        return IngestPipeline(settings.index_path, settings.root, min_words=settings.min_words,
                              max_words=settings.max_words, encoder_factory=lambda: encoder,
                              identity=encoder.identity, progress=False,
                              log=logging.getLogger("backqa.service").warning)

    return new_pipeline


def serve_app(settings: Settings,
              encoder_factory: Callable[[], Encoder] | None = None) -> FastAPI:
    """The app `backqa serve` runs: the API, with the ingest pipeline for the admin reindex.
    `encoder_factory`: the question encoder (default: the installed model)."""
    from backqa.ingest.library import Library
    from backqa.serve.app import create_app

    return create_app(settings, encoder_factory=encoder_factory,
                      reindexer_factory=ingest_reindexer(settings),
                      source_files=Library(settings.ingest_path, settings.max_upload_bytes,
                                           settings.min_words, settings.max_words))


def cmd_serve(args: argparse.Namespace) -> int:
    import socket

    import uvicorn

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
    app = serve_app(settings)
    stop_watching = watch_library(settings, app) if settings.watch else None
    try:
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="info",
                    timeout_graceful_shutdown=5)
    finally:
        if stop_watching is not None:
            stop_watching.set()
    return EXIT_OK


def watch_library(settings: Settings, app: FastAPI) -> threading.Event:
    """BACKQA_WATCH: a reindex job each time the library's files change (once they settle);
    set the returned event to stop watching."""
    from backqa.ingest.watch import LibraryWatcher

    def submit_reindex() -> None:
        jobs = app.state.service.jobs
        if jobs is None:
            raise RuntimeError("the service is still starting")
        jobs.submit()  # raises JobRunning while one runs: the watcher tries again

    stop = threading.Event()
    watcher = LibraryWatcher(settings.ingest_path, submit_reindex, settings.watch_settle,
                             on_error=logging.getLogger("backqa.watch").warning)
    threading.Thread(target=watcher.watch, args=(stop,), name="backqa-watch",
                     daemon=True).start()
    print(f"backqa: watching {settings.ingest_path} for changes", file=sys.stderr, flush=True)
    return stop


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser("serve", help="answer questions over HTTP (API, page, docs)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1, BACKQA_HOST)")
    p.add_argument("--port", type=int, help="port (default 8000, BACKQA_PORT)")
    p.add_argument("--index", help="index folder (default: index/)")
    p.set_defaults(func=cmd_serve)
