"""Rankings outside tables: verdict headings, place lists, inline scores, prose verdicts."""
from __future__ import annotations

import json

import pytest

from pipeline import registry
from pipeline.model import Document, Section

from .conftest import SHARED, needs_shared, processed, real_files


def ranked(text: str, kind: str = "notice_body", title: str | None = None, caption: str | None = None):
    """Records the rankings stage finds in `text` typed as one section of `kind`."""
    stages = dict(registry.build(["normalise", "rankings"]))
    raw = (caption + "\n" if caption else "") + text
    doc = Document.from_text(raw)
    doc = stages["normalise"](doc)
    doc.title = title
    at = len(caption) + 1 if caption else 0
    doc.sections = ([Section("s1", "table_title", 0, at)] if caption else []) + [Section("s2", kind, at, len(raw))]
    doc = stages["rankings"](doc)
    for r in doc.records:
        assert r.unit in "".join(raw[r.start:r.end].split())
    return doc.records


def test_verdict_headings_followed_by_one_unit_per_line():
    recs = ranked("一等奖:\n红花岗区人民政府办公室\n遵义县人民政府办公室\n二等奖:\n仁怀市人民政府办公室\n", "name_list")
    assert [(r.unit, r.grade, r.group, r.rank) for r in recs] == [
        ("红花岗区人民政府办公室", "一等奖", "一等奖", None), ("遵义县人民政府办公室", "一等奖", "一等奖", None),
        ("仁怀市人民政府办公室", "二等奖", "二等奖", None)]


def test_places_several_per_line_and_last_places_under_group_labels():
    text = ("农村组:\n第一名:新城社区 第二名:芦浦社区\n第三名:凤江社区\n末位社区:平等社区、白沙社区\n"
            "城区组:\n第一名:湖前社区\n")
    recs = ranked(text, "table", caption="一、社区考核结果")
    assert [(r.group, r.unit, r.rank, r.grade) for r in recs] == [
        ("一、社区考核结果 农村组", "新城社区", 1, None), ("一、社区考核结果 农村组", "芦浦社区", 2, None),
        ("一、社区考核结果 农村组", "凤江社区", 3, None), ("一、社区考核结果 农村组", "平等社区", None, "末位"),
        ("一、社区考核结果 农村组", "白沙社区", None, "末位"), ("一、社区考核结果 城区组", "湖前社区", 1, None)]


def test_later_units_of_one_item_carry_the_shared_prefix_in_unit_full_only():
    (a, b) = ranked("黑榜社区:桃城区杨树社区、金光社区\n")
    assert (a.unit, a.unit_full, a.grade) == ("桃城区杨树社区", "桃城区杨树社区", "黑榜")
    assert (b.unit, b.unit_full) == ("金光社区", "桃城区金光社区")


def test_inline_scores_glued_to_names_are_ranks_only_after_a_ranking_intro():
    text = "总平均成绩排名如下(分数构成:现场分90%+整改反馈分10%):新圩镇(含大帽山埔顶村)88.31分、内厝镇88.01分、新店镇87.85分。"
    assert [(r.unit, r.score, r.rank) for r in ranked(text)] == [
        ("新圩镇(含大帽山埔顶村)", 88.31, 1), ("内厝镇", 88.01, 2), ("新店镇", 87.85, 3)]
    text = "各镇得分为:新圩镇88.31分、内厝镇88.01分。"
    assert [(r.unit, r.score, r.rank) for r in ranked(text)] == [("新圩镇", 88.31, None), ("内厝镇", 88.01, None)]


def test_verdicts_stated_in_prose():
    text = ("今年3月份,由于安全监管执法排名靠后、安全生产事故增加等扣分因素,攸县政府、茶陵县政府在月度考评中"
            "排名县市区后两位,被通报约谈。其中,对月度考评排名后两位的县市区、市直有关部门,由市安委会集中约谈。")
    assert [(r.unit, r.grade, r.rank) for r in ranked(text, "news")] == [
        ("攸县政府", "通报约谈", None), ("茶陵县政府", "通报约谈", None)]
    text = "考评结果揭晓,武夷山、政和、光泽位列前三名,建阳、建瓯、邵武分列倒三。"
    assert [(r.unit, r.group, r.rank) for r in ranked(text, "news")] == [
        ("武夷山", "位列前三名", None), ("政和", "位列前三名", None), ("光泽", "位列前三名", None),
        ("建阳", "分列倒三", None), ("建瓯", "分列倒三", None), ("邵武", "分列倒三", None)]


def test_headline_fragments_spliced_before_names_are_kept_out():
    title = "测评结果出炉!哪里失分?排名靠后单位负责人这样说..."
    text = "共计608个点位进行测评。后单市文联、责人梅州海事局和市侨联3家单位在专项测评中排名靠后,样说近日接受采访。"
    assert [r.unit for r in ranked(text, "news", title=title)] == ["市文联", "梅州海事局", "市侨联"]


def test_bulleted_items_under_a_verdict_heading_open_with_the_unit():
    text = "先进单位:\n1. 市财政局:工作扎实,成效明显。\n2. 市民政局:按时完成各项任务。\n"
    assert [(r.unit, r.grade) for r in ranked(text)] == [("市财政局", "先进"), ("市民政局", "先进")]


def test_a_unit_named_again_stays_one_record_and_mentions_are_not_records():
    text = "一等奖:\n红花岗区人民政府办公室\n\n会上,红花岗区人民政府办公室作了经验介绍,各单位要学习先进经验。\n"
    assert [r.unit for r in ranked(text)] == ["红花岗区人民政府办公室"]
    assert ranked("会议指出,各县市区要认真对标,市直有关部门要加强督导。", "news") == []


def test_a_text_cut_off_inside_a_name_gives_no_half_record():
    recs = ranked("二等奖:\n仁怀市人民政府办公室\n汇川区人民政")
    assert [r.unit for r in recs] == ["仁怀市人民政府办公室"]
    recs = ranked("二等奖:\n仁怀市人民政府办公室\n汇川区人民政府办公室")
    assert [r.unit for r in recs] == ["仁怀市人民政府办公室", "汇川区人民政府办公室"]


def test_a_list_is_ranked_only_when_introduced_as_a_ranking():
    recs = ranked("考评排名如下:\n古城镇\n方岗镇\n")
    assert [(r.unit, r.rank) for r in recs] == [("古城镇", 1), ("方岗镇", 2)]
    recs = ranked("现对评定为优秀的单位予以通报表彰（排名不分先后）：\n衡阳市统计局\n衡阳市审计局\n")
    assert [(r.unit, r.rank, r.grade) for r in recs] == [("衡阳市统计局", None, "优秀"), ("衡阳市审计局", None, "优秀")]


# ---------------------------------------------------------------- the web texts

def gold_of(path):
    return json.loads((SHARED / "web" / "gold" / (path.stem + ".json")).read_text(encoding="utf-8"))


@needs_shared
@pytest.mark.parametrize("path", real_files("web/corpus"), ids=lambda p: p.name[:3])
def test_every_ranked_unit_of_the_web_texts_and_nothing_else(path):
    doc, _ = processed(str(path))
    want = [(g["unit"], g["score"], g["rank"], g["grade"]) for g in gold_of(path)["records"]]
    got = [(r["unit"], r["score"], r["rank"], r["grade"]) for r in doc["records"]]
    assert got == want


def test_graded_lists_in_wrapped_running_text():
    text = ("经综合评定，评定为优秀等次的有：东关街道办事处、桥西街道办事\n\n处；评定为良好等次的有：区住房和城乡建设局、"
            "区教育局；评定为较差等次的有：河口\n\n街道办事处。\n")
    assert [(r.unit, r.grade) for r in ranked(text)] == [
        ("东关街道办事处", "优秀"), ("桥西街道办事处", "优秀"), ("区住房和城乡建设局", "良好"), ("区教育局", "良好"),
        ("河口街道办事处", "较差")]


def test_numbered_verdict_headings_and_inline_ones():
    text = "一、先进单位（2个）\n\n松柏镇\n阳日林场\n\n二、不合格单位\n\n白马镇中心学校\n"
    assert [(r.group, r.unit, r.grade) for r in ranked(text, "name_list")] == [
        ("一、先进单位（2个）", "松柏镇", "先进"), ("一、先进单位（2个）", "阳日林场", "先进"),
        ("二、不合格单位", "白马镇中心学校", "不合格")]
    text = "一、考核结果 (一)优秀等次。城关镇、石桥镇。(二)合格等次。梅溪镇。 二、存在问题 部分乡镇台账不规范。"
    assert [(r.unit, r.grade) for r in ranked(text)] == [("城关镇", "优秀"), ("石桥镇", "优秀"), ("梅溪镇", "合格")]


def test_places_listed_in_order_and_sets_of_places():
    text = "从城区排名看，前三名依次为：昆河区、青山区、东湖区。从街道排名看，新华路街道、友谊街道位列前二，沙河街道排名后一位。"
    assert [(r.unit, r.rank) for r in ranked(text, "news")] == [
        ("昆河区", 1), ("青山区", 2), ("东湖区", 3), ("新华路街道", None), ("友谊街道", None), ("沙河街道", None)]


def test_a_speaker_ranking_itself():
    stages = dict(registry.build(["normalise", "rankings"]))
    raw = "和平镇\n在全县考核中，我镇排名第14位，位列全县倒数第二。下一步我们将确保排名进入前十。\n"
    doc = stages["normalise"](Document.from_text(raw))
    doc.sections = [Section("s1", "pledge_speech", 0, len(raw), speaker="和平镇")]
    doc = stages["rankings"](doc)
    assert [(r.unit, r.rank) for r in doc.records] == [("和平镇", 14)]


def test_places_scores_and_verdicts_of_each_unit_in_a_news_sentence():
    text = ("测评结果显示，临江区以93.6分排名第一，城南区、高新区分列第二、第三名。"
            "西山区、北塔区得分低于85分，排名后两位，被市文明办亮出“黄牌”。两个区排名靠后。")
    assert [(r.unit, r.score, r.rank, r.grade) for r in ranked(text, "news")] == [
        ("临江区", 93.6, 1, None), ("城南区", None, 2, None), ("高新区", None, 3, None),
        ("西山区", None, None, "黄牌"), ("北塔区", None, None, "黄牌")]


def test_a_verdict_closing_a_sentence_about_what_the_units_did():
    text = "同时，督查中发现，红岩镇、县应急管理局隐患排查治理台账规范，整改闭环及时，予以通报表扬。"
    assert [(r.unit, r.grade) for r in ranked(text)] == [("红岩镇", "通报表扬"), ("县应急管理局", "通报表扬")]


def test_a_bulleted_item_naming_several_units():
    text = "（二）一般\n\n3.凤鸣街道：背街小巷仍有占道经营问题，评为一般。\n\n4.柳河镇、槐树镇：日常巡查流于形式，均评为一般。\n"
    assert [(r.unit, r.grade) for r in ranked(text)] == [("凤鸣街道", "一般"), ("柳河镇", "一般"), ("槐树镇", "一般")]


def test_a_verdict_heading_with_its_count_in_brackets():
    recs = ranked("一等奖(3个):安平县、溪口区、云台县\n二等奖（2个）：\n桐南区\n石门县\n")
    assert [(r.unit, r.grade) for r in recs] == [("安平县", "一等奖"), ("溪口区", "一等奖"), ("云台县", "一等奖"),
                                                 ("桐南区", "二等奖"), ("石门县", "二等奖")]


def test_a_list_introduced_by_a_sentence_wrapped_over_lines_in_the_section_before():
    stages = dict(registry.build(["normalise", "rankings"]))
    body = ("经复核,纳入复核范围的单位共3个,其中评定为“达标”的单位2个。现将达标单位名单通报如下(排名不分\n\n"
            "先后):\n\n")
    names = "云溪区人民法院\n\n云溪区财政局\n\n"
    raw = body + names
    doc = stages["normalise"](Document.from_text(raw))
    doc.sections = [Section("s1", "notice_body", 0, len(body)), Section("s2", "name_list", len(body), len(raw))]
    doc = stages["rankings"](doc)
    assert [(r.table, r.unit, r.grade, r.rank) for r in doc.records] == [
        ("s2", "云溪区人民法院", "达标", None), ("s2", "云溪区财政局", "达标", None)]


def test_places_stated_before_the_units_and_units_given_an_action():
    text = ("市城管委通报4月份考评结果,并对排名后三位的望江区北门街道、枫林区纺织街道主要负责人进行集中约谈。"
            "对排名后两位的县市区,由市安委会约谈。枫林区排名全市末位,纺织社区被约谈。")
    assert [(r.unit, r.grade) for r in ranked(text, "news")] == [
        ("望江区北门街道", "约谈"), ("枫林区纺织街道", "约谈"), ("枫林区", "末位"), ("纺织社区", "约谈")]


def test_a_verdict_sentence_about_the_units_of_the_sentence_before():
    text = ("经查，县水务局、县住房和城乡建设局两家单位对本行业领域安全隐患排查不深入、不细致。"
            "上述行为违反了有关规定。经县安委会研究，决定予以通报批评。对排名后两位的市场，已下发整改通知书。")
    assert [(r.unit, r.grade) for r in ranked(text)] == [("县水务局", "通报批评"), ("县住房和城乡建设局", "通报批评")]


def test_running_text_about_a_place_without_a_unit_list_gives_nothing():
    text = ("我市在全省考核中排名第三。该区连续三年位列全市前三。对排名靠后的单位进行约谈。"
            "希望受到通报表扬的单位再接再厉。城东街道连续两年排名第一。")
    assert [(r.unit, r.rank) for r in ranked(text, "news")] == [("城东街道", 1)]


def test_places_with_bracketed_scores_under_verdict_headings():
    text = ("🏆 红榜（前三名）\n\n第一名：杉木桥村（96.5分）\n第二名：南塘村（95.2分）\n\n"
            "⚠️ 黑榜（后两名）\n\n倒数第一：茶亭村（71.0分）\n\n一、考核优秀单位（2个）\n\n市税务局、市图书馆\n")
    assert [(r.unit, r.score, r.rank, r.grade) for r in ranked(text, "name_list")] == [
        ("杉木桥村", 96.5, 1, "红榜"), ("南塘村", 95.2, 2, "红榜"), ("茶亭村", 71.0, None, "黑榜"),
        ("市税务局", None, None, "优秀"), ("市图书馆", None, None, "优秀")]


def test_a_graded_list_whose_last_name_runs_into_its_description():
    text = "一、考核结果\n\n1.优秀等次。清水镇、白沙乡、龙口镇考核等次为优秀。\n\n2.较差等次。石门乡考核等次为较差。\n"
    assert [(r.unit, r.grade) for r in ranked(text)] == [
        ("清水镇", "优秀"), ("白沙乡", "优秀"), ("龙口镇", "优秀"), ("石门乡", "较差")]


def test_a_verdict_label_loses_its_assessment_words_and_unit_noun():
    from pipeline.rankings import verdict_of
    assert verdict_of("年度考核末位社区") == "末位"  # [rankings] label_prefixes, any number of them, then label_nouns
    assert verdict_of("考评优秀") == "优秀"
