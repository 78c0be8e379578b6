"""CLI for researchers: `index`, `query …`, `export`, `tables`."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import click

from . import query as q
from . import store

DEFAULT_DB = "tongbao.db"


# --- printing rows --------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value, limit: int) -> str:
    text = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    out, used = "", 0
    for c in text:
        if used + _width(c) > limit - 1:
            break
        out += c
        used += _width(c)
    return out + "…"


def print_rows(rows: list[dict], columns: list[str], as_json: bool, limit: int = 48) -> None:
    """Rows as an aligned table for people, or as a JSON array (every column) for programs."""
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("(no rows)", err=True)
        return
    cells = [[_cell(r.get(c), limit) for c in columns] for r in rows]
    widths = [max(_width(c), *(_width(row[i]) for row in cells)) for i, c in enumerate(columns)]

    def line(values):
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    click.echo(line(columns))
    click.echo(line(["-" * w for w in widths]))
    for row in cells:
        click.echo(line(row))
    click.echo(f"({len(rows)} row{'' if len(rows) == 1 else 's'})", err=True)


def _open(db: str):
    if not Path(db).is_file():
        raise click.ClickException(f"no store at {db}: build it with `tongbao index DIR/documents.jsonl --db {db}`")
    conn = store.connect(db)
    click.get_current_context().call_on_close(conn.close)
    if not conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone():
        raise click.ClickException(f"{db} holds no documents (or was built by an older tongbao): "
                                   f"run `tongbao index DIR/documents.jsonl --db {db}`")
    return conn


def db_option(f):
    return click.option("--db", default=DEFAULT_DB, envvar="TONGBAO_DB", show_default=True,
                        type=click.Path(dir_okay=False),
                        help="The SQLite store (also $TONGBAO_DB).")(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True,
                        help="Print a JSON array of rows (all columns) instead of a table.")(f)


def limit_option(f):
    return click.option("--limit", "-n", type=int, default=None, help="At most this many rows.")(f)


# --- index ------------------------------------------------------------------------------------------

@click.command("index")
@click.argument("jsonl", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--db", default=DEFAULT_DB, envvar="TONGBAO_DB", show_default=True,
              type=click.Path(dir_okay=False), help="The SQLite file to create or update.")
def index_command(jsonl, db):
    """Index documents.jsonl files into a SQLite store (no server needed).

    Tables: documents, sections, records, entities, commitments, flags, units,
    unit_aliases, the view last_ranked, and two full-text tables over section and
    commitment text (fts_chars: any 3+ character substring; fts_words: words cut
    by jieba, for 1–2 character words such as 整改).

    Row ids depend only on the document and the row's place in it, so indexing
    the same output again changes nothing; a document whose output changed, or
    a path that now holds a different file, has its old rows replaced.

    Records, ORG entities and commitment speakers that name the same unit
    (unit_full / norm / speaker_full) share a unit_id.

    \b
    Examples:
      tongbao run corpora/ --out out/
      tongbao index out/documents.jsonl --db research.db
      tongbao index out/*.jsonl more/documents.jsonl --db research.db
      sqlite3 research.db "SELECT unit_full, rank, grade FROM last_ranked"
    """
    conn = store.connect(db)
    support = store.fts_support(conn)
    if not support["trigram"]:
        click.echo(f"warning: SQLite {store.sqlite3.sqlite_version} has no FTS5 trigram tokenizer "
                   "(needs 3.34+); search of 3+ character text will scan instead", err=True)
    total = {}
    for path in jsonl:
        try:
            stats = store.index_documents(conn, store.read_documents(path))
        except (ValueError, KeyError) as exc:
            raise click.ClickException(f"{path}: {exc}")
        for key, value in stats.items():
            total[key] = total.get(key, 0) + value
    counts = store.counts(conn)
    conn.close()
    summary = ", ".join(f"{total.get(k, 0)} {k}" for k in ("new", "replaced", "unchanged"))
    click.echo(f"{summary} -> {db}: " + ", ".join(
        f"{counts[k]} {k}" for k in ("documents", "sections", "records", "entities",
                                     "commitments", "flags", "units")))


# --- query ------------------------------------------------------------------------------------------

@click.group("query", context_settings={"max_content_width": 100})
def query_group():
    """Ask the store questions; tables for people, --json for programs.

    \b
    Examples:
      tongbao query units 衡阳市中心医院 --db research.db
      tongbao query commitments --keyword 整改 --since 2023 --until 2023
      tongbao query commitments --ranked-last --since 2023 --until 2023
      tongbao query records --grade 差 --json
      tongbao query search "衡创〔2023〕3号"
      tongbao query cites "衡创〔2023〕3号"

    The store is --db FILE, or $TONGBAO_DB, or ./tongbao.db.
    """


@query_group.command("commitments")
@click.option("--speaker", "-s", help="Unit or person: any name it was printed as, or part of its full name.")
@click.option("--keyword", "-k", help="Words the text must contain (all of them, space separated).")
@click.option("--since", help="Documents dated on or after: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--until", help="Documents dated on or before (inclusive: --until 2023 is all of 2023).")
@click.option("--region", "-r", help="A place in the speaker's full name or the document's title or issuer.")
@click.option("--section-type", "-t", help="Type of the section it sits in: pledge_speech, news, notice_body …")
@click.option("--ranked-last", is_flag=True,
              help="Only speakers ranked last in a table group of some document (same dates).")
@db_option
@json_option
@limit_option
def commitments_command(speaker, keyword, since, until, region, section_type, ranked_last, db,
                        as_json, limit):
    """Pledges and planned actions, filtered, in document date order.

    A keyword of three or more characters matches any substring; a shorter one
    matches a whole word (整改, 落实).

    \b
    Examples:
      tongbao query commitments --speaker 大祥区
      tongbao query commitments -k 整改 --since 2023-07 --until 2023-12
      tongbao query commitments --ranked-last --since 2023 --until 2023 --json
    """
    conn = _open(db)
    rows = q.commitments(conn, speaker=speaker, keyword=keyword, since=since, until=until,
                         region=region, section_type=section_type, ranked_last=ranked_last,
                         limit=limit)
    print_rows(rows, ["date", "doc_id", "section_type", "speaker", "trigger", "text"], as_json, 60)


@query_group.command("units")
@click.argument("name")
@click.option("--mentions", is_flag=True, help="Also list every ORG mention of the unit.")
@db_option
@json_option
def units_command(name, mentions, db, as_json):
    """Everything about the unit NAME, in date order: every document, group, score,
    rank (of how many), grade and commitment.

    NAME is matched against full names (衡阳市中心医院) and every form the unit was
    printed as (市中心医院); failing that, every unit whose name contains NAME.

    \b
    Examples:
      tongbao query units 衡阳市中心医院
      tongbao query units 市中心医院 --json
      tongbao query units 民政局 --mentions
    """
    conn = _open(db)
    rows = q.unit_history(conn, name, mentions=mentions)
    print_rows(rows, ["date", "doc_id", "kind", "unit", "printed", "group", "score", "rank", "of",
                      "grade", "text"], as_json, 40)


@query_group.command("records")
@click.option("--grade", "-g", help="Verdict as printed: 红旗, 良好, 差, 黑榜 …")
@click.option("--rank", type=int, help="Rank as printed.")
@click.option("--last", is_flag=True, help="Only rows ranked last in their group.")
@click.option("--doc", "document", help="doc_id (or its start), or part of the title or source path.")
@click.option("--unit", "-u", help="Unit, matched as in `query units`.")
@db_option
@json_option
@limit_option
def records_command(grade, rank, last, document, unit, db, as_json, limit):
    """Table rows (one per unit per table), filtered, in document date order.

    `of` is the number of ranked rows in the row's group, so `rank`/`of` reads
    "3rd of 12".

    \b
    Examples:
      tongbao query records --grade 差
      tongbao query records --last --json
      tongbao query records --doc 6f5b1c --rank 1
    """
    conn = _open(db)
    rows = q.records(conn, grade=grade, rank=rank, document=document, unit=unit, last=last,
                     limit=limit)
    print_rows(rows, ["date", "doc_id", "group", "unit", "unit_full", "score", "rank", "of",
                      "grade"], as_json, 30)


@query_group.command("search")
@click.argument("text")
@click.option("--kind", type=click.Choice(["section", "commitment"]), help="Only this kind of text.")
@db_option
@json_option
@limit_option
def search_command(text, kind, db, as_json, limit):
    """Full-text search over sections and commitments, with snippets.

    Space-separated terms must all occur.  Terms of three or more characters
    match any substring (spaces and line breaks in the source are ignored,
    full-width and traditional forms folded); shorter terms match whole words.

    \b
    Examples:
      tongbao query search 整改
      tongbao query search "衡创〔2023〕3号"
      tongbao query search "创文 黑榜" --kind section --json
    """
    conn = _open(db)
    rows = q.search(conn, text, kind=kind, limit=limit)
    print_rows(rows, ["date", "doc_id", "kind", "ref", "type", "snippet"], as_json, 80)


@query_group.command("cites")
@click.argument("number")
@db_option
@json_option
def cites_command(number, db, as_json):
    """Documents that cite the document number NUMBER (发文字号).

    \b
    Example:
      tongbao query cites "衡创〔2023〕3号"
    """
    conn = _open(db)
    rows = q.citing(conn, number)
    print_rows(rows, ["date", "doc_id", "title", "found_by", "start", "end", "text"], as_json, 40)


# --- export and tables ----------------------------------------------------------------------------

@click.command("export")
@click.argument("jsonl", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "bulk"]), default="csv",
              show_default=True, help="Flat tables (csv, parquet) or an Elasticsearch _bulk file.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder to write into (default: the folder of JSONL).")
@click.option("--index", "index_name", default="tongbao", show_default=True,
              help="Index name written into the bulk file's actions.")
@click.option("--mapping", type=click.Choice(["ik", "smartcn"]),
              help="Print the index mapping for this Chinese analyser and exit.")
def export_command(jsonl, fmt, out_dir, index_name, mapping):
    """Export documents.jsonl as flat tables or as an Elasticsearch/OpenSearch bulk file.

    \b
    csv / parquet: documents, sections, records, entities, commitments, flags
      (one file each; every row carries doc_id, and the document's title and date)
    bulk: bulk.ndjson, one action line and one source line per section and per
      commitment, with doc_id, start and end; ids are stable so a reload overwrites

    \b
    Examples:
      tongbao export out/documents.jsonl --format parquet --out tables/
      tongbao export out/documents.jsonl --format bulk
      tongbao export out/documents.jsonl --mapping ik > mapping.json
      curl -XPUT localhost:9200/tongbao -H 'Content-Type: application/json' -d @mapping.json
      curl -XPOST localhost:9200/_bulk -H 'Content-Type: application/x-ndjson' \\
           --data-binary @out/bulk.ndjson
    """
    from . import export
    if mapping:
        click.echo(json.dumps(export.index_mapping(mapping), ensure_ascii=False, indent=2))
        return
    out = Path(out_dir) if out_dir else Path(jsonl).parent
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "bulk":  # streamed: one document in memory at a time
        path, pairs = export.write_bulk(store.read_documents(jsonl), out / "bulk.ndjson", index_name)
        click.echo(f"{pairs} documents for _bulk -> {path}")
        return
    for name, path, rows in export.write_tables(list(store.read_documents(jsonl)), out, fmt):
        click.echo(f"{rows:6d} rows -> {path}")


@click.command("tables")
@click.argument("jsonl", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False),
              help="FILE.csv or FILE.parquet (the format follows the extension).")
def tables_command(jsonl, out_file):
    """All records of JSONL as one flat table, for spreadsheets and pandas.

    One row per table row, with doc_id, the document's title, date and source,
    the row's group, unit, unit_full, score, rank, grade, marks and notes, and
    every numeric column in `scores` as JSON.

    \b
    Examples:
      tongbao tables out/documents.jsonl --out rows.csv
      tongbao tables out/documents.jsonl --out rows.parquet
    """
    from . import export
    suffix = Path(out_file).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise click.BadParameter("must end in .csv or .parquet", param_hint="--out")
    frame = export.records_frame(store.read_documents(jsonl))
    export.write_frame(frame, Path(out_file))
    click.echo(f"{len(frame)} records -> {out_file}")


COMMANDS = [index_command, query_group, export_command, tables_command]
