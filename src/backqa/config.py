"""All of backqa's settings, read in one place from `BACKQA_*` environment variables.

Every setting has a default that works with no configuration from a checkout of the project.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    cors_origins: list[str] = Field(default_factory=list)
    log_queries: bool = Field(True, description="Include the query text in request logs")
    encoder: Literal["auto", "torch", "onnx"] = "auto"
    reload_interval: float = Field(1.0, gt=0, description="Seconds between index-version checks")
    min_words: int = Field(40, ge=1)
    max_words: int = Field(180, ge=10)

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
