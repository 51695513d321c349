"""What a build keeps for the next one (sitegen/memo.py): keys alike in every process, results alike to what
the steps make, and a broken or foreign memo ignored."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

from sitegen import memo
from sitegen.archive import Archive
from sitegen.archive.taxonomy import load_taxonomy
from sitegen.errors import Report
from sitegen.ingest.stage import ingest

KEYS = """
from pathlib import Path
from sitegen.archive import Archive
from sitegen.archive.taxonomy import load_taxonomy
from sitegen.errors import Report
from sitegen.ingest.stage import ingest
from sitegen.memo import key
archive = Archive(Path({!r}))
print(key(load_taxonomy(archive, Report()).source).hex(), key(*ingest(archive, Report()).papers).hex())
""".format(str(ROOT / "archive"))


def test_keys_are_the_same_in_every_process():
    """Strings hash differently in each process: a key must not depend on it (a set's pickle does)."""
    seen = {subprocess.run([sys.executable, "-c", KEYS], env={**os.environ, "PYTHONHASHSEED": seed},
                           capture_output=True, text=True, check=True).stdout for seed in ("1", "2")}
    assert len(seen) == 1


def test_a_kept_read_is_what_reading_gives_and_says_the_same(tmp_path):
    archive = Archive(ROOT / "archive")
    first, second = Report(), Report()
    read = ingest(archive, first, tmp_path)
    assert (tmp_path / "memo-listings.pickle").is_file()
    again = ingest(archive, second, tmp_path)
    assert again == read and second.problems == first.problems
    assert again == ingest(archive, Report())  # no memo at all


def test_a_broken_or_foreign_memo_is_ignored(tmp_path, monkeypatch):
    archive = Archive(ROOT / "archive")
    expected = ingest(archive, Report())
    (tmp_path / "memo-listings.pickle").write_bytes(b"not a pickle")
    assert ingest(archive, Report(), tmp_path) == expected
    monkeypatch.setattr(memo, "code_digest", lambda: "another version of sitegen")
    kept = memo.Memo(tmp_path, "listings")
    assert kept.old == {}  # written by another version: started afresh
    assert load_taxonomy(archive, Report()).source  # the taxonomy's source is what keys annotations
