"""POST /ask (RAFT-style answers with checked quotes), GET /raft/dataset (a RAFT training set as JSONL) and
GET /health (what the service holds and how it searches)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api.ask import AskRequest, AskResponse
from api.deps import ResourcesDep
from api.models import PROBLEM_RESPONSES
from api.problems import Problem
from api.raft import build_raft_dataset
from api.resources import Resources

router = APIRouter(tags=["questions"])


class SearchUnavailable(Problem):
    status, slug, title = 503, "search-unavailable", "No search index"


class Health(BaseModel):
    status: Literal["ok"]
    quads: int
    writable: bool
    search: str  # "hybrid", "BM25 only: <why>", or why there is no index


def _answerer(resources: Resources):
    if resources.answerer is None:
        raise SearchUnavailable(f"question answering is off: {resources.search_status}")
    return resources.answerer


@router.get("/health", response_model=Health, responses=PROBLEM_RESPONSES, summary="Service status")
async def health(resources: ResourcesDep) -> Health:
    return Health(status="ok", quads=len(resources.store), writable=resources.settings.write_token is not None,
                  search=resources.search_status)


@router.post("/ask", response_model=AskResponse, responses=PROBLEM_RESPONSES,
             summary="Answer a question with quotes checked against the sources, or NOT_IN_CORPUS")
async def ask(request: AskRequest, resources: ResourcesDep) -> AskResponse:
    return await asyncio.to_thread(_answerer(resources).ask, request)


@router.get("/raft/dataset", responses={200: {"content": {"application/x-ndjson": {}}}, **PROBLEM_RESPONSES},
            response_class=StreamingResponse, summary="A RAFT training set built from the graph's claims, as JSONL")
async def raft_dataset(
    resources: ResourcesDep,
    p: Annotated[float, Query(ge=0.0, le=1.0, description="Share of records whose context holds the oracle.")] = 0.8,
    distractors: Annotated[int, Query(ge=0, le=20, description="Distractor documents per record.")] = 3,
    seed: Annotated[int, Query(ge=0, description="Seed of the random generator.")] = 0,
    chunk_tokens: Annotated[int, Query(ge=16, le=4096, description="Chunk size in tokens.")] = 256,
    format: Annotated[Literal["hf", "completion", "chat"], Query(description="Record format.")] = "hf",
    limit: Annotated[int, Query(ge=1, le=10_000, description="At most this many questions.")] = 100,
) -> StreamingResponse:
    answerer = _answerer(resources)
    records = await asyncio.to_thread(
        build_raft_dataset, answerer.index, resources.store, p=p, distractors=distractors, seed=seed,
        chunk_tokens=chunk_tokens, fmt=format, texts=answerer.texts, limit=limit)
    lines = (json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return StreamingResponse(lines, media_type="application/x-ndjson",
                             headers={"Content-Disposition": f'attachment; filename="raft-{format}-p{p}-seed{seed}.jsonl"'})
