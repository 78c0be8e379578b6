"""Commitments: sentence cutting, cues and exclusions on text; then the real
documents against their gold (speakers, offsets, ranks, traditional script)."""
from __future__ import annotations

import difflib
import json
import re

import pytest

from pipeline.commitments import (
    commitments_of,
    excluded,
    find_cue,
    split_sentences,
)
from pipeline.model import Document, Flag, Section
from pipeline.normalise import clean
from pipeline.runner import Pipeline

from .conftest import SHARED, needs_shared, processed


def sentences(text: str) -> list[str]:
    return [clean(text[s.start:s.end]) for s in split_sentences(text, 0, len(text))]


def speech(text: str, speaker: str = "北塔区", kind: str = "pledge_speech", flags=()) -> list:
    """Commitments of `text` read as one section of type `kind`."""
    doc = Pipeline(["normalise"]).process_text(text)
    doc.sections = [Section("s1", kind, 0, len(text), speaker=speaker if kind == "pledge_speech" else None)]
    doc.flags = list(flags)
    return commitments_of(doc)


# ------------------------------------------------------------------- sentences

def test_sentences_end_at_marks_and_semicolons():
    assert sentences("下一步,我们将坚决打赢攻坚战;以最坚定的信念,全面实现目标。持续以制促管常态。") == [
        "下一步,我们将坚决打赢攻坚战;", "以最坚定的信念,全面实现目标。", "持续以制促管常态。"]


def test_a_quote_keeps_its_closing_mark_and_an_introduced_utterance_stands_alone():
    text = "“我们要全民动员。”会上，书记秦振衡说，“让我们全力打好决胜战！”"
    assert sentences(text) == ["“我们要全民动员。”", "会上，书记秦振衡说，", "“让我们全力打好决胜战！”"]


def test_a_sentence_drops_the_separators_around_it_as_whitespace():
    # \x1c-\x1f are whitespace to str.strip() but not to regex's \s: trimmed before squeezing
    text = "前言。\x1c下一步，我们将加强整改。\x1f"
    found = split_sentences(text, 0, len(text))
    assert [(s.start, s.end, s.text) for s in found] == [(0, 3, "前言。"), (4, 16, "下一步，我们将加强整改。")]


def test_a_quoted_phrase_inside_a_sentence_does_not_cut_it():
    assert len(sentences("突出“全域创建、全员创建”，“八措并举”奋力夺取最后胜利。")) == 1


# ------------------------------------------------------------------------ cues

@pytest.mark.parametrize("text, trigger, kind, subject", [
    ("下一步,我们将严格按照市委的要求。", "下一步", "pledge", None),
    ("郑重承诺:提高思想认识,加强组织领导。", "郑重承诺", "pledge", None),
    ("我们痛定思痛,将对标对表、举一反三。", "将", "first_person", None),
    ("我区上下将以时不我待的紧迫感真抓实干。", "将", "first_person", None),
    ("高新区将加强思想道德教育。", "将", "unit", "高新区"),
    ("市委、市政府将牢固树立民生为本的理念。", "将", "unit", "市委、市政府"),
    ("下一步,市创建办将以问题为导向进行督查。", "将", "unit", "市创建办"),
    ("被约谈冀州区级责任人表示,要以此次约谈为契机。", "要", "report", "冀州区级责任人"),
    ("***将围绕道路容貌开展专项治理工作。", "将", "unit", "***"),
])
def test_cues_name_their_trigger_and_subject(text, trigger, kind, subject):
    cue = find_cue(text)
    assert (cue.trigger[-len(trigger):], cue.kind, cue.subject) == (trigger, kind, subject)


@pytest.mark.parametrize("text", [
    "现将评价情况通报如下。",                       # 将 as 把, no subject
    "工信等市直部门就抓好下一步重点工作进行安排。",  # 下一步 inside a clause
    "高新区蒸水小学用歌声将音乐党史课推向高潮。",    # no unit right before 将
    "对存在的问题我们照单全收,我们深入剖析原因。",   # no modal
    "会议要求,各县区将整改情况于月底前上报。",       # asked of 各县区
])
def test_no_cue(text):
    assert find_cue(text) is None


@pytest.mark.parametrize("text", [
    "北塔区创文工作取得了一些实质性进展,但存在的问题还不少。",
    "王伟强调,我们要抢工期、赶进度。",
    "各级各有关部门要认清当前形势。",
    "请各县市区认真对照问题清单整改。",
    "今后,各地要加强督查。",
    "市创文办要求各单位认真整改。",
    "今年以来,我区将创文工作作为一号工程来抓,取得了明显成效。",
])
def test_self_criticism_and_directives_are_excluded(text):
    assert excluded(text, find_cue(text))


# ----------------------------------------------------------------- on sections

def test_a_pledge_speech_keeps_actions_after_the_first_cue():
    text = ("北塔区创文工作取得了一些进展,但存在的问题还不少。\n"
            "下一步,我们将坚持问题导向。持续以制促管常态。军令如山无戏言。坚决做到标准不降,力度不弱。\n")
    found = speech(text)
    assert [c.text for c in found] == ["下一步,我们将坚持问题导向。", "持续以制促管常态。",
                                       "坚决做到标准不降,力度不弱。"]
    assert {c.speaker for c in found} == {"北塔区"}
    assert [c.trigger for c in found] == ["下一步"] * 3
    for c in found:
        assert clean(text[c.start:c.end]) == c.text


def test_a_numbered_lead_phrase_joins_its_elaboration():
    text = "下一步,我们将重点做好以下工作。一是开展专项整治。我们将严格查处违规违章现象。\n"
    found = speech(text)
    assert [c.text for c in found] == ["下一步,我们将重点做好以下工作。",
                                       "开展专项整治。我们将严格查处违规违章现象。"]
    assert text[found[1].start:found[1].end] == found[1].text  # the span starts after 一是


@pytest.mark.parametrize("text, kind, kept", [
    ("郑重表态:\n第一,坚决扛起主体责任。区政府每周开展专题调度。", "pledge_speech",
     "坚决扛起主体责任。区政府每周开展专题调度。"),
    ("（二）区督查组将于11月中旬开展回头看。", "news", "区督查组将于11月中旬开展回头看。"),
    ("1.5亿元资金将全部用于整改。下一步，县财政局将追加投入。", "news", "下一步，县财政局将追加投入。"),
])
def test_numbering_is_dropped_from_the_text_but_not_a_decimal(text, kind, kept):
    found = speech(text + "\n", kind=kind)
    assert [c.text for c in found] == [kept]
    assert text[found[0].start:found[0].end] == kept


def test_news_keeps_plans_reports_and_quotes_but_not_directives():
    text = ("会议强调,要做到责任到位,将创城任务目标进一步分解。要制定切实可行的整改计划。\n"
            "被约谈区级责任人表示,要以此次约谈为契机,迅速整改。\n"
            "——抓好思想建设。高新区将加强理论学习。扎实开展理想信念教育。\n"
            "“下一步将加大投入,解决老大难问题。”市文联主席陈锐锋说道。\n")
    found = speech(text, kind="news")
    assert [(c.speaker, c.text) for c in found] == [
        ("区级责任人", "被约谈区级责任人表示,要以此次约谈为契机,迅速整改。"),
        ("高新区", "——抓好思想建设。"), ("高新区", "高新区将加强理论学习。"),
        ("高新区", "扎实开展理想信念教育。"),
        ("市文联", "下一步将加大投入,解决老大难问题。")]


def test_ocr_noise_is_kept_out_of_the_text():
    text = "下一步,我们将全国AG超玩会入口加大投入,把工作抓实抓牢。\n"
    at = text.index("全国AG")
    found = speech(text, flags=[Flag("ocr_noise", "spam", at + 2, at + 2 + len("AG超玩会入口"))])
    assert [c.text for c in found] == ["下一步,我们将全国加大投入,把工作抓实抓牢。"]


def test_a_sentence_repeated_word_for_word_is_kept_once():
    text = "下一步,我们将坚持问题导向。\n\n下一步,我们将坚持问题导向。\n"
    assert len(speech(text)) == 1


# -------------------------------------------------------------- real documents

def gold_of(name: str, sub: str = "gold") -> tuple[dict, str]:
    gold = json.loads(next((SHARED / sub).glob(f"{name}_*.json")).read_text())
    corpus = SHARED / sub.replace("gold", "corpus")
    return gold, str(corpus / gold["source"])


def matched(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs (gold, pred) as score.py pairs them: similarity of the texts >= 0.6."""
    squash = lambda s: re.sub(r"\s", "", s)
    pairs, used = [], set()
    for g in gold:
        best = max(((difflib.SequenceMatcher(None, squash(g["text"]), squash(p["text"]), autojunk=False).ratio(), i)
                    for i, p in enumerate(pred) if i not in used), default=(0, None))
        if best[0] >= 0.6:
            used.add(best[1])
            pairs.append((g, pred[best[1]]))
    return pairs


@needs_shared
@pytest.mark.parametrize("name, sub", [("001", "gold"), ("002", "gold"), ("003", "gold"), ("004", "gold"),
                                       ("w09", "web/gold"), ("w10", "web/gold"), ("w11", "web/gold")])
def test_real_commitments_match_the_gold(name, sub):
    """As score.py counts: F1 of the texts >= 0.9, the speaker right for 90% of matches."""
    gold, path = gold_of(name, sub)
    doc, raw = processed(path)
    pairs = matched(gold["commitments"], doc["commitments"])
    n_gold, n_pred = len(gold["commitments"]), len(doc["commitments"])
    assert 2 * len(pairs) / (n_gold + n_pred) >= 0.9
    right = [g for g, p in pairs if g["speaker"] in p["speaker"] or p["speaker"] in g["speaker"]]
    assert len(right) >= 0.9 * len(pairs)


@needs_shared
def test_real_spans_cover_their_text_and_point_at_their_section():
    gold, path = gold_of("001")
    doc, raw = processed(path)
    sections = {s["id"]: s for s in doc["sections"]}
    for c in doc["commitments"]:
        sec = sections[c["section"]]
        assert sec["start"] <= c["start"] < c["end"] <= sec["end"]
        assert clean(raw[c["start"]:c["end"]]) == c["text"]
        assert c["speaker"] == sec["speaker"]


@needs_shared
def test_a_pledge_carries_the_rank_of_its_unit():
    gold, path = gold_of("001")
    doc, raw = processed(path)
    ranked = {r["unit"]: r["rank"] for r in doc["records"] if r["rank"] is not None}
    last = [c for c in doc["commitments"] if c["speaker"] in ranked]
    assert last, "pledges of ranked units"
    for c in last:
        assert c["rank"] == ranked[c["speaker"]]


@needs_shared
def test_traditional_script_gives_the_same_commitments():
    import opencc
    gold, path = gold_of("001")
    doc, raw = processed(path)
    trad = opencc.OpenCC("s2t").convert(raw)
    assert len(trad) == len(raw)
    pipeline = Pipeline()
    tdoc = pipeline(Document.from_text(trad, "trad.txt")).to_dict()
    assert [(c["start"], c["end"]) for c in tdoc["commitments"]] == \
        [(c["start"], c["end"]) for c in doc["commitments"]]
    # speakers as printed: traditional in a traditional text
    assert [c["speaker"] for c in tdoc["commitments"]] == \
        [opencc.OpenCC("s2t").convert(c["speaker"]) for c in doc["commitments"]]


# ------------------------------------------------------------ speakers, quotes

def test_a_unit_after_a_report_verb_commits_itself():
    cue = find_cue("冯志刚表示,市政府将持续优化营商环境。")
    assert (cue.kind, cue.subject) == ("unit", "市政府")


def test_a_speech_without_a_speaker_names_itself():
    text = "我代表市文明办郑重表态:坚决贯彻落实决策部署。一、强化协调指导。我们将主动争取支持。\n"
    found = speech(text, speaker=None)
    assert [c.speaker for c in found] == ["市文明办", "市文明办"]
    assert found[1].text == "强化协调指导。我们将主动争取支持。"  # numbering dropped


def test_a_leaders_speech_gives_no_pledges():
    text = "县委书记在推进会上的讲话\n同志们:\n我们也要清醒地认识到,决战就在当前。我们要慎终如始,背水一战。\n"
    doc = Pipeline(["normalise"]).process_text(text)
    doc.title = "县委书记在推进会上的讲话"
    doc.sections = [Section("s1", "pledge_speech", 0, len(text), speaker="县委")]
    assert commitments_of(doc) == []


def test_quoted_text_loses_its_outer_quotation_marks_only():
    text = "“我们要确保‘创’出新局面。”党委书记秦振衡说。\n"
    found = speech(text, kind="news")
    assert [(c.speaker, c.text, c.speaker_full) for c in found] == [
        ("秦振衡", "我们要确保‘创’出新局面。", "秦振衡")]
    assert text[found[0].start] == "“"


def test_a_quotes_attribution_is_found_however_far_back_in_its_paragraph():
    quote = "“下一步,我们将全力以赴完成整改任务。”\n"
    filler = "今年以来,全市上下围绕创建目标扎实推进各项工作,取得了明显成效。" * 8  # 256 characters
    near, far = ("市文联主席陈锐锋说," + body + quote for body in ("", filler))
    assert len(filler) > 200  # further back than a window of the text just before the quote
    assert [(c.speaker, c.text) for c in speech(far, kind="news")] == [
        (c.speaker, c.text) for c in speech(near, kind="news")] == [("市文联", "下一步,我们将全力以赴完成整改任务。")]


def test_a_standard_named_by_要求_is_no_directive():
    assert not excluded("严格按照创文工作要求,高标准、严要求,再动员。", None)


def test_a_report_goes_on_to_the_end_of_its_paragraph():
    text = "该局有关负责人表示,明年将推行约谈制度。通过约谈,宣传新标准新法规。\n据悉,该局去年共约谈企业12家。\n"
    assert [(c.speaker, c.text) for c in speech(text, kind="news")] == [
        ("该局有关负责人", "该局有关负责人表示,明年将推行约谈制度。"),
        ("该局有关负责人", "通过约谈,宣传新标准新法规。")]


# ----------------------------------------------------------------- any text

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

PIECES = ["下一步", "我们将", "我们要", "高新区将", "表示,", "要", "将", "说,", "“", "”", "‘", "’", "。", "；",
          ",", "，", "：", "\n", "\n\n", " ", "一是", "郑重承诺:", "加强", "强调,", "存在的问题", "陈锐锋",
          "主席", "市文联", "认为", "***", "……", "!", "？", "——", "(", ")", "各区", "請", "們將", "x"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.sampled_from(sorted(
    ["pledge_speech", "news", "unrelated_news", "notice_body"])))
def test_any_text_gives_commitments_that_slice_back(pieces, kind):
    text = "".join(pieces)
    for c in speech(text, kind=kind):
        assert 0 <= c.start < c.end <= len(text)
        assert c.text and c.speaker
        assert c.text in clean(text[c.start:c.end])


def test_a_speech_titled_with_its_unit_is_that_units():
    text = "让我们深感愧疚。我们不回避问题,决心以此次会议为镜鉴,坚决彻底整改。\n"
    doc = Pipeline(["normalise"]).process_text(text)
    doc.title = "市交通运输局在全市综合考核工作会议上的表态发言"
    doc.sections = [Section("s1", "pledge_speech", 0, len(text))]
    assert [(c.speaker, c.trigger) for c in commitments_of(doc)] == [("市交通运输局", "决心")]


def test_a_governing_body_speaks_for_its_unit():
    text = "在此,我代表市交通运输局党组和全体干部职工,郑重表态:我们将坚决彻底整改。\n"
    assert {c.speaker for c in speech(text, speaker=None)} == {"市交通运输局"}


def test_a_units_plan_inside_a_quotation_is_that_units():
    text = "该负责人表示,评比旨在激励先进。“目前已进入冲刺阶段,象山区将全力打好攻坚战”。\n"
    assert [(c.speaker, c.trigger) for c in speech(text, kind="news")] == [("象山区", "将")]


@pytest.mark.parametrize("text, unit", [
    ("在今年第一季度考评中,望江区排名靠后,我们深感压力巨大。下一步,我们将坚决整改到位。\n", "望江区"),
    ("我们北辛街道都要走在前面,我们文坛社区都要勇夺第一。我们文坛社区全体干部必将奋战。\n", "文坛社区"),
])
def test_a_speech_names_itself_as_we(text, unit):
    assert {c.speaker for c in speech(text, speaker=None)} == {unit}


def test_a_byline_names_the_speaker_and_一要_is_a_numbered_lead():
    text = "在推进会上的表态发言\n石楼县县长　韩志刚\n\n我们将抓好三个方面工作。\n一要提高站位抓认识。把营商环境作为一把手工程来抓。\n"
    found = speech(text, speaker=None)
    assert [(c.speaker, c.text) for c in found] == [
        ("石楼县", "我们将抓好三个方面工作。"), ("石楼县", "提高站位抓认识。把营商环境作为一把手工程来抓。")]


@pytest.mark.parametrize("text, subject", [
    ("（二）区督查组将于11月中旬开展回头看。", "区督查组"),
    ("秋分前后我市将迎来明显降温。", None),
])
def test_numbered_plans_count_and_weather_does_not(text, subject):
    cue = find_cue(text)
    assert (cue.subject if cue else None) == subject


@needs_shared
@pytest.mark.parametrize("name, sub", [("000", "gold"), ("w01", "web/gold"), ("w05", "web/gold"),
                                       ("w07", "web/gold"), ("w08", "web/gold")])
def test_real_documents_without_pledges_give_none(name, sub):
    gold, path = gold_of(name, sub)
    assert gold["commitments"] == []
    doc, raw = processed(path)
    assert doc["commitments"] == []


@pytest.mark.parametrize("text, subject", [
    ("县教育体育局将把检查结果纳入年度考核，并对排名末位的学校负责人进行约谈。", "县教育体育局"),
    ("县整治办将对各组排名末位的单位进行跟踪督查。", "县整治办"),
    ("城东街道表示，对排名靠后深感压力，将立即开展渣土车辆专项整治。", "城东街道"),
])
def test_a_low_rank_beside_a_pledge_leaves_it_a_pledge(text, subject):
    cue = find_cue(text)
    assert cue.subject == subject and not excluded(text, cue)


@pytest.mark.parametrize("text", [
    "望江区排名靠后,我们深感压力巨大。",
    "今年一季度,枫林区创文考评排名末位。",
    "排名末位的乡镇要作说明。",
])
def test_a_low_rank_admitted_is_still_self_criticism(text):
    assert excluded(text, find_cue(text))


@pytest.mark.parametrize("text", [
    "据了解，红榜村将获得每村5000元的奖补资金。",
    "排名后两位的单位将被约谈。",
    "整改不力的单位将受到通报批评。",
])
def test_what_a_unit_receives_is_no_pledge(text):
    assert find_cue(text) is None


def test_what_a_unit_gives_is_its_plan():
    assert find_cue("对整改不力的，县爱卫办将予以通报批评。").subject == "县爱卫办"


def test_an_announced_pledge_opens_the_pledge_but_is_none_itself():
    text = "在此,我代表北塔区郑重表态:\n压实工作责任。区政府每周开展一次专题调度。\n"
    assert [c.text for c in speech(text)] == ["压实工作责任。", "区政府每周开展一次专题调度。"]
