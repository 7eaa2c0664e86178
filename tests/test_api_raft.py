"""RAFT export: P honoured exactly, no duplicate distractors, checked quotes, hard distractors from the graph,
the three formats and both file types."""

from __future__ import annotations

import json

import pytest

from api.raft import FORMATS, RaftError, build_raft_dataset, write_records
from kg.quotes import locate
from tests.search_fixtures import seed_index, seed_store  # noqa: F401  (session fixtures)


@pytest.fixture(scope="module")
def records(seed_index):
    index, texts = seed_index
    return build_raft_dataset(index, None, p=0.7, distractors=3, seed=3, texts=texts, limit=60)


def test_p_is_honoured_exactly(records) -> None:
    with_oracle = sum(any(s["role"] == "oracle" for s in r["sources"]) for r in records)
    assert with_oracle == round(0.7 * len(records))
    assert all(len(r["sources"]) == 4 for r in records), "a record without the oracle gets one more distractor"


def test_same_seed_same_dataset_and_no_duplicate_distractors(seed_index, records) -> None:
    index, texts = seed_index
    assert build_raft_dataset(index, None, p=0.7, distractors=3, seed=3, texts=texts, limit=60) == records
    for record in records:
        spans = [(s["file"], s["start"], s["end"]) for s in record["sources"]]
        assert len(spans) == len(set(spans))


def test_quotes_are_checked_and_titles_and_spans_are_real(seed_index, records) -> None:
    _, texts = seed_index
    for record in records:
        quote = record["cot_answer"].split("##begin_quote##")[1].split("##end_quote##")[0]
        assert locate(quote, record["oracle_context"]) is not None
        for source, title, text in zip(record["sources"], record["context"]["title"][0], record["context"]["sentences"][0]):
            assert texts.get(source["file"])[source["start"] : source["end"]] == text and title == source["title"]


def test_hard_distractors_share_a_quantity_with_another_subject(records) -> None:
    hard = [(r, s) for r in records for s in r["sources"] if s["role"] == "hard_distractor"]
    assert hard
    for record, source in hard:
        oracle_quantity = record["question"].split(" does the corpus")[0].removeprefix("What ")
        assert oracle_quantity in source["quantity"]


def test_formats_and_writers(seed_index, records, tmp_path) -> None:
    index, texts = seed_index
    for fmt in FORMATS:
        rows = build_raft_dataset(index, None, p=1.0, distractors=2, seed=0, fmt=fmt, texts=texts, limit=5)
        assert len(rows) == 5
    write_records(records, tmp_path / "raft.jsonl")
    assert json.loads((tmp_path / "raft.jsonl").read_text().splitlines()[0])["id"] == records[0]["id"]
    import pyarrow.parquet as pq

    write_records(records, tmp_path / "raft.parquet")
    assert pq.read_table(tmp_path / "raft.parquet").num_rows == len(records)
    with pytest.raises(RaftError):
        build_raft_dataset(index, None, p=0.5, distractors=1, seed=0, fmt="xml", texts=texts)
