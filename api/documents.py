"""The write path (write token required): POST /documents ingests an uploaded source file through the same
readers as `kg ingest`; DELETE /documents/{id} removes one. Each is one transaction on the disk store (one
named graph replaced or dropped), then mirrored into memory (kg/mirror.py), or one request to the SPARQL server;
writes run one at a time."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from api.deps import ResourcesDep, Writer
from api.lookup import iri
from api.models import PROBLEM_RESPONSES, IngestOut, Removed
from api.problems import Conflict, NotFound, UnsupportedMediaType
from api.resources import Resources
from api.sparql_request import media_type, read_body
from kg.iris import document_iri, graph_iri, key_from_iri, source_iri
from kg.load import load_sources
from kg.sparql import PROLOGUE

router = APIRouter(tags=["documents"])
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
_DOCUMENTS = PROLOGUE + "SELECT DISTINCT ?doc WHERE { GRAPH %s { ?doc prov:wasDerivedFrom %s } } ORDER BY ?doc"
_SOURCE_OF = PROLOGUE + "SELECT ?name WHERE { %s prov:wasDerivedFrom/dcterms:identifier ?name } LIMIT 1"
_UPLOAD = {"requestBody": {"required": True, "content": {"text/plain": {
    "schema": {"type": "string"},
    "example": "2403.08540\nLanguage models scale reliably with over-training and on downstream tasks\n...",
}}}}


def _document_ids(resources: Resources, name: str) -> list[str]:
    rows = resources.store.select(_DOCUMENTS % (iri(graph_iri(name)), iri(source_iri(name))))
    return [key_from_iri(row["doc"], "doc") for row in rows]


def _ingest(resources: Resources, name: str, text: bytes) -> IngestOut:
    if graph_iri(name) in resources.store.graphs():
        raise Conflict(f"{name} is already in the graph; DELETE /documents/{name} first to replace it")
    with tempfile.TemporaryDirectory(prefix="claimgraph-upload-") as directory:
        path = FilePath(directory) / name
        path.write_bytes(text)
        summary = load_sources(resources.store, [path], resources.vocabulary)
    return IngestOut(**summary.files[0].model_dump(), document_ids=_document_ids(resources, name))


@router.post("/documents", status_code=201, response_model=IngestOut, dependencies=[Writer],
             responses=PROBLEM_RESPONSES, openapi_extra=_UPLOAD, summary="Ingest a source file (write token)")
async def post_document(
    request: Request, resources: ResourcesDep,
    name: Annotated[str, Query(pattern=NAME_PATTERN, description="File name; its named graph is keyed by it.",
                               examples=["notes.txt"])],
) -> JSONResponse:
    media, charset = media_type(request)
    if media != "text/plain" or charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType("POST the document as text/plain; charset=utf-8", accepted=["text/plain"])
    text = await read_body(request, resources.settings.max_document_bytes)
    created = await resources.write(lambda: _ingest(resources, name, text))
    location = f"/documents/{created.document_ids[0]}" if created.document_ids else None
    return JSONResponse(created.model_dump(mode="json"), 201, headers={"Location": location} if location else None)


def _remove(resources: Resources, document_id: str) -> Removed:
    store = resources.store
    name = document_id
    if graph_iri(name) not in store.graphs():
        found = store.select(_SOURCE_OF % iri(document_iri(document_id)))
        if not found:
            raise NotFound(f"no source file or document {document_id!r}")
        name = found[0]["name"]
        held = _document_ids(resources, name)
        if held != [document_id]:
            raise Conflict(f"{document_id} is one of {len(held)} documents read from {name}; "
                           f"DELETE /documents/{name} removes them all", source=name)
    removed = Removed(source=name, document_ids=_document_ids(resources, name))
    store.remove_graph(graph_iri(name))
    return removed


@router.delete("/documents/{id:path}", response_model=Removed, dependencies=[Writer], responses=PROBLEM_RESPONSES,
               summary="Remove a source file, or a document that is its file's only one (write token)")
async def delete_document(
    resources: ResourcesDep,
    id: Annotated[str, Path(description="Source file name, or a document id", examples=["notes.txt"])],
) -> Removed:
    return await resources.write(lambda: _remove(resources, id))
