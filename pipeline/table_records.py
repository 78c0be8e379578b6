"""A table's records: the Table a header opens (columns, roles, side-by-side groups) and the
Record of each of its rows, cells mapped onto columns by position or, where blank cells
vanished, by what each cell looks like (align); numbers, ranks and marks read from the cells.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import cn2an
import regex

from .model import Record
from .normalise import squeeze
from .table_rows import (
    CACHE,
    CellFields,
    RawRow,
    cfg,
    fields_of,
    is_grade,
    is_number,
    label_grade,
    patterns,
)

NUMERIC_ROLES = ("score", "count")
CUT_NUMBER = regex.compile(r"[\d.]+分?")
RANK_DIGITS = regex.compile(r"\d{1,4}")
RANK_WORDS = regex.compile(r"(?:并列)?第([一二三四五六七八九十百零〇两\d]+)[名位]?|(?:并列)?(\d{1,4})[名位]")


@dataclass
class Table:
    headers: list[str]
    roles: list[str | None]
    width: int                                   # columns per group
    labels: dict[int, str] = field(default_factory=dict)   # group index -> 红榜/黑榜 label
    shares: dict[int, float] = field(default_factory=dict)  # column -> printed share
    group: str | None = None
    mode: str = "pos"  # the header's layout: rows of another layout are not data rows
    records: list[Record] = field(default_factory=list)
    column_group: dict[int, int] = field(default_factory=dict)  # id(record) -> side-by-side group, kept above 0 only
    # (unit column, overall score column), made when first asked for; whatever changes the
    # header (tables.continues_header) sets it back to None
    _layout: tuple[int | None, int | None] | None = field(default=None, repr=False, compare=False)

    def layout(self) -> tuple[int | None, int | None]:
        """(unit column, overall score column), computed again only when the header changed."""
        lay = self._layout
        if lay is None:
            roles = self.roles[:self.width]
            unit_col = next((i for i, r in enumerate(roles) if r == "unit"), None)
            if unit_col is None:  # a header that lost its unit cue: the first text column holds the names
                unit_col = next((i for i, r in enumerate(roles) if r is None), None)
            lay = self._layout = (unit_col, self.overall_col())
        return lay

    @property
    def numeric_cols(self) -> list[int]:
        return [i for i, r in enumerate(self.roles[:self.width]) if r in NUMERIC_ROLES]

    def overall_col(self) -> int | None:
        cols = [i for i in self.numeric_cols if self.roles[i] == "score"]
        if len(cols) == 1:
            return cols[0]
        for cue in cfg()["header"]["overall"]:
            for i in cols:
                if cue in self.headers[i]:
                    return i
        named = [i for i in cols if any(cue in self.headers[i] for cue in cfg()["header"]["overall_fallback"])]
        return named[0] if len(named) == 1 else None


@functools.lru_cache(maxsize=CACHE)
def to_number(key: str) -> float | None:
    return float(key.removesuffix("分")) if is_number(key) else None


@functools.lru_cache(maxsize=CACHE)
def to_rank(key: str) -> int | None:
    if RANK_DIGITS.fullmatch(key):
        return int(key)
    m = RANK_WORDS.fullmatch(key)
    if m:
        try:
            return int(cn2an.cn2an(m.group(1) or m.group(2), "smart"))
        except ValueError:
            return None
    return None


def split_marks(text: str) -> tuple[str, list[str]]:
    if not patterns()["symbol"].search(text):  # (faster than a set's isdisjoint on Chinese text)
        return text.strip(), []
    symbols = patterns()["symbols"]
    marks = [c for c in text if c in symbols]
    return "".join(c for c in text if c not in symbols).strip(), marks


def only_marks(key: str) -> bool:
    """Every character a mark symbol (true of an empty key)."""
    return patterns()["symbols"].issuperset(key)


@functools.lru_cache(maxsize=CACHE)
def plain(key: str) -> bool:
    """A text cell (a cut-off number such as `85.` is none)."""
    return not CUT_NUMBER.fullmatch(key) and not is_grade(key) and not only_marks(key)


def align(cells: Sequence[CellFields], roles: list[str | None], merge_unit: bool) -> dict[int, CellFields]:
    """Map cells whose empty neighbours vanished onto columns, by what each cell looks like."""
    out: dict[int, CellFields] = {}
    i, n = 0, len(cells)
    for col, role in enumerate(roles):
        if i >= n:
            break
        c = cells[i]
        key = c[1]
        if role == "seq" or role == "rank":
            if to_rank(key) is not None:
                out[col] = c
                i += 1
        elif role == "unit":
            j = i
            while j < n and plain(cells[j][1]) and (merge_unit or j == i):
                j += 1
            if j == i + 1:
                out[col] = c
            elif j > i:
                out[col] = ("".join([x[0] for x in cells[i:j]]), "".join([x[1] for x in cells[i:j]]),
                            c[2], cells[j - 1][3])
            i = j
        elif role in NUMERIC_ROLES:
            if is_number(key):
                out[col] = c
                i += 1
        elif role == "grade":
            if is_grade(key):
                out[col] = c
                i += 1
        elif role == "remarks":
            out[col] = (" ".join([x[0] for x in cells[i:]]), "".join([x[1] for x in cells[i:]]), c[2], cells[-1][3])
            i = n
        elif role is None and not is_grade(key) and not only_marks(key):
            out[col] = c  # a column no cue names: text, or a number such as 扣分 -1.5
            i += 1
    if i < n:  # marks left at the end of a row without a remarks column
        rest = "".join([x[1] for x in cells[i:]])
        if rest and only_marks(rest):
            out[len(roles)] = (rest, rest, cells[i][2], cells[-1][3])
    return out


def record_of(table: Table, cells: Iterable[tuple[int, CellFields]], group_index: int, legends: dict[str, str],
              at: int = 0, layout: tuple[int | None, int | None] | None = None) -> Record | None:
    """The record of a row's (column, cell) pairs (offsets from `at`), None for a row of no unit."""
    roles, headers = table.roles, table.headers
    nroles = len(roles)
    unit_col, overall = layout or table.layout()
    start = end = -1  # of the filled cells
    unit_text = None
    seq = rank = grade = None
    scores: dict[str, float] = {}
    remark_marks: list[str] = []
    for col, (text, key, a, b) in cells:
        if col == unit_col:
            unit_text = text
        if not key:
            continue
        if start < 0 or a < start:
            start = a
        if b > end:  # noqa: PLR1730 (a call costs more in this loop)
            end = b
        if col == unit_col:
            continue
        role = roles[col] if col < nroles else "remarks"
        if role == "seq":
            seq = to_rank(key)
        elif role == "rank":
            rank = to_rank(key)
        elif role == "score" or role == "count":
            value = to_number(key)
            if value is not None:
                scores[headers[col]] = value
        elif role == "grade":
            grade = text
        elif role == "remarks":
            remark_marks += split_marks(text)[1]
        elif role is None and col < len(headers) and headers[col]:
            value = to_number(key)  # a numeric column the cues do not name
            if value is not None:
                scores[headers[col]] = value
    if start < 0:
        return None
    unit, marks = split_marks(unit_text) if unit_text is not None else ("", [])
    if remark_marks:
        marks += remark_marks
    if is_total(unit):
        return None
    if not unit and not scores and rank is None and seq is None:
        return None
    if grade is None and group_index in table.labels:
        grade = label_grade(squeeze(table.labels[group_index]))
    score = scores.get(headers[overall]) if overall is not None else None
    group = table.labels.get(group_index) or table.group
    notes = [legends[m] for m in marks if m in legends] if marks else []
    return Record("", group, seq, unit, unit, score, scores, rank, grade, marks, notes, at + start, at + end)


def is_total(unit: str) -> bool:
    """A row of totals (小计, 平均分), not a unit."""
    totals = patterns()["totals"]
    if unit in totals:
        return True
    if " " not in unit and unit.isprintable():
        return False  # no white space to drop (all but " " is unprintable)
    return squeeze(unit) in totals


def rows_to_records(table: Table, row: RawRow, legends: dict[str, str]) -> list[Record]:
    return cells_to_records(table, row.mode, fields_of(row.cells), 0, legends)


def cells_to_records(table: Table, mode: str, cells, at: int, legends: dict[str, str]) -> list[Record]:
    """The records of one row's cells (offsets from `at`), added to the table."""
    out = []
    layout = table.layout()
    if mode == "pos":
        w = table.width
        if len(cells) <= w:
            rec = record_of(table, enumerate(cells), 0, legends, at, layout)
            if rec is not None:
                out.append(rec)  # (group 0: column_group's default)
        else:
            for g in range(-(-len(cells) // w)):
                rec = record_of(table, enumerate(cells[g * w:(g + 1) * w]), g, legends, at, layout)
                if rec is not None:
                    if g:
                        table.column_group[id(rec)] = g
                    out.append(rec)
    else:
        aligned = align(cells, table.roles[:table.width], merge_unit=mode == "tokens")
        rec = record_of(table, aligned.items(), 0, legends, at, layout)
        has_value = rec is not None and (rec.scores or rec.rank is not None or rec.seq is not None or rec.grade)
        if rec is not None and rec.unit and has_value:
            out.append(rec)
    table.records.extend(out)
    return out
