"""Tables rebuilt from flattened text: every layout, and the real documents row for row."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalise import clean, fold, split_lines
from pipeline.tables import parse_block

from .conftest import SHARED, needs_shared, processed, real_files


def parse(text: str, titles=None):
    return parse_block(text, fold(text), split_lines(text), titles)


def rows(tables):
    return [(r.group, r.seq, r.unit, r.score, r.rank, r.grade, r.marks) for t in tables for r in t.records]


def test_tabs_with_a_header_and_several_score_columns():
    text = ("考核对象\t第一季度考核得分\t第二季度考核得分\t上半年考核得分\t排名\t红黄榜\n"
            "雁峰区\t92.89\t87.14\t90.02\t1\t红旗\n"
            "高新区\t91.37\t88.64\t90.01\t\t红旗\n")
    (table,) = parse(text)
    a, b = table.records
    assert (a.unit, a.score, a.rank, a.grade) == ("雁峰区", 90.02, 1, "红旗")
    assert a.scores == {"第一季度考核得分": 92.89, "第二季度考核得分": 87.14, "上半年考核得分": 90.02}
    assert (b.unit, b.score, b.rank) == ("高新区", 90.01, None)  # a blank rank stays null
    assert text[a.start:a.end] == "雁峰区\t92.89\t87.14\t90.02\t1\t红旗"


def test_the_overall_score_is_found_by_its_header_not_its_position():
    text = "单位\t总分\t社区得分\t小区得分\nA社区\t93.6\t19\t37.2\n"
    (table,) = parse(text)
    assert table.records[0].score == 93.6
    text = "单位\t社区得分\t小区得分\t总分\nA社区\t19\t37.2\t93.6\n"
    assert parse(text)[0].records[0].score == 93.6


def test_side_by_side_groups_are_read_in_seq_order_with_short_last_lines():
    text = ("序号\t考核对象\t红黄榜\t序号\t考核对象\t红黄榜\n"
            "1\t市纪委监委\t红旗\t3\t市统计局\t红旗\n"
            "2\t市民政局\t红旗\t\t\t\n")
    (table,) = parse(text)
    from pipeline.tables import ordered
    assert [(r.seq, r.unit, r.grade) for r in ordered(table)] == [
        (1, "市纪委监委", "红旗"), (2, "市民政局", "红旗"), (3, "市统计局", "红旗")]


def test_an_empty_leading_group_and_ties():
    text = ("责任单位\t考评排名\t责任单位\t考评排名\n"
            "北塔区\t1\t大祥区中心路街道\t2\n"
            "\t\t大祥区罗市镇\t2\n")
    (table,) = parse(text)
    assert sorted((r.unit, r.rank) for r in table.records) == [
        ("北塔区", 1), ("大祥区中心路街道", 2), ("大祥区罗市镇", 2)]


def test_red_and_black_groups_take_their_verdict_from_the_label_row():
    text = ("红榜\t\t黑榜\t\t\n"
            "排名\t社区名称\t排名\t社区名称\t\n"
            "1\t古城社区\t63\t衡丰社区\t\n"
            "2\t杨树社区\t64\t达观社区\t\n")
    (table,) = parse(text)
    got = sorted((r.rank, r.unit, r.grade, r.group) for r in table.records)
    assert got == [(1, "古城社区", "红榜", "红榜"), (2, "杨树社区", "红榜", "红榜"),
                   (63, "衡丰社区", "黑榜", "黑榜"), (64, "达观社区", "黑榜", "黑榜")]


def test_space_separated_rows_repeated_header_brackets_marks_and_legends():
    text = ("序号 单位 分数 等次 备注\n\n"
            "1 衡阳市市场监督管理局 97.6 优秀\n\n"
            " 序号 单位 分数 等次 备注\n\n"
            "2 衡阳市体育运动学校（衡阳市第十九中学） 89.8 良好 ▲\n"
            " 3 衡阳市商务局 84.6 良好\n\n"
            "在备注处标▲为被评价单位未在规定时间内提交整改反馈函，相应扣分\n")
    (table,) = parse(text)
    got = [(r.seq, r.unit, r.score, r.grade, r.marks, r.notes) for r in table.records]
    assert got == [
        (1, "衡阳市市场监督管理局", 97.6, "优秀", [], []),
        (2, "衡阳市体育运动学校（衡阳市第十九中学）", 89.8, "良好", ["▲"],
         ["被评价单位未在规定时间内提交整改反馈函，相应扣分"]),
        (3, "衡阳市商务局", 84.6, "良好", [], []),
    ]


def test_sub_headings_inside_a_table_set_each_rows_group():
    text = ("一、各县市\n\n责任单位\t考评排名\n武冈市\t1\n洞口县\t2\n\n"
            "二、三区\n\n责任单位\t考评排名\n北塔区\t1\n")
    got = [(r.group, r.unit, r.rank) for t in parse(text) for r in t.records]
    assert got == [("一、各县市", "武冈市", 1), ("一、各县市", "洞口县", 2), ("二、三区", "北塔区", 1)]


def test_a_sub_header_row_gives_each_column_its_share_and_a_missing_unit_stays_blank():
    text = ("序号\t社区名称\t总分\t社区得分\t小区得分\n"
            "\t\t\t占比20%\t占比40%\n"
            "1\t古城社区\t93.6\t19\t37.2\n"
            "2\t\t74.8\t17.6\t28.8\n")
    (table,) = parse(text)
    assert table.shares == {3: 20.0, 4: 40.0}
    assert [(r.seq, r.unit, r.score) for r in table.records] == [(1, "古城社区", 93.6), (2, "", 74.8)]


def test_a_pipe_table_with_spaces_inside_names():
    text = "| 单 位 | 分 数 | 名次 |\n| 灵 昆 镇 | 79.19 | 1 |\n| 蒲州街道 | 77.71 | 2 |\n"
    assert [(r.unit, r.score, r.rank) for t in parse(text) for r in t.records] == [
        ("灵昆镇", 79.19, 1), ("蒲州街道", 77.71, 2)]


def test_space_aligned_columns_with_ragged_indentation():
    text = "名次                乡镇\n1                  古城镇\n   12                 褚河街道\n\n13                火龙镇\n"
    assert [(r.rank, r.unit) for t in parse(text) for r in t.records] == [(1, "古城镇"), (12, "褚河街道"), (13, "火龙镇")]


def test_a_table_flattened_one_cell_per_line_with_a_lost_header_cell():
    cells = ["()", "村(居)(个)", "优(个)", "1", "新圩", "17", "3", "2", "内厝", "17", "2", " ", "小计", "34", "5"]
    text = "\n\n".join("  " + c for c in cells) + "\n"
    got = [(r.seq, r.unit, r.score, r.scores) for t in parse(text) for r in t.records]
    assert got == [(1, "新圩", None, {"村(居)(个)": 17.0, "优(个)": 3.0}),
                   (2, "内厝", None, {"村(居)(个)": 17.0, "优(个)": 2.0})]


def test_a_table_flattened_one_piped_cell_per_line():
    text = ("|\n排名 |\n村别 |\n考评暗访存在问题 |\n得分 |\n"
            "|\n第一名 |\n燎原村 |\n保洁不到位。 |\n93 |\n"
            "|\n第十二名 |\n溪丰村 |\n垃圾桶边保洁不到位。 |\n84 |\n"
            "|\n省道215 |\n主干道保洁不到位。 |\n88 |\n")
    got = [(r.rank, r.unit, r.score) for t in parse(text) for r in t.records]
    assert got == [(1, "燎原村", 93.0), (12, "溪丰村", 84.0), (None, "省道215", 88.0)]


def test_several_titles_printed_together_caption_the_tables_in_turn():
    text = "考核对象\t得分\t排名\n祁东县\t94.26\t1\n\n考核对象\t得分\t排名\n雁峰区\t90.02\t1\n"
    got = [(r.group, r.unit) for t in parse(text, ["七县考核结果", "五城区考核结果"]) for r in t.records]
    assert got == [("七县考核结果", "祁东县"), ("五城区考核结果", "雁峰区")]


# ---------------------------------------------------------------- property: column groups round-trip

names = st.text(alphabet="东南西北中华新城社区街道镇村市局委办", min_size=2, max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=5), st.lists(names, min_size=1, max_size=30, unique=True),
       st.sampled_from(["红旗", "良好", "合格"]))
def test_random_column_group_layouts_round_trip(k, units, grade):
    per = -(-len(units) // k)  # rows per group, the last group short
    header = "\t".join(["序号\t考核对象\t红黄榜"] * k)
    lines = [header]
    for i in range(per):
        cells = []
        for g in range(k):
            n = g * per + i
            cells += [str(n + 1), units[n], grade] if n < len(units) else ["", "", ""]
        lines.append("\t".join(cells))
    from pipeline.tables import ordered
    (table,) = parse("\n".join(lines) + "\n")
    assert [(r.seq, r.unit, r.grade) for r in ordered(table)] == [(i + 1, u, grade) for i, u in enumerate(units)]


# ---------------------------------------------------------------- the real documents

def gold_of(path):
    return json.loads((SHARED / "gold" / (path.stem + ".json")).read_text(encoding="utf-8"))


@needs_shared
@pytest.mark.parametrize("path", real_files("corpus"), ids=lambda p: p.name[:3])
def test_every_table_of_the_real_documents_gives_exactly_the_gold_rows(path):
    doc, raw = processed(str(path))
    want = [(g["unit"], g["score"], g["rank"], g["grade"], g["marks"]) for g in gold_of(path)["records"]]
    got = [(r["unit"], r["score"], r["rank"], r["grade"], r["marks"]) for r in doc["records"]]
    assert got == want


@needs_shared
@pytest.mark.parametrize("path", real_files("corpus"), ids=lambda p: p.name[:3])
def test_each_record_covers_its_source_row(path):
    doc, raw = processed(str(path))
    sections = {s["id"]: s for s in doc["sections"]}
    recovered = {(f["start"], f["end"]) for f in doc["flags"] if f["code"] == "unit_recovered"}
    for r in doc["records"]:
        sec = sections[r["table"]]
        assert sec["start"] <= r["start"] < r["end"] <= sec["end"]
        if (r["start"], r["end"]) not in recovered:
            assert r["unit"].replace(" ", "") in clean(raw[r["start"]:r["end"]]).replace(" ", "")


@needs_shared
def test_marks_resolve_to_their_legend_text():
    path = next(p for p in real_files("corpus") if p.name.startswith("002"))
    doc, _ = processed(str(path))
    marked = [r for r in doc["records"] if r["marks"]]
    assert len(marked) == 12
    assert all(len(r["notes"]) == len(r["marks"]) and r["notes"][0] for r in marked)
    star = next(r for r in marked if r["marks"] == ["★"])
    assert star["notes"] == ["主管部门未按要求指导所属二级机关开展部门评价，相应扣分"]


def test_a_header_printed_over_two_lines():
    text = ("序号\t旗县区\t基础\t厕所\t考核\t等次\n"
            "\t\t工作\t革命\t总分\t\n"
            "1\t东乌拉旗\t18.5\t23.0\t91.8\t优秀\n")
    (table,) = parse(text)
    (r,) = table.records
    assert (r.seq, r.unit, r.score, r.grade) == (1, "东乌拉旗", 91.8, "优秀")
    assert r.scores == {"基础工作": 18.5, "厕所革命": 23.0, "考核总分": 91.8}


def test_the_overall_score_among_parts_is_the_one_named_for_the_assessment():
    text = "考核对象\t实地考察得分\t问卷调查得分\t第一季度考核得分\t排名\n云溪区\t91.20\t88.40\t90.08\t1\n"
    assert parse(text)[0].records[0].score == 90.08
    text = "考核对象\t实地考察得分\t问卷调查得分\t排名\n云溪区\t91.20\t88.40\t1\n"
    assert parse(text)[0].records[0].score is None  # nothing names the overall score: not guessed


def test_a_row_cut_off_mid_number_keeps_what_is_complete():
    text = "名次      街道            得分\n1         铁路街道        94.6\n5         红旗街道        85."
    got = [(r.rank, r.unit, r.score) for t in parse(text) for r in t.records]
    assert got == [(1, "铁路街道", 94.6), (5, "红旗街道", None)]


def test_group_labels_naming_a_verdict_and_a_kind_of_unit():
    text = "红旗社区\t\t黄旗社区\t\n排名\t社区名称\t排名\t社区名称\n1\t铁路社区\t11\t北门社区\n"
    got = sorted((r.rank, r.unit, r.group, r.grade) for t in parse(text) for r in t.records)
    assert got == [(1, "铁路社区", "红旗社区", "红旗"), (11, "北门社区", "黄旗社区", "黄旗")]


def test_letter_grades_and_columns_no_cue_names():
    text = ("序号  医院名称          评价得分   等级\n1     白沙区人民医院    86.9       B\n"
            "学校名称            基础分    扣分     加分    综合得分    排名\n澄江县第一中学      100       -1.5     +2      100.5       1\n")
    got = [(r.unit, r.score, r.rank, r.grade, r.scores) for t in parse(text) for r in t.records]
    assert got == [("白沙区人民医院", 86.9, None, "B", {"评价得分": 86.9}),
                   ("澄江县第一中学", 100.5, 1, None, {"基础分": 100.0, "扣分": -1.5, "加分": 2.0, "综合得分": 100.5})]


def test_a_header_with_only_its_unit_column_named_by_a_cue():
    text = "乡镇 问题数 已整改 整改率\n大坪乡 12 7 58.3%\n新桥镇 8 6 75.0%\n"
    got = [(r.unit, r.score, r.scores) for t in parse(text) for r in t.records]
    assert got == [("大坪乡", None, {"问题数": 12.0, "已整改": 7.0}), ("新桥镇", None, {"问题数": 8.0, "已整改": 6.0})]
