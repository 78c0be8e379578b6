"""Flat tables (pandas: CSV, Parquet) and an Elasticsearch/OpenSearch `_bulk` file.

One flattening serves `tongbao tables` (all records in one table) and
`tongbao export` (one table per kind of row): every row carries its document's
`doc_id`, `title` and `date`; lists and the `scores` mapping become JSON text so
that CSV and Parquet hold the same values.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from .writer import dumps

KINDS = ("sections", "records", "entities", "commitments", "flags")
DOC_COLUMNS = ("doc_id", "title", "date")  # carried by every row of every table
# columns of each kind, in contract order (commitments may carry the extra speaker_full)
COLUMNS = {
    "sections": ["id", "type", "start", "end", "heading", "speaker", "related", "text"],
    "records": ["table", "group", "seq", "unit", "unit_full", "score", "scores", "rank", "grade",
                "marks", "notes", "start", "end"],
    "entities": ["type", "text", "start", "end", "norm"],
    "commitments": ["speaker", "speaker_full", "section", "text", "start", "end", "trigger"],
    "flags": ["code", "message", "start", "end"],
}
DOCUMENT_COLUMNS = ["doc_id", "source", "encoding", "genre", "title", "doc_number", "issuer",
                    "recipients", "date", "attachments", "cc"]
# integer columns that may be empty: kept as integers, not floats, in both formats
NULLABLE_INTS = {"start", "end", "seq", "rank", "ord"}


def _flat(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for col in columns:
        if col in NULLABLE_INTS:
            frame[col] = frame[col].astype("Int64")
    return frame


def flatten(docs: Iterable[dict], kind: str) -> pd.DataFrame:
    """One row per item of `kind` (records, sections …) of every document, or per document."""
    if kind == "documents":
        rows = [{c: _flat(d.get(c)) for c in DOCUMENT_COLUMNS}
                | {f"n_{k}": len(d.get(k) or []) for k in KINDS} for d in docs]
        return _frame(rows, DOCUMENT_COLUMNS + [f"n_{k}" for k in KINDS])
    columns = list(COLUMNS[kind])
    head = ["doc_id", "doc_title", "doc_date", "ord"]
    rows = []
    for d in docs:
        for i, item in enumerate(d.get(kind) or []):
            row = {"doc_id": d["doc_id"], "doc_title": d.get("title"), "doc_date": d.get("date"),
                   "ord": i}
            row.update({c: _flat(item.get(c)) for c in columns})
            rows.append(row)
    return _frame(rows, head + columns)


def records_frame(docs: Iterable[dict]) -> pd.DataFrame:
    """All records as one flat table (what `tongbao tables` writes)."""
    return flatten(docs, "records")


def write_frame(frame: pd.DataFrame, path: Path) -> Path:
    """CSV (UTF-8 with BOM, so that spreadsheet programs read the Chinese) or Parquet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def write_tables(docs: list[dict], out: Path, fmt: str) -> Iterable[tuple[str, Path, int]]:
    """One file per table (documents, sections, records …); yields (name, path, row count)."""
    for kind in ("documents", *KINDS):
        frame = flatten(docs, kind)
        yield kind, write_frame(frame, out / f"{kind}.{fmt}"), len(frame)


# --- Elasticsearch / OpenSearch ---------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")


def bulk_sources(doc: dict) -> Iterable[tuple[str, dict]]:
    """(id, source) for each section and commitment of a document."""
    date = doc.get("date")
    common = {"doc_id": doc["doc_id"], "source": doc.get("source"), "genre": doc.get("genre"),
              "title": doc.get("title"), "doc_number": doc.get("doc_number"),
              "date": date if date and _ISO_DATE.match(date) else None, "date_printed": date}
    sections = {s["id"]: s for s in doc.get("sections") or []}
    for s in doc.get("sections") or []:
        yield f"{doc['doc_id']}:{s['id']}", common | {
            "kind": "section", "section": s["id"], "type": s.get("type"), "heading": s.get("heading"),
            "speaker": s.get("speaker"), "related": s.get("related"),
            "start": s["start"], "end": s["end"], "text": s.get("text")}
    for i, c in enumerate(doc.get("commitments") or []):
        section = sections.get(c.get("section")) or {}
        yield f"{doc['doc_id']}:c{i}", common | {
            "kind": "commitment", "section": c.get("section"), "type": section.get("type"),
            "speaker": c.get("speaker"), "speaker_full": c.get("speaker_full") or c.get("speaker"),
            "trigger": c.get("trigger"), "start": c["start"], "end": c["end"], "text": c.get("text")}


def write_bulk(docs: Iterable[dict], path: Path, index: str = "tongbao") -> tuple[Path, int]:
    """NDJSON for `_bulk`: an `index` action line then its source line; returns (path, pairs)."""
    pairs = 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            for _id, source in bulk_sources(doc):
                fh.write(dumps({"index": {"_index": index, "_id": _id}}) + "\n")
                fh.write(dumps(source) + "\n")
                pairs += 1
    return path, pairs


ANALYSERS = {
    # elasticsearch-analysis-ik: fine-grained words when indexing, coarse when searching
    "ik": {"analyzer": "ik_max_word", "search_analyzer": "ik_smart"},
    # the analysis-smartcn plugin shipped with Elasticsearch and OpenSearch
    "smartcn": {"analyzer": "smartcn"},
}


def index_mapping(analyser: str = "ik") -> dict:
    """The index body (mappings) for the bulk file, Chinese text analysed by `ik` or `smartcn`."""
    chinese = {"type": "text", **ANALYSERS[analyser]}
    keyword = {"type": "keyword"}
    return {"mappings": {"properties": {
        "kind": keyword, "doc_id": keyword, "source": keyword, "genre": keyword,
        "title": {**chinese, "fields": {"raw": keyword}},
        "doc_number": keyword,
        "date": {"type": "date", "format": "yyyy-MM-dd"}, "date_printed": keyword,
        "section": keyword, "type": keyword,
        "heading": chinese,
        "speaker": {**chinese, "fields": {"raw": keyword}},
        "speaker_full": keyword, "trigger": keyword, "related": {"type": "boolean"},
        "start": {"type": "integer"}, "end": {"type": "integer"},
        "text": chinese,
    }}}
