"""`backqa publish`: switch in a version folder copied from the machine that built it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backqa.cli.common import EXIT_ERROR, EXIT_OK, index_dir
from backqa.config import get_settings


def installed_model_key() -> str:
    """The key of the model this installation's server embeds questions with."""
    from backqa.encoders import load_encoder

    return load_encoder(get_settings().encoder).identity.key


def cmd_publish(args: argparse.Namespace) -> int:
    from backqa.index.errors import IndexLocked
    from backqa.index.publish import PublishRefused, VersionPublisher

    publisher = VersionPublisher(index_dir(args), installed_model=installed_model_key)
    try:
        published = publisher.publish(Path(args.version_dir))
    except PublishRefused as exc:
        print(f"backqa publish: refused, the live index is untouched: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (IndexLocked, OSError) as exc:
        print(f"backqa publish: failed, the live index is untouched: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(published.line())
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser(
        "publish", help="verify a copied index version and make it live",
        description="Verify a version folder copied from the machine that built it (every "
        "file's size and SHA-256, the model), copy it beside the live version and switch to it "
        "atomically; a server on this index folder moves to it by itself.")
    p.add_argument("version_dir", metavar="VERSION_DIR",
                   help="a version folder (index/versions/<id> on the machine that built it)")
    p.add_argument("--index", help="index folder to publish into (default: index/)")
    p.set_defaults(func=cmd_publish)
