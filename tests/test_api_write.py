"""The write path: token checks, POST /documents through the real readers, DELETE, SPARQL Update; each write
lands on disk (checked after the service has let the store go) and in memory, or in neither."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import SecretStr
from fastapi.testclient import TestClient

from api.app import create_app
from bench.synthetic import write_synthetic_dump
from kg.iris import graph_iri
from kg.store import OxigraphStore, StoreError

TOKEN = "correct horse battery staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}
UPDATE = {"Content-Type": "application/sparql-update"}


@pytest.fixture(scope="module")
def store_copy(seed_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("writes") / "store"
    shutil.copytree(seed_store_path, path)
    return path


@pytest.fixture(scope="module")
def writer(api_settings, store_copy: Path):
    settings = api_settings.model_copy(update={"store_path": store_copy, "write_token": SecretStr(TOKEN),
                                               "max_document_bytes": 200_000})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def upload(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_synthetic_dump(tmp_path_factory.mktemp("upload") / "dump.txt", 3).read_bytes()


def graphs(client: TestClient) -> set[str]:
    rows = client.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"}).json()
    return {row["g"]["value"] for row in rows["results"]["bindings"]}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}])
def test_writes_need_the_token(writer: TestClient, upload: bytes, headers: dict) -> None:
    assert writer.post("/documents?name=x.txt", content=upload, headers={**TEXT, **headers}).status_code == 403
    assert writer.delete("/documents/000_ece389bdadead4ee.txt", headers=headers).status_code == 403
    update = writer.post("/sparql", content="CLEAR ALL", headers={**UPDATE, **headers})
    assert update.status_code == 403 and update.json()["type"].endswith("writes-forbidden")


def test_post_then_delete_a_document(writer: TestClient, upload: bytes, store_copy: Path) -> None:
    before = writer.get("/stats").json()
    created = writer.post("/documents?name=upload.txt", content=upload, headers={**TEXT, **AUTH})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["format"] == "arxiv_dump" and body["documents"] == 3 == len(body["document_ids"])
    assert created.headers["location"] == f"/documents/{body['document_ids'][0]}"
    assert writer.get(created.headers["location"]).status_code == 200
    assert writer.get("/stats").json()["documents"] == before["documents"] + 3
    assert writer.post("/documents?name=upload.txt", content=upload, headers={**TEXT, **AUTH}).status_code == 409

    one = writer.delete(f"/documents/{body['document_ids'][0]}", headers=AUTH)
    assert one.status_code == 409 and one.json()["source"] == "upload.txt"
    removed = writer.delete("/documents/upload.txt", headers=AUTH)
    assert removed.status_code == 200 and removed.json()["document_ids"] == body["document_ids"]
    assert writer.get(created.headers["location"]).status_code == 404
    assert writer.get("/stats").json() == before
    assert writer.delete("/documents/upload.txt", headers=AUTH).status_code == 404


@pytest.mark.parametrize("content, headers, status", [
    ("just a few words, no known format".encode(), TEXT, 422),
    ("caf\xe9 au lait".encode("latin-1"), TEXT, 422),
    (b"", TEXT, 422),
    (b"x" * 200_001, TEXT, 413),
    (b"2403.08540\nA title\n", {"Content-Type": "application/pdf"}, 415),
])
def test_bad_uploads_change_nothing(writer: TestClient, content: bytes, headers: dict, status: int) -> None:
    before = graphs(writer)
    response = writer.post("/documents?name=bad.txt", content=content, headers={**headers, **AUTH})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert graphs(writer) == before


def test_bad_names_are_refused(writer: TestClient, upload: bytes) -> None:
    for name in ("../escape.txt", ".hidden", "a/b.txt", ""):
        assert writer.post("/documents", params={"name": name}, content=upload, headers={**TEXT, **AUTH}).status_code == 422


def test_a_failed_disk_write_changes_nothing(writer: TestClient, upload: bytes, monkeypatch) -> None:
    store = writer.app.state.resources.store
    before, generation = graphs(writer), store.generation

    def failing(graph_iri: str, quads) -> None:
        raise StoreError("disk full")

    monkeypatch.setattr(store._disk, "replace_graph", failing)
    response = writer.post("/documents?name=doomed.txt", content=upload, headers={**TEXT, **AUTH})
    assert response.status_code == 500 and response.json()["type"].endswith("store-error")
    assert graphs(writer) == before and store.generation == generation


def test_sparql_update_with_the_token(writer: TestClient) -> None:
    insert = "INSERT DATA { GRAPH <urn:test:notes> { <urn:test:a> rdfs:label \"note\" } }"
    assert writer.post("/sparql", content=insert, headers={**UPDATE, **AUTH}).status_code == 204
    assert "urn:test:notes" in graphs(writer)
    form = {"Content-Type": "application/x-www-form-urlencoded", **AUTH}
    assert writer.post("/sparql", content=b"update=DROP%20GRAPH%20%3Curn%3Atest%3Anotes%3E", headers=form).status_code == 204
    assert "urn:test:notes" not in graphs(writer)
    load = writer.post("/sparql", content="LOAD <http://127.0.0.1:9/x.ttl>", headers={**UPDATE, **AUTH})
    assert load.status_code == 403 and load.json()["keyword"] == "LOAD"
    bad = writer.post("/sparql", content="INSERT DATA { <urn:a> }", headers={**UPDATE, **AUTH})
    assert bad.status_code == 400


def test_writes_reach_the_disk(api_settings, seed_store_path: Path, tmp_path: Path, upload: bytes) -> None:
    store_copy = tmp_path / "store"
    shutil.copytree(seed_store_path, store_copy)
    settings = api_settings.model_copy(update={"store_path": store_copy, "write_token": SecretStr(TOKEN)})
    with TestClient(create_app(settings)) as client:
        with pytest.raises(StoreError):  # a writable service holds the store's lock while it runs
            OxigraphStore(store_copy)
        assert client.post("/documents?name=kept.txt", content=upload, headers={**TEXT, **AUTH}).status_code == 201
    with OxigraphStore(store_copy) as disk:
        assert graph_iri("kept.txt") in disk.graphs()
    with TestClient(create_app(settings)) as client:  # a restart serves what the disk holds
        assert client.get("/papers", params={"source": "kept.txt"}).json()["total"] == 3
        assert client.delete("/documents/kept.txt", headers=AUTH).status_code == 200
    with OxigraphStore(store_copy) as disk:
        assert graph_iri("kept.txt") not in disk.graphs()
