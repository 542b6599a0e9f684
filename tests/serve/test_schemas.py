"""The API's models (schemas.py) built from the stored dataclasses: every field carried over
from the store, none copied by hand."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from backqa.index.loaded import load_current
from backqa.index.store import StoreReader
from backqa.search.response import SourceRef
from backqa.serve.schemas import Passage, Section, SourceDetail, SourceSummary


def _store(index_dir: Path) -> StoreReader:
    return load_current(index_dir).store


def test_a_passage_carries_every_field_of_the_stored_one(index_dir: Path) -> None:
    store = _store(index_dir)
    source = store.sources()[0]
    for stored in store.passages_of_source(source.id):
        passage = Passage.of(stored)
        assert passage.model_dump() == {name: getattr(stored, name)
                                        for name in Passage.model_fields}
    assert any(Passage.of(p).section for s in store.sources()
               for p in store.passages_of_source(s.id))  # `section` is a property: read too


def test_a_source_summary_and_detail_carry_the_stored_source(index_dir: Path) -> None:
    store = _store(index_dir)
    stored_names = {f.name for f in fields(store.sources()[0])}
    for stored in store.sources():
        summary = SourceSummary.of(stored)
        assert set(SourceSummary.model_fields) <= stored_names
        assert summary.model_dump() == {name: getattr(stored, name)
                                        for name in SourceSummary.model_fields}
        passages = store.passages_of_source(stored.id)
        sections = [Section.model_validate({**s, "passage_ids": []})
                    for s in store.sections_of_source(stored.id)]
        detail = SourceDetail.of(stored, "the text", sections, passages, "v1")
        assert {k: v for k, v in detail.model_dump().items()
                if k not in ("text", "sections", "passages", "index_version")} == {
            k: v for k, v in summary.model_dump().items() if k != "passage_count"}
        assert [p.id for p in detail.passages] == [p.id for p in passages]
        assert (detail.text, detail.sections, detail.index_version) == ("the text", sections,
                                                                         "v1")
        ref = SourceRef.of(stored)
        assert (ref.id, ref.title, ref.path, ref.url, ref.kind) == (
            stored.id, stored.title, stored.path, stored.url, stored.kind)
