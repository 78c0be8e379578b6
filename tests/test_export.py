"""Flat tables (CSV, Parquet) and the Elasticsearch/OpenSearch bulk file."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline import export, store
from pipeline.cli import main

from .conftest import ROOT, needs_shared
from .test_store import PLEDGE, fixture_docs, real_output, write_jsonl


@pytest.fixture
def jsonl(tmp_path):
    return write_jsonl(tmp_path / "documents.jsonl", fixture_docs())


def test_tables_writes_every_record_with_its_document_as_csv_and_parquet(tmp_path, jsonl):
    docs = fixture_docs()
    runner = CliRunner()
    for name in ("rows.csv", "rows.parquet"):
        result = runner.invoke(main, ["tables", jsonl, "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        frame = (pd.read_csv(tmp_path / name, encoding="utf-8-sig") if name.endswith(".csv")
                 else pd.read_parquet(tmp_path / name))
        assert len(frame) == sum(len(d["records"]) for d in docs) == 3
        assert list(frame.columns[:3]) == ["doc_id", "doc_title", "doc_date"]
        first = frame.iloc[1]
        assert (first["doc_id"], first["doc_date"], first["unit"], first["unit_full"]) == \
            (docs[0]["doc_id"], "2023-09-28", "市中心医院", "衡阳市中心医院")
        assert first["rank"] == 2 and first["score"] == 80.0
        assert json.loads(first["scores"]) == {"总分": 80.0}
        assert pd.isna(frame.iloc[2]["rank"])  # an empty rank stays empty, not 0


def test_tables_refuses_an_unknown_extension(tmp_path, jsonl):
    result = CliRunner().invoke(main, ["tables", jsonl, "--out", str(tmp_path / "rows.xlsx")])
    assert result.exit_code == 2 and ".parquet" in result.output


def test_export_writes_one_table_per_kind_sharing_the_flattening(tmp_path, jsonl):
    out = tmp_path / "flat"
    result = CliRunner().invoke(main, ["export", jsonl, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    docs = fixture_docs()
    for kind in export.KINDS:
        frame = pd.read_csv(out / f"{kind}.csv", encoding="utf-8-sig")
        assert len(frame) == sum(len(d[kind]) for d in docs)
    documents = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    assert list(documents["doc_id"]) == [d["doc_id"] for d in docs]
    assert list(documents["n_commitments"]) == [0, 3]
    # `tables` and `export` write the same records table
    CliRunner().invoke(main, ["tables", jsonl, "--out", str(tmp_path / "rows.csv")])
    assert (out / "records.csv").read_bytes() == (tmp_path / "rows.csv").read_bytes()
    commitments = pd.read_csv(out / "commitments.csv", encoding="utf-8-sig")
    assert list(commitments["speaker_full"].fillna("")) == ["", "", "衡阳市民政局"]


def check_bulk(path, docs, index="tongbao"):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) % 2 == 0
    expected = sum(len(d["sections"]) + len(d["commitments"]) for d in docs)
    assert len(lines) == 2 * expected
    ids = set()
    by_id = {d["doc_id"]: d for d in docs}
    for action_line, source_line in zip(lines[::2], lines[1::2]):
        action, source = json.loads(action_line), json.loads(source_line)
        assert list(action) == ["index"] and action["index"]["_index"] == index
        ids.add(action["index"]["_id"])
        assert source["doc_id"] in by_id and source["kind"] in ("section", "commitment")
        assert isinstance(source["start"], int) and isinstance(source["end"], int)
        assert 0 <= source["start"] <= source["end"]
        assert action["index"]["_id"].startswith(source["doc_id"] + ":")
    assert len(ids) == expected  # stable, distinct ids: loading twice overwrites


def test_bulk_file_pairs_parse_and_carry_doc_id_and_offsets(tmp_path, jsonl):
    result = CliRunner().invoke(main, ["export", jsonl, "--format", "bulk", "--index", "cn"])
    assert result.exit_code == 0, result.output
    docs = fixture_docs()
    check_bulk(tmp_path / "bulk.ndjson", docs, "cn")
    sources = [json.loads(x) for x in (tmp_path / "bulk.ndjson").read_text().splitlines()[1::2]]
    commitment = next(s for s in sources if s["kind"] == "commitment")
    assert PLEDGE[commitment["start"]:commitment["end"]] == commitment["text"]
    assert commitment["type"] == "pledge_speech" and commitment["date"] == "2025-04-01"


def test_bulk_keeps_a_partial_date_out_of_the_date_field(tmp_path):
    doc = fixture_docs()[0] | {"date": "--09-28"}
    sources = [s for _, s in export.bulk_sources(doc)]
    assert {(s["date"], s["date_printed"]) for s in sources} == {(None, "--09-28")}


def test_mapping_in_the_researchers_guide_is_the_one_the_cli_prints():
    guide = (ROOT / "docs" / "researchers.md").read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", guide, re.S)]
    mappings = [b for b in blocks if "mappings" in b]
    assert export.index_mapping("ik") in mappings
    assert mappings[0]["mappings"]["properties"]["text"]["analyzer"] == "ik_max_word"


def test_export_mapping_option_prints_the_mapping(jsonl):
    result = CliRunner().invoke(main, ["export", jsonl, "--mapping", "smartcn"])
    assert result.exit_code == 0
    assert json.loads(result.output) == export.index_mapping("smartcn")
    assert json.loads(result.output)["mappings"]["properties"]["text"]["analyzer"] == "smartcn"


@needs_shared
def test_real_output_exports_and_bulk(tmp_path):
    path = real_output(tmp_path)
    docs = list(store.read_documents(path))
    result = CliRunner().invoke(main, ["export", path, "--format", "bulk"])
    assert result.exit_code == 0, result.output
    check_bulk(tmp_path / "bulk.ndjson", docs)
    result = CliRunner().invoke(main, ["export", path, "--format", "parquet", "--out",
                                       str(tmp_path / "pq")])
    assert result.exit_code == 0, result.output
    for kind in export.KINDS:
        frame = pd.read_parquet(tmp_path / "pq" / f"{kind}.parquet")
        assert len(frame) == sum(len(d[kind]) for d in docs)
        assert frame["doc_id"].isin({d["doc_id"] for d in docs}).all()
    rows = pd.read_parquet(tmp_path / "pq" / "records.parquet")
    assert rows["rank"].dropna().astype(int).tolist() == \
        [r["rank"] for d in docs for r in d["records"] if r["rank"] is not None]
