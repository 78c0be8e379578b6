"""Stage 'checks': the cross-checks a careful analyst makes on the records, as flags.

* `count_mismatch`: a total stated in the text (`纳入评价范围的 257个市直单位`,
  `评定为"优秀"等次的单位 97个`) disagrees with the rows;
* `rank_blank`: a table with a rank column leaves a row's rank empty;
* `rank_inconsistent`: within one ranking, a higher score ranked lower, or equal ranks
  with different scores;
* `value_out_of_range`: a part score above the share its header states (`占比40%`), a
  score above 100;
* `duplicate_unit`: the same unit twice in one table.

(`unit_recovered` is raised by the tables stage where it recovers the name.)
"""
from __future__ import annotations

from itertools import combinations

from . import config, rx
from .model import Document, Record
from .normalise import Compact, compact, squeezer
from .registry import register
from .tables import Table


def rankings_of(records: list[Record], tables: list[tuple[str, Table]]) -> list[list[Record]]:
    """Records ranked together: one table's group (a table cut into several sections stays
    one), or one ranking outside tables; split where the ranks start again at the top."""
    in_tables = {id(r) for _, t in tables for r in t.records}
    groups: dict[tuple, list[Record]] = {}
    for i, (_, t) in enumerate(tables):
        for r in t.records:
            groups.setdefault(("table", i, r.group), []).append(r)
    for r in records:
        if id(r) not in in_tables:
            groups.setdefault((r.table, r.group), []).append(r)
    runs = []
    for recs in groups.values():
        recs = [r for r in recs if r.rank is not None]
        if not recs:
            continue
        run = [recs[0]]
        for r in recs[1:]:
            # (mypy does not narrow `rank` through the filter above: every rank here is an int)
            if r.rank <= run[0].rank < run[-1].rank:  # type: ignore[operator]  # the ranks start again (another zone)
                runs.append(run)
                run = []
            run.append(r)
        runs.append(run)
    return runs


def check_ranks(doc: Document, tables: list[tuple[str, Table]]) -> None:
    for run in rankings_of(doc.records, tables):
        for a, b in combinations([r for r in run if r.score is not None], 2):
            if a.rank == b.rank and a.score != b.score:
                doc.flag("rank_inconsistent", f"{a.unit} and {b.unit} share rank {a.rank} with different "
                         f"scores ({a.score:g}, {b.score:g})", a.start, b.end)
            # (ranks of a run are ints, rankings_of keeps no other; scores filtered just above)
            elif (a.rank - b.rank) * (a.score - b.score) > 0:  # type: ignore[operator]
                doc.flag("rank_inconsistent", f"{a.unit} (rank {a.rank}, {a.score:g}) and {b.unit} "
                         f"(rank {b.rank}, {b.score:g}): the higher score is ranked lower", a.start, b.end)


def check_tables(doc: Document, tables: list[tuple[str, Table]]) -> None:
    for _, table in tables:
        has_rank = "rank" in table.roles
        # (numeric_cols is computed on each access: once per table, not per row)
        if not table.records:
            continue
        numeric_cols = table.numeric_cols
        seen: dict[str, Record] = {}
        # (the columns each row is checked on: a share stated, a score of at most 100)
        shares = [(table.headers[col], share) for col, share in table.shares.items()]
        scores = [table.headers[col] for col in numeric_cols if table.roles[col] == "score"]
        for r in table.records:
            if has_rank and r.rank is None:
                doc.flag("rank_blank", f"{r.unit or 'a row'} has no rank in a ranked table", r.start, r.end)
            for header, share in shares:
                value = r.scores.get(header)
                if value is not None and value > share:
                    doc.flag("value_out_of_range", f"{r.unit or 'a row'}: {header} {value:g} is above "
                             f"its share {share:g}", r.start, r.end)
            for header in scores:
                value = r.scores.get(header)
                if value is not None and value > 100:
                    doc.flag("value_out_of_range", f"{r.unit or 'a row'}: {header} {value:g} is "
                             "above 100", r.start, r.end)
            if r.unit:
                if r.unit in seen:
                    doc.flag("duplicate_unit", f"{r.unit} appears twice in one table", seen[r.unit].start, r.end)
                seen[r.unit] = r


class _Squeezed:
    """The view without whitespace; the raw span of a piece of it from `compact`, built only
    when a flag needs one (most documents raise none)."""

    def __init__(self, view: str):
        self.view, self.text = view, squeezer(view)(view)
        self._compact: Compact | None = None

    def span(self, i: int, j: int) -> tuple[int, int]:
        if self._compact is None:
            self._compact = compact(self.view)
        return self._compact.span(i, j)


def check_counts(doc: Document, tables: list[tuple[str, Table]]) -> None:
    settings = config.load("tables")["checks"]
    text = _Squeezed(doc.work["view"])
    largest = max((len(t.records) for _, t in tables), default=0)
    for m in rx.finditer(settings["total"], text.text):
        stated = int(m.group(1))
        if largest and stated != largest:
            a, b = text.span(m.start(), m.end())
            doc.flag("count_mismatch", f"the text states {stated} units, the table has {largest} rows", a, b)
    # totals naming the kind of unit: 对辖区6个街道…考评 against the rows of that kind
    for m in rx.finditer(settings["unit_total"], text.text):
        stated, noun = int(m.group(1)), m.group("noun")
        kinds = [len(t.records) for _, t in tables
                 if len(t.records) >= 2 and all(r.unit.endswith((noun, noun[-1])) for r in t.records)]
        if kinds and stated not in kinds:  # no table of that kind of unit has the stated number of rows
            a, b = text.span(m.start(), m.end())
            doc.flag("count_mismatch", f"the text states {stated} {noun}, the table has {max(kinds)} rows", a, b)
    # a heading's own count: 一、先进单位（4个） over fewer or more units
    for sid, group, stated, a, b in doc.work.get("stated_counts", []):
        found = sum(1 for r in doc.records if r.table == sid and r.group == group)
        if found and found != stated:
            doc.flag("count_mismatch", f"{group} states {stated} units, {found} are listed", a, b)
    graded = [r.grade for r in doc.records if r.grade]
    for m in rx.finditer(settings["grade_count"], text.text):
        grade, stated = m.group(1), int(m.group(2))
        if grade not in graded and not graded:
            continue
        found = graded.count(grade)
        if found != stated:
            a, b = text.span(m.start(), m.end())
            doc.flag("count_mismatch", f"the text states {stated} units graded {grade}, the rows give {found}", a, b)


@register("checks")
def make_checks():
    def checks(doc: Document) -> Document:
        tables = doc.work.get("tables", [])
        check_counts(doc, tables)
        check_tables(doc, tables)
        check_ranks(doc, tables)
        return doc
    return checks
