"""Schemathesis fuzzing of the API against its own OpenAPI schema, over real HTTP to a uvicorn
server on 127.0.0.1: no 5xx, and every response matches the status codes, content types and
schemas the document promises. Run with and without the admin token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from pydantic import SecretStr
from schemathesis.checks import positive_data_acceptance

from backqa.config import Settings
from helpers import PROJECT, ingest, serve_app, serve_in_thread, write_library

TOKEN = "fuzz-admin-token-0123456789abcdef"
CASES: list[int] = [0]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base: Path = tmp_path_factory.mktemp("fuzz")
    library = write_library(base / "library", docs=2)
    ingest(base / "index", library, base)
    app_settings = Settings(root=base, index_dir=base / "index", ingest_dir=library,
                            web_dir=PROJECT / "web", admin_token=SecretStr(TOKEN),
                            reload_interval=0.5)
    app = serve_app(app_settings)
    with serve_in_thread(app, ready_path="/readyz") as url:
        yield url
        print(f"\nschemathesis: {CASES[0]} requests sent")


# Whether an upload is accepted depends on its file name (a type ingest reads), which the
# schema cannot say: a schema-valid upload of `file.png` is rightly refused with a 415.
UPLOADS = {"/api/admin/inspect", "/api/admin/sources"}
OPERATION_SETTINGS = settings(max_examples=150, deadline=None, database=None,
                              suppress_health_check=list(HealthCheck))


def test_api_conforms_to_its_schema(server: str) -> None:
    """Every operation in /openapi.json, fuzzed (its schemathesis pytest plugin does not
    load under this pytest, so the operations are driven here, one Hypothesis run each)."""
    schema = schemathesis.openapi.from_url(server + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/search", "/api/sources",
                                              "/api/sources/{source_id}",
                                              "/api/passages/{passage_id}",
                                              "/api/admin/reindex", "/healthz"}
    for operation in operations:

        @OPERATION_SETTINGS
        @given(case=operation.as_strategy())
        def fuzz(case: schemathesis.Case) -> None:
            CASES[0] += 2
            excluded = [positive_data_acceptance] if case.operation.path in UPLOADS else []
            case.call_and_validate(timeout=30)
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30,
                                   excluded_checks=excluded)

        fuzz()
