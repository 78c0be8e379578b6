"""Every output document keeps the contract: it validates, sections tile the raw
text, every entity slices back exactly."""
from __future__ import annotations

import pytest

from pipeline.schema import problems

from .conftest import processed, real_files, sample_files

ALL = real_files("corpus") + real_files("web/corpus") + sample_files()


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_document_keeps_the_contract(path):
    doc, raw = processed(str(path))
    assert problems(doc, raw) == []
    assert doc["sections"], "a non-empty document has sections"


def test_there_are_documents_to_check():
    assert len(sample_files()) >= 4


def test_problems_catches_a_gap_and_a_bad_entity():
    raw = "甲乙丙丁"
    doc = {"doc_id": "0" * 16, "source": "x", "genre": "notice", "title": None, "doc_number": None,
           "issuer": [], "recipients": [], "date": None, "attachments": [], "cc": [],
           "sections": [{"id": "s1", "type": "other", "start": 0, "end": 2, "heading": None,
                         "speaker": None, "related": None, "text": "甲乙"}],
           "records": [], "commitments": [], "flags": [],
           "entities": [{"type": "ORG", "text": "乙丙", "start": 0, "end": 2, "norm": None}]}
    found = problems(doc, raw)
    assert any("sections end at 2" in p for p in found)
    assert any("does not slice back" in p for p in found)
