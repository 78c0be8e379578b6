"""The research store: indexing, unit identity, full text for Chinese, queries, the CLI."""
from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from pipeline import query, store
from pipeline.cli import main
from pipeline.model import doc_id_of
from pipeline.writer import dumps

from .conftest import needs_shared, processed, real_files, sample_files

# --- a small two-document fixture, offsets sliced from its own raw text --------------------------

def span(raw: str, text: str) -> tuple[int, int]:
    start = raw.index(text)
    return start, start + len(text)


def make_doc(raw: str, source: str, date: str | None, title: str, sections=(), records=(),
             entities=(), commitments=()) -> dict:
    doc = {"doc_id": doc_id_of(raw.encode()), "source": source, "encoding": "utf-8",
           "genre": "notice", "title": title, "doc_number": None, "issuer": [], "recipients": [],
           "date": date, "attachments": [], "cc": [], "sections": [], "records": [],
           "entities": [], "commitments": [], "flags": []}
    for i, (kind, text, extra) in enumerate(sections, 1):
        s, e = span(raw, text)
        doc["sections"].append({"id": f"s{i}", "type": kind, "start": s, "end": e, "heading": None,
                                "speaker": extra.get("speaker"), "related": None, "text": text})
    for table, group, unit, unit_full, score, rank, grade in records:
        s, e = span(raw, unit)
        doc["records"].append({"table": table, "group": group, "seq": None, "unit": unit,
                               "unit_full": unit_full, "score": score, "scores": {"总分": score},
                               "rank": rank, "grade": grade, "marks": [], "notes": [],
                               "start": s, "end": e})
    for kind, text, norm in entities:
        s, e = span(raw, text)
        doc["entities"].append({"type": kind, "text": text, "start": s, "end": e, "norm": norm})
    for speaker, speaker_full, section, text, trigger in commitments:
        s, e = span(raw, text)
        c = {"speaker": speaker, "section": section, "text": text, "start": s, "end": e,
             "trigger": trigger}
        if speaker_full:
            c["speaker_full"] = speaker_full
        doc["commitments"].append(c)
    return doc


NOTICE = ("衡阳市创建全国文明城市工作2023年上半年考核结果通报\n"
          "根据《考核办法》（衡创〔2023〕3 号）文件精神，现将考核结果通报如下。\n"
          "市直单位 市民政局 95.5 1 红旗\n市中心医院 80.0 2 差\n")
PLEDGE = ("关于2024年度预算绩效管理工作综合评价结果的通报\n"
          "衡阳市中心医院 良好\n"
          "衡阳市中心医院表态发言：我们将立行立改，抓好问题整改。全面提升服务水平。\n"
          "市民政局表态发言：我们将持续巩固创文成果，坚决贯彻落实各项部署。\n")


def fixture_docs() -> list[dict]:
    a = make_doc(
        NOTICE, "a/notice.txt", "2023-09-28", "衡阳市创建全国文明城市工作2023年上半年考核结果通报",
        sections=[("notice_header", NOTICE.splitlines()[0], {}),
                  ("notice_body", NOTICE.splitlines()[1], {}),
                  ("table", "市直单位 市民政局 95.5 1 红旗\n市中心医院 80.0 2 差", {})],
        records=[("s3", "市直单位", "市民政局", "衡阳市民政局", 95.5, 1, "红旗"),
                 ("s3", "市直单位", "市中心医院", "衡阳市中心医院", 80.0, 2, "差")],
        entities=[("DOC_NUMBER", "衡创〔2023〕3 号", "衡创〔2023〕3号"),
                  ("ORG", "市中心医院", "衡阳市中心医院")])
    lines = PLEDGE.splitlines()
    b = make_doc(
        PLEDGE, "b/pledge.txt", "2025-04-01", "关于2024年度预算绩效管理工作综合评价结果的通报",
        sections=[("notice_header", lines[0], {}), ("table", lines[1], {}),
                  ("pledge_speech", lines[2], {"speaker": "衡阳市中心医院"}),
                  ("pledge_speech", lines[3], {"speaker": "市民政局"})],
        records=[("s2", None, "衡阳市中心医院", "衡阳市中心医院", None, None, "良好")],
        commitments=[("衡阳市中心医院", None, "s3", "我们将立行立改，抓好问题整改。", "我们将"),
                     ("衡阳市中心医院", None, "s3", "全面提升服务水平。", None),
                     ("市民政局", "衡阳市民政局", "s4", "我们将持续巩固创文成果，坚决贯彻落实各项部署。",
                      "我们将")])
    return [a, b]


def write_jsonl(path, docs) -> str:
    path.write_text("".join(dumps(d) + "\n" for d in docs), encoding="utf-8")
    return str(path)


@pytest.fixture
def db(tmp_path):
    conn = store.connect(tmp_path / "t.db")
    store.index_documents(conn, fixture_docs())
    yield conn
    conn.close()


# --- capabilities ---------------------------------------------------------------------------------

def test_sqlite_here_has_fts5_trigram_and_the_store_uses_both_tables(db):
    assert sqlite3.sqlite_version_info >= (3, 34)
    assert store.fts_support(db) == {"trigram": True, "unicode61": True}
    assert store.fts_tables(db) == {"fts_chars", "fts_words"}


# --- full text for Chinese -----------------------------------------------------------------------

def test_trigram_alone_misses_two_character_words_and_the_word_table_fills_the_gap(db):
    assert db.execute("SELECT COUNT(*) FROM fts_chars WHERE fts_chars MATCH '\"整改\"'").fetchone()[0] == 0
    rows = query.commitments(db, keyword="整改")
    assert [r["text"] for r in rows] == ["我们将立行立改，抓好问题整改。"]


def test_four_character_keyword_finds_the_right_commitment(db):
    rows = query.commitments(db, keyword="立行立改")
    assert [(r["speaker"], r["text"]) for r in rows] == [("衡阳市中心医院", "我们将立行立改，抓好问题整改。")]
    assert [r["speaker"] for r in query.commitments(db, keyword="创文成果")] == ["市民政局"]


def test_two_character_keyword_inside_a_longer_word_is_found(db):
    # jieba keeps 贯彻落实 as one word; its character pairs make 落实 findable
    assert "贯彻落实" in store.words_form("坚决贯彻落实各项部署").split()
    assert [r["speaker"] for r in query.commitments(db, keyword="落实")] == ["市民政局"]
    assert query.commitments(db, keyword="彻落") != []  # a pair inside a word
    assert query.commitments(db, keyword="好问") == []  # not across words: 抓好 问题


def test_keywords_are_anded_and_mixed_lengths_work(db):
    assert [r["text"] for r in query.commitments(db, keyword="整改 立行立改")] == \
        ["我们将立行立改，抓好问题整改。"]
    assert query.commitments(db, keyword="整改 创文成果") == []


def test_search_finds_sections_across_line_breaks_and_spaces_with_snippets(db):
    hits = query.search(db, "衡创〔2023〕3号")
    assert [(h["kind"], h["ref"]) for h in hits] == [("section", fixture_docs()[0]["doc_id"] + ":s2")]
    assert "【衡创〔2023〕3号】" in hits[0]["snippet"]
    # full-width forms of the query match the folded index
    assert [h["ref"] for h in query.search(db, "衡创〔２０２３〕３号")] == [hits[0]["ref"]]


def test_search_without_fts5_falls_back_to_scanning(db):
    expected = [(h["kind"], h["ref"]) for h in query.search(db, "整改")]
    assert expected
    db.execute("DROP TABLE fts_chars")
    db.execute("DROP TABLE fts_words")
    assert [(h["kind"], h["ref"]) for h in query.search(db, "整改")] == expected
    assert [r["text"] for r in query.commitments(db, keyword="立行立改")] == \
        ["我们将立行立改，抓好问题整改。"]


# --- unit identity ----------------------------------------------------------------------------

def test_a_unit_named_differently_in_two_documents_is_one_unit(db):
    a, b = (d["doc_id"] for d in fixture_docs())
    for name in ("衡阳市中心医院", "市中心医院"):
        rows = query.unit_history(db, name)
        assert {r["doc_id"] for r in rows} == {a, b}
        assert [(r["doc_id"], r["kind"], r["printed"], r["rank"], r["of"], r["grade"])
                for r in rows if r["kind"] == "record"] == \
            [(a, "record", "市中心医院", 2, 2, "差"), (b, "record", "衡阳市中心医院", None, None, "良好")]
        assert [r["text"] for r in rows if r["kind"] == "commitment"] == \
            ["我们将立行立改，抓好问题整改。", "全面提升服务水平。"]
        assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_entity_norm_and_commitment_speaker_full_share_the_unit_id(db):
    (uid,) = query.unit_ids(db, "衡阳市中心医院")
    assert db.execute("SELECT unit_id FROM entities WHERE type = 'ORG'").fetchone()[0] == uid
    assert query.unit_ids(db, "市民政局") == query.unit_ids(db, "衡阳市民政局")
    (rec,) = query.records(db, unit="市民政局")
    (com,) = query.commitments(db, speaker="市民政局")
    assert rec["unit_id"] == com["unit_id"] and com["speaker_full"] == "衡阳市民政局"


def test_unknown_unit_gives_nothing_and_a_part_of_a_name_finds_the_units(db):
    assert query.unit_history(db, "不存在的单位") == []
    assert len(query.unit_ids(db, "中心医院")) == 1


# --- idempotent indexing -------------------------------------------------------------------------

def test_reindexing_the_same_documents_twice_keeps_row_counts(db):
    before = store.counts(db)
    assert before["records"] == 3 and before["commitments"] == 3 and before["fts_chars"] == 10
    assert store.index_documents(db, fixture_docs()) == {"unchanged": 2}
    assert store.counts(db) == before
    # new pipeline output for the same file replaces its rows one for one
    changed = fixture_docs()
    changed[1]["commitments"][0]["trigger"] = "立行立改"
    assert store.index_documents(db, changed) == {"replaced": 1, "unchanged": 1}
    assert store.counts(db) == before
    assert query.commitments(db, keyword="整改")[0]["trigger"] == "立行立改"


def test_a_changed_file_at_the_same_path_replaces_the_old_document(db):
    before = store.counts(db)
    a = fixture_docs()[0]
    newer = make_doc(NOTICE + "补充说明。\n", a["source"], a["date"], a["title"],
                     records=[("s1", None, "市民政局", "衡阳市民政局", 90.0, 1, None)])
    assert store.index_documents(db, [newer]) == {"replaced": 1}
    ids = {r[0] for r in db.execute("SELECT doc_id FROM documents")}
    assert a["doc_id"] not in ids and newer["doc_id"] in ids
    after = store.counts(db)
    assert after["documents"] == before["documents"]
    assert after["records"] == before["records"] - 1
    # the DOC_NUMBER entity and the hospital's record in the old notice are gone
    assert after["entities"] == 0 and {r["doc_id"] for r in query.records(db, unit="市中心医院")} \
        == {fixture_docs()[1]["doc_id"]}


def test_a_store_file_survives_reopening(tmp_path):
    path = tmp_path / "x.db"
    conn = store.connect(path)
    store.index_documents(conn, fixture_docs())
    before = store.counts(conn)
    conn.close()
    conn = store.connect(path)
    assert store.counts(conn) == before
    assert store.index_documents(conn, fixture_docs()) == {"unchanged": 2}


# --- the queries --------------------------------------------------------------------------------

def test_records_filters(db):
    assert [r["unit"] for r in query.records(db, grade="差")] == ["市中心医院"]
    assert [r["unit"] for r in query.records(db, rank=1)] == ["市民政局"]
    assert [r["unit"] for r in query.records(db, last=True)] == ["市中心医院"]
    assert len(query.records(db, document="预算绩效")) == 1
    assert len(query.records(db, document=fixture_docs()[0]["doc_id"][:6])) == 2


def test_commitment_filters(db):
    assert len(query.commitments(db, since="2025", until="2025")) == 3
    assert query.commitments(db, since="2023", until="2024-12") == []
    assert len(query.commitments(db, section_type="pledge_speech")) == 3
    assert query.commitments(db, section_type="news") == []
    assert len(query.commitments(db, region="衡阳")) == 3
    assert query.commitments(db, region="邵阳") == []
    # what did the units ranked last promise?
    assert [r["unit"] for r in query.commitments(db, ranked_last=True)] == ["衡阳市中心医院"] * 2
    assert query.commitments(db, ranked_last=True, since="2024") == []


def test_citing_finds_the_notice_that_cites_a_number_printed_with_a_space(db):
    rows = query.citing(db, "衡创〔2023〕3号")
    assert [(r["doc_id"], r["found_by"], r["text"]) for r in rows] == \
        [(fixture_docs()[0]["doc_id"], "entity", "衡创〔2023〕3 号")]


# --- the CLI --------------------------------------------------------------------------------------

def test_cli_index_and_query(tmp_path):
    src = write_jsonl(tmp_path / "documents.jsonl", fixture_docs())
    dbfile = str(tmp_path / "cli.db")
    runner = CliRunner()
    first = runner.invoke(main, ["index", src, "--db", dbfile])
    assert first.exit_code == 0, first.output
    assert "2 new" in first.output
    again = runner.invoke(main, ["index", src, "--db", dbfile])
    assert "2 unchanged" in again.output
    out = runner.invoke(main, ["query", "units", "市中心医院", "--db", dbfile, "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {r["doc_id"] for r in rows} == {d["doc_id"] for d in fixture_docs()}
    table = runner.invoke(main, ["query", "commitments", "--keyword", "整改", "--db", dbfile])
    assert table.exit_code == 0 and "立行立改" in table.output and "创文成果" not in table.output
    hits = runner.invoke(main, ["query", "search", "衡创〔2023〕3号", "--db", dbfile, "--json"])
    assert json.loads(hits.output)[0]["ref"].endswith(":s2")
    recs = runner.invoke(main, ["query", "records", "--last", "--db", dbfile, "--json"])
    assert [r["unit"] for r in json.loads(recs.output)] == ["市中心医院"]
    missing = runner.invoke(main, ["query", "units", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0


# --- the real documents ------------------------------------------------------------------------

def real_output(tmp_path) -> str:
    docs = [processed(str(p))[0] for p in [*real_files(), *sample_files()]]
    return write_jsonl(tmp_path / "documents.jsonl", docs)


@needs_shared
def test_real_output_reindexes_idempotently_and_search_agrees_with_the_text(tmp_path):
    path = real_output(tmp_path)
    docs = list(store.read_documents(path))
    conn = store.connect(tmp_path / "real.db")
    assert store.index_documents(conn, docs)["new"] == len(docs)
    before = store.counts(conn)
    assert before["documents"] == len(docs) >= 5
    assert before["records"] == sum(len(d["records"]) for d in docs)
    assert before["fts_words"] == before["fts_chars"] == \
        sum(len(d["sections"]) + len(d["commitments"]) for d in docs)
    store.index_documents(conn, docs)
    conn.execute("UPDATE documents SET content_hash = ''")  # force a full replace
    assert store.index_documents(conn, docs) == {"replaced": len(docs)}
    assert store.counts(conn) == before
    # search finds exactly the sections whose text holds the phrase
    for phrase in ("文明城市", "考核结果"):
        expected = {f"{d['doc_id']}:{s['id']}" for d in docs for s in d["sections"]
                    if phrase in store.search_form(s["text"])}
        assert {h["ref"] for h in query.search(conn, phrase, kind="section")} == expected
    # every record can be found from its unit's full name and from the name as printed
    for d in docs:
        for r in d["records"]:
            for name in {r["unit_full"], r["unit"]} - {""}:
                history = query.unit_history(conn, name)
                assert any(h["doc_id"] == d["doc_id"] and h["kind"] == "record" and
                           h["printed"] == r["unit"] for h in history), name


@needs_shared
def test_real_commitments_found_by_two_and_four_character_keywords(tmp_path):
    docs = list(store.read_documents(real_output(tmp_path)))
    conn = store.connect(tmp_path / "real.db")
    store.index_documents(conn, docs)
    found_any = False
    for keyword in ("整改", "落实", "问题整改", "创文工作"):
        expected = {f"{d['doc_id']}:c{i}" for d in docs for i, c in enumerate(d["commitments"])
                    if keyword in store.search_form(c["text"])}
        assert {r["id"] for r in query.commitments(conn, keyword=keyword)} == expected, keyword
        found_any |= bool(expected)
    if any(d["commitments"] for d in docs):
        assert found_any


@needs_shared
def test_real_unit_history_and_citation_across_the_hengyang_notices(tmp_path):
    docs = list(store.read_documents(real_output(tmp_path)))
    conn = store.connect(tmp_path / "real.db")
    store.index_documents(conn, docs)
    notice_2023, notice_2025 = (doc_id_of(p.read_bytes()) for p in real_files()[0:3:2])
    rows = query.unit_history(conn, "衡阳市中心医院")
    printed = {(r["doc_id"], r["printed"]) for r in rows if r["kind"] == "record"}
    assert printed == {(notice_2023, "市中心医院"), (notice_2025, "衡阳市中心医院")}
    assert {r["doc_id"] for r in query.citing(conn, "衡创〔2023〕3号")} == {notice_2023}
