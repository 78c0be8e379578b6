"""Questions researchers ask of the store, as functions returning rows (plain dicts).

The CLI prints these rows as tables or JSON; programs can call them directly
with a connection from `store.connect`.
"""
from __future__ import annotations

import sqlite3

from .store import fts_tables, search_form, unit_key, words_form

SNIPPET_CONTEXT = 24  # characters either side of a hit


# --- full text --------------------------------------------------------------------------------

def _fts_literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def matching_refs(conn: sqlite3.Connection, text: str, kind: str | None = None) -> set[str] | None:
    """Ids of sections / commitments whose text contains every whitespace-separated term.

    A term of three or more characters is a substring match (trigram index); a
    shorter one is a word match (segmented index, where the words of three or
    more characters also carry their character pairs), since trigrams cannot
    see `整改`.  Returns None for an empty query.
    """
    terms = [search_form(t) for t in text.split() if search_form(t)]
    if not terms:
        return None
    found: set[str] | None = None
    fts = fts_tables(conn)
    for term in terms:
        refs = _refs_for_term(conn, term, kind, fts)
        found = refs if found is None else found & refs
    return found


def _refs_for_term(conn, term: str, kind: str | None, fts: set[str]) -> set[str]:
    kind_sql, kind_args = (" AND kind = ?", [kind]) if kind else ("", [])
    if len(term) >= 3 and "fts_chars" in fts:
        sql, arg = "SELECT ref FROM fts_chars WHERE fts_chars MATCH ?", _fts_literal(term)
    elif len(term) < 3 and "fts_words" in fts:
        # the term as one word (or a pair inside a longer word), or as the words it cuts into
        words = words_form(term).split()
        if not words:
            return set()
        arg = " OR ".join(dict.fromkeys(_fts_literal(w) for w in (term, " ".join(words))))
        sql = "SELECT ref FROM fts_words WHERE fts_words MATCH ?"
    else:  # no FTS5 here: scan the text itself
        return _like_refs(conn, term, kind)
    return {r[0] for r in conn.execute(sql + kind_sql, [arg, *kind_args])}


def _like_refs(conn, term: str, kind: str | None) -> set[str]:
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    out = set()
    for table, name in (("sections", "section"), ("commitments", "commitment")):
        if kind in (None, name):
            out |= {r[0] for r in conn.execute(
                f"SELECT id FROM {table} WHERE search_form(text) LIKE ? ESCAPE '\\'", (pattern,))}
    return out


def snippet(text: str, query: str, context: int = SNIPPET_CONTEXT) -> str:
    """The first hit of the query's first term in `text`, marked 【like this】, with context."""
    body = search_form(text)
    terms = [search_form(t) for t in query.split() if search_form(t)]
    for term in terms:
        at = body.find(term)
        if at >= 0:
            lo, hi = max(0, at - context), at + len(term) + context
            return (("…" if lo else "") + body[lo:at] + "【" + term + "】"
                    + body[at + len(term):hi] + ("…" if hi < len(body) else ""))
    return body[:2 * context] + ("…" if len(body) > 2 * context else "")


def search(conn: sqlite3.Connection, text: str, kind: str | None = None,
           limit: int | None = None) -> list[dict]:
    """Sections and commitments whose text contains TEXT, in document date order, with snippets."""
    refs = matching_refs(conn, text, kind) or set()
    if not refs:
        return []
    hits = _hits_table(conn, refs)
    rows = _rows(conn, f"""SELECT * FROM (
        SELECT 'section' AS kind, s.id AS ref, s.doc_id, d.date, d.title, s.type, s.speaker,
               s.start, s.end, s.text FROM sections s JOIN documents d USING (doc_id)
        WHERE s.id IN {hits}
        UNION ALL
        SELECT 'commitment', c.id, c.doc_id, d.date, d.title, sec.type, c.speaker,
               c.start, c.end, c.text FROM commitments c JOIN documents d USING (doc_id)
        LEFT JOIN sections sec ON sec.doc_id = c.doc_id AND sec.sid = c.section_sid
        WHERE c.id IN {hits})
        ORDER BY date IS NULL, date, doc_id, start, kind""")
    for row in rows:
        row["snippet"] = snippet(row.pop("text") or "", text)
    return rows[:limit] if limit else rows


# --- filters shared by the queries ------------------------------------------------------------

def _marks(values) -> str:
    return ",".join("?" * len(values))


def _hits_table(conn: sqlite3.Connection, refs) -> str:
    """Put refs in a temporary table (a hit set can exceed SQLite's variable limit)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS hits (ref TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.hits")
    conn.executemany("INSERT OR IGNORE INTO temp.hits VALUES (?)", ((r,) for r in refs))
    return "(SELECT ref FROM temp.hits)"


def date_bounds(since: str | None, until: str | None) -> tuple[str, list]:
    """SQL on `d.date` for an inclusive range of YYYY, YYYY-MM or YYYY-MM-DD prefixes.

    `--since 2023 --until 2023` is the whole year.  Documents without a full
    date (null, or `--MM-DD`) fall outside any range.
    """
    sql, args = [], []
    if since:
        sql.append("d.date >= ?")
        args.append(since)
    if until:
        sql.append("d.date < ?")
        args.append(until + "\uffff")  # every date that starts with `until` is inside
    if sql:
        sql.append("d.date GLOB '[0-9][0-9][0-9][0-9]-*'")
    return " AND ".join(sql), args


def unit_ids(conn: sqlite3.Connection, name: str) -> list[str]:
    """Units called NAME: by full name or any printed form; else those whose name contains it."""
    key = unit_key(name)
    if not key:
        return []
    exact = [r[0] for r in conn.execute(
        "SELECT unit_id FROM units WHERE name = ? UNION "
        "SELECT unit_id FROM unit_aliases WHERE alias = ?", (key, key))]
    if exact:
        return sorted(exact)
    return [r[0] for r in conn.execute(
        "SELECT unit_id FROM units WHERE instr(name, ?) > 0 ORDER BY name", (key,))]


def _rows(conn: sqlite3.Connection, sql: str, args=()) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, list(args))]


# --- the queries --------------------------------------------------------------------------------

def commitments(conn: sqlite3.Connection, speaker: str | None = None, keyword: str | None = None,
                since: str | None = None, until: str | None = None, region: str | None = None,
                section_type: str | None = None, ranked_last: bool = False,
                limit: int | None = None) -> list[dict]:
    """Commitments, filtered; in document date order.

    speaker      the unit (any name it was printed as, or part of its full name)
    keyword      full-text terms, all required (see `matching_refs`)
    since/until  document date range (YYYY, YYYY-MM or YYYY-MM-DD, inclusive)
    region       a place named in the speaker's full name or the document's title or issuer
    section_type type of the section the commitment sits in (pledge_speech, news …)
    ranked_last  only speakers ranked last in some table group (within the same dates)
    """
    where: list[str] = ["1"]
    args: list[str | int] = []
    if speaker:
        ids = unit_ids(conn, speaker)
        where.append(f"c.unit_id IN ({_marks(ids)})" if ids else "0")
        args += ids
    if keyword:
        refs = matching_refs(conn, keyword, "commitment")
        if refs is not None:
            where.append(f"c.id IN {_hits_table(conn, refs)}")
    dates, date_args = date_bounds(since, until)
    if dates:
        where.append(dates)
        args += date_args
    if region:
        form = search_form(region)
        where.append("(instr(coalesce(u.name, ''), ?) > 0 OR instr(coalesce(d.title, ''), ?) > 0 "
                     "OR instr(coalesce(d.issuer, ''), ?) > 0)")
        args += [form, form, form]
    if section_type:
        where.append("sec.type = ?")
        args.append(section_type)
    if ranked_last:
        where.append("c.unit_id IN (SELECT l.unit_id FROM last_ranked l JOIN documents d "
                     f"USING (doc_id) WHERE {dates or '1'})")
        args += date_args
    sql = f"""
        SELECT d.date, c.doc_id, d.title, c.id, c.section_sid AS section, sec.type AS section_type,
               c.speaker, c.speaker_full, u.name AS unit, c.unit_id, c.trigger, c.start, c.end,
               c.text
        FROM commitments c JOIN documents d USING (doc_id)
        LEFT JOIN sections sec ON sec.doc_id = c.doc_id AND sec.sid = c.section_sid
        LEFT JOIN units u ON u.unit_id = c.unit_id
        WHERE {' AND '.join(where)}
        ORDER BY d.date IS NULL, d.date, c.doc_id, c.ord"""
    if limit:
        sql += f" LIMIT {int(limit)}"
    return _rows(conn, sql, args)


def records(conn: sqlite3.Connection, grade: str | None = None, rank: int | None = None,
            document: str | None = None, unit: str | None = None, last: bool = False,
            limit: int | None = None) -> list[dict]:
    """Table rows, filtered; `of` is the number of ranked rows in the row's group.

    document  a doc_id (or its start), or part of the title or source path
    last      only rows ranked last in their group
    """
    where: list[str] = ["1"]
    args: list[str | int] = []
    if grade:
        where.append("r.grade = ?")
        args.append(grade)
    if rank is not None:
        where.append("r.rank = ?")
        args.append(rank)
    if document:
        where.append("(r.doc_id LIKE ? OR instr(coalesce(d.title, ''), ?) > 0 "
                     "OR instr(coalesce(d.source, ''), ?) > 0)")
        args += [document + "%", document, document]
    if unit:
        ids = unit_ids(conn, unit)
        where.append(f"r.unit_id IN ({_marks(ids)})" if ids else "0")
        args += ids
    if last:
        where.append("r.id IN (SELECT id FROM last_ranked)")
    sql = f"""
        SELECT d.date, r.doc_id, d.title, r.id, r.table_sid AS "table", r.group_name AS "group",
               r.seq, r.unit, r.unit_full, r.unit_id, r.score, r.rank,
               (SELECT NULLIF(COUNT(rank), 0) FROM records g WHERE g.doc_id = r.doc_id
                AND g.table_sid IS r.table_sid AND g.group_name IS r.group_name) AS "of",
               r.grade, r.marks, r.start, r.end
        FROM records r JOIN documents d USING (doc_id)
        WHERE {' AND '.join(where)}
        ORDER BY d.date IS NULL, d.date, r.doc_id, r.ord"""
    if limit:
        sql += f" LIMIT {int(limit)}"
    return _rows(conn, sql, args)


def unit_history(conn: sqlite3.Connection, name: str, mentions: bool = False) -> list[dict]:
    """Everything about the unit(s) called NAME, in document date order.

    One row per record (group, score, rank of N, grade) and per commitment; with
    `mentions`, also one per ORG entity naming it.
    """
    ids = unit_ids(conn, name)
    if not ids:
        return []
    marks = _marks(ids)
    parts = [f"""
        SELECT d.date, r.doc_id, d.title, 'record' AS kind, u.name AS unit, r.unit AS printed,
               r.group_name AS "group", r.score, r.rank,
               (SELECT NULLIF(COUNT(rank), 0) FROM records g WHERE g.doc_id = r.doc_id
                AND g.table_sid IS r.table_sid AND g.group_name IS r.group_name) AS "of",
               r.grade, NULL AS text, r.start, r.end
        FROM records r JOIN documents d USING (doc_id) JOIN units u USING (unit_id)
        WHERE r.unit_id IN ({marks})""", f"""
        SELECT d.date, c.doc_id, d.title, 'commitment', u.name, c.speaker, NULL, NULL, NULL, NULL,
               NULL, c.text, c.start, c.end
        FROM commitments c JOIN documents d USING (doc_id) JOIN units u USING (unit_id)
        WHERE c.unit_id IN ({marks})"""]
    if mentions:
        parts.append(f"""
        SELECT d.date, e.doc_id, d.title, 'mention', u.name, e.text, NULL, NULL, NULL, NULL,
               NULL, NULL, e.start, e.end
        FROM entities e JOIN documents d USING (doc_id) JOIN units u USING (unit_id)
        WHERE e.unit_id IN ({marks})""")
    sql = "SELECT * FROM (" + " UNION ALL ".join(parts) + ") ORDER BY date IS NULL, date, doc_id, start, kind"
    return _rows(conn, sql, ids * len(parts))


def citing(conn: sqlite3.Connection, number: str) -> list[dict]:
    """Documents that cite the 发文字号 NUMBER (`衡创〔2023〕3号`), with where they cite it.

    Matches DOC_NUMBER entities whose text or norm is NUMBER once folded and
    spaces are dropped, and also any section text containing it, so a citation
    the entity stage missed is still found.
    """
    form = search_form(number)
    rows = _rows(conn, """
        SELECT d.date, e.doc_id, d.title, d.doc_number, 'entity' AS found_by, e.start, e.end,
               e.text FROM entities e JOIN documents d USING (doc_id)
        WHERE e.type = 'DOC_NUMBER' AND (search_form(e.text) = ? OR search_form(e.norm) = ?)
        ORDER BY d.date IS NULL, d.date, e.doc_id, e.start""", (form, form))
    seen = {r["doc_id"] for r in rows}
    for hit in search(conn, number, kind="section"):
        if hit["doc_id"] not in seen:
            seen.add(hit["doc_id"])
            doc = conn.execute("SELECT doc_number FROM documents WHERE doc_id = ?",
                               (hit["doc_id"],)).fetchone()
            rows.append({"date": hit["date"], "doc_id": hit["doc_id"], "title": hit["title"],
                         "doc_number": doc[0], "found_by": "text", "start": hit["start"],
                         "end": hit["end"], "text": hit["snippet"]})
    # a document's own number is not a citation of it
    return [r for r in rows if search_form(r["doc_number"]) != form]
