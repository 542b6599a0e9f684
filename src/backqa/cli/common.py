"""What the commands share: exit codes, the index folder, the encoder and a searcher."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from backqa.config import get_settings

if TYPE_CHECKING:
    from backqa.encoders.identity import Encoder
    from backqa.search.searcher import Searcher

EXIT_OK, EXIT_SKIPPED, EXIT_ERROR = 0, 1, 2


def index_dir(args: argparse.Namespace) -> Path:
    """The index folder: `--index`, else the configured one (index/)."""
    return Path(args.index).resolve() if args.index else get_settings().index_path


def encoder_factory() -> Callable[[], Encoder]:
    """Makes the configured encoder (BACKQA_ENCODER) when first needed."""
    from backqa.encoders import load_encoder

    backend = get_settings().encoder
    return lambda: load_encoder(backend)


def load_searcher(args: argparse.Namespace) -> Searcher:
    """A searcher over the live index, with the encoder its vectors were made with."""
    from backqa.encoders import load_encoder
    from backqa.index.loaded import IndexLoadError, load_current
    from backqa.search.searcher import Searcher

    index = load_current(index_dir(args))
    encoder = load_encoder(get_settings().encoder)
    if encoder.identity.key != index.model_key:  # vectors of two models do not compare
        raise IndexLoadError(f"{index.path / 'manifest.json'}: built with model "
                             f"{index.model_key}, but questions would be embedded with "
                             f"{encoder.identity.key}; run `backqa ingest --rebuild`")
    return Searcher(index, encoder)
