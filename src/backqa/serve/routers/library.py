"""`/api/sources` and `/api/passages`: the library of the live index, to show a passage in
its context. The store lookups run on the search threads, from one snapshot."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from backqa.search.response import SourceRef
from backqa.serve.holder import LiveIndex
from backqa.serve.routers import Service
from backqa.serve.schemas import (
    ERRORS,
    ID_PATTERN,
    NOT_FOUND,
    Passage,
    PassageContext,
    Section,
    SourceDetail,
    SourcesResponse,
    SourceSummary,
)

router = APIRouter(tags=["library"])


def sources_of(live: LiveIndex) -> SourcesResponse:
    """Every source of one version."""
    return SourcesResponse(index_version=live.version, sources=[
        SourceSummary.of(s) for s in live.index.store.sources()])


def source_detail(live: LiveIndex, source_id: str) -> SourceDetail | None:
    """One source's text, sections and passages; None when there is no such source."""
    store = live.index.store
    source = store.source(source_id)
    if source is None:
        return None
    passages = store.passages_of_source(source_id)
    ids_by_section: dict[int, list[str]] = {}
    for p in passages:
        ids_by_section.setdefault(p.section_ordinal, []).append(p.id)
    sections = [Section.model_validate({**s, "passage_ids": ids_by_section.get(s["ordinal"], [])})
                for s in store.sections_of_source(source_id)]
    return SourceDetail.of(source, store.source_text(source_id) or "", sections, passages,
                           live.version)


def passage_in_context(live: LiveIndex, passage_id: str) -> PassageContext | None:
    """One passage with the passages before and after it in its section; None when unknown."""
    store = live.index.store
    passage = store.passage(passage_id)
    if passage is None:
        return None
    section = [p for p in store.passages_of_source(passage.source_id)
               if p.section_ordinal == passage.section_ordinal]
    source = store.source(passage.source_id)
    assert source is not None  # the store's passages always belong to a stored source
    return PassageContext(
        passage=Passage.of(passage),
        before=[Passage.of(p) for p in section if p.ordinal < passage.ordinal],
        after=[Passage.of(p) for p in section if p.ordinal > passage.ordinal],
        source=SourceRef.of(source), index_version=live.version)


@router.get("/api/sources", response_model=SourcesResponse, responses={503: ERRORS[503]},
            summary="List the sources")
async def list_sources(service: Service) -> SourcesResponse:
    """Every source in the live index."""
    return await service.read(sources_of, service.snapshot())


@router.get("/api/sources/{source_id}", response_model=SourceDetail,
            responses={**NOT_FOUND, **ERRORS}, summary="One source with its sections")
async def get_source(service: Service,
                     source_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> SourceDetail:
    """One source's cleaned text, its sections and passages (to show a passage in context)."""
    detail = await service.read(source_detail, service.snapshot(), source_id)
    if detail is None:
        raise HTTPException(404, f"no source with id {source_id!r}")
    return detail


@router.get("/api/passages/{passage_id}", response_model=PassageContext,
            responses={**NOT_FOUND, **ERRORS}, summary="One passage in its context")
async def get_passage(service: Service,
                      passage_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> PassageContext:
    """One passage with its neighbours in the same section."""
    context = await service.read(passage_in_context, service.snapshot(), passage_id)
    if context is None:
        raise HTTPException(404, f"no passage with id {passage_id!r}")
    return context
