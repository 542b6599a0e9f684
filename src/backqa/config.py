"""All of backqa's settings, read in one place from `BACKQA_*` environment variables.

Every setting has a default that works with no configuration from a checkout of the project.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Passage length bounds in words: a paragraph is the natural passage; shorter ones join a
# neighbour in the same section, longer ones are cut at sentence boundaries.
DEFAULT_MIN_WORDS = 40
DEFAULT_MAX_WORDS = 180


def project_root() -> Path:
    """The checkout this package runs from (the folder holding `pyproject.toml`), else the cwd."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "src" / "backqa").is_dir():
            return parent
    return Path.cwd()


class Settings(BaseSettings):
    """backqa settings; each field `x` is read from the environment variable `BACKQA_X`."""

    model_config = SettingsConfigDict(env_prefix="BACKQA_", extra="ignore")

    root: Path = Field(default_factory=project_root, description="Project root for relative paths")
    ingest_dir: Path | None = Field(None, description="Library of source documents")
    index_dir: Path | None = Field(None, description="Where index versions are built and served")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    admin_token: SecretStr | None = Field(None, description="Bearer token for admin routes")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser "
        "(comma-separated); none by default: the page is served from the same origin")
    log_queries: bool = Field(True, description="Include the query text in request logs")
    encoder: Literal["auto", "torch", "onnx", "onnx-int8"] = Field(
        "auto", description="Encoder backend: auto (ONNX fp32, else PyTorch), torch, onnx "
        "(fp32 graph) or onnx-int8 (quantised graph; its indexes are its own)")
    reload_interval: float = Field(1.0, gt=0, description="Seconds between index-version checks")
    web_dir: Path | None = Field(None, description="The static page served at / (default web/)")
    search_threads: int = Field(4, ge=1, le=256, description="Threads ranking searches")
    embed_batch: int = Field(32, ge=1, le=512,
                             description="Most questions embedded together in one batch")
    min_words: int = Field(DEFAULT_MIN_WORDS, ge=1, description="Shortest passage, in words")
    max_words: int = Field(DEFAULT_MAX_WORDS, ge=10, description="Longest passage, in words")
    max_upload_bytes: int = Field(5 * 1024 * 1024, ge=1,
                                  description="Largest source file an admin may upload")
    watch: bool = Field(False, description="`backqa serve` reindexes when library files change")
    watch_settle: float = Field(1.0, gt=0, le=600, description="Seconds the library must stay "
                                "unchanged after a change before the watcher reindexes")
    query_log: bool = Field(False, description="Record each question (normalised text, time, "
                            "outcome; no address, no cookie) and the page's feedback in "
                            "index/queries.sqlite, for the gaps report")
    query_log_days: int = Field(30, ge=1, le=3650,
                                description="Days a logged question or feedback is kept")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Comma-separated (`http://a,http://b`) or a JSON list."""
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @property
    def web_path(self) -> Path:
        return (self.web_dir or self.root / "web").resolve()

    @property
    def ingest_path(self) -> Path:
        return (self.ingest_dir or self.root / "ingest").resolve()

    @property
    def index_path(self) -> Path:
        return (self.index_dir or self.root / "index").resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
