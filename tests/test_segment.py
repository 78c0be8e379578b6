"""Sections: every gold section start of the real documents is found with its type,
genres are right, and the cues behave on small texts of our own."""
from __future__ import annotations

import json

import pytest

from pipeline.runner import Pipeline

from .conftest import SHARED, needs_shared, processed

SEGMENT_ONLY = Pipeline(["normalise", "segment"])


def gold_pairs():
    for sub, raw_sub in (("gold", "corpus"), ("web/gold", "web/corpus")):
        for gp in sorted((SHARED / sub).glob("*.json")):
            yield pytest.param(gp, SHARED / raw_sub / (gp.stem + ".txt"), id=gp.stem)


@needs_shared
@pytest.mark.parametrize("gold_path,raw_path", list(gold_pairs()))
def test_gold_sections_start_with_their_type(gold_path, raw_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc, raw = processed(str(raw_path))
    assert doc["genre"] == gold["genre"]
    pos, wrong = 0, []
    for g in gold["sections"]:
        at = raw.find(g["anchor"], pos)
        assert at >= 0
        pos = at + 1
        cover = [s for s in doc["sections"] if s["start"] <= at < s["end"]]
        assert len(cover) == 1
        s = cover[0]
        if s["type"] != g["type"] or raw[s["start"]:at].strip():
            wrong.append((g["anchor"][:12], g["type"], s["type"], s["start"], at))
    assert wrong == []


def seg(text):
    return SEGMENT_ONLY.process_text(text)


def types(doc):
    return [(s.type, s.text) for s in doc.sections]


def kinds_by_start(text, width):
    """Section type by the first `width` characters of the section's text."""
    return {text[s.start:s.end].strip()[:width]: s.type for s in seg(text).sections}


def test_wrapped_body_lines_are_one_section_and_tables_are_not_joined():
    width_line = "为深入贯彻落实全面实施预算绩效管理的决策部署，进"
    text = ("青财绩〔2025〕12号\n\n关于2024年度预算绩效评价结果的通报\n\n市直各预算单位：\n\n"
            f"{width_line}\n\n一步提升财政资源配置效率和使用效益，现将评价情况通报如下：\n\n"
            "经综合评价，纳入评价范围的3个单位，结果如下，请各单位对照整改，认真落实各项要求。\n\n"
            "序号 单位 分数 等次\n\n1 青川市统计局 97.6 优秀\n\n2 青川市审计局 88 良好\n\n3 青川市档案馆 61 合格\n")
    doc = seg(text)
    assert doc.genre == "notice"
    kinds = [t for t, _ in types(doc)]
    assert kinds == ["notice_header", "notice_body", "table"]
    body = doc.sections[1].text
    assert "进一步提升" in body  # the wrap across a blank line is re-joined
    table = doc.sections[2]
    assert text[table.start:].startswith("序号 单位")


def test_sections_tile_the_text_and_start_at_zero():
    text = "\n\n  关于开展检查的通知\n各单位：\n请按要求开展检查。\n"
    doc = seg(text)
    assert doc.sections[0].start == 0 and doc.sections[-1].end == len(text)
    for a, b in zip(doc.sections, doc.sections[1:]):
        assert a.end == b.start


def test_a_line_after_a_paywall_notice_starts_a_new_section_mid_line():
    text = ("在全市创建工作会议上的表态发言\n尊敬的各位领导：\n我们社区将全力以赴。\n隐藏内容\n此处内容需要权限查看\n"
            "会员免费查看下一步，我们将加强宣传引导。\n声明：本站所有文章均来自网络\n")
    doc = seg(text)
    assert doc.genre == "other"
    starts = {s.type: [] for s in doc.sections}
    for s in doc.sections:
        starts[s.type].append(text[s.start:s.start + 6])
    assert "下一步，我们" in starts["pledge_speech"]
    assert starts["other"][-1].startswith("声明")


def test_pledge_speakers_on_lines_of_their_own():
    text = ("关于推进创建工作的通报\n\n各县市区：\n\n现将有关情况通报如下。\n\n"
            "在全市创建工作推进会上的表态发言(摘要)\n\n云溪区\n\n下一步，我们将全力整改。\n\n"
            "青川市盐业公司\n\n我们郑重承诺：立即整改到位。\n")
    doc = seg(text)
    speeches = [s for s in doc.sections if s.type == "pledge_speech"]
    assert [s.speaker for s in speeches] == [None, "云溪区", "青川市盐业公司"]


def test_newspaper_articles_are_related_or_not_by_topic():
    text = ("责任编辑 张三 李四\n\n青川曰报\n\n创文考评结果公布 红黑榜出炉\n\n"
            "本报讯(记者王五)5月6日，市创建办公布全国文明城市创建考评红黑榜，排名靠后的社区被约谈整改。\n\n"
            "云溪区志愿者清理楼道。赵六 摄\n\n"
            "对外经贸洽谈会举行\n\n本报讯(记者钱七)5月9日，青川市对外经贸洽谈会举行，签约项目18个，总金额56亿元。\n")
    doc = seg(text)
    assert doc.genre == "newspaper"
    got = [(s.type, s.heading) for s in doc.sections]
    assert got[0][0] == "masthead"
    assert ("caption", None) in got
    news = [s for s in doc.sections if s.type == "news"]
    other = [s for s in doc.sections if s.type == "unrelated_news"]
    assert news and all(s.related is True for s in news)
    assert other and other[0].heading == "对外经贸洽谈会举行" and other[0].related is False


def test_a_paragraph_printed_twice_is_flagged():
    para = "高新区将进一步细化明确部门工作职责，凝聚工作合力，着力构建学校、家庭、社会协同育人体系。"
    doc = seg(f"标题一行\n\n{para}\n\n中间一段内容。\n\n{para}\n")
    dup = [f for f in doc.flags if f.code == "duplicate_paragraph"]
    assert len(dup) == 1 and doc.raw[dup[0].start:dup[0].end] == para


def test_traditional_script_is_recognised_like_simplified():
    text = ("關於2024年第一季度創建工作考評結果的通報\n\n各縣市區：\n\n現將考評結果通報如下。\n\n"
            "考核對象\t得分\t排名\n雲溪區\t93.5\t1\n望江區\t91.2\t2\n")
    doc = seg(text)
    assert doc.genre == "notice"
    assert [s.type for s in doc.sections] == ["notice_header", "notice_body", "table"]


def test_headings_run_into_a_collapsed_paragraph_start_new_units():
    body = ("现将考评情况通报如下。 一、考评总体情况 本轮共考评了十二个村，成绩优秀的三个，良好的九个。"
            "二、各镇成绩档次分布情况 详见附表。(一)存在的问题 部分村保洁不到位。")
    doc = seg(f"关于考评情况的通报\n各镇：\n{body}\n")
    starts = [doc.raw[u.start:u.start + 5] for u in doc.work["units"]]
    assert {"一、考评总", "二、各镇成", "(一)存在"} <= set(starts)
    assert all(s.type != "other" for s in doc.sections)


@needs_shared
@pytest.mark.parametrize("path", [p for sub in ("corpus", "web/corpus") for p in sorted((SHARED / sub).glob("*.txt"))],
                         ids=lambda p: p.stem)
def test_a_traditional_script_copy_gets_the_same_sections(path):
    import opencc
    raw = path.read_text(encoding="utf-8-sig")
    traditional = opencc.OpenCC("s2t").convert(raw)
    assert len(traditional) == len(raw) and traditional != raw
    a, b = seg(raw), seg(traditional)
    assert b.genre == a.genre
    assert [(s.type, s.start, s.end, s.speaker is None) for s in b.sections] == \
        [(s.type, s.start, s.end, s.speaker is None) for s in a.sections]


def test_a_results_table_on_its_own_is_a_notice():
    doc = seg("2024年第二季度文明单位考评结果表\n\n序号\t单位\t得分\t排名\n1\t青川市统计局\t95.5\t1\n2\t青川市审计局\t93\t2\n")
    assert doc.genre == "notice"
    assert [s.type for s in doc.sections] == ["table_title", "table"]


def test_a_text_of_no_known_kind_is_not_taken_for_a_speech():
    doc = seg("今日天气晴好\n\n今天全市天气晴朗，气温适宜，市民纷纷外出踏青游玩，公园里游人如织。\n")
    assert doc.genre == "other"
    assert "pledge_speech" not in {s.type for s in doc.sections}


def test_pdf_page_footers_and_column_labels_and_teasers():
    text = ("云川日报\n\n文明交通测评结果公布\n\n本报记者 邓晓峰\n\n"
            "9月19日，市文明办发布文明交通测评结果，两个区排名靠后被约谈整改。\n\n— 2 —\n\n"
            "短评\n“黄牌”是警示更是鞭策\n许晴\n\n文明交通测评排名，考的是作风，各区要把测评问题当作整改清单。\n\n"
            "相关阅读\n· 我区启动冬季供暖设施安全检查\n· 区市场监管局开展月饼质量抽检\n")
    kinds = kinds_by_start(text, 6)
    assert kinds["本报记者 邓"] == "byline"
    assert kinds["— 2 —"] == "other"
    assert kinds["短评\n“黄牌"] == "news"
    assert kinds["许晴"] == "byline"
    assert kinds["相关阅读"] == "other"
    assert kinds["· 我区启动"] == kinds["· 区市场监"] == "unrelated_news"


def test_a_speech_speaker_named_on_the_line_under_the_title():
    doc = seg("在全县创建工作推进会上的表态发言\n石楼县县长 韩志刚\n\n一要提高认识抓落实。我们将全力整改。\n")
    assert {s.speaker for s in doc.sections if s.type == "pledge_speech"} == {"石楼县"}


def test_a_split_line_whose_second_piece_is_furniture_keeps_the_tiling():
    text = "0" * 71 + ": 0000000"
    doc = seg(text)
    assert all(s.end > s.start for s in doc.sections)
    assert doc.sections[0].start == 0 and doc.sections[-1].end == len(text)


def test_scan_debris_pipes_and_numeric_headers_and_persons_in_lists():
    text = ("| 青川县爱国卫生运动委员会办公室\n|关于检查结果的通报\n|各乡镇人民政府：\n"
            "　　现将检查结果通报如下，请各乡镇认真整改落实，确保问题全部整改到位。\n"
            "表2 问题整改情况统计表\n乡镇 问题数 已整改 整改率\n玉溪镇 12 10 83.3%\n石门乡 9 9 100%\n"
            "二、先进个人（2名）\n王振华（青石镇人民政府）\n李秀英（县卫生健康局）\n| - 1 -\n")
    doc = seg(text)
    by_start = kinds_by_start(text, 5)
    assert by_start["| 青川县"] == "notice_header"
    assert by_start["乡镇 问题"] == "table" and by_start["表2 问题"] == "table_title"
    assert by_start["二、先进个"] == "name_list"
    assert by_start["| - 1"] == "other"
    assert any(f.code == "ocr_noise" and text[f.start:f.end].strip() == "|" for f in doc.flags)


def test_a_leaders_speech_gives_directives_not_a_pledge_speech():
    doc = seg("在全县城乡环境综合整治推进会上的讲话\n县委常委、常务副县长 邓志远\n\n同志们：\n"
              "今天召开会议，主要任务是部署下一阶段工作。各乡镇要提高认识，压实责任。\n")
    assert doc.genre == "other"
    assert "pledge_speech" not in {s.type for s in doc.sections}


def test_spam_is_flagged_but_a_unit_name_is_not():
    text = ("关于考评结果的通报\n各单位：\n双溪镇位列第一名，开心棋牌官方下载获得流动红旗。\n"
            "序号 单位 分数\n1 青川市福利彩票发行中心 95.5\n2 青川市统计局 93\n")
    doc = seg(text)
    spans = [text[f.start:f.end] for f in doc.flags if f.code == "ocr_noise"]
    assert any("棋牌" in s for s in spans)
    assert not any("彩票" in s for s in spans)


def test_a_piped_table_one_cell_a_line_is_one_table():
    text = "各村委会：\n现将考评情况通报如下：\n|\n排名 |\n村别 |\n得分 |\n|\n第一名 |\n燎原村 |\n" \
           "房前屋后保洁不到位，垃圾桶收集点保洁不到位造成卫生死角，需要立即整改。 |\n93 |\n"
    doc = seg(text)
    assert [s.type for s in doc.sections][-1] == "table"
    assert sum(s.type == "table" for s in doc.sections) == 1


def test_long_runs_of_spaces_or_sentences_stay_linear():
    # quadratic before: 20,000 spaces took 40 s, 10,000 one-character sentences 97 s
    for text in ("甲" + " " * 20000 + "乙", "。 " * 10000):
        doc = seg(text)
        assert doc.sections[-1].end == len(text)


def test_every_cue_of_sections_and_elements_toml_joins_into_one_pattern_safely():
    """section_cues.Cue joins a list's patterns with union, unguarded (segment's cues, elements'
    furniture and not_recipients): none may hold inline flags, conditionals or back-references."""
    from pipeline import config
    from pipeline.section_cues import combinable, union

    assert union(["a", "b|c"]) == "(?:a)|(?:b|c)"
    assert not combinable(["(?i)a"]) and not combinable([r"(a)\1"]) and combinable(["(?:a)(?P<x>b)(?=c)"])

    def lists(value):
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from lists(v)
    unsafe = [ps for name in ("sections", "elements") for ps in lists(config.load(name)) if not combinable(ps)]
    assert not unsafe
