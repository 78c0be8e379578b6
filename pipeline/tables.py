"""Stage 'tables': rebuild results tables from flattened text, one `Record` per row.

A table block (the lines of a `table` section) is first cut into rows of cells, whatever
the layout: tab-separated, `|`-piped, space-aligned, or flattened one cell per line.  A
header row gives each column a role (seq, unit, rank, grade, remarks, a score or a count)
by the cues of configs/tables.toml; a header whose roles repeat (`序号 考核对象 红黄榜`
five times over) holds several column groups side by side, read group after group.
Rows of positional layouts (tabs, pipes) map cells by column; rows whose blank cells
vanished (spaces, one cell per line) map cells by what they look like.  Lines are cut into
cells in table_rows, a row's cells become a Record in table_records; this module finds the
tables of a block and runs the stage.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable
from itertools import pairwise

from .model import Document, Record, Section
from .normalise import Line, clean
from .registry import register
from .table_records import Table, align, cells_to_records, record_of, rows_to_records
from .table_rows import (
    RawRow,
    Shape,
    fields_of,
    header_roles,
    is_grade,
    is_number,
    is_subheading,
    line_shape,
    make_cell,
    patterns,
    period,
    piped_cell_rows,
    role_of,
    unique_headers,
)

# ---------------------------------------------------------------- a block of lines

def legends_of(raw: str, view: str) -> dict[str, str]:
    """Mark legends printed anywhere in the document: 在备注处标▲为… -> {"▲": "…"} (raw text)."""
    out = {}
    pattern = patterns()["legend"]
    for start, end in symbol_lines(raw, view):
        m = pattern.search(view, start, end)
        if m and m.group(1) not in out:
            out[m.group(1)] = clean(raw[m.start(2):m.end(2)])
    return out


def symbol_lines(raw: str, view: str) -> list[tuple[int, int]]:
    """(start, end) of the lines (as split_lines cuts them) holding a mark symbol, in order:
    only a line naming a mark can hold a legend that a mark is looked up in."""
    out: list[tuple[int, int]] = []
    for m in patterns()["symbol"].finditer(view):
        if out and m.start() <= out[-1][1]:
            continue  # a line already taken
        start = raw.rfind("\n", 0, m.start()) + 1
        end = raw.find("\n", m.start())
        end = len(raw) if end < 0 else end
        out.append((start, end - 1 if raw[start:end].endswith("\r") else end))
    return out


def parse_block(raw: str, view: str, lines: list[Line], titles: list[str] | None = None,
                legends: dict[str, str] | None = None) -> list[Table]:
    """Every table in a block of lines. `titles` are the captions printed before the
    block: one per table when there are several, else the group of every table."""
    titles = list(titles or [])
    legends = legends if legends is not None else legends_of(raw, view)
    flat = flattened(raw, view, lines)
    if flat is not None:
        return flat_tables(flat, titles, legends)
    tables: list[Table] = []
    table: Table | None = None
    pending_labels: dict[int, str] = {}
    pending_group: str | None = None
    header_open = False  # the row after a header may carry the second line of its cells
    share = patterns()["share"]
    for line in lines:
        if line.start == line.end:
            continue  # an empty line (line_shape would say None)
        row = line_shape(raw[line.start:line.end], view[line.start:line.end])
        if row is None:
            continue
        if row.roles is not None:
            keys = list(row.keys)
            repeated = table is not None and [k for k in keys if k] == [h.split("#")[0] for h in table.headers if h]
            if repeated and len(titles) <= len(tables):
                continue  # the header repeated after a page break
            roles = list(row.roles)
            width = period(roles, keys)
            labels = {i // width: lab for i, lab in pending_labels.items()} if pending_labels else {}
            table = Table(unique_headers(keys), roles, width, labels, mode=row.mode)
            table.group = pending_group or next_title(titles, tables)
            pending_labels, pending_group = {}, None
            tables.append(table)
            header_open = True
            continue
        if header_open and table is not None and continues_header(table, row):
            continue
        header_open = False
        if row.label_row:
            pending_labels = {i: c[0] for i, c in enumerate(row.cells) if c[1]}
            continue
        if row.subheading:
            text = row.text()
            if table is not None and table.records:  # the same columns go on under a new heading
                table = Table(table.headers, table.roles, table.width, dict(table.labels), dict(table.shares), text,
                              table.mode)
                tables.append(table)
            elif table is not None:
                table.group = text
            else:
                pending_group = text
            continue
        if table is None:
            continue
        if row.share_row:
            for i, c in enumerate(row.cells):
                if c[1]:
                    table.shares[i % table.width] = float(share.match(c[1]).group(1))
            continue
        added = cells_to_records(table, row.mode, row.cells, line.start, legends) if row.mode == table.mode else []
        if not added and row.mode != "pos" and not row.has_number and len(row.text()) <= 40:
            pending_group = row.text()  # a caption inside the block
    return [t for t in tables if t.records]


def continues_header(table: Table, row: Shape) -> bool:
    """A header printed over two lines (`基础\t厕所` / `工作\t革命`): join the second line
    to the first, cell by cell, and read the roles again."""
    filled = [(i, k) for i, k in enumerate(row.keys) if k]
    if row.mode != "pos" or not filled or any(is_number(k) or is_grade(k) for _, k in filled):
        return False
    if any(patterns()["share"].match(k) for _, k in filled) or len(filled) < 2:
        return False
    if any(i >= len(table.headers) or table.roles[i] in ("unit", "seq", "rank") for i, _ in filled):
        return False
    keys = [h.split("#")[0] for h in table.headers]
    for i, k in filled:
        keys[i] += k
    table.headers = unique_headers(keys)
    table.roles = [role_of(k) if k else None for k in keys]
    table.width = period(table.roles, keys)
    table._layout = None  # the columns are read again
    return True


def next_title(titles: list[str], tables: list[Table]) -> str | None:
    if not titles:
        return None
    if len(titles) == 1:
        return titles[0]
    return titles[len(tables)] if len(tables) < len(titles) else titles[-1]


# ---------------------------------------------------------------- tables flattened one cell per line

def flattened(raw: str, view: str, lines: list[Line]) -> tuple[list[str], list[str | None], list[RawRow]] | None:
    """Header and rows of a table printed one cell per line, or None for other layouts."""
    texts = [t for ln in lines if (t := view[ln.start:ln.end]).strip()]  # the lines that are not blank
    if len(texts) < 8:
        return None
    allowed = len(texts) - 0.8 * len(texts)  # single < 0.8 * lines: more lines of several cells than this
    several = 0
    for t in texts:
        if not ("\t" not in t.strip() and len(t.split()) <= 1 or t.rstrip().endswith("|")):
            several += 1
            if several > allowed:
                return None
    piped_cells = sum(t.rstrip().endswith("|") for t in texts)
    if piped_cells >= 0.6 * len(texts):
        rows = piped_cell_rows(raw, view, lines)
        if len(rows) < 2:
            return None
        head = rows[0]
        roles = header_roles(head.cells)
        if roles is None:
            return None
        return [c.key for c in head.cells], roles, rows[1:]
    # plain cells: rows found by their 序号 1, 2, 3… recurring at a fixed period
    cells = [make_cell(raw, view, ln.start, ln.end) for ln in lines if view[ln.start:ln.end] != ""]
    keys = [c.key for c in cells]
    if "1" not in keys:
        return None
    i1 = keys.index("1")
    if "2" not in keys[i1 + 1:]:
        return None
    p = keys.index("2", i1 + 1) - i1
    nrows = 0
    while i1 + nrows * p < len(keys) and keys[i1 + nrows * p] == str(nrows + 1):
        nrows += 1
    if p < 2 or nrows < 2:
        return None
    head_cells = cells[max(0, i1 - p):i1]
    head_keys = ["序号"] * (p - len(head_cells)) + [c.key for c in head_cells]  # a lost 序号 cell
    roles = [role_of(k) if k else None for k in head_keys]
    if not any(roles):
        return None
    rows = []
    for i in range(i1, len(cells), p):
        chunk = cells[i:i + p]
        filled = [c for c in chunk if not c.blank]
        if filled:
            rows.append(RawRow(chunk, filled[0].start, filled[-1].end, "pos"))
    return head_keys, roles, rows


def flat_tables(flat, titles: list[str], legends: dict[str, str]) -> list[Table]:
    keys, roles, rows = flat
    table = Table(unique_headers(keys), roles, len(roles), group=next_title(titles, []))
    for row in rows:
        if row.mode == "cells" and len(row.cells) != len(roles):
            cells = align(fields_of(row.cells), roles, merge_unit=False)
            rec = record_of(table, cells.items(), 0, legends)
            if rec is not None and rec.unit:
                table.records.append(rec)
        else:
            rows_to_records(table, RawRow(row.cells, row.start, row.end, "pos"), legends)
    return [table] if table.records else []


# ---------------------------------------------------------------- the stage

def section_lines(doc: Document, start: int, end: int) -> list[Line]:
    """The lines of a span, clipped to it (a section may start inside a line).
    The document's lines are in order (split_lines), so the span's are found by bisection."""
    assert start <= end  # (every caller's span: a section, or a heading section up to the end of the next)
    lines = doc.work["lines"]
    starts, ends = line_bounds(doc, lines)
    first = bisect.bisect_left(ends, start)  # the first with ln.end >= start
    stop = bisect.bisect_left(starts, end, lo=first)  # the first with ln.start >= end
    out = lines[first:stop]  # lines inside the span are shared, not copied (no stage changes a Line)
    if out and (out[0].start < start or out[0].end > end):
        out[0] = Line(max(out[0].start, start), min(out[0].end, end))
    if out and (out[-1].start < start or out[-1].end > end):
        out[-1] = Line(max(out[-1].start, start), min(out[-1].end, end))
    return out


def line_bounds(doc: Document, lines: list[Line]) -> tuple[list[int], list[int]]:
    """The starts and ends of the document's lines, made once per document (bisecting plain
    ints is cheaper than bisecting Lines by a key)."""
    made = doc.work.get("tables:line_bounds")
    if made is None or made[0] is not lines or len(made[1]) != len(lines):
        made = doc.work["tables:line_bounds"] = (lines, [ln.start for ln in lines], [ln.end for ln in lines])
    return made[1], made[2]


def ordered(table: Table) -> list[Record]:
    """Rows of side-by-side groups read group after group, then in 序号 / rank order."""
    if table.column_group:  # (it holds only the rows of groups after the first)
        recs = sorted(table.records, key=lambda r: table.column_group.get(id(r), 0))
    else:  # every row in group 0: the sort would keep their order
        recs = list(table.records)
    if table.width < len(table.headers) and not table.labels:
        if all(r.seq is not None for r in recs):
            recs.sort(key=lambda r: r.seq)  # type: ignore[arg-type,return-value]  # (every seq is an int: tested above)
        elif all(r.rank is not None for r in recs):
            recs.sort(key=lambda r: (r.rank, r.start))
    return recs


def caption_lines(doc: Document, start: int, end: int) -> list[str]:
    """The captions of a title section: lines run together form one (a wrapped title),
    blank lines separate several titles printed together."""
    out, current = [], ""
    for ln in section_lines(doc, start, end):
        text = clean(doc.raw[ln.start:ln.end])
        if text:
            current += text
        elif current:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    furniture = patterns()["furniture"]
    return [c for c in out if not furniture.fullmatch(c)]


def table_runs(doc: Document) -> list[tuple]:
    """(section, end of its table): a table section runs on through the table sections
    after it and through sections whose every line is a piped cell (` |`): pieces of one
    table cut apart by the segmenter."""
    out: list[tuple[Section, int]] = []
    for sec in doc.sections:
        if out and out[-1][0].type == "table" and (sec.type == "table" or sec.type != "table_title" and piped(doc, sec)):
            out[-1] = (out[-1][0], sec.end)  # a label row cut off its table, pieces of a piped table
            continue
        out.append((sec, sec.end))
    return out


def piped(doc: Document, sec) -> bool:
    """Every non-blank line of the section ends in `|` (and there is one)."""
    view, found = doc.work["view"], False
    for ln in section_lines(doc, sec.start, sec.end):
        text = view[ln.start:ln.end].strip()
        if text:
            if not text.endswith("|"):
                return False
            found = True
    return found


def tables_of(doc: Document) -> list[tuple[str, Table]]:
    """(section id, table) for every table section, captions taken from the titles before it."""
    raw, view = doc.raw, doc.work["view"]
    legends = legends_of(raw, view)
    finder: Callable[[int], str | None] | None = None  # made for the first table found
    out: list[tuple[str, Table]] = []
    titles: list[str] = []
    last, prev_end = None, 0
    for sec, end in table_runs(doc):
        if sec.type == "table_title":
            captions = caption_lines(doc, sec.start, sec.end)
            if not captions:
                continue  # a page number between the pieces of one table
            if last != "title":  # captions are the titles printed together right before a table
                titles = []
            if last == "title" and titles and captions and not raw[prev_end:sec.start].count("\n") > 1:
                titles[-1] += captions.pop(0)  # a caption wrapped over two title sections
            titles += captions
            if titles and is_subheading(titles[-1]):
                titles = [titles[-1]]
            last, prev_end = "title", sec.start + len(raw[sec.start:sec.end].rstrip())
        elif sec.type == "table":
            found = parse_block(raw, view, section_lines(doc, sec.start, end), titles, legends)
            if found:
                finder = finder or section_finder(doc.sections)
                set_sections(found, sec, finder)
            if found and out and last == "table" and found[0].headers == out[-1][1].headers:
                out[-1][1].records += found.pop(0).records  # the same table after a page break
            out += [(sec.id, t) for t in found]
            if len(titles) > 1:
                titles = titles[len(found):]
            last = "table"
        elif last in ("title", "table") and sec.text.strip() and \
                not patterns()["furniture"].fullmatch(clean(raw[sec.start:sec.end])):
            last = sec.type  # (only "title" and "table" are told apart from other kinds)
    return out


def set_sections(found: list[Table], sec, find_section: Callable[[int], str | None]) -> None:
    """Each record's section: the first holding its start, else the table's own."""
    for t in found:
        for rec in t.records:
            rec.table = find_section(rec.start) or sec.id  # (no section's id is empty)


def section_finder(sections: list) -> Callable[[int], str | None]:
    """offset -> id of the first section holding it (None outside them all): by bisection
    when the sections are in order and do not overlap, else by a scan."""
    if all(a.start <= a.end <= b.start for a, b in pairwise(sections)):
        starts = [s.start for s in sections]

        def find(at: int) -> str | None:  # only the last section starting at or before `at` may hold it
            i = bisect.bisect_right(starts, at) - 1
            return sections[i].id if i >= 0 and at < sections[i].end else None
        return find
    return lambda at: next((x.id for x in sections if x.start <= at < x.end), None)


def ranked_by_score(table: Table) -> bool:
    """Rows printed best first: their position is their rank."""
    scores = [r.score for r in table.records]
    known = [s for s in scores if s is not None]
    return len(scores) > 2 and len(known) == len(scores) and all(a >= b for a, b in zip(known, known[1:]))


def recover_units(doc: Document, found: list[tuple[str, Table]]) -> None:
    """A row whose name is missing takes the name another table of the document gives
    the same place (a 黑榜 naming rows 64 and 65 of the score table), with a flag."""
    for _, table in found:
        if not ranked_by_score(table):
            continue
        for rec in table.records:
            place = rec.rank if rec.rank is not None else rec.seq
            if rec.unit or place is None:
                continue
            names = {r.unit for _, other in found if other is not table
                     for r in other.records if r.unit and r.rank == place}
            if len(names) == 1:
                rec.unit = rec.unit_full = names.pop()
                doc.flag("unit_recovered", f"row {place} has no unit name; recovered as {rec.unit} "
                         "from another table of the document", rec.start, rec.end)


@register("tables")
def make_tables():
    def tables(doc: Document) -> Document:
        found = tables_of(doc)
        doc.work["tables"] = found
        recover_units(doc, found)
        for _, table in found:
            doc.records.extend(ordered(table))
        return doc
    return tables
