"""Cross-checks on the records: each flag raised where it applies and nowhere else."""
from __future__ import annotations

import json

import pytest

from pipeline import registry
from pipeline.model import Document, Section

from .conftest import SHARED, needs_shared, processed, real_files

MINE = {"count_mismatch", "rank_blank", "rank_inconsistent", "value_out_of_range", "unit_recovered", "duplicate_unit"}


def flags(body: str, table: str, after: str = "") -> list[tuple[str, str]]:
    """Flags of a notice body, one table section and text after it."""
    stages = dict(registry.build(["normalise", "tables", "rankings", "checks"]))
    raw = body + table + after
    doc = stages["normalise"](Document.from_text(raw))
    a, b = len(body), len(body) + len(table)
    doc.sections = [Section("s1", "notice_body", 0, a), Section("s2", "table", a, b)] + \
        ([Section("s3", "notice_body", b, len(raw))] if after else [])
    for name in ("tables", "rankings", "checks"):
        doc = stages[name](doc)
    for f in doc.flags:
        assert 0 <= f.start < f.end <= len(raw)
    return [(f.code, raw[f.start:f.end]) for f in doc.flags]


TABLE = "序号 单位 分数 等次\n1 市统计局 97.6 优秀\n2 市审计局 91.0 优秀\n3 市财政局 85.2 良好\n"


def test_stated_totals_that_agree_raise_nothing():
    body = "纳入评价范围的 3个市直单位，评定为“优秀”等次的单位 2个；评\n\n定为“良好”等次的单位 1个。\n"
    assert flags(body, TABLE) == []


def test_a_stated_total_that_disagrees_raises_count_mismatch():
    body = "纳入评价范围的 4个市直单位，评定为“优秀”等次的单位 2个；评\n\n定为“良好”等次的单位 2个。\n"
    got = flags(body, TABLE)
    assert [c for c, _ in got] == ["count_mismatch", "count_mismatch"]
    assert "4个" in got[0][1] and "良好" in got[1][1]


def test_a_blank_rank_in_a_ranked_table():
    table = "考核对象\t得分\t排名\n祁东县\t94.26\t1\n衡东县\t93.45\t\n衡山县\t93.45\t2\n"
    assert flags("", table) == [("rank_blank", "衡东县\t93.45")]


def test_ranks_that_contradict_the_scores():
    table = "单位\t得分\t名次\n甲镇\t79.19\t1\n乙镇\t80.16\t2\n丙镇\t70.00\t3\n丁镇\t69.00\t3\n"
    got = [c for c, _ in flags("", table)]
    assert got == ["rank_inconsistent", "rank_inconsistent"]


def test_ranks_restarting_for_another_group_and_equal_scores_are_consistent():
    table = ("单位\t得分\t名次\n甲镇\t79.19\t1\n乙镇\t78.16\t2\n"
             "中心工业区\t88.70\t1\n扶贫开发区\t78.62\t2\n农业示范区\t78.62\t3\n")
    assert flags("", table) == []


def test_a_part_score_above_its_share_and_a_score_above_100():
    table = ("序号\t社区名称\t总分\t小区得分\t小巷得分\n\t\t\t占比40%\t占比40%\n"
             "1\t古城社区\t93.6\t37.2\t37.4\n2\t衡丰社区\t75\t57.6\t0\n3\t华庭社区\t101\t36\t36.4\n")
    got = flags("", table)
    assert [c for c, _ in got] == ["value_out_of_range", "value_out_of_range"]
    assert got[0][1].startswith("2\t衡丰社区") and got[1][1].startswith("3\t华庭社区")


def test_a_missing_name_recovered_from_another_table():
    table = ("红榜\t\t黑榜\t\t\n排名\t社区名称\t排名\t社区名称\t\n1\t古城社区\t3\t达观社区\t\n\n"
             "序号\t社区名称\t总分\n1\t古城社区\t93.6\n2\t杨树社区\t80\n3\t\t74.8\n")
    assert [c for c, _ in flags("", table)] == ["unit_recovered"]


def test_a_unit_twice_in_one_table():
    table = "序号\t考核对象\t红黄榜\n1\t市气象局\t红旗\n2\t市档案馆\t红旗\n3\t市气象局\t红旗\n"
    assert [c for c, _ in flags("", table)] == ["duplicate_unit"]


# ---------------------------------------------------------------- the real documents

@needs_shared
@pytest.mark.parametrize("path", real_files("corpus") + real_files("web/corpus"), ids=lambda p: p.name[:3])
def test_the_checks_raise_the_gold_flags_and_nothing_else(path):
    gold_dir = SHARED / ("web/gold" if "web" in str(path) else "gold")
    gold = json.loads((gold_dir / (path.stem + ".json")).read_text(encoding="utf-8"))
    doc, _ = processed(str(path))
    got = {f["code"] for f in doc["flags"]} & MINE
    want = set(gold["flags"]) & MINE
    if path.name.startswith("000"):
        want.add("duplicate_unit")  # 中国平安财产保险衡阳中心支公司 twice in 附件4 (not in the gold flags)
    assert got == want


def test_a_total_of_one_kind_of_unit_against_the_rows_of_that_kind():
    table = "名次      街道            得分\n1         铁路街道        94.6\n2         纺织街道        92.3\n"
    assert [c for c, _ in flags("区城管局对辖区3个街道的市容秩序进行了考评。\n", table)] == ["count_mismatch"]
    assert flags("区城管局对辖区2个街道的市容秩序进行了考评。\n", table) == []
    assert flags("考评范围是1个乡镇和铁路街道。\n", table) == []


def test_a_heading_whose_stated_count_disagrees_with_its_list():
    stages = dict(registry.build(["normalise", "tables", "rankings", "checks"]))
    raw = "一、先进单位（2个）\n松柏镇\n阳日林场\n二、达标单位（1个）\n木鱼镇\n宋洛乡\n"
    doc = stages["normalise"](Document.from_text(raw))
    doc.sections = [Section("s1", "name_list", 0, len(raw))]
    for name in ("tables", "rankings", "checks"):
        doc = stages[name](doc)
    assert [(f.code, raw[f.start:f.end]) for f in doc.flags] == [("count_mismatch", "二、达标单位（1个）")]


def test_two_neighbours_ranked_the_wrong_way_round():
    table = "序号\t社区名称\t总分\t排名\n1\t桂园社区\t89.9\t6\n2\t梧桐社区\t89.4\t5\n3\t光明社区\t88.7\t7\n"
    got = flags("", table)
    assert [c for c, _ in got] == ["rank_inconsistent"]
