"""Windows line endings change no structure: a CRLF copy of every real text gives
the same sections, records, commitments and fields (offsets shift, types don't)."""
from __future__ import annotations

import pytest

from pipeline.schema import problems

from .conftest import SHARED, needs_shared


@needs_shared
@pytest.mark.parametrize("path", [p for sub in ("corpus", "web/corpus") for p in sorted((SHARED / sub).glob("*.txt"))],
                         ids=lambda p: p.stem)
def test_a_crlf_copy_has_the_same_structure(path, pipeline):
    raw = path.read_text(encoding="utf-8-sig")
    crlf = raw.replace("\n", "\r\n")
    a = pipeline.process_text(raw).to_dict()
    b = pipeline.process_text(crlf).to_dict()
    assert problems(b, crlf) == []
    assert [s["type"] for s in b["sections"]] == [s["type"] for s in a["sections"]]
    assert [(r["unit"], r["score"], r["rank"], r["grade"]) for r in b["records"]] == \
        [(r["unit"], r["score"], r["rank"], r["grade"]) for r in a["records"]]
    assert len(b["commitments"]) == len(a["commitments"])
    for key in ("genre", "title", "doc_number", "issuer", "recipients", "date", "attachments", "cc"):
        assert b[key] == a[key], key
