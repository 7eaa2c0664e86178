"""Bad input: every case raises SourceError naming the file (and line where it applies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import SourceError, UnknownFormatError
from ingest.sources import find_source_files, parse_file


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(SourceError, match="nope.txt: no such file"):
        parse_file(missing)
    with pytest.raises(SourceError, match="no such file or directory"):
        find_source_files([missing])


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    with pytest.raises(SourceError, match="empty.txt: empty file"):
        parse_file(empty)


def test_invalid_utf8_names_line(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("first line\nsecond line caf\xe9\n".encode("latin-1"))
    with pytest.raises(SourceError) as error:
        parse_file(bad)
    assert error.value.line == 2 and "latin1.txt:2" in str(error.value) and "UTF-8" in str(error.value)


def test_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"abc\n\x00\x01\x02")
    with pytest.raises(SourceError, match="blob.bin:2: binary content"):
        parse_file(binary)


def test_unknown_format(tmp_path: Path) -> None:
    odd = tmp_path / "list.csv"
    odd.write_text("a,b,c\n1,2,3\n4,5,6\n")
    with pytest.raises(UnknownFormatError, match="list.csv: unknown format"):
        parse_file(odd)


def test_arxiv_id_without_abstract_names_line(tmp_path: Path) -> None:
    dump = tmp_path / "dump.txt"
    dump.write_text("2401.00001\nAn abstract that says something.\n2401.00002\nAnother abstract.\n2401.00003\n")
    with pytest.raises(SourceError, match=r"dump.txt:5: arXiv id 2401.00003 has no abstract"):
        parse_file(dump)


def test_damaged_header_lengths_are_survived(tmp_path: Path, seed_paths) -> None:
    """A listing whose header lost lines, and a dump with a longer header, still parse."""
    listing = seed_paths[1].read_text().split("\n")
    short = tmp_path / "short-header.txt"
    short.write_text("\n".join(listing[10:]))  # starts at the date line
    assert len(parse_file(short).documents) == len(parse_file(seed_paths[1]).documents)
    dump = tmp_path / "long-header.txt"
    dump.write_text("dataset card\nrows: 100\n\n" + seed_paths[2].read_text())
    assert len(parse_file(dump).documents) == len(parse_file(seed_paths[2]).documents)
