"""The research store: documents.jsonl indexed into one SQLite file (no server).

Every row has an id that depends only on the document and the row's place in it
(`<doc_id>:s3`, `<doc_id>:r12`, `<doc_id>:c4` …), so indexing the same output
again replaces rows one for one: row counts do not change.  A document is
replaced when its content changes (same `doc_id`, new pipeline output) or when
its `source` path now holds a different file (new `doc_id`, same `source`).

Units get one identity across documents: records (`unit_full`), ORG entities
(`norm`) and commitment speakers (`speaker_full`, else `speaker`) that name the
same unit share a `unit_id`, derived from the folded, space-free name, so that
a unit's history is one query.

Full text: section and commitment text, folded and without spaces, goes into two
FTS5 tables.  `fts_chars` uses the `trigram` tokenizer (any substring of three
or more characters); `fts_words` holds the same text cut into words by
`pipeline.segmenter.cut` (plus the character pairs of longer words), which
finds the one- and two-character words (`整改`) that trigrams cannot.  Without FTS5 (SQLite < 3.34 has no trigram)
the store still works and search falls back to LIKE scans.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

import regex

from .normalise import fold

SCHEMA_VERSION = 2  # bump when the tables or the indexed text change: stores rebuild

TABLES = """
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT PRIMARY KEY, source TEXT, genre TEXT, title TEXT, doc_number TEXT,
  issuer TEXT, recipients TEXT, date TEXT, attachments TEXT, cc TEXT,
  content_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_date ON documents(date);

CREATE TABLE IF NOT EXISTS units (unit_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
-- every surface form a unit was printed as (市中心医院 for 衡阳市中心医院)
CREATE TABLE IF NOT EXISTS unit_aliases (
  doc_id TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
  unit_id TEXT NOT NULL, alias TEXT NOT NULL, PRIMARY KEY (doc_id, unit_id, alias));
CREATE INDEX IF NOT EXISTS unit_aliases_alias ON unit_aliases(alias);

CREATE TABLE IF NOT EXISTS sections (
  id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
  sid TEXT NOT NULL, ord INTEGER, type TEXT, start INTEGER, end INTEGER,
  heading TEXT, speaker TEXT, related INTEGER, text TEXT);
CREATE INDEX IF NOT EXISTS sections_doc ON sections(doc_id, sid);

CREATE TABLE IF NOT EXISTS records (
  id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
  ord INTEGER, table_sid TEXT, group_name TEXT, seq INTEGER, unit TEXT, unit_full TEXT,
  unit_id TEXT, score REAL, scores TEXT, rank INTEGER, grade TEXT, marks TEXT, notes TEXT,
  start INTEGER, end INTEGER);
CREATE INDEX IF NOT EXISTS records_doc ON records(doc_id);
CREATE INDEX IF NOT EXISTS records_unit ON records(unit_id);

CREATE TABLE IF NOT EXISTS entities (
  id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
  ord INTEGER, type TEXT, text TEXT, start INTEGER, end INTEGER, norm TEXT, unit_id TEXT);
CREATE INDEX IF NOT EXISTS entities_doc ON entities(doc_id);
CREATE INDEX IF NOT EXISTS entities_unit ON entities(unit_id);
CREATE INDEX IF NOT EXISTS entities_type_norm ON entities(type, norm);

CREATE TABLE IF NOT EXISTS commitments (
  id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
  ord INTEGER, section_sid TEXT, speaker TEXT, speaker_full TEXT, unit_id TEXT,
  text TEXT, start INTEGER, end INTEGER, trigger TEXT);
CREATE INDEX IF NOT EXISTS commitments_doc ON commitments(doc_id);
CREATE INDEX IF NOT EXISTS commitments_unit ON commitments(unit_id);

CREATE TABLE IF NOT EXISTS flags (
  id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents ON DELETE CASCADE,
  ord INTEGER, code TEXT, message TEXT, start INTEGER, end INTEGER);
CREATE INDEX IF NOT EXISTS flags_doc ON flags(doc_id);

-- rows ranked last within their table and group (for "what did the last promise")
CREATE VIEW IF NOT EXISTS last_ranked AS
  SELECT r.* FROM records r JOIN (
    SELECT doc_id, table_sid, group_name, MAX(rank) AS worst FROM records
    WHERE rank IS NOT NULL GROUP BY doc_id, table_sid, group_name) g
  ON r.doc_id = g.doc_id AND r.table_sid IS g.table_sid AND r.group_name IS g.group_name
  AND r.rank = g.worst;
"""

FTS_TABLES = {  # name -> tokenizer
    "fts_chars": "trigram",
    "fts_words": "unicode61",
}

CHILD_TABLES = ("sections", "records", "entities", "commitments", "flags", "unit_aliases")


# --- text forms -------------------------------------------------------------------------------

def search_form(text: str | None) -> str:
    """Folded (half-width, simplified) text without whitespace: what FTS indexes and queries use."""
    return "".join(fold(text or "").split())


def unit_key(name: str | None) -> str:
    """The identity of a unit name: `衡阳市 中心医院` and `衡陽市中心醫院` are one unit."""
    return search_form(name)


def unit_id_of(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


_HAN_WORD = regex.compile(r"\p{Han}{3,}")


def words_form(text: str) -> str:
    """Space-separated words of the search form, for the `fts_words` table.

    A word of three or more Chinese characters is followed by its character
    pairs, so that a two-character query finds `落实` inside `贯彻落实` too.
    """
    from .segmenter import cut
    out = []
    for word in cut(search_form(text)):
        if word.strip():
            out.append(word)
            if _HAN_WORD.fullmatch(word):
                out.extend(word[i:i + 2] for i in range(len(word) - 1))
    return " ".join(out)


# --- connection and capabilities ------------------------------------------------------------

def fts_support(conn: sqlite3.Connection) -> dict[str, bool]:
    """Which FTS5 tokenizers this SQLite build offers (trigram needs SQLite >= 3.34)."""
    found = {}
    for tokenizer in set(FTS_TABLES.values()):
        try:
            conn.execute(f"CREATE VIRTUAL TABLE temp._probe USING fts5(x, tokenize='{tokenizer}')")
            conn.execute("DROP TABLE temp._probe")
            found[tokenizer] = True
        except sqlite3.OperationalError:
            found[tokenizer] = False
    return found


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a store; rebuilds the tables when the layout changed.

    The connection is in autocommit mode, so reading queries never leave a
    transaction (and a lock) open; `index_documents` makes its own transaction.
    """
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.create_function("search_form", 1, search_form, deterministic=True)
    conn.execute("PRAGMA foreign_keys = ON")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return conn
    conn.execute("BEGIN")
    if version != 0:
        _drop_all(conn)  # the store is derived data: re-index from documents.jsonl
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    support = fts_support(conn)
    for name, tokenizer in FTS_TABLES.items():
        if support[tokenizer]:
            conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5("
                         f"text, kind UNINDEXED, ref UNINDEXED, doc_id UNINDEXED, "
                         f"tokenize='{tokenizer}')")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.execute("COMMIT")
    return conn


def _drop_all(conn: sqlite3.Connection) -> None:
    for kind, name in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_data' AND name NOT LIKE '%_idx' "
            "AND name NOT LIKE '%_content' AND name NOT LIKE '%_docsize' "
            "AND name NOT LIKE '%_config'").fetchall():
        conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")


def fts_tables(conn: sqlite3.Connection) -> set[str]:
    """The FTS tables present in this store."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return names & set(FTS_TABLES)


# --- reading documents.jsonl ----------------------------------------------------------------

def read_documents(path: str | Path) -> Iterator[dict]:
    """The documents of a documents.jsonl file, one dict per line."""
    with open(path, encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not a JSON line ({exc.msg})") from exc


# --- indexing ---------------------------------------------------------------------------------

def content_hash(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def index_documents(conn: sqlite3.Connection, docs: Iterable[dict]) -> Counter:
    """Index documents; returns counts of `new`, `replaced` and `unchanged` documents."""
    stats: Counter = Counter()
    conn.execute("BEGIN")
    try:
        for doc in docs:
            stats[_index_one(conn, doc)] += 1
        _prune_units(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return stats


def _index_one(conn: sqlite3.Connection, doc: dict) -> str:
    doc_id, source, digest = doc["doc_id"], doc.get("source"), content_hash(doc)
    old = conn.execute("SELECT content_hash FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if old and old[0] == digest:
        return "unchanged"
    outcome = "replaced" if old else "new"
    if old:
        remove_document(conn, doc_id)
    # the same path now holds a different file: its old rows go
    for (stale,) in conn.execute("SELECT doc_id FROM documents WHERE source = ? AND doc_id != ?",
                                 (source, doc_id)).fetchall():
        remove_document(conn, stale)
        outcome = "replaced"
    _insert(conn, doc, digest)
    return outcome


def remove_document(conn: sqlite3.Connection, doc_id: str) -> None:
    for name in fts_tables(conn):
        conn.execute(f"DELETE FROM {name} WHERE doc_id = ?", (doc_id,))
    for table in CHILD_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))


def _prune_units(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM units WHERE unit_id NOT IN (SELECT unit_id FROM records "
                 "WHERE unit_id IS NOT NULL UNION SELECT unit_id FROM entities WHERE unit_id IS NOT "
                 "NULL UNION SELECT unit_id FROM commitments WHERE unit_id IS NOT NULL)")


def _as_json(value) -> str:
    return json.dumps(value if value is not None else [], ensure_ascii=False)


def _unit(conn: sqlite3.Connection, doc_id: str, name: str | None, *printed: str | None) -> str | None:
    """unit_id for `name`, registering the unit and the forms it was printed as."""
    key = unit_key(name)
    if not key:
        return None
    uid = unit_id_of(key)
    conn.execute("INSERT OR IGNORE INTO units (unit_id, name) VALUES (?, ?)", (uid, key))
    for alias in {key, *(unit_key(p) for p in printed if p)}:
        if alias:
            conn.execute("INSERT OR IGNORE INTO unit_aliases VALUES (?, ?, ?)", (doc_id, uid, alias))
    return uid


def _insert(conn: sqlite3.Connection, doc: dict, digest: str) -> None:
    doc_id = doc["doc_id"]
    conn.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
        doc_id, doc.get("source"), doc.get("genre"), doc.get("title"), doc.get("doc_number"),
        _as_json(doc.get("issuer")), _as_json(doc.get("recipients")), doc.get("date"),
        _as_json(doc.get("attachments")), _as_json(doc.get("cc")), digest))
    fts = fts_tables(conn)

    def add_text(kind: str, ref: str, text: str) -> None:
        if "fts_chars" in fts:
            conn.execute("INSERT INTO fts_chars VALUES (?,?,?,?)", (search_form(text), kind, ref, doc_id))
        if "fts_words" in fts:
            conn.execute("INSERT INTO fts_words VALUES (?,?,?,?)", (words_form(text), kind, ref, doc_id))

    for i, s in enumerate(doc.get("sections") or []):
        ref = f"{doc_id}:{s['id']}"
        related = s.get("related")
        conn.execute("INSERT INTO sections VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
            ref, doc_id, s["id"], i, s.get("type"), s.get("start"), s.get("end"), s.get("heading"),
            s.get("speaker"), None if related is None else int(related), s.get("text")))
        add_text("section", ref, s.get("text") or "")
    for i, r in enumerate(doc.get("records") or []):
        uid = _unit(conn, doc_id, r.get("unit_full") or r.get("unit"), r.get("unit"))
        conn.execute("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            f"{doc_id}:r{i}", doc_id, i, r.get("table"), r.get("group"), r.get("seq"), r.get("unit"),
            r.get("unit_full"), uid, r.get("score"), _as_json(r.get("scores") or {}), r.get("rank"),
            r.get("grade"), _as_json(r.get("marks")), _as_json(r.get("notes")), r.get("start"),
            r.get("end")))
    for i, e in enumerate(doc.get("entities") or []):
        uid = _unit(conn, doc_id, e.get("norm") or e.get("text"), e.get("text")) \
            if e.get("type") == "ORG" else None
        conn.execute("INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?)", (
            f"{doc_id}:e{i}", doc_id, i, e.get("type"), e.get("text"), e.get("start"), e.get("end"),
            e.get("norm"), uid))
    for i, c in enumerate(doc.get("commitments") or []):
        ref = f"{doc_id}:c{i}"
        uid = _unit(conn, doc_id, c.get("speaker_full") or c.get("speaker"), c.get("speaker"))
        conn.execute("INSERT INTO commitments VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
            ref, doc_id, i, c.get("section"), c.get("speaker"), c.get("speaker_full"), uid,
            c.get("text"), c.get("start"), c.get("end"), c.get("trigger")))
        add_text("commitment", ref, c.get("text") or "")
    for i, f in enumerate(doc.get("flags") or []):
        conn.execute("INSERT INTO flags VALUES (?,?,?,?,?,?,?)", (
            f"{doc_id}:f{i}", doc_id, i, f.get("code"), f.get("message"), f.get("start"), f.get("end")))


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Row count of every table (FTS tables included)."""
    names = ["documents", "units", "unit_aliases", *CHILD_TABLES[:-1], *sorted(fts_tables(conn))]
    return {n: conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}
