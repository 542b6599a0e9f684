from pathlib import Path

import pytest
from pydantic import ValidationError

from backqa.config import Settings, project_root


def test_defaults_work_from_a_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BACKQA_INDEX_DIR", "BACKQA_INGEST_DIR", "BACKQA_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.root == project_root()
    assert (settings.root / "pyproject.toml").is_file()
    assert settings.ingest_path == settings.root / "ingest"
    assert settings.index_path == settings.root / "index"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.admin_token is None


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BACKQA_INDEX_DIR", str(tmp_path))
    monkeypatch.setenv("BACKQA_PORT", "9001")
    monkeypatch.setenv("BACKQA_ADMIN_TOKEN", "s3cret")
    settings = Settings()
    assert settings.index_path == tmp_path.resolve() and settings.port == 9001
    assert settings.admin_token is not None
    assert settings.admin_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)


def test_invalid_values_name_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKQA_PORT", "70000")
    with pytest.raises(ValidationError, match="port"):
        Settings()


def test_service_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("BACKQA_CORS_ORIGINS", "http://a.test, http://b.test,")
    monkeypatch.setenv("BACKQA_LOG_QUERIES", "false")
    monkeypatch.setenv("BACKQA_WEB_DIR", str(tmp_path))
    monkeypatch.setenv("BACKQA_SEARCH_THREADS", "2")
    monkeypatch.setenv("BACKQA_EMBED_BATCH", "8")
    settings = Settings()
    assert settings.cors_origins == ["http://a.test", "http://b.test"]
    assert settings.log_queries is False and settings.web_path == tmp_path.resolve()
    assert (settings.search_threads, settings.embed_batch) == (2, 8)
    monkeypatch.setenv("BACKQA_CORS_ORIGINS", '["http://c.test"]')
    assert Settings().cors_origins == ["http://c.test"]
    monkeypatch.setenv("BACKQA_EMBED_BATCH", "0")
    with pytest.raises(ValidationError, match="embed_batch"):
        Settings()
